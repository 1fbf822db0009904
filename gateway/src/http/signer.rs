//! Authentication as an extractor: a handler that takes a [`Signer`] is served only to a request
//! signed (RFC 9421) by the registered key of an active identity, fresh, never replayed, within
//! that identity's rate. The signature headers document themselves in the OpenAPI document
//! (`params(Signer)`).

use axum::{
	extract::FromRequestParts,
	http::{request::Parts, HeaderMap, StatusCode},
};
use medchain_client::httpsig;
use medchain_primitives::identity::{SubjectId, SubjectStatus};
use sha2::{Digest as _, Sha256};
use utoipa::{
	openapi::{
		path::{Parameter, ParameterBuilder, ParameterIn},
		schema::{ObjectBuilder, Type},
		Required,
	},
	IntoParams,
};

use super::{error::ApiError, Gateway, Result, Shared, MAX_NONCE};
use crate::audit::now_ms;

/// The subject whose registered key signed the request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Signer(pub SubjectId);

impl FromRequestParts<Shared> for Signer {
	type Rejection = ApiError;

	async fn from_request_parts(parts: &mut Parts, gateway: &Shared) -> Result<Self> {
		authenticate(gateway, parts).await.map(Signer)
	}
}

/// Checks a request's signature, freshness and nonce, and resolves its signer to a subject;
/// then the signer's rate. `medchain-*` headers must be covered by the signature.
async fn authenticate(gateway: &Gateway, parts: &Parts) -> Result<SubjectId> {
	let headers = &parts.headers;
	let text = |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_owned);
	let input = text("signature-input").ok_or_else(|| {
		ApiError::unauthorized("the request is not signed (Signature-Input missing)")
	})?;
	let signature = text("signature")
		.ok_or_else(|| ApiError::unauthorized("the request is not signed (Signature missing)"))?;
	let signed = httpsig::verify(
		parts.method.as_str(),
		parts.uri.path(),
		parts.uri.query().unwrap_or(""),
		&input,
		&signature,
		text,
	)
	.map_err(|e| ApiError::unauthorized(format!("bad signature: {e}")))?;
	for name in headers.keys() {
		if name.as_str().starts_with("medchain-") && !signed.covers(name.as_str()) {
			return Err(ApiError::unauthorized(format!("the signature does not cover {name}")));
		}
	}
	if signed.nonce.is_empty() || signed.nonce.len() > MAX_NONCE {
		return Err(ApiError::unauthorized(format!("the nonce must be 1 to {MAX_NONCE} bytes")));
	}
	// Who signed, and their rate, before any nonce is remembered: keys that control no active
	// identity cannot fill the nonce table.
	let subject = gateway
		.view
		.subject_of(signed.account)
		.await
		.map_err(ApiError::chain)?
		.ok_or_else(|| ApiError::unauthorized("the signing key controls no identity on chain"))?;
	let active = gateway
		.view
		.identity(subject)
		.await
		.map_err(ApiError::chain)?
		.is_some_and(|d| d.status == SubjectStatus::Active);
	if !active {
		return Err(ApiError::unauthorized(format!("{} is deactivated", subject.to_did())));
	}
	if gateway.limiter.check_key(&subject).is_err() {
		return Err(ApiError::new(
			StatusCode::TOO_MANY_REQUESTS,
			"throttled",
			format!(
				"{} is over {} requests/s",
				subject.to_did(),
				gateway.config.requests_per_second
			),
		));
	}
	gateway
		.replay
		.check(&signed, now_ms() / 1000)
		.map_err(|e| ApiError::unauthorized(e.to_string()))?;
	Ok(subject)
}

/// A request without a body must say so: `Content-Digest` of the empty body.
pub fn empty_body(headers: &HeaderMap) -> Result<()> {
	let digest = headers
		.get("content-digest")
		.and_then(|v| v.to_str().ok())
		.ok_or_else(|| ApiError::unauthorized("Content-Digest missing"))?;
	httpsig::check_digest(digest, &Sha256::digest(b"").into())
		.map_err(|e| ApiError::bad_request(format!("Content-Digest: {e}")))
}

/// The headers of a signed request, as the OpenAPI document describes them.
impl IntoParams for Signer {
	fn into_params(_: impl Fn() -> Option<ParameterIn>) -> Vec<Parameter> {
		[
			(
				"Signature-Input",
				"RFC 9421: medchain=(\"@method\" \"@path\" \"@query\" \"content-digest\" …);created=<unix s>;nonce=\"<random>\";keyid=\"0x<account>\";tag=\"medchain-gateway-v1\", covering every MedChain-* header the request carries",
			),
			("Signature", "RFC 9421: medchain=:<base64 sr25519 signature>:"),
			("Content-Digest", "RFC 9530: sha-256=:<base64>: of the body, the empty body included"),
		]
		.into_iter()
		.map(|(name, description)| {
			ParameterBuilder::new()
				.name(name)
				.parameter_in(ParameterIn::Header)
				.required(Required::True)
				.description(Some(description))
				.schema(Some(ObjectBuilder::new().schema_type(Type::String)))
				.build()
		})
		.collect()
	}
}

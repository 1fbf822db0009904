//! One error type, rendered one way. Every failure is a FHIR R4 OperationOutcome
//! (`application/fhir+json`) with a status that says what went wrong: a handler's refusal, an
//! extractor's, and the framework's own (an unknown route, a wrong method, a body over the
//! limit), which [`outcome`] rewrites on the way out.

use axum::{
	body::Body,
	http::{header, HeaderValue, Method, StatusCode, Uri},
	response::{IntoResponse, Response},
};
use medchain_client::{fhir::DENY_REASON_SYSTEM, gateway::DENY_REASON_HEADER};
use medchain_primitives::consent::{DenyReason, RecordId};
use serde::Serialize;
use utoipa::ToSchema;

/// The media type of every error answer (and of the FHIR searches' Bundles).
pub const FHIR_JSON: &str = "application/fhir+json";

/// What a 503 tells a client to wait before trying again, seconds.
pub const RETRY_AFTER_SECONDS: u64 = 2;

/// Most bytes of a framework's own error text carried into an OperationOutcome.
const MAX_FRAMEWORK_TEXT: usize = 4096;

/// An error answer: HTTP status and a FHIR OperationOutcome.
#[derive(Debug)]
pub struct ApiError {
	status: StatusCode,
	code: &'static str,
	diagnostics: String,
	deny: Option<DenyReason>,
	retry_after: Option<u64>,
}

impl ApiError {
	/// `status` with a FHIR IssueType `code` and the reason.
	pub fn new(status: StatusCode, code: &'static str, diagnostics: impl Into<String>) -> Self {
		Self { status, code, diagnostics: diagnostics.into(), deny: None, retry_after: None }
	}

	/// The same error, telling the client to try again after `seconds`.
	pub fn retry_after(self, seconds: u64) -> Self {
		Self { retry_after: Some(seconds), ..self }
	}

	/// 400: the request is malformed.
	pub fn bad_request(diagnostics: impl Into<String>) -> Self {
		Self::new(StatusCode::BAD_REQUEST, "invalid", diagnostics)
	}

	/// 401: not signed, or not by a key the chain knows.
	pub fn unauthorized(diagnostics: impl Into<String>) -> Self {
		Self::new(StatusCode::UNAUTHORIZED, "login", diagnostics)
	}

	/// 403: signed, and not allowed.
	pub fn forbidden(diagnostics: impl Into<String>) -> Self {
		Self::new(StatusCode::FORBIDDEN, "forbidden", diagnostics)
	}

	/// 404.
	pub fn not_found(diagnostics: impl Into<String>) -> Self {
		Self::new(StatusCode::NOT_FOUND, "not-found", diagnostics)
	}

	/// 409: the request conflicts with the record's state.
	pub fn conflict(diagnostics: impl Into<String>) -> Self {
		Self::new(StatusCode::CONFLICT, "conflict", diagnostics)
	}

	/// 410: the record was erased.
	pub fn gone(record: &RecordId) -> Self {
		Self::new(
			StatusCode::GONE,
			"deleted",
			format!(
				"record 0x{} was erased: its ciphertext and keys are gone",
				hex::encode(record.0)
			),
		)
	}

	/// 413: `length` bytes is over the gateway's `limit`.
	pub fn too_large(length: u64, limit: u64) -> Self {
		Self::new(
			StatusCode::PAYLOAD_TOO_LARGE,
			"too-costly",
			format!("{length} bytes is over this gateway's limit of {limit}"),
		)
	}

	/// 500: the gateway failed.
	pub fn internal(error: impl std::fmt::Display) -> Self {
		Self::new(StatusCode::INTERNAL_SERVER_ERROR, "exception", error.to_string())
	}

	/// 503: the chain cannot answer.
	pub fn chain(error: impl std::fmt::Display) -> Self {
		Self::new(
			StatusCode::SERVICE_UNAVAILABLE,
			"transient",
			format!("the chain cannot answer: {error}"),
		)
	}

	/// 403: the chain's access rule denied the read, for `reason`.
	pub fn denied(reason: DenyReason) -> Self {
		Self {
			deny: Some(reason),
			..Self::forbidden(format!(
				"access denied by the chain's access rule: {}",
				reason.code()
			))
		}
	}

	/// What the HTTP stack answered by itself with `status` and, perhaps, a line of `text`
	/// (an extractor's rejection, a layer's refusal), in this API's terms.
	pub fn from_status(status: StatusCode, text: Option<String>) -> Self {
		let (code, otherwise) = match status {
			StatusCode::NOT_FOUND => ("not-found", "no such route or file"),
			StatusCode::METHOD_NOT_ALLOWED => {
				("not-supported", "this method is not allowed here: see the Allow header")
			},
			StatusCode::PAYLOAD_TOO_LARGE => {
				("too-costly", "the body is over this gateway's limit")
			},
			StatusCode::LENGTH_REQUIRED => ("required", "Content-Length is required"),
			StatusCode::UNSUPPORTED_MEDIA_TYPE => ("not-supported", "unsupported media type"),
			StatusCode::REQUEST_TIMEOUT => ("timeout", "the request took too long"),
			StatusCode::TOO_MANY_REQUESTS => ("throttled", "too many requests"),
			StatusCode::SERVICE_UNAVAILABLE => ("transient", "the gateway cannot answer now"),
			status if status.is_server_error() => ("exception", "the gateway failed"),
			_ => ("invalid", "the request cannot be served as it is"),
		};
		Self::new(status, code, text.unwrap_or_else(|| otherwise.to_owned()))
	}

	/// The body.
	pub fn outcome(&self) -> OperationOutcome {
		OperationOutcome {
			resource_type: OutcomeResource::OperationOutcome,
			issue: vec![Issue {
				severity: Severity::Error,
				code: self.code,
				diagnostics: self.diagnostics.clone(),
				details: self.deny.map(|reason| CodeableConcept {
					coding: vec![Coding { system: DENY_REASON_SYSTEM, code: reason.code() }],
					text: reason.code(),
				}),
			}],
		}
	}
}

impl IntoResponse for ApiError {
	fn into_response(self) -> Response {
		let body = serde_json::to_string(&self.outcome()).expect("an OperationOutcome serializes");
		let mut response = (self.status, [(header::CONTENT_TYPE, FHIR_JSON)], body).into_response();
		if let Some(reason) = self.deny {
			response
				.headers_mut()
				.insert(DENY_REASON_HEADER, HeaderValue::from_static(reason.code()));
		}
		if let Some(seconds) = self.retry_after {
			response.headers_mut().insert(header::RETRY_AFTER, seconds.into());
		}
		response
	}
}

/// A FHIR R4 OperationOutcome of one issue: the body of every error this gateway answers.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct OperationOutcome {
	/// `OperationOutcome`.
	#[schema(inline)]
	pub resource_type: OutcomeResource,
	/// What went wrong: one issue.
	pub issue: Vec<Issue>,
}

/// The resource type of an [`OperationOutcome`].
#[derive(Clone, Copy, Debug, Serialize, ToSchema)]
pub enum OutcomeResource {
	/// The only one.
	OperationOutcome,
}

/// One issue of an [`OperationOutcome`].
#[derive(Debug, Serialize, ToSchema)]
pub struct Issue {
	/// `error`.
	#[schema(inline)]
	pub severity: Severity,
	/// The FHIR IssueType: `invalid`, `login`, `forbidden`, `not-found`, `deleted`, `conflict`,
	/// `required`, `too-costly`, `not-supported`, `throttled`, `transient`, `exception`, …
	pub code: &'static str,
	/// Why, in a sentence a person can act on.
	pub diagnostics: String,
	/// For a read the access rule denied: the rule's reason, also in `MedChain-Deny-Reason`.
	#[serde(skip_serializing_if = "Option::is_none")]
	pub details: Option<CodeableConcept>,
}

/// How bad an [`Issue`] is.
#[derive(Clone, Copy, Debug, Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
	/// The request failed.
	Error,
}

/// A FHIR CodeableConcept of one coding.
#[derive(Debug, Serialize, ToSchema)]
pub struct CodeableConcept {
	/// The coding.
	pub coding: Vec<Coding>,
	/// The code again, as text.
	pub text: &'static str,
}

/// A FHIR Coding: a code of a code system.
#[derive(Debug, Serialize, ToSchema)]
pub struct Coding {
	/// The code system (`urn:medchain:fhir:deny-reason`).
	pub system: &'static str,
	/// The code (`no-consent`, `revoked`, `purpose-not-allowed`, …).
	pub code: &'static str,
}

/// The fallback when no portal is served: a path no route takes.
pub async fn no_route(uri: Uri) -> ApiError {
	ApiError::not_found(format!("no route serves {}", uri.path()))
}

/// A route exists, but not for this method (axum adds the `Allow` header).
pub async fn method_not_allowed(method: Method, uri: Uri) -> ApiError {
	ApiError::new(
		StatusCode::METHOD_NOT_ALLOWED,
		"not-supported",
		format!("{method} is not served at {}: see the Allow header", uri.path()),
	)
}

/// The last word on every answer: an error that the HTTP stack answered by itself, without an
/// OperationOutcome (a layer's 413, a static file's 404 or 405, an extractor's text), becomes one
/// with the same status and headers (a 405 keeps its `Allow`).
pub async fn outcome(response: Response) -> Response {
	let status = response.status();
	let rendered = response
		.headers()
		.get(header::CONTENT_TYPE)
		.and_then(|value| value.to_str().ok())
		.is_some_and(|value| value.starts_with(FHIR_JSON));
	if rendered || !(status.is_client_error() || status.is_server_error()) {
		return response;
	}
	let (mut parts, body) = response.into_parts();
	let text = axum::body::to_bytes(body, MAX_FRAMEWORK_TEXT)
		.await
		.ok()
		.map(|bytes| String::from_utf8_lossy(&bytes).trim().to_owned())
		.filter(|text| !text.is_empty());
	let body = serde_json::to_string(&ApiError::from_status(status, text).outcome())
		.expect("an OperationOutcome serializes");
	parts.headers.remove(header::CONTENT_LENGTH);
	parts.headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(FHIR_JSON));
	Response::from_parts(parts, Body::from(body))
}

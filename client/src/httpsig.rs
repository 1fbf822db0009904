//! Signed gateway requests: HTTP Message Signatures (RFC 9421) made with the requester's
//! registered sr25519 key, over a SHA-256 `Content-Digest` of the body (RFC 9530).
//!
//! Every request to a gateway other than `/health`, `/metrics`, `/info` and `/openapi.json`
//! carries:
//!
//! ```text
//! Content-Digest: sha-256=:<base64 of SHA-256(body)>:
//! Signature-Input: medchain=("@method" "@path" "@query" "content-digest" …);created=<unix s>;nonce="<random>";keyid="0x<account>";tag="medchain-gateway-v1"
//! Signature: medchain=:<base64 of the 64-byte sr25519 signature>:
//! ```
//!
//! The signature base is RFC 9421's (§2.5): one line per covered component, `"name": value`, then
//! `"@signature-params": <the inner list as serialized>`. The signature is sr25519 with
//! Substrate's signing context (`substrate`), as Polkadot.js signs, so a browser or dApp signs
//! with the keys it already holds; a signature over `<Bytes>base</Bytes>`, which is all a browser
//! extension's `signRaw` will sign, verifies too. `keyid` is the controller account in hex, which
//! the gateway resolves to a subject on chain. The gateway requires `@method`, `@path`, `@query`
//! and `content-digest`, plus every `medchain-*` header it acts on.
//!
//! No crate implements RFC 9421 for sr25519 keys (the maintained `httpsig` crate supports
//! Ed25519, ECDSA and HMAC only), so the signature base is built here, on `sfv`'s structured
//! field parser and serializer (RFC 9651).
//!
//! ```
//! use medchain_client::{httpsig, keys::Keys};
//! let keys = Keys::generate();
//! let digest = httpsig::content_digest(b"");
//! let headers = httpsig::sign(keys.signer(), "GET", "/records/0x01", "purpose=TREAT",
//!     &[("content-digest", &digest)], 1_700_000_000, "bm9uY2U");
//! let signed = httpsig::verify("GET", "/records/0x01", "purpose=TREAT",
//!     &headers.signature_input, &headers.signature,
//!     |name| (name == "content-digest").then(|| digest.clone())).unwrap();
//! assert_eq!(signed.account, keys.account().0);
//! ```

use base64::{engine::general_purpose::STANDARD, Engine};
use sfv::{
	BareItem, Dictionary, InnerList, Integer, KeyRef, ListEntry, ListSerializer, Parser, StringRef,
};
use sha2::{Digest, Sha256};
use subxt_signer::sr25519::{self, Keypair};

/// The label of MedChain's signature in `Signature-Input` and `Signature`.
pub const LABEL: &str = "medchain";
/// The `tag` parameter: which protocol the signature is for (RFC 9421 §2.3).
pub const TAG: &str = "medchain-gateway-v1";
/// The components every signed request must cover.
pub const REQUIRED: [&str; 4] = ["@method", "@path", "@query", "content-digest"];

/// Why a signature is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
	/// A header is missing.
	#[error("missing header {0}")]
	Missing(&'static str),
	/// A header is not what RFC 9421 and this protocol expect.
	#[error("malformed {0}")]
	Malformed(&'static str),
	/// A required component, or a `medchain-*` header acted on, is not covered.
	#[error("the signature does not cover {0}")]
	NotCovered(String),
	/// The signature does not verify against the key.
	#[error("the signature does not verify")]
	Invalid,
	/// The body does not match its `Content-Digest`.
	#[error("the body does not match Content-Digest")]
	DigestMismatch,
}

/// The headers that carry a signature.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignatureHeaders {
	/// `Signature-Input`.
	pub signature_input: String,
	/// `Signature`.
	pub signature: String,
}

/// What a verified signature says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Signed {
	/// The signer's account (sr25519 public key).
	pub account: [u8; 32],
	/// When it was signed, Unix seconds.
	pub created: u64,
	/// The signer's nonce: never to be accepted twice.
	pub nonce: String,
	/// The covered components, in order.
	pub components: Vec<String>,
}

impl Signed {
	/// Whether `component` (lowercase) is covered.
	pub fn covers(&self, component: &str) -> bool {
		self.components.iter().any(|c| c == component)
	}
}

/// `Content-Digest` of `body`: `sha-256=:<base64>:`.
pub fn content_digest(body: &[u8]) -> String {
	digest_header(&Sha256::digest(body).into())
}

/// `Content-Digest` from a SHA-256 computed elsewhere (a streamed body).
pub fn digest_header(sha256: &[u8; 32]) -> String {
	format!("sha-256=:{}:", STANDARD.encode(sha256))
}

/// A fresh random nonce (16 bytes, base64).
pub fn nonce() -> String {
	STANDARD.encode(rand::random::<[u8; 16]>())
}

/// The `@signature-params` value: the covered components and the parameters, serialized.
fn signature_params(components: &[&str], created: u64, nonce: &str, keyid: &str) -> Option<String> {
	let mut list = ListSerializer::new();
	{
		let mut inner = list.inner_list();
		for component in components {
			// The serializers write as they go; the returned parameter writers are not needed.
			let _ = inner.bare_item(StringRef::from_str(component).ok()?);
		}
		let _ = inner
			.finish()
			.parameter(KeyRef::constant("created"), Integer::try_from(created).ok()?)
			.parameter(KeyRef::constant("nonce"), StringRef::from_str(nonce).ok()?)
			.parameter(KeyRef::constant("keyid"), StringRef::from_str(keyid).ok()?)
			.parameter(KeyRef::constant("tag"), StringRef::constant(TAG));
	}
	list.finish()
}

/// The signature base (RFC 9421 §2.5).
fn signature_base(
	method: &str,
	path: &str,
	query: &str,
	components: &[&str],
	field: &impl Fn(&str) -> Option<String>,
	params: &str,
) -> Result<String, SignatureError> {
	let mut base = String::new();
	for component in components {
		let value = match *component {
			"@method" => method.to_ascii_uppercase(),
			"@path" => path.to_owned(),
			"@query" => format!("?{query}"),
			name if name.starts_with('@') => {
				return Err(SignatureError::Malformed("Signature-Input"))
			},
			name => field(name).ok_or_else(|| SignatureError::NotCovered(name.to_owned()))?,
		};
		if value.contains('\n') {
			return Err(SignatureError::Malformed("covered field"));
		}
		base.push_str(&format!("\"{component}\": {}\n", value.trim()));
	}
	base.push_str(&format!("\"@signature-params\": {params}"));
	Ok(base)
}

/// Signs a request: `fields` are the lowercase header names and values to cover besides the
/// derived components (`content-digest` always; `medchain-*` headers the request carries).
/// `query` is the query string without `?`.
pub fn sign(
	signer: &Keypair,
	method: &str,
	path: &str,
	query: &str,
	fields: &[(&str, &str)],
	created: u64,
	nonce: &str,
) -> SignatureHeaders {
	let keyid = format!("0x{}", hex::encode(signer.public_key().0));
	let mut components = vec!["@method", "@path", "@query"];
	components.extend(fields.iter().map(|(name, _)| *name));
	let params = signature_params(&components, created, nonce, &keyid)
		.expect("components, nonce and keyid are ASCII the caller controls");
	let lookup = |name: &str| fields.iter().find(|(n, _)| *n == name).map(|(_, v)| v.to_string());
	let base = signature_base(method, path, query, &components, &lookup, &params)
		.expect("every covered field is given");
	let signature = signer.sign(base.as_bytes());
	SignatureHeaders {
		signature_input: format!("{LABEL}={params}"),
		signature: format!("{LABEL}=:{}:", STANDARD.encode(signature.0)),
	}
}

fn string_param(list: &InnerList, key: &str) -> Option<String> {
	match list.params.get(key)? {
		BareItem::String(s) => Some(s.as_str().to_owned()),
		_ => None,
	}
}

/// Verifies a request's signature: parses `Signature-Input` and `Signature`, requires the
/// [`REQUIRED`] components, rebuilds the signature base with `field` (a header by lowercase
/// name) and checks the sr25519 signature against `keyid`. Freshness and nonce reuse are the
/// caller's to judge from [`Signed`]; the body against `content-digest` too ([`check_digest`]).
pub fn verify(
	method: &str,
	path: &str,
	query: &str,
	signature_input: &str,
	signature: &str,
	field: impl Fn(&str) -> Option<String>,
) -> Result<Signed, SignatureError> {
	let malformed = SignatureError::Malformed;
	let inputs: Dictionary =
		Parser::new(signature_input).parse().map_err(|_| malformed("Signature-Input"))?;
	let Some(ListEntry::InnerList(list)) = inputs.get(LABEL) else {
		return Err(malformed("Signature-Input: no `medchain` signature"));
	};
	let mut components = Vec::with_capacity(list.items.len());
	for item in &list.items {
		match &item.bare_item {
			BareItem::String(s) if item.params.is_empty() => components.push(s.as_str().to_owned()),
			_ => return Err(malformed("Signature-Input: component")),
		}
	}
	for required in REQUIRED {
		if !components.iter().any(|c| c == required) {
			return Err(SignatureError::NotCovered(required.to_owned()));
		}
	}
	let created = match list.params.get("created") {
		Some(BareItem::Integer(i)) => {
			u64::try_from(i64::from(*i)).map_err(|_| malformed("created"))?
		},
		_ => return Err(malformed("Signature-Input: created")),
	};
	let nonce = string_param(list, "nonce").ok_or(malformed("Signature-Input: nonce"))?;
	let keyid = string_param(list, "keyid").ok_or(malformed("Signature-Input: keyid"))?;
	if string_param(list, "tag").as_deref() != Some(TAG) {
		return Err(malformed("Signature-Input: tag"));
	}
	if list
		.params
		.keys()
		.any(|k| !["created", "nonce", "keyid", "tag"].contains(&k.as_str()))
	{
		return Err(malformed("Signature-Input: unknown parameter"));
	}
	let account: [u8; 32] = hex::decode(keyid.trim_start_matches("0x"))
		.ok()
		.and_then(|b| b.try_into().ok())
		.ok_or(malformed("keyid"))?;
	let params = signature_params(
		&components.iter().map(String::as_str).collect::<Vec<_>>(),
		created,
		&nonce,
		&keyid,
	)
	.ok_or(malformed("Signature-Input"))?;
	let names: Vec<&str> = components.iter().map(String::as_str).collect();
	let base = signature_base(method, path, query, &names, &field, &params)?;

	let signatures: Dictionary =
		Parser::new(signature).parse().map_err(|_| malformed("Signature"))?;
	let bytes = match signatures.get(LABEL) {
		Some(ListEntry::Item(item)) => match &item.bare_item {
			BareItem::ByteSequence(bytes) => bytes.clone(),
			_ => return Err(malformed("Signature")),
		},
		_ => return Err(malformed("Signature: no `medchain` signature")),
	};
	let bytes: [u8; 64] = bytes.try_into().map_err(|_| malformed("Signature: length"))?;
	let (signature, public) = (sr25519::Signature(bytes), sr25519::PublicKey(account));
	// A browser extension signs only `<Bytes>message</Bytes>` (so that no signed message can be
	// a transaction's payload); the wrapped base is as much the signer's as the bare one.
	let wrapped = [&b"<Bytes>"[..], base.as_bytes(), &b"</Bytes>"[..]].concat();
	if !sr25519::verify(&signature, base.as_bytes(), &public)
		&& !sr25519::verify(&signature, &wrapped, &public)
	{
		return Err(SignatureError::Invalid);
	}
	Ok(Signed { account, created, nonce, components })
}

/// Whether `header` (a `Content-Digest` value) names `sha256` as the body's SHA-256.
pub fn check_digest(header: &str, sha256: &[u8; 32]) -> Result<(), SignatureError> {
	let digests: Dictionary = Parser::new(header)
		.parse()
		.map_err(|_| SignatureError::Malformed("Content-Digest"))?;
	match digests.get("sha-256") {
		Some(ListEntry::Item(item)) => match &item.bare_item {
			BareItem::ByteSequence(bytes) if bytes[..] == sha256[..] => Ok(()),
			BareItem::ByteSequence(_) => Err(SignatureError::DigestMismatch),
			_ => Err(SignatureError::Malformed("Content-Digest")),
		},
		_ => Err(SignatureError::Malformed("Content-Digest: no sha-256")),
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use crate::keys::Keys;

	fn signed_get(keys: &Keys, digest: &str) -> SignatureHeaders {
		sign(
			keys.signer(),
			"GET",
			"/records/0xab",
			"purpose=TREAT",
			&[("content-digest", digest)],
			1_700_000_000,
			"n1",
		)
	}

	fn lookup(digest: &str) -> impl Fn(&str) -> Option<String> + '_ {
		move |name| (name == "content-digest").then(|| digest.to_owned())
	}

	#[test]
	fn a_signed_request_verifies_and_names_its_signer() {
		let keys = Keys::generate();
		let digest = content_digest(b"");
		let h = signed_get(&keys, &digest);
		let signed = verify(
			"GET",
			"/records/0xab",
			"purpose=TREAT",
			&h.signature_input,
			&h.signature,
			lookup(&digest),
		)
		.unwrap();
		assert_eq!(signed.account, keys.account().0);
		assert_eq!((signed.created, signed.nonce.as_str()), (1_700_000_000, "n1"));
		assert!(signed.covers("content-digest") && !signed.covers("medchain-envelopes"));
		assert!(h.signature_input.starts_with(
			"medchain=(\"@method\" \"@path\" \"@query\" \"content-digest\");created=1700000000;nonce=\"n1\";keyid=\"0x"
		));
	}

	#[test]
	fn any_change_to_a_covered_part_breaks_the_signature() {
		let keys = Keys::generate();
		let digest = content_digest(b"");
		let h = signed_get(&keys, &digest);
		let v = |m, p, q, d: &str| verify(m, p, q, &h.signature_input, &h.signature, lookup(d));
		assert_eq!(
			v("PUT", "/records/0xab", "purpose=TREAT", &digest),
			Err(SignatureError::Invalid)
		);
		assert_eq!(
			v("GET", "/records/0xac", "purpose=TREAT", &digest),
			Err(SignatureError::Invalid)
		);
		assert_eq!(
			v("GET", "/records/0xab", "purpose=ETREAT", &digest),
			Err(SignatureError::Invalid)
		);
		assert_eq!(
			v("GET", "/records/0xab", "purpose=TREAT", &content_digest(b"x")),
			Err(SignatureError::Invalid)
		);
		// Another key's signature under this keyid, and a changed parameter.
		let other = signed_get(&Keys::generate(), &digest);
		assert_eq!(
			verify(
				"GET",
				"/records/0xab",
				"purpose=TREAT",
				&h.signature_input,
				&other.signature,
				lookup(&digest)
			),
			Err(SignatureError::Invalid)
		);
		let later = h.signature_input.replace("created=1700000000", "created=1700000001");
		assert_eq!(
			verify("GET", "/records/0xab", "purpose=TREAT", &later, &h.signature, lookup(&digest)),
			Err(SignatureError::Invalid)
		);
	}

	#[test]
	fn an_extensions_bytes_wrapped_signature_verifies_and_nothing_else_wrapped_does() {
		let keys = Keys::generate();
		let digest = content_digest(b"");
		let h = signed_get(&keys, &digest);
		let params = h.signature_input.trim_start_matches("medchain=");
		let components = ["@method", "@path", "@query", "content-digest"];
		let base = signature_base(
			"GET",
			"/records/0xab",
			"purpose=TREAT",
			&components,
			&lookup(&digest),
			params,
		)
		.unwrap();
		let wrapped_signature = |message: &str| {
			let signature = keys.signer().sign(format!("<Bytes>{message}</Bytes>").as_bytes());
			format!("medchain=:{}:", STANDARD.encode(signature.0))
		};
		let v = |signature: &str| {
			verify(
				"GET",
				"/records/0xab",
				"purpose=TREAT",
				&h.signature_input,
				signature,
				lookup(&digest),
			)
		};
		assert_eq!(v(&wrapped_signature(&base)).unwrap().account, keys.account().0);
		assert_eq!(v(&wrapped_signature(&format!("{base} "))), Err(SignatureError::Invalid));
		let half_wrapped = keys.signer().sign(format!("<Bytes>{base}").as_bytes());
		assert_eq!(
			v(&format!("medchain=:{}:", STANDARD.encode(half_wrapped.0))),
			Err(SignatureError::Invalid)
		);
	}

	#[test]
	fn a_signature_must_cover_the_required_components() {
		let keys = Keys::generate();
		let h = sign(keys.signer(), "GET", "/x", "", &[], 1, "n");
		assert_eq!(
			verify("GET", "/x", "", &h.signature_input, &h.signature, |_| None),
			Err(SignatureError::NotCovered("content-digest".into()))
		);
		let garbage = verify("GET", "/x", "", "medchain=nonsense(", &h.signature, |_| None);
		assert!(matches!(garbage, Err(SignatureError::Malformed(_))));
		let digest = content_digest(b"");
		let h = sign(keys.signer(), "GET", "/x", "", &[("content-digest", &digest)], 1, "n");
		let no_tag = h.signature_input.replace(";tag=\"medchain-gateway-v1\"", "");
		assert!(matches!(
			verify("GET", "/x", "", &no_tag, &h.signature, lookup(&digest)),
			Err(SignatureError::Malformed(_))
		));
	}

	#[test]
	fn content_digest_names_the_body() {
		let sha: [u8; 32] = Sha256::digest(b"body").into();
		assert_eq!(check_digest(&content_digest(b"body"), &sha), Ok(()));
		assert_eq!(
			check_digest(&content_digest(b"other"), &sha),
			Err(SignatureError::DigestMismatch)
		);
		assert!(check_digest("md5=:AAAA:", &sha).is_err());
		// RFC 9530's example digest of `{"hello": "world"}`.
		assert_eq!(
			content_digest(b"{\"hello\": \"world\"}"),
			"sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:"
		);
	}
}

//! Talking to a custodian gateway: upload a sealed record with its envelopes, fetch a record
//! (the gateway re-wraps its data key for you), read FHIR resources. Every request is signed
//! with your key ([`crate::httpsig`]).
//!
//! The gateway's answer is never trusted alone: [`Gateway::get`] writes the ciphertext to a file
//! and the caller checks it against the anchor's hash and size before decrypting
//! ([`crate::envelope::open_verified`] does both in one pass).
//!
//! ```no_run
//! # async fn example() -> Result<(), Box<dyn std::error::Error>> {
//! use medchain_client::{gateway::Gateway, keys::Keys};
//! use medchain_primitives::consent::{PurposeOfUse, RecordId};
//! let keys = Keys::generate();
//! let gateway = Gateway::new("http://127.0.0.1:8480", None)?;
//! let info = gateway.info().await?;
//! let out = std::path::Path::new("r.blob");
//! let shown = |bytes: u64| eprintln!("{bytes} bytes received");
//! let envelope = gateway.get(&keys, &RecordId([1; 32]), PurposeOfUse::Treat, out, shown).await?;
//! # Ok(()) }
//! ```

use std::{
	path::Path,
	time::{SystemTime, UNIX_EPOCH},
};

use base64::{engine::general_purpose::STANDARD, Engine};
use codec::{Decode, Encode};
use futures::StreamExt;
use sha2::{Digest, Sha256};
use tokio::io::AsyncWriteExt;

use crate::{
	envelope::Envelope,
	httpsig,
	keys::Keys,
	paging::{self, Page},
};
use medchain_primitives::{
	consent::{PurposeOfUse, RecordId},
	identity::SubjectId,
};

/// The header carrying the envelopes of an upload: base64 of SCALE `Vec<Envelope>`.
pub const ENVELOPES_HEADER: &str = "medchain-envelopes";
/// The header carrying the re-wrapped envelope of a read: base64 of SCALE `Envelope`.
pub const ENVELOPE_HEADER: &str = "medchain-envelope";
/// The header naming why a read was denied (a `DenyReason` code).
pub const DENY_REASON_HEADER: &str = "medchain-deny-reason";
/// Entries asked for per page of a FHIR search: the gateway's most (its `_count` is clamped to
/// it), so a search takes as few requests as it can.
pub const FHIR_PAGE: u32 = 1000;

/// What can go wrong talking to a gateway.
#[derive(Debug, thiserror::Error)]
pub enum GatewayError {
	/// The gateway cannot be reached.
	#[error("cannot reach the gateway at {url}: {reason}")]
	Unreachable {
		/// Its address.
		url: String,
		/// Why.
		reason: String,
	},
	/// The chain's access rule denied the request.
	#[error("denied by the gateway: {reason} ({diagnostics})")]
	Denied {
		/// The `DenyReason` code (`no-consent`, `revoked`, …).
		reason: String,
		/// The gateway's explanation.
		diagnostics: String,
	},
	/// The record was erased: its ciphertext and envelopes are gone.
	#[error("the record was erased (410 Gone): {0}")]
	Gone(String),
	/// Any other refusal, with the HTTP status and the gateway's reason.
	#[error("the gateway refused the request ({status}): {reason}")]
	Refused {
		/// The HTTP status.
		status: u16,
		/// The gateway's reason.
		reason: String,
	},
	/// Reading or writing a local file failed.
	#[error("i/o: {0}")]
	Io(#[from] std::io::Error),
	/// The gateway's answer is not what the protocol says.
	#[error("malformed answer from the gateway: {0}")]
	Malformed(String),
}

/// What a gateway says about itself (`GET /info`). Check it on chain before trusting its key:
/// the gateway must be an active gateway of the record's custodian.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GatewayInfo {
	/// The gateway's subject.
	pub gateway: SubjectId,
	/// The organization it keeps records for.
	pub organization: SubjectId,
	/// Its X25519 key: the custodian's envelope of an upload is wrapped for it.
	pub key_agreement: [u8; 32],
}

/// A connection to one gateway.
#[derive(Clone)]
pub struct Gateway {
	http: reqwest::Client,
	url: String,
}

fn now_s() -> u64 {
	SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0)
}

/// The reason of a refusal: a FHIR OperationOutcome's diagnostics and code, or the body's text.
async fn refusal(response: reqwest::Response) -> GatewayError {
	let status = response.status().as_u16();
	let deny = response
		.headers()
		.get(DENY_REASON_HEADER)
		.and_then(|v| v.to_str().ok())
		.map(str::to_owned);
	let text = response.text().await.unwrap_or_default();
	let diagnostics = serde_json::from_str::<serde_json::Value>(&text)
		.ok()
		.and_then(|v| v["issue"][0]["diagnostics"].as_str().map(str::to_owned))
		.unwrap_or(text);
	match (status, deny) {
		(403, Some(reason)) => GatewayError::Denied { reason, diagnostics },
		(410, _) => GatewayError::Gone(diagnostics),
		_ => GatewayError::Refused { status, reason: diagnostics },
	}
}

impl Gateway {
	/// A client for the gateway at `url` (`http://` or `https://`); `ca_pem`: an extra root
	/// certificate to trust (a consortium's own CA).
	pub fn new(url: &str, ca_pem: Option<&[u8]>) -> Result<Self, GatewayError> {
		let mut builder = reqwest::Client::builder();
		if let Some(pem) = ca_pem {
			let cert = reqwest::Certificate::from_pem(pem)
				.map_err(|e| GatewayError::Malformed(format!("CA certificate: {e}")))?;
			builder = builder.add_root_certificate(cert);
		}
		let http = builder
			.build()
			.map_err(|e| GatewayError::Unreachable { url: url.into(), reason: e.to_string() })?;
		Ok(Self { http, url: url.trim_end_matches('/').to_owned() })
	}

	/// The gateway's address, as requests are sent to it (no trailing `/`).
	pub fn url(&self) -> &str {
		&self.url
	}

	fn unreachable(&self, e: reqwest::Error) -> GatewayError {
		// reqwest's message names the URL only; the cause (refused, TLS, …) is in its sources.
		let mut reason = e.to_string();
		let mut source = std::error::Error::source(&e);
		while let Some(cause) = source {
			reason = format!("{reason}: {cause}");
			source = cause.source();
		}
		GatewayError::Unreachable { url: self.url.clone(), reason }
	}

	/// A request signed by `keys`: `fields` are extra `medchain-*` headers, covered too.
	fn signed(
		&self,
		keys: &Keys,
		method: reqwest::Method,
		path: &str,
		query: &str,
		digest: &str,
		fields: &[(&str, &str)],
	) -> reqwest::RequestBuilder {
		let mut covered = vec![("content-digest", digest)];
		covered.extend_from_slice(fields);
		let headers = httpsig::sign(
			keys.signer(),
			method.as_str(),
			path,
			query,
			&covered,
			now_s(),
			&httpsig::nonce(),
		);
		let url = if query.is_empty() {
			format!("{}{path}", self.url)
		} else {
			format!("{}{path}?{query}", self.url)
		};
		let mut request = self
			.http
			.request(method, url)
			.header("content-digest", digest)
			.header("signature-input", headers.signature_input)
			.header("signature", headers.signature);
		for (name, value) in fields {
			request = request.header(*name, *value);
		}
		request
	}

	/// A signed GET (empty body) that succeeded, or the gateway's refusal.
	async fn signed_get(
		&self,
		keys: &Keys,
		path: &str,
		query: &str,
	) -> Result<reqwest::Response, GatewayError> {
		let response = self
			.signed(keys, reqwest::Method::GET, path, query, &httpsig::content_digest(b""), &[])
			.send()
			.await
			.map_err(|e| self.unreachable(e))?;
		if !response.status().is_success() {
			return Err(refusal(response).await);
		}
		Ok(response)
	}

	/// The gateway's identity and key.
	pub async fn info(&self) -> Result<GatewayInfo, GatewayError> {
		let response = self
			.http
			.get(format!("{}/info", self.url))
			.send()
			.await
			.map_err(|e| self.unreachable(e))?;
		if !response.status().is_success() {
			return Err(refusal(response).await);
		}
		let value: serde_json::Value =
			response.json().await.map_err(|e| GatewayError::Malformed(e.to_string()))?;
		let subject = |key: &str| {
			value[key]
				.as_str()
				.and_then(|s| s.parse::<SubjectId>().ok())
				.ok_or_else(|| GatewayError::Malformed(format!("/info: {key}")))
		};
		let key_agreement = value["key_agreement"]
			.as_str()
			.and_then(|s| hex::decode(s.trim_start_matches("0x")).ok())
			.and_then(|b| <[u8; 32]>::try_from(b).ok())
			.ok_or_else(|| GatewayError::Malformed("/info: key_agreement".into()))?;
		Ok(GatewayInfo {
			gateway: subject("gateway")?,
			organization: subject("organization")?,
			key_agreement,
		})
	}

	/// Uploads the blob of an anchored record with its envelopes (the patient's and the
	/// gateway's), streamed from `blob`; `progress` hears the bytes sent so far.
	pub async fn put(
		&self,
		keys: &Keys,
		record: &RecordId,
		blob: &Path,
		envelopes: &[Envelope],
		mut progress: impl FnMut(u64) + Send + 'static,
	) -> Result<(), GatewayError> {
		// The digest first (one read), then the body streamed (a second read): never in memory.
		let mut hasher = Sha256::new();
		let mut file = std::io::BufReader::new(std::fs::File::open(blob)?);
		std::io::copy(&mut file, &mut HashWriter(&mut hasher))?;
		let digest = httpsig::digest_header(&hasher.finalize().into());
		let size = std::fs::metadata(blob)?.len();
		let envelopes = STANDARD.encode(envelopes.to_vec().encode());
		let file = tokio::fs::File::open(blob).await?;
		let mut sent = 0u64;
		let stream =
			tokio_util::io::ReaderStream::with_capacity(file, 64 * 1024).map(move |chunk| {
				if let Ok(bytes) = &chunk {
					sent += bytes.len() as u64;
					progress(sent);
				}
				chunk
			});
		let path = format!("/records/0x{}", hex::encode(record.0));
		let response = self
			.signed(
				keys,
				reqwest::Method::PUT,
				&path,
				"",
				&digest,
				&[(ENVELOPES_HEADER, &envelopes)],
			)
			.header("content-length", size)
			.header("content-type", "application/octet-stream")
			.body(reqwest::Body::wrap_stream(stream))
			.send()
			.await
			.map_err(|e| self.unreachable(e))?;
		if !response.status().is_success() {
			return Err(refusal(response).await);
		}
		Ok(())
	}

	/// Fetches a record for `purpose`: the ciphertext is streamed into `out` (created or
	/// truncated), and the data key comes back wrapped for `keys`' X25519 key; `progress` hears
	/// the bytes written so far, after each write. Check `out` against the anchor before
	/// decrypting.
	pub async fn get(
		&self,
		keys: &Keys,
		record: &RecordId,
		purpose: PurposeOfUse,
		out: &Path,
		mut progress: impl FnMut(u64) + Send,
	) -> Result<Envelope, GatewayError> {
		let path = format!("/records/0x{}", hex::encode(record.0));
		let query = format!("purpose={}", purpose.code());
		let response = self.signed_get(keys, &path, &query).await?;
		let envelope = response
			.headers()
			.get(ENVELOPE_HEADER)
			.and_then(|v| STANDARD.decode(v.as_bytes()).ok())
			.ok_or_else(|| GatewayError::Malformed(format!("no {ENVELOPE_HEADER} header")))?;
		let envelope = Envelope::from_bytes(&envelope)
			.map_err(|e| GatewayError::Malformed(format!("envelope: {e}")))?;
		let mut file = tokio::io::BufWriter::new(tokio::fs::File::create(out).await?);
		let mut body = response.bytes_stream();
		let mut written = 0u64;
		while let Some(chunk) = body.next().await {
			let chunk = chunk.map_err(|e| self.unreachable(e))?;
			file.write_all(&chunk).await?;
			written += chunk.len() as u64;
			progress(written);
		}
		file.flush().await?;
		Ok(envelope)
	}

	/// One page of a FHIR search (`AuditEvent` or `Consent`) for `patient`: the entries of an R4
	/// `searchset` Bundle, at most [`FHIR_PAGE`], from `cursor` (the gateway's `_cursor`; `None`:
	/// the newest), and the cursor of its `next` link.
	pub async fn fhir_page(
		&self,
		keys: &Keys,
		resource: &str,
		patient: &SubjectId,
		cursor: Option<u64>,
	) -> Result<Page<serde_json::Value>, GatewayError> {
		let path = format!("/fhir/{resource}");
		let mut query = format!("patient={}&_count={FHIR_PAGE}", patient.to_did());
		if let Some(cursor) = cursor {
			query.push_str(&format!("&_cursor={cursor}"));
		}
		let response = self.signed_get(keys, &path, &query).await?;
		let bundle: serde_json::Value =
			response.json().await.map_err(|e| GatewayError::Malformed(e.to_string()))?;
		let next = next_cursor(&bundle)?;
		let items = bundle["entry"].as_array().cloned().unwrap_or_default();
		Ok(Page { items, next })
	}

	/// A whole FHIR search (`AuditEvent` or `Consent`) for `patient`, every page of it: one R4
	/// `searchset` Bundle of all the matches, with their `total`.
	pub async fn fhir(
		&self,
		keys: &Keys,
		resource: &str,
		patient: &SubjectId,
	) -> Result<serde_json::Value, GatewayError> {
		let entries =
			paging::collect(move |cursor| self.fhir_page(keys, resource, patient, cursor), None)
				.await?;
		let resources = entries
			.into_iter()
			.map(|mut entry| {
				entry.get_mut("resource").map(serde_json::Value::take).unwrap_or_default()
			})
			.collect();
		Ok(crate::fhir::bundle(resources))
	}
}

/// The `_cursor` of a search Bundle's `next` link; `None` when it has no `next` link (the last
/// page).
fn next_cursor(bundle: &serde_json::Value) -> Result<Option<u64>, GatewayError> {
	let next = bundle["link"]
		.as_array()
		.into_iter()
		.flatten()
		.find(|link| link["relation"] == "next")
		.map(|link| link["url"].as_str().unwrap_or_default());
	let Some(url) = next else { return Ok(None) };
	url.split(['?', '&'])
		.find_map(|parameter| parameter.strip_prefix("_cursor="))
		.and_then(|cursor| cursor.parse::<u64>().ok())
		.map(Some)
		.ok_or_else(|| GatewayError::Malformed(format!("a `next` link without a cursor: `{url}`")))
}

/// Envelopes of an upload from their header value.
pub fn decode_envelopes(header: &str) -> Result<Vec<Envelope>, String> {
	let bytes = STANDARD.decode(header).map_err(|e| format!("not base64: {e}"))?;
	let mut input = &bytes[..];
	let envelopes = Vec::<Envelope>::decode(&mut input).map_err(|e| format!("not SCALE: {e}"))?;
	if !input.is_empty() {
		return Err("trailing bytes".into());
	}
	Ok(envelopes)
}

/// An envelope as its header value.
pub fn encode_envelope(envelope: &Envelope) -> String {
	STANDARD.encode(envelope.to_bytes())
}

struct HashWriter<'a>(&'a mut Sha256);

impl std::io::Write for HashWriter<'_> {
	fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
		self.0.update(buf);
		Ok(buf.len())
	}

	fn flush(&mut self) -> std::io::Result<()> {
		Ok(())
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn a_search_page_names_the_cursor_of_the_next() {
		let search = "/fhir/Consent?patient=did%3Amedchain%3Aab&_count=2";
		let bundle = |next: Option<String>| {
			let mut links = vec![("self", search.to_owned())];
			links.extend(next.map(|url| ("next", url)));
			crate::fhir::bundle_page(Vec::new(), &links)
		};
		let page = bundle(Some(format!("{search}&_cursor=1001")));
		assert_eq!(next_cursor(&page).unwrap(), Some(1001));
		assert_eq!(next_cursor(&bundle(None)).unwrap(), None);
		assert_eq!(next_cursor(&serde_json::json!({ "resourceType": "Bundle" })).unwrap(), None);
		let broken = bundle(Some(search.to_owned()));
		assert!(matches!(next_cursor(&broken), Err(GatewayError::Malformed(_))));
	}
}

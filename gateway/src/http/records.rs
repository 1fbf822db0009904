//! `GET /records/{id}` (a read, as the chain decides, on the patient's trail before the answer)
//! and `PUT /records/{id}` (the ciphertext of an anchored record, with its envelopes).

use std::sync::Mutex;

use axum::{
	body::Body,
	extract::State,
	http::{header, HeaderMap, StatusCode},
	response::{IntoResponse, Response},
	Json,
};
use blake2::{digest::consts::U32, Blake2b, Digest as _};
use futures::StreamExt;
use medchain_client::{
	codes,
	envelope::{self, Envelope},
	gateway::{decode_envelopes, encode_envelope, ENVELOPES_HEADER, ENVELOPE_HEADER},
	httpsig,
};
use medchain_primitives::{
	audit::{AuditAction, AuditEntity, AuditEventType, AuditOutcome, AuditPolicy, AuditRecord},
	consent::{AccessDecision, PermitBasis, PurposeOfUse, RecordId},
	identity::SubjectKind,
	records::{RecordAnchor, RecordStatus},
};
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use tokio::io::AsyncWriteExt;
use utoipa::{
	openapi::schema::{Object, ObjectBuilder, Type},
	IntoParams, ToSchema,
};

use super::{
	error::{ApiError, OperationOutcome, RETRY_AFTER_SECONDS},
	extract::{Path, Query},
	serving,
	signer::{empty_body, Signer},
	Gateway, Result, Shared, MAX_ENVELOPES,
};
use crate::{
	audit::{now_ms, AuditEvent},
	store::Held,
};

/// The header naming the anchored hash of the ciphertext a read answers with.
const CONTENT_HASH_HEADER: &str = "medchain-content-hash";

/// A record's ciphertext, as the client sealed it: the body of an upload and of a read.
#[derive(ToSchema)]
#[schema(value_type = String, format = Binary)]
#[allow(dead_code)] // Documentation only: bodies are streamed, never held in this type.
pub struct Ciphertext(Vec<u8>);

/// What an upload answers.
#[derive(Serialize, ToSchema)]
pub struct Stored {
	/// The record's identifier, 0x hex.
	pub record: String,
	/// The ciphertext's size, bytes (absent when the record was held already).
	#[serde(skip_serializing_if = "Option::is_none")]
	pub size: Option<u64>,
	/// `stored`, or `already held`.
	pub status: &'static str,
}

/// A read's parameters.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReadQuery {
	/// Why the record is read.
	#[param(schema_with = purpose_schema)]
	purpose: Option<String>,
}

/// `purpose`: the codes of the purposes of use, TREAT when absent.
fn purpose_schema() -> Object {
	ObjectBuilder::new()
		.schema_type(Type::String)
		.enum_values(Some(PurposeOfUse::ALL.iter().map(|purpose| purpose.code())))
		.default(Some(PurposeOfUse::Treat.code().into()))
		.description(Some(
			"Why the record is read: an HL7 v3 PurposeOfUse code (any letter case); TREAT when absent",
		))
		.build()
}

/// Removes a record from the uploads in flight when the upload ends, however it ends.
struct Uploading<'a>(&'a Mutex<std::collections::HashSet<[u8; 32]>>, [u8; 32]);

impl Drop for Uploading<'_> {
	fn drop(&mut self) {
		self.0.lock().expect("uploads lock").remove(&self.1);
	}
}

/// `0x` and 64 hex digits.
fn record_id(text: &str) -> Result<RecordId> {
	hex::decode(text.trim_start_matches("0x"))
		.ok()
		.and_then(|b| <[u8; 32]>::try_from(b).ok())
		.map(RecordId)
		.ok_or_else(|| {
			ApiError::bad_request(format!("`{text}` is not a record identifier (0x + 64 hex)"))
		})
}

/// No read outruns its trail: refuses a record read while the audit trail is behind (the chain
/// refuses this gateway's audit, or the oldest read not yet in a finalized block is older than
/// `audit_max_lag_seconds`, or too many events wait): 503 with `Retry-After`. Reads resume by
/// themselves when the trail catches up.
fn trail_current(gateway: &Gateway) -> Result<()> {
	match gateway.audit.state().refusal(now_ms()) {
		Some(reason) => {
			gateway.metrics.decisions.with_label_values(&["audit-behind"]).inc();
			Err(ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "transient", reason)
				.retry_after(RETRY_AFTER_SECONDS))
		},
		None => Ok(()),
	}
}

fn policy(basis: PermitBasis) -> AuditPolicy {
	match basis {
		PermitBasis::OwnData => AuditPolicy::OwnData,
		PermitBasis::Consent(id) => AuditPolicy::Consent(id),
		PermitBasis::Emergency(id) => AuditPolicy::Emergency(id),
	}
}

/// The anchor of a record this gateway should hold, refusing erased and foreign ones.
async fn held_anchor(gateway: &Gateway, id: &RecordId) -> Result<(RecordAnchor, Option<Held>)> {
	let anchor = gateway.view.anchor(*id).await.map_err(ApiError::chain)?.ok_or_else(|| {
		ApiError::not_found(format!("no record 0x{} is anchored on chain", hex::encode(id.0)))
	})?;
	if anchor.status == RecordStatus::Erased {
		if anchor.custodian != gateway.organization {
			return Err(ApiError::gone(id));
		}
		// The follower erases at finality; a read that sees the erasure first erases now.
		let store = gateway.store.clone();
		let id = *id;
		if tokio::task::spawn_blocking(move || store.erase(&id, now_ms()))
			.await
			.map_err(ApiError::internal)?
			.map_err(ApiError::internal)?
		{
			gateway.metrics.erased.inc();
		}
		return Err(ApiError::gone(&id));
	}
	let held = gateway.store.held(id).map_err(ApiError::internal)?;
	Ok((anchor, held))
}

/// Read a record: its ciphertext, with the data key re-wrapped for the signer
///
/// The chain's access rule (`check_access` at the finalized block) decides; every decision,
/// permit or deny, is on the patient's trail before the answer. Check the ciphertext's
/// blake2-256 against the anchor before decrypting.
#[utoipa::path(
	get,
	path = "/records/{id}",
	operation_id = "readRecord",
	tag = "records",
	params(
		("id" = String, Path, description = "The record's identifier: 0x and 64 hex digits", pattern = "^0x[0-9a-fA-F]{64}$"),
		ReadQuery,
		Signer
	),
	responses(
		(status = 200, description = "The ciphertext; check its blake2-256 against the anchor before decrypting", body = Ciphertext, content_type = "application/octet-stream",
			headers(
				("MedChain-Envelope" = String, description = "base64 of the SCALE envelope wrapping the data key for the signer's registered X25519 key"),
				("MedChain-Content-Hash" = String, description = "The anchored blake2-256 of the ciphertext, 0x hex")
			)
		),
		(status = 400, description = "Malformed request: the identifier, the purpose, the query, the Content-Digest", body = OperationOutcome, content_type = "application/fhir+json"),
		(status = 401, description = "Not signed, a bad signature, stale, replayed, or the key controls no active identity", body = OperationOutcome, content_type = "application/fhir+json"),
		(status = 403, description = "Denied by the access rule; the reason is in MedChain-Deny-Reason and the outcome's details", body = OperationOutcome, content_type = "application/fhir+json",
			headers(("MedChain-Deny-Reason" = String, description = "The rule's reason: no-consent, revoked, purpose-not-allowed, …"))
		),
		(status = 404, description = "No such anchor, or the record is not held here: another organization keeps it, or its content was never uploaded", body = OperationOutcome, content_type = "application/fhir+json"),
		(status = 410, description = "Erased: the ciphertext and envelopes are gone", body = OperationOutcome, content_type = "application/fhir+json"),
		(status = 429, description = "Over the per-identity rate", body = OperationOutcome, content_type = "application/fhir+json"),
		(status = 500, description = "The gateway failed (its store, its own envelope)", body = OperationOutcome, content_type = "application/fhir+json"),
		(status = 503, description = "The chain cannot answer, its view is stale, or the audit trail is behind: try again later", body = OperationOutcome, content_type = "application/fhir+json",
			headers(("Retry-After" = u64, description = "Seconds to wait, when waiting helps"))
		)
	)
)]
pub async fn read(
	State(gateway): State<Shared>,
	Signer(reader): Signer,
	Path(id): Path<String>,
	Query(query): Query<ReadQuery>,
	headers: HeaderMap,
) -> Result<Response> {
	empty_body(&headers)?;
	serving(&gateway)?;
	trail_current(&gateway)?;
	let id = record_id(&id)?;
	let purpose = match &query.purpose {
		Some(text) => codes::purpose(text).map_err(ApiError::bad_request)?,
		None => PurposeOfUse::Treat,
	};
	let (anchor, held) = held_anchor(&gateway, &id).await?;
	let Some(held) = held else {
		if gateway.store.erased_at(&id).map_err(ApiError::internal)?.is_some() {
			return Err(ApiError::gone(&id));
		}
		let record = format!("0x{}", hex::encode(id.0));
		if anchor.custodian == gateway.organization {
			// Anchored for this organization, but no upload of it completed (offline files never
			// sent, or an upload that broke off): only an uploader can mend that.
			return Err(ApiError::not_found(format!(
				"record {record} is anchored but its content was never uploaded here: its author or patient can upload it with `medchain record upload {record}`, from the files written when it was anchored (--dir, medchain-records by default)"
			)));
		}
		return Err(ApiError::not_found(format!(
			"record {record} is not held here; its custodian is {}",
			anchor.custodian.to_did()
		)));
	};
	// `decided_at`: the timestamp of the block the rule judged at. The audit entry carries it,
	// so the chain judges the entry's policy at the very time the rule did (a revocation
	// finalized a moment after the decision does not make the read unjustified).
	let (decision, decided_at) = gateway
		.view
		.may_read(anchor.patient, reader, id, purpose)
		.await
		.map_err(ApiError::chain)?;
	let reader_document = gateway
		.view
		.identity(reader)
		.await
		.map_err(ApiError::chain)?
		.ok_or_else(|| ApiError::unauthorized("the reader has no identity document"))?;
	let person = matches!(reader_document.kind, SubjectKind::Patient | SubjectKind::Practitioner);
	let entity = Some(AuditEntity { record: id, hash: Some(anchor.content_hash) });
	let basis = match decision {
		AccessDecision::Permit(basis) => basis,
		AccessDecision::Deny(reason) => {
			gateway.metrics.decisions.with_label_values(&["deny"]).inc();
			// The trail takes persons only (the runtime refuses others): an organization or a
			// gateway probing records is logged here instead.
			if person {
				let event = AuditEvent {
					patient: anchor.patient,
					record: AuditRecord {
						event_type: AuditEventType::AccessDenied,
						action: AuditAction::Read,
						outcome: AuditOutcome::MinorFailure,
						actor: reader,
						requestor: true,
						policy: None,
						deny_reason: Some(reason),
						entity,
						purpose: Some(purpose),
						occurred: decided_at,
						repeats: None,
					},
				};
				gateway.audit.record(&event).await.map_err(ApiError::internal)?;
			} else {
				tracing::warn!(reader = %reader.to_did(), record = %hex::encode(id.0), "a non-person was denied a read");
			}
			return Err(ApiError::denied(reason));
		},
	};
	// Re-wrap: open the gateway's envelope, wrap for the reader's registered key.
	let mine = gateway.keys.agreement_public();
	let rewrapped = held
		.envelopes
		.iter()
		.filter_map(|bytes| Envelope::from_bytes(bytes).ok())
		.filter(|e| e.recipient == mine)
		.find_map(|e| {
			envelope::rewrap(&e, &id, gateway.keys.agreement(), &reader_document.key_agreement).ok()
		})
		.ok_or_else(|| ApiError::internal("no envelope this gateway's key opens"))?;
	let event = AuditEvent {
		patient: anchor.patient,
		record: AuditRecord {
			event_type: AuditEventType::RecordRead,
			action: AuditAction::Read,
			outcome: AuditOutcome::Success,
			actor: reader,
			requestor: true,
			policy: Some(policy(basis)),
			deny_reason: None,
			entity,
			purpose: Some(purpose),
			occurred: decided_at,
			repeats: None,
		},
	};
	// Durable before a byte is sent: a crash after this loses no audit entry.
	gateway.audit.record(&event).await.map_err(ApiError::internal)?;
	gateway.metrics.decisions.with_label_values(&["permit"]).inc();
	let file = gateway.store.blobs().open(&id).map_err(|_| ApiError::gone(&id))?;
	// Erased between the check and the open: the open handle must not serve it.
	if gateway.store.held(&id).map_err(ApiError::internal)?.is_none() {
		return Err(ApiError::gone(&id));
	}
	let body = if held.size <= 1024 * 1024 {
		let mut bytes = Vec::with_capacity(held.size as usize);
		let mut file = file;
		tokio::task::spawn_blocking(move || {
			std::io::Read::read_to_end(&mut file, &mut bytes).map(|_| bytes)
		})
		.await
		.map_err(ApiError::internal)?
		.map(Body::from)
		.map_err(ApiError::internal)?
	} else {
		Body::from_stream(tokio_util::io::ReaderStream::with_capacity(
			tokio::fs::File::from_std(file),
			64 * 1024,
		))
	};
	Ok((
		[
			(header::CONTENT_TYPE, "application/octet-stream".to_owned()),
			(header::CONTENT_LENGTH, held.size.to_string()),
			(header::HeaderName::from_static(ENVELOPE_HEADER), encode_envelope(&rewrapped)),
			(
				header::HeaderName::from_static(CONTENT_HASH_HEADER),
				format!("{:?}", anchor.content_hash),
			),
		],
		body,
	)
		.into_response())
}

/// Upload the ciphertext of an anchored record, with its envelopes
///
/// Kept only when all hold, nothing kept otherwise: the signer is the anchor's author or
/// patient; the anchor exists, is not erased and names this gateway's organization as
/// custodian; the body's length is the anchored size, within the gateway's limit; the envelopes
/// are 1 to 8, each for this record, one that this gateway's key opens and one for the patient's
/// registered key; the body hashes to the anchor (blake2-256) and to Content-Digest (SHA-256).
/// A record already held answers 200 without reading the body.
#[utoipa::path(
	put,
	path = "/records/{id}",
	operation_id = "uploadRecord",
	tag = "records",
	params(
		("id" = String, Path, description = "The record's identifier: 0x and 64 hex digits", pattern = "^0x[0-9a-fA-F]{64}$"),
		("MedChain-Envelopes" = String, Header, description = "base64 of the SCALE Vec<Envelope>: one this gateway opens, one for the patient's registered key; covered by the signature"),
		Signer
	),
	request_body(content = Ciphertext, content_type = "application/octet-stream", description = "The ciphertext, exactly the anchored size (Content-Length)"),
	responses(
		(status = 200, description = "Already held", body = Stored, content_type = "application/json"),
		(status = 201, description = "Stored", body = Stored, content_type = "application/json"),
		(status = 400, description = "Malformed request: the identifier, the envelopes, the Content-Length, the Content-Digest", body = OperationOutcome, content_type = "application/fhir+json"),
		(status = 401, description = "Not signed, a bad signature, stale, replayed, or the key controls no active identity", body = OperationOutcome, content_type = "application/fhir+json"),
		(status = 403, description = "The signer is neither the record's author nor its patient", body = OperationOutcome, content_type = "application/fhir+json"),
		(status = 404, description = "No such anchor", body = OperationOutcome, content_type = "application/fhir+json"),
		(status = 409, description = "The record's custodian is another organization, or an upload of it is under way", body = OperationOutcome, content_type = "application/fhir+json"),
		(status = 410, description = "Erased", body = OperationOutcome, content_type = "application/fhir+json"),
		(status = 411, description = "Content-Length missing", body = OperationOutcome, content_type = "application/fhir+json"),
		(status = 413, description = "Over the gateway's size limit (max_record_bytes)", body = OperationOutcome, content_type = "application/fhir+json"),
		(status = 422, description = "The body does not hash to the anchor; nothing was kept", body = OperationOutcome, content_type = "application/fhir+json"),
		(status = 429, description = "Over the per-identity rate", body = OperationOutcome, content_type = "application/fhir+json"),
		(status = 500, description = "The gateway failed (its store)", body = OperationOutcome, content_type = "application/fhir+json"),
		(status = 503, description = "The chain cannot answer, or its view is stale: try again later", body = OperationOutcome, content_type = "application/fhir+json",
			headers(("Retry-After" = u64, description = "Seconds to wait, when waiting helps"))
		)
	)
)]
pub async fn upload(
	State(gateway): State<Shared>,
	Signer(uploader): Signer,
	Path(id): Path<String>,
	headers: HeaderMap,
	body: Body,
) -> Result<Response> {
	serving(&gateway)?;
	let id = record_id(&id)?;
	let (anchor, held) = held_anchor(&gateway, &id).await?;
	if anchor.custodian != gateway.organization {
		return Err(ApiError::conflict(format!(
			"the record's custodian is {}; this gateway keeps records of {}",
			anchor.custodian.to_did(),
			gateway.organization.to_did()
		)));
	}
	if uploader != anchor.author && uploader != anchor.patient {
		return Err(ApiError::forbidden("only the record's author or patient may upload it"));
	}
	if held.is_some() {
		let stored = Stored {
			record: format!("0x{}", hex::encode(id.0)),
			size: None,
			status: "already held",
		};
		return Ok((StatusCode::OK, Json(stored)).into_response());
	}
	if anchor.size > gateway.config.max_record_bytes {
		return Err(ApiError::too_large(anchor.size, gateway.config.max_record_bytes));
	}
	let length = headers
		.get(header::CONTENT_LENGTH)
		.and_then(|v| v.to_str().ok())
		.and_then(|v| v.parse::<u64>().ok())
		.ok_or_else(|| {
			ApiError::new(StatusCode::LENGTH_REQUIRED, "required", "Content-Length is required")
		})?;
	if length != anchor.size {
		return Err(ApiError::bad_request(format!(
			"Content-Length {length} is not the anchored size {}",
			anchor.size
		)));
	}
	let digest = headers
		.get("content-digest")
		.and_then(|v| v.to_str().ok())
		.ok_or_else(|| ApiError::unauthorized("Content-Digest missing"))?
		.to_owned();

	// The envelopes: bound to this record; one this gateway opens; one for the patient.
	let envelopes = headers
		.get(ENVELOPES_HEADER)
		.and_then(|v| v.to_str().ok())
		.ok_or_else(|| ApiError::bad_request(format!("{ENVELOPES_HEADER} is required")))
		.and_then(|v| {
			decode_envelopes(v)
				.map_err(|e| ApiError::bad_request(format!("{ENVELOPES_HEADER}: {e}")))
		})?;
	if envelopes.is_empty()
		|| envelopes.len() > MAX_ENVELOPES
		|| envelopes.iter().any(|e| e.record != id)
	{
		return Err(ApiError::bad_request(format!(
			"1 to {MAX_ENVELOPES} envelopes, each for record 0x{}",
			hex::encode(id.0)
		)));
	}
	let mine = gateway.keys.agreement_public();
	let for_me: Vec<_> = envelopes.iter().filter(|e| e.recipient == mine).collect();
	if for_me.len() != 1 || envelope::unwrap(for_me[0], &id, gateway.keys.agreement()).is_err() {
		return Err(ApiError::bad_request(
			"exactly one envelope for this gateway's key, and it must open",
		));
	}
	let patient = gateway
		.view
		.identity(anchor.patient)
		.await
		.map_err(ApiError::chain)?
		.ok_or_else(|| ApiError::internal("the patient has no identity document"))?;
	if envelopes.iter().filter(|e| e.recipient == patient.key_agreement).count() != 1 {
		return Err(ApiError::bad_request("exactly one envelope for the patient's registered key"));
	}
	if !gateway.uploading.lock().expect("uploads lock").insert(id.0) {
		return Err(ApiError::conflict("an upload of this record is already in progress"));
	}
	let _uploading = Uploading(&gateway.uploading, id.0);

	// The body, streamed to a temporary file, hashed on the way; kept only if it is the anchor's.
	let mut pending = gateway.store.blobs().begin().map_err(ApiError::internal)?;
	let file = pending.file().try_clone().map_err(ApiError::internal)?;
	let mut file = tokio::io::BufWriter::new(tokio::fs::File::from_std(file));
	let mut blake = Blake2b::<U32>::new();
	let mut sha = Sha256::new();
	let mut size = 0u64;
	let mut stream = body.into_data_stream();
	while let Some(chunk) = stream.next().await {
		let chunk =
			chunk.map_err(|e| ApiError::bad_request(format!("the upload broke off: {e}")))?;
		size += chunk.len() as u64;
		if size > anchor.size {
			return Err(ApiError::bad_request("the body is longer than the anchored size"));
		}
		blake.update(&chunk);
		sha.update(&chunk);
		file.write_all(&chunk).await.map_err(ApiError::internal)?;
	}
	file.flush().await.map_err(ApiError::internal)?;
	drop(file);
	let hash: [u8; 32] = blake.finalize().into();
	if size != anchor.size || hash != anchor.content_hash.0 {
		return Err(ApiError::new(
			StatusCode::UNPROCESSABLE_ENTITY,
			"invalid",
			"the body is not the anchored ciphertext: its hash or size differs from the anchor",
		));
	}
	httpsig::check_digest(&digest, &sha.finalize().into())
		.map_err(|e| ApiError::bad_request(format!("Content-Digest: {e}")))?;
	let held = Held {
		content_hash: hash,
		size,
		envelopes: envelopes.iter().map(Envelope::to_bytes).collect(),
		stored_at: now_ms(),
	};
	let store = gateway.store.clone();
	let kept = tokio::task::spawn_blocking(move || store.keep(&id, pending, &held))
		.await
		.map_err(ApiError::internal)?
		.map_err(ApiError::internal)?;
	if !kept {
		return Err(ApiError::conflict(
			"the record was erased, or stored by another upload, while this one was sent",
		));
	}
	tracing::info!(record = %hex::encode(id.0), size, uploader = %uploader.to_did(), "record stored");
	let stored =
		Stored { record: format!("0x{}", hex::encode(id.0)), size: Some(size), status: "stored" };
	Ok((StatusCode::CREATED, Json(stored)).into_response())
}

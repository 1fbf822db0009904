//! MedChain's own JSON-RPC methods: the audit trail and consents as FHIR R4 JSON, read through
//! the runtime APIs (`AuditApi`, `ConsentApi`), so a hospital's SIEM or FHIR tooling needs no SCALE.

use std::sync::Arc;

use jsonrpsee::{core::RpcResult, proc_macros::rpc, types::ErrorObjectOwned};
use medchain_client::fhir;
use medchain_primitives::{
	audit::{AuditApi, AuditQueryError},
	consent::{ConsentApi, ConsentId},
	identity::SubjectId,
	Hash,
};
use medchain_runtime::opaque::Block;
use serde_json::{json, Value};
use sp_api::ProvideRuntimeApi;
use sp_blockchain::HeaderBackend;

/// Default page size of the audit methods.
const DEFAULT_LIMIT: u32 = 100;

/// JSON-RPC error codes of the MedChain methods.
mod code {
	/// The request's arguments are malformed.
	pub const BAD_REQUEST: i32 = 4000;
	/// The query is outside what the chain holds (page too large, out of range).
	pub const BAD_QUERY: i32 = 4001;
	/// The thing asked for does not exist.
	pub const NOT_FOUND: i32 = 4004;
	/// The runtime API call failed.
	pub const RUNTIME: i32 = 5000;
}

fn error(code: i32, message: impl Into<String>) -> ErrorObjectOwned {
	ErrorObjectOwned::owned(code, message.into(), None::<()>)
}

/// Parses `did:medchain:<hex>` or `0x<hex>`.
fn parse_subject(s: &str) -> RpcResult<SubjectId> {
	if s.starts_with(SubjectId::DID_PREFIX) {
		return SubjectId::from_did(s).map_err(|e| error(code::BAD_REQUEST, e));
	}
	let bytes = sp_core::bytes::from_hex(s).map_err(|e| {
		error(code::BAD_REQUEST, format!("`{s}` is neither a did:medchain nor hex: {e}"))
	})?;
	let array: [u8; 32] = bytes.try_into().map_err(|_| {
		error(code::BAD_REQUEST, format!("`{s}`: a subject identifier is 32 bytes"))
	})?;
	Ok(SubjectId(array))
}

fn query_error(e: AuditQueryError) -> ErrorObjectOwned {
	let message = match e {
		AuditQueryError::PageTooLarge { max } => format!("a page holds at most {max} entries"),
		AuditQueryError::OutOfRange { count } => {
			format!("`before` is past the end of the trail ({count} entries)")
		},
		AuditQueryError::BadTimeRange => "the time range ends before it starts".to_string(),
	};
	error(code::BAD_QUERY, message)
}

fn runtime_error(e: impl std::fmt::Display) -> ErrorObjectOwned {
	error(code::RUNTIME, format!("runtime API call failed: {e}"))
}

/// The `audit_*` and `consent_*` methods.
#[rpc(server)]
pub trait MedchainApi {
	/// A patient's audit trail, newest first, as a FHIR `Bundle` of `AuditEvent`s.
	#[method(name = "audit_trail")]
	fn audit_trail(
		&self,
		patient: String,
		before: Option<u64>,
		limit: Option<u32>,
		at: Option<Hash>,
	) -> RpcResult<Value>;

	/// A patient's entries recorded within `[from, to]` (ms), newest first, as a FHIR `Bundle`.
	#[method(name = "audit_trailInTime")]
	fn audit_trail_in_time(
		&self,
		patient: String,
		from: u64,
		to: u64,
		before: Option<u64>,
		limit: Option<u32>,
	) -> RpcResult<Value>;

	/// The entries naming an actor, across patients, newest first, as a FHIR `Bundle`.
	#[method(name = "audit_byActor")]
	fn audit_by_actor(
		&self,
		actor: String,
		before: Option<u64>,
		limit: Option<u32>,
	) -> RpcResult<Value>;

	/// Re-hashes a patient's trail: `{ "checked": n, "firstBad": seq | null }`.
	#[method(name = "audit_verify")]
	fn audit_verify(&self, patient: String) -> RpcResult<Value>;

	/// One consent as a FHIR `Consent` resource.
	#[method(name = "consent_fhir")]
	fn consent_fhir(&self, id: u64) -> RpcResult<Value>;

	/// A patient's consents, newest first, as a FHIR `Bundle` of `Consent`s.
	#[method(name = "consent_patientBundle")]
	fn consent_patient_bundle(
		&self,
		patient: String,
		before: Option<u32>,
		limit: Option<u32>,
	) -> RpcResult<Value>;
}

/// The methods' implementation over a client.
pub struct Medchain<C> {
	client: Arc<C>,
}

impl<C> Medchain<C> {
	/// Serves the methods from `client`.
	pub fn new(client: Arc<C>) -> Self {
		Self { client }
	}
}

impl<C> Medchain<C>
where
	C: HeaderBackend<Block>,
{
	fn best(&self, at: Option<Hash>) -> Hash {
		at.unwrap_or_else(|| self.client.info().best_hash)
	}
}

impl<C> MedchainApiServer for Medchain<C>
where
	C: ProvideRuntimeApi<Block> + HeaderBackend<Block> + Send + Sync + 'static,
	C::Api: AuditApi<Block> + ConsentApi<Block>,
{
	fn audit_trail(
		&self,
		patient: String,
		before: Option<u64>,
		limit: Option<u32>,
		at: Option<Hash>,
	) -> RpcResult<Value> {
		let patient = parse_subject(&patient)?;
		let entries = self
			.client
			.runtime_api()
			.entries(self.best(at), patient, before, limit.unwrap_or(DEFAULT_LIMIT))
			.map_err(runtime_error)?
			.map_err(query_error)?;
		Ok(fhir::bundle(entries.iter().map(|e| fhir::audit_event(&patient, e)).collect()))
	}

	fn audit_trail_in_time(
		&self,
		patient: String,
		from: u64,
		to: u64,
		before: Option<u64>,
		limit: Option<u32>,
	) -> RpcResult<Value> {
		let patient = parse_subject(&patient)?;
		let entries = self
			.client
			.runtime_api()
			.entries_in_time(
				self.best(None),
				patient,
				from,
				to,
				before,
				limit.unwrap_or(DEFAULT_LIMIT),
			)
			.map_err(runtime_error)?
			.map_err(query_error)?;
		Ok(fhir::bundle(entries.iter().map(|e| fhir::audit_event(&patient, e)).collect()))
	}

	fn audit_by_actor(
		&self,
		actor: String,
		before: Option<u64>,
		limit: Option<u32>,
	) -> RpcResult<Value> {
		let actor = parse_subject(&actor)?;
		let entries = self
			.client
			.runtime_api()
			.entries_by_actor(self.best(None), actor, before, limit.unwrap_or(DEFAULT_LIMIT))
			.map_err(runtime_error)?
			.map_err(query_error)?;
		Ok(fhir::bundle(entries.iter().map(|(p, e)| fhir::audit_event(p, e)).collect()))
	}

	fn audit_verify(&self, patient: String) -> RpcResult<Value> {
		let patient = parse_subject(&patient)?;
		let check = self
			.client
			.runtime_api()
			.verify(self.best(None), patient)
			.map_err(runtime_error)?;
		Ok(json!({ "checked": check.checked, "firstBad": check.first_bad }))
	}

	fn consent_fhir(&self, id: u64) -> RpcResult<Value> {
		let record = self
			.client
			.runtime_api()
			.consent(self.best(None), ConsentId(id))
			.map_err(runtime_error)?
			.ok_or_else(|| error(code::NOT_FOUND, format!("no consent has id {id}")))?;
		Ok(fhir::consent(&record))
	}

	fn consent_patient_bundle(
		&self,
		patient: String,
		before: Option<u32>,
		limit: Option<u32>,
	) -> RpcResult<Value> {
		let patient = parse_subject(&patient)?;
		let limit = limit.unwrap_or(DEFAULT_LIMIT).min(medchain_primitives::audit::MAX_AUDIT_PAGE);
		let records = self
			.client
			.runtime_api()
			.consents_of_patient(self.best(None), patient, before, limit)
			.map_err(runtime_error)?;
		Ok(fhir::bundle(records.iter().map(fhir::consent).collect()))
	}
}

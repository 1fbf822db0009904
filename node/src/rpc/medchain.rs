//! MedChain's own JSON-RPC methods: the audit trail and consents as FHIR R4 JSON, read through
//! the runtime APIs (`AuditApi`, `ConsentApi`), so a hospital's SIEM or FHIR tooling needs no SCALE.
//!
//! Shaped like pallet-transaction-payment's RPC: every method takes an optional block hash `at`
//! (default: the best block), every failure is one [`Error`] mapped to a JSON-RPC code, and every
//! runtime-API call goes through [`Medchain::at`].

use std::sync::Arc;

use jsonrpsee::{core::RpcResult, proc_macros::rpc, types::ErrorObjectOwned, Extensions};
use medchain_fhir as fhir;
use medchain_primitives::{
	audit::{AuditQueryError, MAX_VERIFY_PAGE},
	consent::ConsentId,
	identity::SubjectId,
	runtime_api::{AuditApi, ConsentApi},
	Hash,
};
use medchain_runtime::opaque::Block;
use serde_json::{json, Value};
use sp_api::{ApiRef, ProvideRuntimeApi};
use sp_blockchain::HeaderBackend;

/// Default page size of the listing methods.
const DEFAULT_LIMIT: u32 = 100;

/// Why a MedChain RPC call failed.
#[derive(Debug, thiserror::Error)]
pub enum Error {
	/// An argument is malformed (a subject that is neither a DID nor 32 bytes of hex).
	#[error("{0}")]
	BadRequest(String),
	/// The query asks for more than the chain holds or allows.
	#[error("{0}")]
	BadQuery(String),
	/// The thing asked for does not exist.
	#[error("{0}")]
	NotFound(String),
	/// The runtime API call itself failed (unknown block, runtime error).
	#[error("runtime API call failed: {0}")]
	Runtime(String),
}

impl Error {
	/// The JSON-RPC error code: 4000 bad request, 4001 bad query, 4004 not found, 5000 runtime.
	pub fn code(&self) -> i32 {
		match self {
			Self::BadRequest(_) => 4000,
			Self::BadQuery(_) => 4001,
			Self::NotFound(_) => 4004,
			Self::Runtime(_) => 5000,
		}
	}
}

impl From<Error> for ErrorObjectOwned {
	fn from(e: Error) -> Self {
		ErrorObjectOwned::owned(e.code(), e.to_string(), None::<()>)
	}
}

impl From<AuditQueryError> for Error {
	fn from(e: AuditQueryError) -> Self {
		Self::BadQuery(match e {
			AuditQueryError::OutOfRange { count } => {
				format!("`before` is past the end of the trail ({count} entries)")
			},
			AuditQueryError::BadTimeRange => "the time range ends before it starts".to_string(),
		})
	}
}

impl From<sp_api::ApiError> for Error {
	fn from(e: sp_api::ApiError) -> Self {
		Self::Runtime(e.to_string())
	}
}

/// Parses `did:medchain:<hex>` or `0x<hex>`.
fn subject(s: &str) -> Result<SubjectId, Error> {
	s.parse::<SubjectId>().map_err(|e| Error::BadRequest(e.to_string()))
}

/// The `audit_*` and `consent_*` methods.
#[rpc(server)]
pub trait MedchainApi {
	/// A patient's audit trail, newest first, as a FHIR `Bundle` of `AuditEvent`s.
	#[method(name = "audit_trail", blocking)]
	fn audit_trail(
		&self,
		patient: String,
		before: Option<u64>,
		limit: Option<u32>,
		at: Option<Hash>,
	) -> RpcResult<Value>;

	/// A patient's entries recorded within `[from, to]` (ms), newest first, as a FHIR `Bundle`.
	#[method(name = "audit_trailInTime", blocking)]
	fn audit_trail_in_time(
		&self,
		patient: String,
		from: u64,
		to: u64,
		before: Option<u64>,
		limit: Option<u32>,
		at: Option<Hash>,
	) -> RpcResult<Value>;

	/// The entries naming an actor, across patients, newest first, as a FHIR `Bundle`. Unsafe:
	/// it lists across patients, so a public RPC node (`--rpc-methods safe`) refuses it.
	#[method(name = "audit_byActor", blocking, with_extensions)]
	fn audit_by_actor(
		&self,
		actor: String,
		before: Option<u64>,
		limit: Option<u32>,
		at: Option<Hash>,
	) -> RpcResult<Value>;

	/// Re-hashes one page (up to `MAX_VERIFY_PAGE` entries) of a patient's trail from `from`
	/// (default 0): `{ "checked": n, "firstBad": seq | null, "next": seq | null }`. Call again
	/// from `next` until it is null to verify the whole trail.
	#[method(name = "audit_verify", blocking)]
	fn audit_verify(
		&self,
		patient: String,
		from: Option<u64>,
		at: Option<Hash>,
	) -> RpcResult<Value>;

	/// One consent as a FHIR `Consent` resource.
	#[method(name = "consent_fhir", blocking)]
	fn consent_fhir(&self, id: u64, at: Option<Hash>) -> RpcResult<Value>;

	/// A patient's consents, newest first, as a FHIR `Bundle` of `Consent`s.
	#[method(name = "consent_patientBundle", blocking)]
	fn consent_patient_bundle(
		&self,
		patient: String,
		before: Option<u32>,
		limit: Option<u32>,
		at: Option<Hash>,
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
	C: ProvideRuntimeApi<Block> + HeaderBackend<Block>,
{
	/// The runtime API and the block to call it at: `at`, or the best block.
	fn at(&self, at: Option<Hash>) -> (ApiRef<'_, C::Api>, Hash) {
		(self.client.runtime_api(), at.unwrap_or_else(|| self.client.info().best_hash))
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
		let patient = subject(&patient)?;
		let (api, at) = self.at(at);
		let entries = api
			.entries(at, patient, before, limit.unwrap_or(DEFAULT_LIMIT))
			.map_err(Error::from)?
			.map_err(Error::from)?;
		Ok(fhir::bundle(entries.iter().map(|e| fhir::audit_event(&patient, e)).collect()))
	}

	fn audit_trail_in_time(
		&self,
		patient: String,
		from: u64,
		to: u64,
		before: Option<u64>,
		limit: Option<u32>,
		at: Option<Hash>,
	) -> RpcResult<Value> {
		let patient = subject(&patient)?;
		let (api, at) = self.at(at);
		let entries = api
			.entries_in_time(at, patient, from, to, before, limit.unwrap_or(DEFAULT_LIMIT))
			.map_err(Error::from)?
			.map_err(Error::from)?;
		Ok(fhir::bundle(entries.iter().map(|e| fhir::audit_event(&patient, e)).collect()))
	}

	fn audit_by_actor(
		&self,
		ext: &Extensions,
		actor: String,
		before: Option<u64>,
		limit: Option<u32>,
		at: Option<Hash>,
	) -> RpcResult<Value> {
		sc_rpc_api::check_if_safe(ext)?;
		let actor = subject(&actor)?;
		let (api, at) = self.at(at);
		let entries = api
			.entries_by_actor(at, actor, before, limit.unwrap_or(DEFAULT_LIMIT))
			.map_err(Error::from)?
			.map_err(Error::from)?;
		Ok(fhir::bundle(entries.iter().map(|(p, e)| fhir::audit_event(p, e)).collect()))
	}

	fn audit_verify(
		&self,
		patient: String,
		from: Option<u64>,
		at: Option<Hash>,
	) -> RpcResult<Value> {
		let patient = subject(&patient)?;
		let (api, at) = self.at(at);
		let check = api
			.verify(at, patient, from.unwrap_or(0), MAX_VERIFY_PAGE)
			.map_err(Error::from)?;
		Ok(json!({ "checked": check.checked, "firstBad": check.first_bad, "next": check.next }))
	}

	fn consent_fhir(&self, id: u64, at: Option<Hash>) -> RpcResult<Value> {
		let (api, at) = self.at(at);
		let record = api
			.consent(at, ConsentId(id))
			.map_err(Error::from)?
			.ok_or_else(|| Error::NotFound(format!("no consent has id {id}")))?;
		Ok(fhir::consent(&record))
	}

	fn consent_patient_bundle(
		&self,
		patient: String,
		before: Option<u32>,
		limit: Option<u32>,
		at: Option<Hash>,
	) -> RpcResult<Value> {
		let patient = subject(&patient)?;
		let limit = limit.unwrap_or(DEFAULT_LIMIT);
		let (api, at) = self.at(at);
		let records = api.consents_of_patient(at, patient, before, limit).map_err(Error::from)?;
		Ok(fhir::bundle(records.iter().map(fhir::consent).collect()))
	}
}

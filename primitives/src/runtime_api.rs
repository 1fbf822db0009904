//! The runtime APIs MedChain adds, in one place: what the node's RPC, the gateway, the CLI and
//! Polkadot.js (`api.call.identityApi.*`, `api.call.consentApi.*`, `api.call.auditApi.*`,
//! `api.call.recordsApi.*`) call.
//!
//! Each carries its version (`#[api_version]`): a change of signature raises it, so a client can
//! ask the runtime which one it speaks (`Core_version` lists every API with its version).

use alloc::vec::Vec;

use crate::{
	audit::{AuditEntry, AuditQueryError, ChainVerification, TrailHead},
	consent::{
		AccessDecision, AccessTarget, ConsentAction, ConsentId, ConsentRecord, EmergencyGrant,
		EmergencyId, PurposeOfUse, RecordId,
	},
	identity::{IdentityDocument, RotationPayload, SubjectId},
	records::{RecordAnchor, RecordFilter, RecordPage},
	Moment,
};

sp_api::decl_runtime_apis! {

	/// Resolve who is asking and which key to wrap for.
	#[api_version(1)]
	pub trait IdentityApi<AccountId> where AccountId: codec::Codec {
		/// The subject an account controls now (active or tombstoned), if any.
		fn subject_of(account: AccountId) -> Option<SubjectId>;
		/// The identity document of a subject.
		fn identity(subject: SubjectId) -> Option<IdentityDocument<AccountId>>;
		/// The identity document of the subject an account controls.
		fn identity_of_account(account: AccountId) -> Option<IdentityDocument<AccountId>>;
		/// The exact bytes `new_controller` must sign to take over `subject` by `rotate_controller`.
		fn rotation_payload(subject: SubjectId, new_controller: AccountId) -> Option<RotationPayload>;
	}

	/// Read a patient's audit trail.
	/// Version 2: `verify` is paged (`from`, `limit`, and `next` in its answer).
	#[api_version(2)]
	pub trait AuditApi {
		/// The head of `patient`'s trail.
		fn head(patient: SubjectId) -> TrailHead;
		/// Up to `limit` entries, newest first, starting at `before` (exclusive; default: the end).
		fn entries(patient: SubjectId, before: Option<u64>, limit: u32) -> Result<Vec<AuditEntry>, AuditQueryError>;
		/// Up to `limit` entries recorded in `[from, to]` (ms), newest first, before `before`.
		fn entries_in_time(patient: SubjectId, from: Moment, to: Moment, before: Option<u64>, limit: u32) -> Result<Vec<AuditEntry>, AuditQueryError>;
		/// Up to `limit` entries naming `actor`, newest first, as (patient, entry); `before` is
		/// the actor's own index (exclusive; default: the end).
		fn entries_by_actor(actor: SubjectId, before: Option<u64>, limit: u32) -> Result<Vec<(SubjectId, AuditEntry)>, AuditQueryError>;
		/// Re-hashes up to `limit` entries (at most `MAX_VERIFY_PAGE`) of `patient`'s trail from
		/// sequence `from`, linking the first to its predecessor, and reports the first bad link
		/// and where the next page starts. From 0 until `next` is `None` verifies the whole trail.
		fn verify(patient: SubjectId, from: u64, limit: u32) -> ChainVerification;
	}

	/// The one access rule of MedChain, and the consents behind it.
	/// Version 2: `check_access` answers as of the block it is called at; no `at` argument.
	/// Version 3: `AccessTarget::Record` names only the record; the class comes from its anchor.
	#[api_version(3)]
	pub trait ConsentApi {
		/// May `accessor` do `action` on `target` of `patient` for `purpose`, as of the block the
		/// call is made at (its state and its time)? Permit names the consent or emergency grant;
		/// Deny names the reason. To ask about the past, call it at a past block.
		fn check_access(
			patient: SubjectId,
			accessor: SubjectId,
			action: ConsentAction,
			target: AccessTarget,
			purpose: PurposeOfUse,
		) -> AccessDecision;
		/// One consent.
		fn consent(id: ConsentId) -> Option<ConsentRecord>;
		/// A patient's consents, active and past, newest first; `before` is an index into the
		/// patient's list (exclusive; default: the end).
		fn consents_of_patient(patient: SubjectId, before: Option<u32>, limit: u32) -> Vec<ConsentRecord>;
		/// Consents naming `grantee` (a practitioner or organization), newest first.
		fn consents_of_grantee(grantee: SubjectId, before: Option<u32>, limit: u32) -> Vec<ConsentRecord>;
		/// One emergency grant.
		fn emergency(id: EmergencyId) -> Option<EmergencyGrant>;
	}

	/// Record anchors: what the gateway checks a blob against, and a patient's list of records.
	#[api_version(1)]
	pub trait RecordsApi {
		/// One record's anchor (erased records included).
		fn record(id: RecordId) -> Option<RecordAnchor>;
		/// Up to `limit` of `patient`'s records that pass `filter`, newest first, from `before`
		/// (an index into the patient's list, exclusive; default: the end).
		fn records_of(patient: SubjectId, filter: RecordFilter, before: Option<u32>, limit: u32) -> RecordPage;
	}
}

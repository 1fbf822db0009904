//! Audit vocabulary: the entries of the per-patient, hash-chained audit trail. Fields map to
//! FHIR R4 `AuditEvent`; see docs/audit.md for the byte layout an auditor re-hashes.

use alloc::vec::Vec;
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;
use sp_core::H256;
use strum::{EnumIter, EnumMessage, IntoStaticStr};

use crate::{
	consent::{ConsentId, DenyReason, EmergencyId, PurposeOfUse, RecordId},
	identity::SubjectId,
	Moment,
};

/// What happened. FHIR `AuditEvent.type` / `subtype`.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	EnumIter,
	IntoStaticStr,
	EnumMessage,
)]
pub enum AuditEventType {
	/// A consent was granted.
	#[strum(to_string = "consent-granted", message = "Consent granted")]
	ConsentGranted,
	/// A consent was revoked.
	#[strum(to_string = "consent-revoked", message = "Consent revoked")]
	ConsentRevoked,
	/// Emergency (break-glass) access was opened.
	#[strum(to_string = "emergency-access", message = "Emergency access opened")]
	EmergencyAccess,
	/// A record was written (anchored) or superseded.
	#[strum(to_string = "record-written", message = "Record written")]
	RecordWritten,
	/// A record was read through a gateway.
	#[strum(to_string = "record-read", message = "Record read")]
	RecordRead,
	/// A record was erased (crypto-shredded).
	#[strum(to_string = "record-erased", message = "Record erased")]
	RecordErased,
	/// An access attempt was denied.
	#[strum(to_string = "access-denied", message = "Access denied")]
	AccessDenied,
	/// The patient's identity changed (keys, guardians, recovery).
	#[strum(to_string = "identity-changed", message = "Identity changed")]
	IdentityChanged,
	/// Emergency (break-glass) access was ended before its time.
	#[strum(to_string = "emergency-ended", message = "Emergency access ended")]
	EmergencyEnded,
}

impl AuditEventType {
	/// The code in MedChain's `audit-event-subtype` CodeSystem: the code's name (`Display`).
	pub fn code(&self) -> &'static str {
		(*self).into()
	}
}

code_text!(AuditEventType, "audit event type");

/// FHIR `AuditEvent.action`: C R U D E.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	EnumIter,
	IntoStaticStr,
	EnumMessage,
)]
pub enum AuditAction {
	/// C: create.
	#[strum(to_string = "C", message = "Create")]
	Create,
	/// R: read / view / print.
	#[strum(to_string = "R", message = "Read")]
	Read,
	/// U: update.
	#[strum(to_string = "U", message = "Update")]
	Update,
	/// D: delete.
	#[strum(to_string = "D", message = "Delete")]
	Delete,
	/// E: execute (e.g. a query or a break-glass override).
	#[strum(to_string = "E", message = "Execute")]
	Execute,
}

impl AuditAction {
	/// The FHIR code: the code's name (`Display`).
	pub fn code(&self) -> &'static str {
		(*self).into()
	}
}

code_text!(AuditAction, "audit action");

/// FHIR `AuditEvent.outcome`: 0, 4, 8 or 12.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	EnumIter,
	IntoStaticStr,
	EnumMessage,
)]
pub enum AuditOutcome {
	/// 0: success.
	#[strum(to_string = "0", message = "Success")]
	Success,
	/// 4: minor failure (e.g. access denied by policy).
	#[strum(to_string = "4", message = "Minor failure")]
	MinorFailure,
	/// 8: serious failure.
	#[strum(to_string = "8", message = "Serious failure")]
	SeriousFailure,
	/// 12: major failure.
	#[strum(to_string = "12", message = "Major failure")]
	MajorFailure,
}

impl AuditOutcome {
	/// The FHIR code: the code's name (`Display`).
	pub fn code(&self) -> &'static str {
		(*self).into()
	}
}

code_text!(AuditOutcome, "audit outcome");

/// The policy that allowed an access. FHIR `AuditEvent.agent.policy`.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
)]
#[cfg_attr(
	feature = "serde",
	derive(serde::Serialize, serde::Deserialize),
	serde(rename_all = "snake_case")
)]
pub enum AuditPolicy {
	/// A consent.
	Consent(ConsentId),
	/// An emergency grant.
	Emergency(EmergencyId),
	/// The patient acting on their own data.
	OwnData,
}

/// Who wrote the entry. FHIR `AuditEvent.source.observer`.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
)]
#[cfg_attr(
	feature = "serde",
	derive(serde::Serialize, serde::Deserialize),
	serde(rename_all = "snake_case")
)]
pub enum AuditSource {
	/// The runtime itself (consent, identity, records pallets).
	Runtime,
	/// A registered gateway of an active organization.
	Gateway(SubjectId),
}

/// The record touched. FHIR `AuditEvent.entity.what` (identifier) and the ciphertext hash.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct AuditEntity {
	/// The record's identifier.
	pub record: RecordId,
	/// blake2-256 of the ciphertext, where known.
	pub hash: Option<H256>,
}

/// How often the access an entry stands for happened, when more than once: a gateway folds
/// identical denials (same reader, patient, record, reason and purpose) within a short window
/// into one entry, so a flood of refused requests costs its sender, not the trail. FHIR
/// `period.end` (the last) and MedChain's `repeats` extension (the count).
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Repeats {
	/// How many times, at least 2.
	pub count: u32,
	/// When the last happened, ms since the Unix epoch; the first is the entry's `occurred`.
	pub last: Moment,
}

/// What a writer says happened; the audit log adds sequence, times, source and hashes.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct AuditRecord {
	/// What happened. FHIR `type`/`subtype`.
	pub event_type: AuditEventType,
	/// FHIR `action`.
	pub action: AuditAction,
	/// FHIR `outcome`.
	pub outcome: AuditOutcome,
	/// Who acted. FHIR `agent.who`.
	pub actor: SubjectId,
	/// Whether the actor initiated the event. FHIR `agent.requestor`.
	pub requestor: bool,
	/// The consent or emergency grant that allowed it. FHIR `agent.policy`.
	pub policy: Option<AuditPolicy>,
	/// Why it was denied, for denials. FHIR `outcomeDesc` (as a code).
	pub deny_reason: Option<DenyReason>,
	/// The record touched. FHIR `entity`.
	pub entity: Option<AuditEntity>,
	/// Why. FHIR `purposeOfEvent`.
	pub purpose: Option<PurposeOfUse>,
	/// When the writer says it happened, ms since the Unix epoch. FHIR `period.start`.
	pub occurred: Moment,
	/// For an entry that stands for several identical accesses (folded denials): how many, and
	/// when the last happened. `None` for one access.
	pub repeats: Option<Repeats>,
}

impl AuditRecord {
	/// A successful change the runtime made at `actor`'s request (consent and identity changes):
	/// no record touched, no denial.
	pub fn runtime_change(
		event_type: AuditEventType,
		action: AuditAction,
		actor: SubjectId,
		policy: Option<AuditPolicy>,
		purpose: Option<PurposeOfUse>,
		occurred: Moment,
	) -> Self {
		Self {
			event_type,
			action,
			outcome: AuditOutcome::Success,
			actor,
			requestor: true,
			policy,
			deny_reason: None,
			entity: None,
			purpose,
			occurred,
			repeats: None,
		}
	}
}

/// One entry of a patient's trail, as stored and as the runtime API returns it.
#[derive(
	Clone, PartialEq, Eq, Debug, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo,
)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct AuditEntry {
	/// Position in the patient's trail, from 0.
	pub seq: u64,
	/// What the writer said happened.
	pub record: AuditRecord,
	/// Who wrote it.
	pub source: AuditSource,
	/// Block time when it was appended, ms since the Unix epoch. FHIR `recorded`.
	pub recorded: Moment,
	/// Block number when it was appended.
	pub block: u32,
	/// The previous entry's hash (all zeroes for the first entry).
	pub prev_hash: H256,
	/// blake2-256 of `entry_preimage(patient, …)`: see [`entry_hash`].
	pub hash: H256,
}

/// The domain tag an entry's hash preimage starts with: no other MedChain hash can collide with an
/// audit entry's.
pub const ENTRY_DOMAIN: &[u8] = b"medchain:audit-entry:v1";

/// The bytes an entry's hash covers: the domain tag [`ENTRY_DOMAIN`], the chain's genesis hash (an
/// entry cannot be replayed as another chain's), the patient, then every field of the entry but the
/// hash, SCALE-encoded in declaration order.
#[allow(clippy::too_many_arguments)] // the entry's fields, in the order they are hashed
pub fn entry_preimage(
	genesis: &H256,
	patient: &SubjectId,
	seq: u64,
	record: &AuditRecord,
	source: &AuditSource,
	recorded: Moment,
	block: u32,
	prev_hash: &H256,
) -> Vec<u8> {
	let mut preimage = ENTRY_DOMAIN.to_vec();
	(genesis, patient, seq, record, source, recorded, block, prev_hash).encode_to(&mut preimage);
	preimage
}

/// The hash an entry of `patient`'s trail on the chain with `genesis` must carry.
pub fn entry_hash(genesis: &H256, patient: &SubjectId, entry: &AuditEntry) -> H256 {
	H256(sp_crypto_hashing::blake2_256(&entry_preimage(
		genesis,
		patient,
		entry.seq,
		&entry.record,
		&entry.source,
		entry.recorded,
		entry.block,
		&entry.prev_hash,
	)))
}

/// The head of a patient's trail.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
	Default,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct TrailHead {
	/// How many entries the trail holds.
	pub count: u64,
	/// The newest entry's hash (zero for an empty trail).
	pub hash: H256,
}

/// The result of re-hashing one patient's trail.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct ChainVerification {
	/// Entries checked by this call.
	pub checked: u64,
	/// The first entry whose hash or link does not match, if any.
	pub first_bad: Option<u64>,
	/// Where the next page starts, if the trail goes on past this one (and nothing was bad).
	pub next: Option<u64>,
}

/// Why an audit query was refused.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Encode, Decode, TypeInfo)]
#[cfg_attr(
	feature = "serde",
	derive(serde::Serialize, serde::Deserialize),
	serde(rename_all = "snake_case")
)]
pub enum AuditQueryError {
	/// The starting sequence number is past the end of the trail.
	OutOfRange { count: u64 },
	/// The time range ends before it starts.
	BadTimeRange,
}

/// Largest page an audit query returns; larger `limit`s are clamped to it.
pub const MAX_AUDIT_PAGE: u32 = 1000;

/// Most entries one `verify` call re-hashes; a longer trail is verified page by page.
pub const MAX_VERIFY_PAGE: u32 = 10_000;

//! The traits MedChain's pallets are written against, so each depends on what it asks of the
//! others and not on their storage: identity answers who is who ([`SubjectRegistry`]), consent
//! answers who may do what ([`AccessRule`]), records answer what a record is ([`RecordRegistry`]),
//! the audit log takes the runtime's own entries ([`AuditSink`]).

use alloc::vec::Vec;
use sp_core::H256;

use crate::{
	audit::{AuditPolicy, AuditRecord},
	consent::{AccessDecision, AccessTarget, ConsentAction, PermitBasis, PurposeOfUse, RecordId},
	identity::{RoleSet, SubjectId, SubjectKind},
	records::RecordAnchor,
	Moment,
};

/// What other pallets ask of identity. Implemented by `pallet-patient-identity`.
pub trait SubjectRegistry<AccountId> {
	/// The active subject `account` controls now, if any.
	fn subject_of(account: &AccountId) -> Option<SubjectId>;
	/// The kind of an active subject; `None` for unknown or deactivated subjects.
	fn active_kind(subject: &SubjectId) -> Option<SubjectKind>;
	/// Whether `subject` was ever registered (tombstones included).
	fn exists(subject: &SubjectId) -> bool;
	/// The kind of any subject ever registered, tombstones included.
	fn kind_of(subject: &SubjectId) -> Option<SubjectKind>;
	/// The organizations whose attestation of `practitioner` is live at `now`.
	fn organizations_of(practitioner: &SubjectId, now: Moment) -> Vec<SubjectId>;
	/// Whether `practitioner` holds at least one live attestation at `now`.
	fn is_practitioner(practitioner: &SubjectId, now: Moment) -> bool;
	/// The roles `practitioner`'s live attestations at `now` vouch for.
	fn live_roles(practitioner: &SubjectId, now: Moment) -> RoleSet;
	/// Whether `organization` attests `practitioner` with a live attestation at `now`.
	fn is_attested_by(practitioner: &SubjectId, organization: &SubjectId, now: Moment) -> bool;
	/// Whether `practitioner` held an attestation (by `organization`, or by any organization) at
	/// `at`: issued at or before `at`, neither expired nor revoked by then, its organization not
	/// removed by then, and the practitioner not deactivated by then. What a past access is
	/// judged by: identity keeps revoked attestations and removal times as history for
	/// `HistoryRetention`, so a read served before a revocation stays justified and an
	/// attestation issued after a read does not justify it.
	fn held_attestation_at(
		practitioner: &SubjectId,
		organization: Option<&SubjectId>,
		at: Moment,
	) -> bool;
	/// The roles the attestations `practitioner` held at `at` vouched for (as
	/// [`Self::held_attestation_at`] judges them).
	fn roles_at(practitioner: &SubjectId, at: Moment) -> RoleSet;
	/// Whether `guardian` may act (grant/revoke consent) for `patient`.
	fn is_delegate(patient: &SubjectId, guardian: &SubjectId) -> bool;
	/// When `subject` was deactivated (chain time, ms), if it was.
	fn deactivated_at(subject: &SubjectId) -> Option<Moment>;
	/// Whether `guardian` held the delegate right for `patient` at `at`: given at or before `at`
	/// and not taken away (removed, or the guardian deactivated) by then.
	fn was_delegate_at(patient: &SubjectId, guardian: &SubjectId, at: Moment) -> bool;
	/// For an active gateway of an active organization: that organization.
	fn gateway_organization(gateway: &SubjectId) -> Option<SubjectId>;

	/// Benchmarks only: makes `controller` an active subject of `kind` (for a gateway, of
	/// `organization`) without a signed call, and returns its identifier. In the style of
	/// `EnsureOrigin::try_successful_origin`: other pallets' benchmarks get their subjects here.
	#[cfg(feature = "runtime-benchmarks")]
	fn benchmark_subject(
		kind: SubjectKind,
		controller: AccountId,
		organization: Option<SubjectId>,
	) -> SubjectId;

	/// Benchmarks only: makes `organization` attest `practitioner` with a live attestation.
	#[cfg(feature = "runtime-benchmarks")]
	fn benchmark_attest(practitioner: &SubjectId, organization: &SubjectId);

	/// Benchmarks only: how many attestations one practitioner may hold (the worst case of every
	/// lookup of a practitioner's organizations).
	#[cfg(feature = "runtime-benchmarks")]
	fn benchmark_max_attestations() -> u32;

	/// Benchmarks only: makes `guardian` a delegate guardian of `patient`.
	#[cfg(feature = "runtime-benchmarks")]
	fn benchmark_delegate(patient: &SubjectId, guardian: &SubjectId);
}

/// What a gateway claims when it reports a read: `actor` read `record` of `patient` under
/// `policy` for `purpose` at `occurred`, served by a gateway of the organization `custodian`.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct ReadClaim {
	/// Whose record.
	pub patient: SubjectId,
	/// Who read it.
	pub actor: SubjectId,
	/// The consent or emergency grant that allowed it, or `OwnData`.
	pub policy: AuditPolicy,
	/// Why.
	pub purpose: PurposeOfUse,
	/// The record read.
	pub record: RecordId,
	/// The ciphertext hash the gateway served, if it reports one.
	pub content_hash: Option<H256>,
	/// The organization of the gateway that served it.
	pub custodian: SubjectId,
	/// When the read was decided (the decision block's time), ms since the Unix epoch.
	pub occurred: Moment,
}

/// Why a read a gateway reports is not justified.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum PolicyRefusal {
	/// No consent or emergency grant has that identifier.
	NotFound,
	/// The patient was deactivated before the read.
	PatientDeactivated,
	/// The policy exists but did not allow this actor to read this patient's data at that time
	/// (another patient or actor, not yet granted, revoked or expired, no read, another purpose;
	/// for `OwnData`: neither the patient nor a delegate then).
	NotForThisRead,
	/// No record has that identifier.
	UnknownRecord,
	/// The record is another patient's.
	RecordOfAnotherPatient,
	/// The record is kept by another organization than the reporting gateway's.
	NotTheCustodian,
	/// The record was erased before the read.
	RecordErased,
	/// The reported ciphertext hash is not the anchored one.
	ContentMismatch,
	/// The policy does not cover the record: its class is not granted or is excluded, and the
	/// consent does not name the record.
	ClassNotCovered,
	/// An emergency read by a practitioner who held no break-glass role then.
	NotABreakGlassRole,
	/// An emergency read of a class the patient had closed to emergency access then.
	ClosedToEmergency,
}

/// What the audit log asks of consent: whether the policy a gateway names really allowed the read
/// it reports, so that an audit entry is justified, not just claimed. Implemented by
/// `pallet-consent`, which asks records for the anchor and identity for the history.
pub trait ReadPolicies {
	/// Whether `claim.policy` allowed the read `claim` reports, judged at `claim.occurred`:
	/// the record is the patient's, kept by `claim.custodian`, not erased before `occurred`
	/// (and of the reported hash); and the policy was a consent of that patient naming the actor
	/// (or an organization attesting them then) in its period, not yet revoked, allowing reads
	/// for that purpose and covering the record's class or naming the record; an emergency grant
	/// of that patient and practitioner open then, for a practitioner holding a break-glass role
	/// then, of a class not closed to emergency then; or `OwnData` for the patient or a delegate
	/// then.
	fn allowed_read(claim: &ReadClaim) -> Result<(), PolicyRefusal>;

	/// Benchmarks only: a record of `patient` kept by `custodian` and a policy that allows the
	/// practitioner `actor` to read it now for `PurposeOfUse::EmergencyTreat`, made as expensive
	/// to check as any (the worst case of the rule: an emergency grant, the actor's live
	/// attestation the last of `MaxAttestations`).
	#[cfg(feature = "runtime-benchmarks")]
	fn benchmark_read(
		patient: &SubjectId,
		actor: &SubjectId,
		custodian: &SubjectId,
	) -> (AuditPolicy, RecordId);
}

/// Where the runtime's own pallets append audit entries.
pub trait AuditSink {
	/// Appends `record` to `patient`'s trail as written by the runtime; returns its sequence number.
	fn append(patient: &SubjectId, record: AuditRecord) -> u64;
}

/// No audit trail: for the test runtime of the audit log itself, whose tests count the entries
/// they append and want none from identity.
impl AuditSink for () {
	fn append(_patient: &SubjectId, _record: AuditRecord) -> u64 {
		0
	}
}

/// No policies: every named policy is unknown. For test runtimes without a consent pallet, where
/// no gateway read can be justified.
impl ReadPolicies for () {
	fn allowed_read(_claim: &ReadClaim) -> Result<(), PolicyRefusal> {
		Err(PolicyRefusal::NotFound)
	}

	#[cfg(feature = "runtime-benchmarks")]
	fn benchmark_read(
		_patient: &SubjectId,
		_actor: &SubjectId,
		_custodian: &SubjectId,
	) -> (AuditPolicy, RecordId) {
		(AuditPolicy::OwnData, RecordId([0; 32]))
	}
}

/// What consent asks of records: the anchor behind a record identifier, so that the rule judges a
/// read of a record by the class its anchor gives. Implemented by `pallet-medical-records`.
pub trait RecordRegistry {
	/// The anchor of `record`, if one exists (erased records included).
	fn anchor(record: &RecordId) -> Option<RecordAnchor>;
	/// When `record` was erased (chain time, ms), if it was.
	fn erased_at(record: &RecordId) -> Option<Moment>;

	/// Benchmarks only: anchors a record of `patient` of `class`, kept by `custodian`, and
	/// returns its identifier.
	#[cfg(feature = "runtime-benchmarks")]
	fn benchmark_anchor(
		patient: &SubjectId,
		custodian: &SubjectId,
		class: crate::consent::DataClass,
	) -> RecordId;
}

/// No records: every record identifier is unknown. For runtimes without a records pallet.
impl RecordRegistry for () {
	fn anchor(_record: &RecordId) -> Option<RecordAnchor> {
		None
	}
	fn erased_at(_record: &RecordId) -> Option<Moment> {
		None
	}

	#[cfg(feature = "runtime-benchmarks")]
	fn benchmark_anchor(
		_patient: &SubjectId,
		_custodian: &SubjectId,
		_class: crate::consent::DataClass,
	) -> RecordId {
		RecordId([0; 32])
	}
}

/// What records ask of consent: THE access rule. Implemented by `pallet-consent`.
pub trait AccessRule {
	/// May `accessor` take `action` on `target` of `patient`'s data for `purpose`, now?
	fn check_access(
		patient: &SubjectId,
		accessor: &SubjectId,
		action: ConsentAction,
		target: &AccessTarget,
		purpose: PurposeOfUse,
	) -> AccessDecision;

	/// The organization an organization-wide consent names, when `basis` is one.
	fn consenting_organization(basis: &PermitBasis) -> Option<SubjectId>;

	/// Benchmarks only: a consent of `patient` that lets `practitioner` create records of every
	/// class for every purpose, among as many non-matching consents as the rule may have to look
	/// at for the practitioner and each organization attesting them.
	#[cfg(feature = "runtime-benchmarks")]
	fn benchmark_allow_create(patient: &SubjectId, practitioner: &SubjectId);
}

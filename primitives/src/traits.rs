//! The traits MedChain's pallets are written against, so each depends on what it asks of the
//! others and not on their storage: identity answers who is who ([`SubjectRegistry`]), consent
//! answers who may do what ([`AccessRule`]), records answer what a record is ([`RecordRegistry`]),
//! the audit log takes the runtime's own entries ([`AuditSink`]).

use alloc::vec::Vec;

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
	/// Whether `practitioner` holds an attestation (by `organization`, or by any organization)
	/// that was unexpired at `at` and whose organization is still active, whatever the
	/// practitioner's own status now: what a past access is judged by once the practitioner
	/// has deactivated. (Attestations revoked since are gone; the chain keeps no history.)
	fn held_attestation_at(
		practitioner: &SubjectId,
		organization: Option<&SubjectId>,
		at: Moment,
	) -> bool;
	/// Whether `guardian` may act (grant/revoke consent) for `patient`.
	fn is_delegate(patient: &SubjectId, guardian: &SubjectId) -> bool;
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

/// Why a policy a gateway names does not justify the read it reports.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum PolicyRefusal {
	/// No consent or emergency grant has that identifier.
	NotFound,
	/// The policy exists but did not allow this actor to read this patient's data at that time.
	NotForThisRead,
}

/// What the audit log asks of consent: whether the policy a gateway names really allowed the read
/// it reports, so that an audit entry is justified, not just claimed. Implemented by
/// `pallet-consent`.
pub trait ReadPolicies {
	/// Whether `policy` allowed `actor` to read `patient`'s data for `purpose` at `occurred`: a
	/// consent of that patient naming the actor (or an organization attesting them) that was in
	/// its period, not yet revoked, and allowed reads for that purpose; an emergency grant of that
	/// patient and practitioner open at `occurred`; or `OwnData` for the patient or a delegate.
	fn allowed_read(
		patient: &SubjectId,
		actor: &SubjectId,
		policy: AuditPolicy,
		purpose: Option<PurposeOfUse>,
		occurred: Moment,
	) -> Result<(), PolicyRefusal>;

	/// Benchmarks only: a policy that allows `actor` to read `patient`'s data now, made as
	/// expensive to check as any (an organization-wide consent the actor's attestation meets).
	#[cfg(feature = "runtime-benchmarks")]
	fn benchmark_policy(patient: &SubjectId, actor: &SubjectId) -> AuditPolicy;
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
	fn allowed_read(
		_patient: &SubjectId,
		_actor: &SubjectId,
		_policy: AuditPolicy,
		_purpose: Option<PurposeOfUse>,
		_occurred: Moment,
	) -> Result<(), PolicyRefusal> {
		Err(PolicyRefusal::NotFound)
	}

	#[cfg(feature = "runtime-benchmarks")]
	fn benchmark_policy(_patient: &SubjectId, _actor: &SubjectId) -> AuditPolicy {
		AuditPolicy::OwnData
	}
}

/// What consent asks of records: the anchor behind a record identifier, so that the rule judges a
/// read of a record by the class its anchor gives. Implemented by `pallet-medical-records`.
pub trait RecordRegistry {
	/// The anchor of `record`, if one exists (erased records included).
	fn anchor(record: &RecordId) -> Option<RecordAnchor>;
}

/// No records: every record identifier is unknown. For runtimes without a records pallet.
impl RecordRegistry for () {
	fn anchor(_record: &RecordId) -> Option<RecordAnchor> {
		None
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

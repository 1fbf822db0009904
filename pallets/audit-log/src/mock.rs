//! The audit log's test runtime: System, Timestamp, the real identity pallet and the audit log.
//! Identity's own entries are tested in identity's runtime; here trails hold what the tests
//! append, and [`TestPolicies`] stands in for the consent pallet.

use medchain_primitives::{
	audit::AuditPolicy,
	consent::{ConsentId, RecordId},
	traits::{PolicyRefusal, ReadClaim, ReadPolicies},
};

pub use pallet_patient_identity::mock::NOW;

use crate as pallet_audit_log;

pallet_patient_identity::test_runtime! {
	identity_audit: (),
	audit_policies: TestPolicies,
	pallets: {},
	after_each: {
		crate::try_state::do_try_state::<Test>().expect("audit invariants hold");
	},
}

/// The policies of the audit log's own tests, which have no consent pallet: consent
/// [`ALLOWING_CONSENT`] allowed every read of [`RECORD`], consent [`REVOKED_CONSENT`] allowed
/// none, no other consent exists, and `OwnData` holds for the patient only. A claim naming
/// [`REFUSED_RECORDS`]`[i]` is refused with the `i`-th refusal of [`REFUSALS`], so the tests can
/// check that each refusal maps to its own error. The real rule is tested with the consent
/// pallet, where real consents and anchors resolve.
pub struct TestPolicies;

/// The consent that allowed every read in the audit log's tests.
pub const ALLOWING_CONSENT: ConsentId = ConsentId(7);
/// A consent that exists but allowed no read in the audit log's tests.
pub const REVOKED_CONSENT: ConsentId = ConsentId(8);
/// The record every allowed read of the audit log's tests names.
pub const RECORD: RecordId = RecordId([0xAA; 32]);
/// The refusals a record-level check can give, in the order [`refused_record`] names them.
pub const REFUSALS: [PolicyRefusal; 8] = [
	PolicyRefusal::UnknownRecord,
	PolicyRefusal::RecordOfAnotherPatient,
	PolicyRefusal::NotTheCustodian,
	PolicyRefusal::RecordErased,
	PolicyRefusal::ContentMismatch,
	PolicyRefusal::ClassNotCovered,
	PolicyRefusal::NotABreakGlassRole,
	PolicyRefusal::ClosedToEmergency,
];

/// A record whose reads [`TestPolicies`] refuses with `REFUSALS[i]`.
pub fn refused_record(i: usize) -> RecordId {
	RecordId([i as u8 + 1; 32])
}

impl ReadPolicies for TestPolicies {
	fn allowed_read(claim: &ReadClaim) -> Result<(), PolicyRefusal> {
		if let Some(i) = (0..REFUSALS.len()).find(|i| refused_record(*i) == claim.record) {
			return Err(REFUSALS[i]);
		}
		match claim.policy {
			AuditPolicy::Consent(ALLOWING_CONSENT) => Ok(()),
			AuditPolicy::Consent(REVOKED_CONSENT) => Err(PolicyRefusal::NotForThisRead),
			AuditPolicy::OwnData if claim.patient == claim.actor => Ok(()),
			AuditPolicy::OwnData => Err(PolicyRefusal::NotForThisRead),
			_ => Err(PolicyRefusal::NotFound),
		}
	}

	#[cfg(feature = "runtime-benchmarks")]
	fn benchmark_read(
		_patient: &medchain_primitives::identity::SubjectId,
		_actor: &medchain_primitives::identity::SubjectId,
		_custodian: &medchain_primitives::identity::SubjectId,
	) -> (AuditPolicy, RecordId) {
		(AuditPolicy::Consent(ALLOWING_CONSENT), RECORD)
	}
}

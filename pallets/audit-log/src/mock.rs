//! The audit log's test runtime: System, Timestamp, the real identity pallet and the audit log.
//! Identity's own entries are tested in identity's runtime; here trails hold what the tests
//! append, and [`TestPolicies`] stands in for the consent pallet.

use medchain_primitives::{
	audit::AuditPolicy,
	consent::{ConsentId, PurposeOfUse},
	identity::SubjectId,
	traits::{PolicyRefusal, ReadPolicies},
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
/// [`ALLOWING_CONSENT`] allowed every read, consent [`REVOKED_CONSENT`] allowed none, no other
/// consent exists, and `OwnData` holds for the patient only. The real rule is tested with the
/// consent pallet, where real consents resolve.
pub struct TestPolicies;

/// The consent that allowed every read in the audit log's tests.
pub const ALLOWING_CONSENT: ConsentId = ConsentId(7);
/// A consent that exists but allowed no read in the audit log's tests.
pub const REVOKED_CONSENT: ConsentId = ConsentId(8);

impl ReadPolicies for TestPolicies {
	fn allowed_read(
		patient: &SubjectId,
		actor: &SubjectId,
		policy: AuditPolicy,
		_purpose: Option<PurposeOfUse>,
		_occurred: u64,
	) -> Result<(), PolicyRefusal> {
		match policy {
			AuditPolicy::Consent(ALLOWING_CONSENT) => Ok(()),
			AuditPolicy::Consent(REVOKED_CONSENT) => Err(PolicyRefusal::NotForThisRead),
			AuditPolicy::OwnData if patient == actor => Ok(()),
			AuditPolicy::OwnData => Err(PolicyRefusal::NotForThisRead),
			_ => Err(PolicyRefusal::NotFound),
		}
	}

	#[cfg(feature = "runtime-benchmarks")]
	fn benchmark_policy(_patient: &SubjectId, _actor: &SubjectId) -> AuditPolicy {
		AuditPolicy::Consent(ALLOWING_CONSENT)
	}
}

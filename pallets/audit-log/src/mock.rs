//! The audit log's test runtime: System, Timestamp, the real identity pallet and the audit log.
//! Identity's own entries are tested in identity's runtime; here trails hold what the tests append.

use frame_support::derive_impl;
use frame_system::EnsureRoot;
use medchain_primitives::{
	audit::AuditPolicy,
	consent::{ConsentId, PurposeOfUse},
	identity::SubjectId,
	traits::{PolicyRefusal, ReadPolicies},
};
use sp_runtime::{traits::IdentityLookup, AccountId32};

pub use pallet_patient_identity::mock::NOW;

use crate as pallet_audit_log;

type Block = frame_system::mocking::MockBlock<Test>;

#[frame_support::runtime]
mod runtime {
	#[runtime::runtime]
	#[runtime::derive(RuntimeCall, RuntimeEvent, RuntimeError, RuntimeOrigin, RuntimeTask)]
	pub struct Test;

	#[runtime::pallet_index(0)]
	pub type System = frame_system;

	#[runtime::pallet_index(1)]
	pub type Timestamp = pallet_timestamp;

	#[runtime::pallet_index(2)]
	pub type Identity = pallet_patient_identity;

	#[runtime::pallet_index(3)]
	pub type AuditLog = pallet_audit_log;
}

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
	type Block = Block;
	type AccountId = AccountId32;
	type Lookup = IdentityLookup<AccountId32>;
}

#[derive_impl(pallet_timestamp::config_preludes::TestDefaultConfig)]
impl pallet_timestamp::Config for Test {}

#[derive_impl(pallet_patient_identity::config_preludes::TestDefaultConfig)]
impl pallet_patient_identity::Config for Test {
	type GovernanceOrigin = EnsureRoot<AccountId32>;
	type Time = Timestamp;
	type Audit = ();
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = pallet_patient_identity::Sr25519BenchmarkHelper;
}

#[derive_impl(pallet_audit_log::config_preludes::TestDefaultConfig)]
impl pallet_audit_log::Config for Test {
	type Identity = Identity;
	type SubjectOrigin = pallet_patient_identity::EnsureSubject<Test>;
	type Policies = TestPolicies;
	type Time = Timestamp;
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

/// Subjects of this runtime, made through identity's calls.
pub type Seeds = pallet_patient_identity::mock::Seeds<Test>;

/// Builds the test externalities; `build_and_execute` re-hashes every trail afterwards.
pub struct ExtBuilder;

impl ExtBuilder {
	/// Block 1, the clock at [`NOW`].
	pub fn build(self) -> sp_io::TestExternalities {
		pallet_patient_identity::mock::new_test_ext::<Test>()
	}

	/// Runs `test`, then checks the audit invariants.
	pub fn build_and_execute(self, test: impl FnOnce()) {
		self.build().execute_with(|| {
			test();
			crate::try_state::do_try_state::<Test>().expect("audit invariants hold");
		});
	}
}

//! The consent pallet's test runtime: System, Timestamp, the real identity pallet and audit log,
//! and consent. Subjects come from identity's shared helpers ([`Seeds`]).

use frame_support::derive_impl;
use frame_system::EnsureRoot;
use sp_runtime::{traits::IdentityLookup, AccountId32};

pub use pallet_patient_identity::mock::{account, pair, DAY, HOUR, NOW};

use crate as pallet_consent;

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

	#[runtime::pallet_index(4)]
	pub type Consent = pallet_consent;
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
	type Audit = AuditLog;
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = pallet_patient_identity::Sr25519BenchmarkHelper;
}

#[derive_impl(pallet_audit_log::config_preludes::TestDefaultConfig)]
impl pallet_audit_log::Config for Test {
	type Identity = Identity;
	type SubjectOrigin = pallet_patient_identity::EnsureSubject<Test>;
	type Policies = Consent;
	type Time = Timestamp;
}

#[derive_impl(pallet_consent::config_preludes::TestDefaultConfig)]
impl pallet_consent::Config for Test {
	type Identity = Identity;
	type SubjectOrigin = pallet_patient_identity::EnsureSubject<Test>;
	type Audit = AuditLog;
	type Time = Timestamp;
	type GovernanceOrigin = EnsureRoot<AccountId32>;
}

/// Subjects of this runtime, made through identity's calls.
pub type Seeds = pallet_patient_identity::mock::Seeds<Test>;

/// Builds the test externalities; `build_and_execute` checks the invariants afterwards.
pub struct ExtBuilder;

impl ExtBuilder {
	/// Block 1, the clock at [`NOW`].
	pub fn build(self) -> sp_io::TestExternalities {
		pallet_patient_identity::mock::new_test_ext::<Test>()
	}

	/// Runs `test`, then checks the consent, identity and audit invariants.
	pub fn build_and_execute(self, test: impl FnOnce()) {
		self.build().execute_with(|| {
			test();
			crate::try_state::do_try_state::<Test>().expect("consent invariants hold");
		});
	}
}

//! A test runtime: System, Timestamp, the real identity pallet and audit log, and consent.

use frame_support::{
	derive_impl,
	traits::{ConstU32, ConstU64},
};
use frame_system::EnsureRoot;
use sp_core::{sr25519, Pair, H256};
use sp_runtime::{traits::IdentityLookup, AccountId32, BuildStorage, MultiSignature, MultiSigner};

use medchain_primitives::identity::{PractitionerRole, SubjectId, SubjectKind};

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

impl pallet_timestamp::Config for Test {
	type Moment = u64;
	type OnTimestampSet = ();
	type MinimumPeriod = ConstU64<1>;
	type WeightInfo = ();
}

impl pallet_patient_identity::Config for Test {
	type GovernanceOrigin = EnsureRoot<AccountId32>;
	type Time = Timestamp;
	type OffchainSignature = MultiSignature;
	type SigningPublicKey = MultiSigner;
	type MaxAttestations = ConstU32<4>;
	type MaxGuardians = ConstU32<4>;
	type MinRecoveryDelay = ConstU64<10>;
	type Audit = AuditLog;
	type WeightInfo = ();
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = pallet_patient_identity::Sr25519BenchmarkHelper;
}

impl pallet_audit_log::Config for Test {
	type Identity = Identity;
	type Time = Timestamp;
	type MaxBatch = ConstU32<8>;
	type MaxClockSkew = ConstU64<60_000>;
	type WeightInfo = ();
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = BenchSubjects;
}

impl pallet_consent::Config for Test {
	type Identity = Identity;
	type Audit = AuditLog;
	type Time = Timestamp;
	type GovernanceOrigin = EnsureRoot<AccountId32>;
	type MaxRecordsPerConsent = ConstU32<4>;
	type MaxConsentsPerPair = ConstU32<3>;
	type DefaultMaxEmergencyDuration = ConstU64<{ 4 * HOUR }>;
	type WeightInfo = ();
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = BenchSubjects;
}

/// 2026-01-01T00:00:00Z on the chain clock.
pub const NOW: u64 = 1_767_225_600_000;
/// One hour, ms.
pub const HOUR: u64 = 3_600_000;
/// One day, ms.
pub const DAY: u64 = 24 * HOUR;

pub fn account(seed: &str) -> AccountId32 {
	sr25519::Pair::from_string(&format!("//{seed}"), None)
		.expect("static seed")
		.public()
		.into()
}

pub fn signed(seed: &str) -> RuntimeOrigin {
	RuntimeOrigin::signed(account(seed))
}

pub fn subject(seed: &str) -> SubjectId {
	pallet_patient_identity::Controllers::<Test>::get(account(seed)).expect("registered")
}

/// Registers `seed` as a patient or practitioner.
pub fn register(seed: &str, kind: SubjectKind) -> SubjectId {
	Identity::register(signed(seed), kind, [1; 32], H256::zero()).expect("registers");
	subject(seed)
}

/// Admits `seed` as an organization (if not yet).
pub fn organization(seed: &str) -> SubjectId {
	if pallet_patient_identity::Controllers::<Test>::get(account(seed)).is_none() {
		Identity::admit_organization(RuntimeOrigin::root(), account(seed), [2; 32], H256::zero())
			.expect("admits");
	}
	subject(seed)
}

/// A practitioner attested by `org` for 30 days.
pub fn practitioner(seed: &str, org: &str) -> SubjectId {
	organization(org);
	let id = register(seed, SubjectKind::Practitioner);
	Identity::attest_practitioner(
		signed(org),
		id,
		PractitionerRole::Physician,
		H256::zero(),
		NOW + 30 * DAY,
	)
	.expect("attests");
	id
}

#[cfg(feature = "runtime-benchmarks")]
pub struct BenchSubjects;

#[cfg(feature = "runtime-benchmarks")]
impl pallet_audit_log::BenchmarkHelper<AccountId32> for BenchSubjects {
	fn gateway() -> AccountId32 {
		unimplemented!("the consent benchmarks do not write gateway batches")
	}
	fn patient(index: u32) -> SubjectId {
		register(&format!("bench-patient-{index}"), SubjectKind::Patient)
	}
	fn actor() -> SubjectId {
		register("bench-actor", SubjectKind::Practitioner)
	}
}

#[cfg(feature = "runtime-benchmarks")]
impl crate::BenchmarkHelper<AccountId32> for BenchSubjects {
	fn patient(who: &AccountId32) -> SubjectId {
		Identity::register(
			RuntimeOrigin::signed(who.clone()),
			SubjectKind::Patient,
			[1; 32],
			H256::zero(),
		)
		.expect("registers");
		pallet_patient_identity::Controllers::<Test>::get(who).expect("registered")
	}
	fn attested_practitioner(who: &AccountId32) -> (SubjectId, SubjectId) {
		let org = organization("bench-org");
		Identity::register(
			RuntimeOrigin::signed(who.clone()),
			SubjectKind::Practitioner,
			[1; 32],
			H256::zero(),
		)
		.expect("registers");
		let id = pallet_patient_identity::Controllers::<Test>::get(who).expect("registered");
		Identity::attest_practitioner(
			signed("bench-org"),
			id,
			PractitionerRole::Physician,
			H256::zero(),
			NOW + DAY,
		)
		.expect("attests");
		(id, org)
	}
}

#[derive(Default)]
pub struct ExtBuilder;

impl ExtBuilder {
	pub fn build(self) -> sp_io::TestExternalities {
		let storage = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
		let mut ext = sp_io::TestExternalities::new(storage);
		ext.execute_with(|| {
			System::set_block_number(1);
			Timestamp::set_timestamp(NOW);
		});
		ext
	}

	/// Runs `test`, then checks the consent and audit invariants.
	pub fn build_and_execute(self, test: impl FnOnce()) {
		self.build().execute_with(|| {
			test();
			crate::try_state::do_try_state::<Test>().expect("consent invariants hold");
		});
	}
}

//! A test runtime with System, Timestamp, the real identity pallet and the audit log.

use frame_support::{
	derive_impl,
	traits::{ConstU32, ConstU64},
};
use frame_system::EnsureRoot;
use sp_core::{sr25519, Pair, H256};
use sp_runtime::{traits::IdentityLookup, AccountId32, BuildStorage, MultiSignature, MultiSigner};

use medchain_primitives::identity::{PractitionerRole, SubjectId, SubjectKind};

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
	// Identity's own entries are tested with the consent pallet; here trails hold only what the
	// audit tests append.
	type Audit = ();
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

/// 2026-01-01T00:00:00Z on the chain clock.
pub const NOW: u64 = 1_767_225_600_000;

pub fn account(seed: &str) -> AccountId32 {
	sr25519::Pair::from_string(&format!("//{seed}"), None)
		.expect("static seed")
		.public()
		.into()
}

pub fn signed(seed: &str) -> RuntimeOrigin {
	RuntimeOrigin::signed(account(seed))
}

/// Registers `seed` as a subject of `kind` (patients and practitioners only).
pub fn register(seed: &str, kind: SubjectKind) -> SubjectId {
	Identity::register(signed(seed), kind, [1; 32], H256::zero()).expect("registers");
	pallet_patient_identity::Controllers::<Test>::get(account(seed)).expect("registered")
}

/// Admits `org` and registers `gateway` for it; returns (organization, gateway).
pub fn organization_with_gateway(org: &str, gateway: &str) -> (SubjectId, SubjectId) {
	Identity::admit_organization(RuntimeOrigin::root(), account(org), [2; 32], H256::zero())
		.expect("admits");
	Identity::register_gateway(signed(org), account(gateway), [3; 32], H256::zero())
		.expect("registers a gateway");
	let id = |s| pallet_patient_identity::Controllers::<Test>::get(account(s)).expect("exists");
	(id(org), id(gateway))
}

/// An attested practitioner of `org`.
pub fn practitioner(seed: &str, org: &str) -> SubjectId {
	let id = register(seed, SubjectKind::Practitioner);
	Identity::attest_practitioner(
		signed(org),
		id,
		PractitionerRole::Physician,
		H256::zero(),
		NOW + 1_000_000,
	)
	.expect("attests");
	id
}

#[cfg(feature = "runtime-benchmarks")]
pub struct BenchSubjects;

#[cfg(feature = "runtime-benchmarks")]
impl crate::BenchmarkHelper<AccountId32> for BenchSubjects {
	fn gateway() -> AccountId32 {
		organization_with_gateway("bench-org", "bench-gateway");
		account("bench-gateway")
	}
	fn patient(index: u32) -> SubjectId {
		register(&format!("bench-patient-{index}"), SubjectKind::Patient)
	}
	fn actor() -> SubjectId {
		register("bench-actor", SubjectKind::Practitioner)
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

	/// Runs `test`, then checks the audit log's invariants.
	pub fn build_and_execute(self, test: impl FnOnce()) {
		self.build().execute_with(|| {
			test();
			crate::try_state::do_try_state::<Test>().expect("audit invariants hold");
		});
	}
}

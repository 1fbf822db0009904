//! A test runtime with just System, Timestamp and the identity pallet.

use frame_support::{derive_impl, traits::ConstU32, traits::ConstU64};
use frame_system::EnsureRoot;
use sp_core::{sr25519, Pair};
use sp_keystore::{testing::MemoryKeystore, KeystoreExt};
use sp_runtime::{traits::IdentityLookup, AccountId32, BuildStorage, MultiSignature, MultiSigner};

use crate as pallet_patient_identity;

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
	type MaxAttestations = ConstU32<3>;
	type MaxGuardians = ConstU32<4>;
	type MinRecoveryDelay = ConstU64<10>;
	type Audit = ();
	type WeightInfo = ();
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = crate::Sr25519BenchmarkHelper;
}

/// 2026-01-01T00:00:00Z on the chain clock.
pub const NOW: u64 = 1_767_225_600_000;
/// One day in milliseconds.
pub const DAY: u64 = 86_400_000;

/// A key pair from a dev seed such as `//Alice`.
pub fn pair(seed: &str) -> sr25519::Pair {
	sr25519::Pair::from_string(&format!("//{seed}"), None).expect("static seed")
}

/// The account of a dev seed.
pub fn account(seed: &str) -> AccountId32 {
	pair(seed).public().into()
}

/// A signed origin for a dev seed's account.
pub fn signed(seed: &str) -> RuntimeOrigin {
	RuntimeOrigin::signed(account(seed))
}

/// Builds the test externalities: block 1, the clock at [`NOW`], a keystore for benchmarks.
#[derive(Default)]
pub struct ExtBuilder;

impl ExtBuilder {
	pub fn build(self) -> sp_io::TestExternalities {
		let storage = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
		let mut ext = sp_io::TestExternalities::new(storage);
		ext.register_extension(KeystoreExt::new(MemoryKeystore::new()));
		ext.execute_with(|| {
			System::set_block_number(1);
			Timestamp::set_timestamp(NOW);
		});
		ext
	}

	/// Runs `test`, then checks the pallet's invariants.
	pub fn build_and_execute(self, test: impl FnOnce()) {
		self.build().execute_with(|| {
			test();
			crate::try_state::do_try_state::<Test>().expect("identity invariants hold");
		});
	}
}

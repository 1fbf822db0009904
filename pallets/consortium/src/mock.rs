//! The consortium pallet's test runtime: System and the pallet, Root as the governance origin, and
//! session keys as a set of accounts the test controls.

use core::cell::RefCell;
use frame_support::{derive_impl, parameter_types, traits::ConstU32};
use sp_runtime::BuildStorage;

use crate as pallet_consortium;

type Block = frame_system::mocking::MockBlock<Test>;

#[frame_support::runtime]
mod runtime {
	#[runtime::runtime]
	#[runtime::derive(RuntimeCall, RuntimeEvent, RuntimeError, RuntimeOrigin, RuntimeTask)]
	pub struct Test;

	#[runtime::pallet_index(0)]
	pub type System = frame_system;

	#[runtime::pallet_index(1)]
	pub type Consortium = pallet_consortium;
}

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
	type Block = Block;
}

thread_local! {
	static WITHOUT_KEYS: RefCell<Vec<u64>> = const { RefCell::new(Vec::new()) };
}

/// Every account has session keys except those a test names here.
pub struct MockKeys;
impl MockKeys {
	pub fn forget(who: u64) {
		WITHOUT_KEYS.with(|w| w.borrow_mut().push(who));
	}
}
impl crate::ValidatorKeys<u64> for MockKeys {
	fn has_keys(who: &u64) -> bool {
		WITHOUT_KEYS.with(|w| !w.borrow().contains(who))
	}
	#[cfg(feature = "runtime-benchmarks")]
	fn set_benchmark_keys(who: &u64) {
		WITHOUT_KEYS.with(|w| w.borrow_mut().retain(|v| v != who));
	}
}

parameter_types! {
	pub const MinSessionLength: u64 = 5;
}

impl pallet_consortium::Config for Test {
	type GovernanceOrigin = frame_system::EnsureRoot<u64>;
	type Keys = MockKeys;
	type MaxValidators = ConstU32<8>;
	type MinValidators = ConstU32<3>;
	type MinSessionLength = MinSessionLength;
	type WeightInfo = ();
}

/// Validators 1..=`n`, sessions of 10 blocks, at block 1.
pub fn new_test_ext_with(n: u64) -> sp_io::TestExternalities {
	let mut storage = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
	pallet_consortium::GenesisConfig::<Test> { validators: (1..=n).collect(), session_length: 10 }
		.assimilate_storage(&mut storage)
		.unwrap();
	let mut ext: sp_io::TestExternalities = storage.into();
	ext.execute_with(|| System::set_block_number(1));
	ext
}

/// Four validators, as the local network starts.
pub fn new_test_ext() -> sp_io::TestExternalities {
	new_test_ext_with(4)
}

//! The consortium pallet's test runtime: System and the pallet, Root as the governance origin,
//! session keys as a set of accounts the test controls, and pallet-session's side of the hooks as
//! a record of what the pallet asked of it ([`MockSession`]).

use core::cell::RefCell;
use frame_support::{
	derive_impl, parameter_types,
	traits::{ConstU32, ConstU64},
};
use sp_runtime::{BuildStorage, Perbill};
use sp_staking::SessionIndex;

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
	static DISABLED: RefCell<Vec<(u64, Perbill)>> = const { RefCell::new(Vec::new()) };
	static FIRST_KEPT: RefCell<Option<SessionIndex>> = const { RefCell::new(None) };
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

/// pallet-session as the pallet's hooks reach it: it keeps whom the pallet disabled and where it
/// last pruned the history.
pub struct MockSession;
impl MockSession {
	/// Every disabling asked for so far, oldest first: validator and severity.
	pub fn disabled() -> Vec<(u64, Perbill)> {
		DISABLED.with(|d| d.borrow().clone())
	}

	/// The first session whose historical root the latest pruning kept, if there was one.
	pub fn first_kept() -> Option<SessionIndex> {
		FIRST_KEPT.with(|f| *f.borrow())
	}
}
impl crate::SessionHooks<u64> for MockSession {
	fn disable(validator: &u64, severity: Perbill) {
		DISABLED.with(|d| d.borrow_mut().push((*validator, severity)));
	}
	fn prune_history(first_kept: SessionIndex) {
		FIRST_KEPT.with(|f| *f.borrow_mut() = Some(first_kept));
	}
}

parameter_types! {
	pub const MinSessionLength: u64 = 5;
}

impl pallet_consortium::Config for Test {
	type GovernanceOrigin = frame_system::EnsureRoot<u64>;
	type Keys = MockKeys;
	type Session = MockSession;
	/// Six of the tests' 10-block sessions.
	type ReportLongevity = ConstU64<60>;
	type MaxValidators = ConstU32<8>;
	type MinValidators = ConstU32<3>;
	type MinSessionLength = MinSessionLength;
	type WeightInfo = ();
}

/// Builds the test externalities; `build_and_execute` checks the pallet's invariants afterwards.
pub struct ExtBuilder {
	validators: u64,
}

impl Default for ExtBuilder {
	/// Four validators, as the local network starts.
	fn default() -> Self {
		Self { validators: 4 }
	}
}

impl ExtBuilder {
	/// Validators 1..=`n`.
	pub fn with_validators(n: u64) -> Self {
		Self { validators: n }
	}

	/// The validators, sessions of 10 blocks, at block 1.
	pub fn build(self) -> sp_io::TestExternalities {
		let mut storage = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
		pallet_consortium::GenesisConfig::<Test> {
			validators: (1..=self.validators).collect(),
			session_length: 10,
		}
		.assimilate_storage(&mut storage)
		.unwrap();
		let mut ext: sp_io::TestExternalities = storage.into();
		ext.execute_with(|| System::set_block_number(1));
		ext
	}

	/// Runs `test`, then the invariant checks.
	pub fn build_and_execute(self, test: impl FnOnce()) {
		self.build().execute_with(|| {
			test();
			crate::try_state::do_try_state::<Test>().expect("consortium invariants hold");
		});
	}
}

//! The allowance pallet's test runtime: System, Balances, TransactionPayment and the pallet. Accounts
//! below 10 are patients, and account 100 + n is patient n's rotated controller; `remark` is a
//! patient's own call, `remark_with_event` a patient registration.

use frame_support::{
	derive_impl, parameter_types,
	traits::ConstU32,
	weights::{IdentityFee, Weight},
};
use frame_system::limits::BlockWeights;
use pallet_transaction_payment::FungibleAdapter;
use sp_runtime::{BuildStorage, Perbill};

use crate as pallet_patient_allowance;
use crate::{ClassifyCall, FreeCall};

type Block = frame_system::mocking::MockBlock<Test>;

#[frame_support::runtime]
mod runtime {
	#[runtime::runtime]
	#[runtime::derive(
		RuntimeCall,
		RuntimeEvent,
		RuntimeError,
		RuntimeOrigin,
		RuntimeTask,
		RuntimeHoldReason,
		RuntimeFreezeReason
	)]
	pub struct Test;

	#[runtime::pallet_index(0)]
	pub type System = frame_system;

	#[runtime::pallet_index(1)]
	pub type Balances = pallet_balances;

	#[runtime::pallet_index(2)]
	pub type TransactionPayment = pallet_transaction_payment;

	#[runtime::pallet_index(3)]
	pub type PatientAllowance = pallet_patient_allowance;
}

parameter_types! {
	/// Normal calls may use 750 units (of 10^9) of a 1000-unit block; the free lane 20 % of that, 150.
	pub MockBlockWeights: BlockWeights = BlockWeights::with_sensible_defaults(
		Weight::from_parts(1_000_000_000_000, u64::MAX),
		Perbill::from_percent(75),
	);
	pub static CallsPerPeriod: u32 = 3;
	pub static Period: u64 = 10;
	pub static RegistrationsPerPeriod: u32 = 2;
	pub static FreeBlockShare: Perbill = Perbill::from_percent(20);
}

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
	type Block = Block;
	type BlockWeights = MockBlockWeights;
	type AccountData = pallet_balances::AccountData<u64>;
}

#[derive_impl(pallet_balances::config_preludes::TestDefaultConfig)]
impl pallet_balances::Config for Test {
	type AccountStore = System;
}

#[derive_impl(pallet_transaction_payment::config_preludes::TestDefaultConfig)]
impl pallet_transaction_payment::Config for Test {
	type OnChargeTransaction = FungibleAdapter<Balances, ()>;
	type WeightToFee = IdentityFee<u64>;
	type LengthToFee = IdentityFee<u64>;
}

/// Patient n is controlled by account n (n < 10) or, after a rotation, by 100 + n; anyone
/// registering (`remark_with_event`) is a new patient.
pub struct MockClassifier;
impl ClassifyCall<u64, RuntimeCall, u64> for MockClassifier {
	fn classify(who: &u64, call: &RuntimeCall) -> Option<FreeCall<u64>> {
		match call {
			RuntimeCall::System(frame_system::Call::remark_with_event { .. }) => {
				Some(FreeCall::NewPatient)
			},
			RuntimeCall::System(frame_system::Call::remark { .. })
				if *who < 10 || (100..110).contains(who) =>
			{
				Some(FreeCall::Patient(who % 100))
			},
			_ => None,
		}
	}
}

impl pallet_patient_allowance::Config for Test {
	type PatientId = u64;
	type Classifier = MockClassifier;
	type CallsPerPeriod = CallsPerPeriod;
	type Period = Period;
	type RegistrationsPerPeriod = RegistrationsPerPeriod;
	type FreeBlockShare = FreeBlockShare;
	type MaxFreeLength = ConstU32<64>;
}

/// What the funded accounts hold: enough for any fee in these tests.
pub const FUNDS: u64 = 1_000_000_000_000_000;

/// Builds the test externalities; `build_and_execute` checks the pallet's invariants afterwards.
pub struct ExtBuilder;

impl ExtBuilder {
	/// Funded patient 1, unfunded patient 2 (kept alive by a provider, as an identity keeps it)
	/// and its rotated controller 102, funded practitioner 50; nobody else exists. Block 1.
	pub fn build(self) -> sp_io::TestExternalities {
		let mut storage = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
		pallet_balances::GenesisConfig::<Test> {
			balances: vec![(1, FUNDS), (50, FUNDS)],
			..Default::default()
		}
		.assimilate_storage(&mut storage)
		.unwrap();
		let mut ext: sp_io::TestExternalities = storage.into();
		ext.execute_with(|| {
			System::set_block_number(1);
			System::inc_providers(&2);
			System::inc_providers(&102);
		});
		ext
	}

	/// Runs `test`, then the invariant checks.
	pub fn build_and_execute(self, test: impl FnOnce()) {
		self.build().execute_with(|| {
			test();
			crate::try_state::do_try_state::<Test>().expect("allowance invariants hold");
		});
	}
}

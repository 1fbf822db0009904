//! Benchmarks of the four governance calls, each in its worst case (a full set to search).

use frame_benchmarking::v2::*;
use frame_support::traits::EnsureOrigin;
use frame_support::{traits::Get, BoundedVec};

use crate::*;

/// A set as full as it may be, handed to the session too.
fn full_set<T: Config>(leave_room: bool) -> BoundedVec<T::AccountId, T::MaxValidators> {
	let n = T::MaxValidators::get().saturating_sub(leave_room as u32);
	let set: BoundedVec<T::AccountId, T::MaxValidators> = (0..n)
		.map(|i| account("validator", i, 0))
		.collect::<alloc::vec::Vec<_>>()
		.try_into()
		.unwrap();
	Validators::<T>::put(&set);
	HandedValidators::<T>::put(&set);
	set
}

#[benchmarks]
mod benchmarks {
	use super::*;

	#[benchmark]
	fn add_validator() -> Result<(), BenchmarkError> {
		full_set::<T>(true);
		let origin =
			T::GovernanceOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		let validator: T::AccountId = account("new-validator", 0, 0);
		T::Keys::set_benchmark_keys(&validator);

		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, validator.clone());

		assert!(Validators::<T>::get().contains(&validator));
		Ok(())
	}

	#[benchmark]
	fn remove_validator() -> Result<(), BenchmarkError> {
		let set = full_set::<T>(false);
		let origin =
			T::GovernanceOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		let validator = set.last().cloned().ok_or(BenchmarkError::Weightless)?;

		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, validator.clone());

		assert!(!Validators::<T>::get().contains(&validator));
		Ok(())
	}

	#[benchmark]
	fn set_session_length() -> Result<(), BenchmarkError> {
		let origin =
			T::GovernanceOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		let blocks = T::MinSessionLength::get();

		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, blocks);

		assert_eq!(SessionLength::<T>::get(), blocks);
		Ok(())
	}

	#[benchmark]
	fn authorize_upgrade() -> Result<(), BenchmarkError> {
		let origin =
			T::GovernanceOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		let code_hash = T::Hash::default();

		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, code_hash);

		frame_system::Pallet::<T>::assert_has_event(
			frame_system::Event::<T>::UpgradeAuthorized { code_hash, check_version: true }.into(),
		);
		Ok(())
	}

	impl_benchmark_test_suite!(
		Pallet,
		crate::mock::ExtBuilder::default().build(),
		crate::mock::Test
	);
}

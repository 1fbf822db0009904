//! Invariants of the allowance pallet, checked after every test and by `try-runtime`.

use frame_support::ensure;
use sp_runtime::TryRuntimeError;

use crate::*;

/// A count is stored only once it counts a call, and the free lane is of this block or an earlier
/// one, never holding more than a block's normal class.
///
/// Nothing here depends on the runtime parameters (allowance, period, share), which governance may
/// change at any time: a count taken under the old ones stays what it was.
pub fn do_try_state<T: Config>() -> Result<(), TryRuntimeError> {
	for (_, usage) in Used::<T>::iter() {
		ensure!(usage.calls > 0, "a patient's usage is stored only once it counts a call");
	}
	let registrations = Registrations::<T>::get();
	ensure!(
		registrations.calls > 0 || registrations == Usage::default(),
		"the registrations count is untouched or counts a registration"
	);
	let lane = ThisBlock::<T>::get();
	let now = frame_system::Pallet::<T>::block_number();
	ensure!(lane.block <= now, "the free lane is never of a future block");
	if lane.block == now {
		let (weight, length) = Pallet::<T>::normal_capacity();
		ensure!(
			!lane.weight.any_gt(weight) && lane.length <= length,
			"the free lane never holds more than a block's normal class"
		);
	}
	Ok(())
}

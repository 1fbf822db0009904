//! Invariants of the consortium pallet, checked after every test and by `try-runtime`.

use frame_support::{ensure, traits::Get};
use sp_runtime::TryRuntimeError;

use crate::*;

/// Whether `accounts` names each account once.
fn distinct<A: PartialEq>(accounts: &[A]) -> bool {
	accounts
		.iter()
		.enumerate()
		.all(|(i, a)| accounts.iter().take(i).all(|b| b != a))
}

/// The set as it stands would pass the rules a change must pass against the handed set (never
/// below the minimum once it shrinks, never a third removed or added at once), every list names an
/// account once, sessions last at least the minimum, and the current one did not start in the
/// future.
pub fn do_try_state<T: Config>() -> Result<(), TryRuntimeError> {
	let validators = Validators::<T>::get();
	ensure!(distinct(validators.as_slice()), "the validator set names each validator once");
	ensure!(
		distinct(HandedValidators::<T>::get().as_slice()),
		"the handed set names each validator once"
	);
	ensure!(distinct(Offenders::<T>::get().as_slice()), "an offender is pending once");
	ensure!(
		Pallet::<T>::ensure_safe_change(validators.as_slice()).is_ok(),
		"the validator set passes the rules of a change against the handed set"
	);
	ensure!(
		SessionLength::<T>::get() >= T::MinSessionLength::get(),
		"a session lasts at least the minimum"
	);
	ensure!(
		SessionStart::<T>::get() <= frame_system::Pallet::<T>::block_number(),
		"the current session did not start in the future"
	);
	Ok(())
}

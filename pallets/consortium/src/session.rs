//! The pallet as pallet-session sees it: the session manager handing over the validator set, the
//! clock that ends a session, and the handler pallet-offences reports equivocations to.

use alloc::vec::Vec;
use frame_support::{pallet_prelude::*, traits::EstimateNextSessionRotation};
use frame_system::pallet_prelude::BlockNumberFor;
use sp_runtime::{
	traits::{Saturating, Zero},
	Perbill, Permill,
};
use sp_staking::{
	offence::{OffenceDetails, OnOffenceHandler},
	SessionIndex,
};

use crate::{
	Config, Event, HandedValidators, Offenders, Pallet, SessionLength, SessionStart, Validators,
};

impl<T: Config> Pallet<T> {
	/// Removes the offenders the rules allow to remove, then hands the set over if it changed.
	fn next_set() -> Option<Vec<T::AccountId>> {
		let offenders = Offenders::<T>::take();
		if !offenders.is_empty() {
			let mut validators = Validators::<T>::get();
			for offender in offenders {
				let mut without: Vec<T::AccountId> = validators.to_vec();
				without.retain(|v| v != &offender);
				if without.len() == validators.len() {
					continue;
				}
				if Self::ensure_safe_change(&without).is_ok() {
					validators.retain(|v| v != &offender);
					Self::deposit_event(Event::ValidatorRemoved { validator: offender });
				} else {
					Self::deposit_event(Event::OffenderKept { validator: offender });
				}
			}
			Validators::<T>::put(&validators);
		}
		let validators = Validators::<T>::get();
		if validators == HandedValidators::<T>::get() {
			// Unchanged: pallet-session keeps the queued set, and GRANDPA's set (and its
			// disabled validators) stay as they are.
			return None;
		}
		HandedValidators::<T>::put(&validators);
		Some(validators.into_inner())
	}
}

impl<T: Config> pallet_session::SessionManager<T::AccountId> for Pallet<T> {
	fn new_session(_new_index: SessionIndex) -> Option<Vec<T::AccountId>> {
		Self::next_set()
	}

	fn new_session_genesis(_new_index: SessionIndex) -> Option<Vec<T::AccountId>> {
		Some(Validators::<T>::get().into_inner())
	}

	fn end_session(_end_index: SessionIndex) {}

	fn start_session(_start_index: SessionIndex) {
		SessionStart::<T>::put(frame_system::Pallet::<T>::block_number());
	}
}

/// Validators carry no identification beyond their account: there is no stake to slash.
impl<T: Config> pallet_session::historical::SessionManager<T::AccountId, ()> for Pallet<T> {
	fn new_session(new_index: SessionIndex) -> Option<Vec<(T::AccountId, ())>> {
		<Self as pallet_session::SessionManager<_>>::new_session(new_index)
			.map(|set| set.into_iter().map(|v| (v, ())).collect())
	}

	fn new_session_genesis(new_index: SessionIndex) -> Option<Vec<(T::AccountId, ())>> {
		<Self as pallet_session::SessionManager<_>>::new_session_genesis(new_index)
			.map(|set| set.into_iter().map(|v| (v, ())).collect())
	}

	fn start_session(start_index: SessionIndex) {
		<Self as pallet_session::SessionManager<_>>::start_session(start_index)
	}

	fn end_session(end_index: SessionIndex) {
		<Self as pallet_session::SessionManager<_>>::end_session(end_index)
	}
}

impl<T: Config> pallet_session::ShouldEndSession<BlockNumberFor<T>> for Pallet<T> {
	fn should_end_session(now: BlockNumberFor<T>) -> bool {
		let length = SessionLength::<T>::get();
		!length.is_zero() && now >= SessionStart::<T>::get().saturating_add(length)
	}
}

impl<T: Config> EstimateNextSessionRotation<BlockNumberFor<T>> for Pallet<T> {
	fn average_session_length() -> BlockNumberFor<T> {
		SessionLength::<T>::get()
	}

	fn estimate_current_session_progress(now: BlockNumberFor<T>) -> (Option<Permill>, Weight) {
		let length = SessionLength::<T>::get();
		let progress = if length.is_zero() {
			None
		} else {
			let elapsed = now.saturating_sub(SessionStart::<T>::get()).min(length);
			Some(Permill::from_rational(elapsed, length))
		};
		(progress, T::DbWeight::get().reads(2))
	}

	fn estimate_next_session_rotation(
		_now: BlockNumberFor<T>,
	) -> (Option<BlockNumberFor<T>>, Weight) {
		let next = SessionStart::<T>::get().saturating_add(SessionLength::<T>::get());
		(Some(next), T::DbWeight::get().reads(2))
	}
}

/// An equivocating validator is removed at the next rotation, if the set can spare it.
impl<T: Config, Id> OnOffenceHandler<T::AccountId, (T::AccountId, Id), Weight> for Pallet<T> {
	fn on_offence(
		offenders: &[OffenceDetails<T::AccountId, (T::AccountId, Id)>],
		_slash_fraction: &[Perbill],
		session: SessionIndex,
	) -> Weight {
		let mut pending = Offenders::<T>::get();
		let validators = Validators::<T>::get();
		for details in offenders {
			let validator = &details.offender.0;
			if validators.contains(validator) && !pending.contains(validator) {
				// Bounded by the validator set itself, so the push cannot fail.
				let _ = pending.try_push(validator.clone());
				Self::deposit_event(Event::ValidatorOffended {
					validator: validator.clone(),
					session,
				});
			}
		}
		Offenders::<T>::put(pending);
		T::DbWeight::get()
			.reads_writes(2, 1)
			.saturating_add(T::DbWeight::get().writes(offenders.len() as u64))
	}
}

//! The pallet as pallet-session sees it: the session manager handing over the validator set, the
//! clock that ends a session, and the handler pallet-offences reports equivocations to; and
//! pallet-session as the pallet reaches it ([`SessionHooks`]).

use alloc::vec::Vec;
use frame_support::{pallet_prelude::*, traits::EstimateNextSessionRotation};
use frame_system::pallet_prelude::BlockNumberFor;
use sp_runtime::{
	traits::{Saturating, UniqueSaturatedInto, Zero},
	Perbill, Permill,
};
use sp_staking::{
	offence::{OffenceDetails, OffenceSeverity, OnOffenceHandler},
	SessionIndex,
};

use crate::{
	Config, Event, HandedValidators, Offenders, Pallet, SessionLength, SessionStart, Validators,
};

/// What the pallet asks of pallet-session beyond taking the validator set at each rotation.
///
/// Implemented by `pallet_session::Pallet` for a runtime that has pallet-session's historical
/// part, and by `()`, which does neither (for a test runtime without pallet-session).
pub trait SessionHooks<AccountId> {
	/// Disables `validator` in the current session at once, with this severity: its blocks are
	/// refused until the set changes. pallet-session's disabling strategy decides (at most a third
	/// of the set); an account not in the current session is left alone.
	fn disable(validator: &AccountId, severity: Perbill);

	/// Forgets the historical session roots of every session before `first_kept`.
	fn prune_history(first_kept: SessionIndex);
}

impl<AccountId> SessionHooks<AccountId> for () {
	fn disable(_validator: &AccountId, _severity: Perbill) {}

	fn prune_history(_first_kept: SessionIndex) {}
}

impl<T: pallet_session::historical::Config> SessionHooks<<T as pallet_session::Config>::ValidatorId>
	for pallet_session::Pallet<T>
{
	fn disable(validator: &<T as pallet_session::Config>::ValidatorId, severity: Perbill) {
		pallet_session::Pallet::<T>::report_offence(validator.clone(), OffenceSeverity(severity));
	}

	fn prune_history(first_kept: SessionIndex) {
		pallet_session::historical::Pallet::<T>::prune_up_to(first_kept);
	}
}

impl<T: Config> Pallet<T> {
	/// Forgets the historical roots that no equivocation report can still name, as session
	/// `new_index` is planned: it keeps as many sessions as [`Config::ReportLongevity`] blocks
	/// span at the current session length (whatever governance chose), plus one.
	fn prune_old_roots(new_index: SessionIndex) {
		let length: u64 = SessionLength::<T>::get().unique_saturated_into();
		let kept = T::ReportLongevity::get().div_ceil(length.max(1)).saturating_add(1);
		let kept = SessionIndex::try_from(kept).unwrap_or(SessionIndex::MAX);
		if let Some(first_kept) = new_index.checked_sub(kept) {
			T::Session::prune_history(first_kept);
		}
	}

	/// Disables the pending offenders again as a session starts: pallet-session forgets who was
	/// disabled when the set changes, and an offender still belongs to the session starting now
	/// (it leaves the set only from the next one).
	fn disable_offenders_again() {
		for offender in Offenders::<T>::get() {
			T::Session::disable(&offender, Perbill::one());
		}
	}

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
	fn new_session(new_index: SessionIndex) -> Option<Vec<T::AccountId>> {
		Self::prune_old_roots(new_index);
		Self::next_set()
	}

	fn new_session_genesis(_new_index: SessionIndex) -> Option<Vec<T::AccountId>> {
		Some(Validators::<T>::get().into_inner())
	}

	fn end_session(_end_index: SessionIndex) {}

	fn start_session(_start_index: SessionIndex) {
		Self::disable_offenders_again();
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

/// An equivocating validator is disabled at once (its blocks are refused) and removed at the next
/// rotation, if the set can spare it.
impl<T: Config, Id> OnOffenceHandler<T::AccountId, (T::AccountId, Id), Weight> for Pallet<T> {
	fn on_offence(
		offenders: &[OffenceDetails<T::AccountId, (T::AccountId, Id)>],
		slash_fraction: &[Perbill],
		session: SessionIndex,
	) -> Weight {
		// There is no stake to slash: the fraction is the severity pallet-session keeps.
		for (details, severity) in offenders.iter().zip(slash_fraction) {
			T::Session::disable(&details.offender.0, *severity);
		}
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
		let reported = offenders.len() as u64;
		// Disabling one reads pallet-session's validators and disabled list and writes the latter.
		let disabling = T::DbWeight::get().reads_writes(2, 1).saturating_mul(reported);
		T::DbWeight::get()
			.reads_writes(2, 1)
			.saturating_add(T::DbWeight::get().writes(reported))
			.saturating_add(disabling)
	}
}

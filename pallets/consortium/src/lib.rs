//! # Consortium pallet
//!
//! ## Overview
//!
//! The hospitals of the consortium govern their chain by council motion (pallet-collective). This
//! pallet holds what such a motion decides about the network itself:
//!
//! - the **validator set**: who authors (Aura) and finalizes (GRANDPA), handed to pallet-session at
//!   each session boundary, so an added validator authors from the next session and a removed one
//!   stops;
//! - the **session length**, in blocks;
//! - **runtime upgrades**: a motion authorizes the hash of a new runtime, after which anyone may
//!   submit the code itself (`System::apply_authorized_upgrade`), so the motion carries 32 bytes
//!   instead of a megabyte of wasm;
//! - **offences**: a validator reported for a GRANDPA equivocation is disabled at once, disabled
//!   again as each session starts while it is still in the set, and removed at the next session
//!   boundary (pallet-offences calls this pallet's `OnOffenceHandler`).
//!
//! As the session manager it also keeps pallet-session's history to what equivocation reports
//! need: the historical session roots of the sessions that [`Config::ReportLongevity`] blocks span
//! at the current session length, plus one, and no older ones. Disabling and pruning reach
//! pallet-session through [`Config::Session`] ([`SessionHooks`]), so the runtime wires the pallet
//! in directly, with no wrapper of its own.
//!
//! A change that would leave fewer than `MinValidators`, that would remove a third or more of the
//! set now handed to the session at once, or that would make newcomers a third of the new set or
//! more (one at a time is allowed while the set is below the minimum), is refused: GRANDPA needs
//! more than two thirds of the voters online, and a set that loses a third at once, or gains a
//! third that turn out to be offline, may stall finality.
//!
//! ## Terminology
//!
//! - **Validator set**: the accounts this pallet hands to pallet-session at the next rotation.
//! - **Handed set**: the set last handed to pallet-session; the baseline against which "a third at
//!   once" is counted until the next rotation.
//! - **Session keys**: a validator's Aura and GRANDPA public keys, registered by the validator with
//!   `Session::set_keys` before a motion may add it.
//! - **Offender**: a validator reported for equivocation, removed at the next rotation if the rules
//!   above allow it (else kept, with an event, for the council to decide).
//! - **Disabled**: refused as an author (and its GRANDPA votes ignored) until the set changes;
//!   pallet-session's disabling strategy decides, at most a third of the set.
//! - **Historical root**: pallet-session's record of a past session's validator set, against
//!   which an equivocation report's key-ownership proof is checked.
//!
//! ## Calls
//!
//! For governance (the council's motion origin): `add_validator`, `remove_validator`,
//! `set_session_length`, `authorize_upgrade`.
//!
//! ## Assumptions
//!
//! - The runtime's session manager is this pallet (inside pallet-session's `NoteHistoricalRoot`),
//!   and its `ShouldEndSession` and `NextSessionRotation` are this pallet too (they read
//!   [`SessionLength`]); pallet-offences reports to this pallet.
//! - [`Config::ReportLongevity`] is the longevity GRANDPA gives its equivocation reports, so no
//!   report outlives the roots it is checked against.
//! - Validator ids are account ids (`pallet_session::Config::ValidatorId = AccountId`).

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
#[cfg(test)]
#[allow(clippy::arithmetic_side_effects)] // test set-up, not dispatch
mod mock;
mod session;
#[cfg(test)]
#[allow(clippy::arithmetic_side_effects)] // test set-up, not dispatch
mod tests;
#[cfg(any(feature = "try-runtime", test))]
#[allow(clippy::arithmetic_side_effects)] // invariant checks, off dispatch
pub mod try_state;
pub mod weights;

pub use pallet::*;
pub use session::SessionHooks;
pub use weights::WeightInfo;

/// Whether an account has registered session keys, as pallet-session keeps them.
pub trait ValidatorKeys<AccountId> {
	/// True when `who` has session keys queued for the next session.
	fn has_keys(who: &AccountId) -> bool;

	/// Registers some session keys for `who`, so a benchmark may add it as a validator.
	#[cfg(feature = "runtime-benchmarks")]
	fn set_benchmark_keys(who: &AccountId);
}

#[frame_support::pallet]
pub mod pallet {
	use alloc::vec::Vec;
	use frame_support::pallet_prelude::*;
	use frame_system::pallet_prelude::*;

	use super::{SessionHooks, ValidatorKeys, WeightInfo};

	#[pallet::pallet]
	pub struct Pallet<T>(_);

	#[pallet::config]
	pub trait Config: frame_system::Config {
		/// Who may change the validator set, the session length, and authorize an upgrade: the
		/// council's motion origin.
		type GovernanceOrigin: EnsureOrigin<Self::RuntimeOrigin>;

		/// Which accounts have registered session keys.
		type Keys: ValidatorKeys<Self::AccountId>;

		/// pallet-session as this pallet reaches it beyond handing over the set: to disable an
		/// offender, and to prune historical session roots (the runtime's `Session`).
		type Session: SessionHooks<Self::AccountId>;

		/// How long an equivocation report stays valid, in blocks: GRANDPA's `ReportLongevity`.
		/// The historical roots of as many sessions as span it, plus one, are kept.
		#[pallet::constant]
		type ReportLongevity: Get<u64>;

		/// The most validators the set may hold; no more than Aura's and GRANDPA's own bound.
		#[pallet::constant]
		type MaxValidators: Get<u32>;

		/// The fewest validators the set may be left with by a removal.
		#[pallet::constant]
		type MinValidators: Get<u32>;

		/// The shortest session governance may set, in blocks.
		#[pallet::constant]
		type MinSessionLength: Get<BlockNumberFor<Self>>;

		/// Weights of this pallet's calls.
		type WeightInfo: WeightInfo;
	}

	/// The validator set handed to pallet-session at its next rotation.
	#[pallet::storage]
	pub type Validators<T: Config> =
		StorageValue<_, BoundedVec<T::AccountId, T::MaxValidators>, ValueQuery>;

	/// The set last handed to pallet-session: the baseline a removal is counted against.
	#[pallet::storage]
	pub type HandedValidators<T: Config> =
		StorageValue<_, BoundedVec<T::AccountId, T::MaxValidators>, ValueQuery>;

	/// Validators reported for an offence since the last rotation; removed at the next one.
	#[pallet::storage]
	pub type Offenders<T: Config> =
		StorageValue<_, BoundedVec<T::AccountId, T::MaxValidators>, ValueQuery>;

	/// The length of a session, in blocks.
	#[pallet::storage]
	pub type SessionLength<T: Config> = StorageValue<_, BlockNumberFor<T>, ValueQuery>;

	/// The block the current session started at.
	#[pallet::storage]
	pub type SessionStart<T: Config> = StorageValue<_, BlockNumberFor<T>, ValueQuery>;

	#[pallet::genesis_config]
	pub struct GenesisConfig<T: Config> {
		/// The validators of the first session.
		pub validators: Vec<T::AccountId>,
		/// The session length, in blocks.
		pub session_length: BlockNumberFor<T>,
	}

	impl<T: Config> Default for GenesisConfig<T> {
		fn default() -> Self {
			Self { validators: Vec::new(), session_length: T::MinSessionLength::get() }
		}
	}

	#[pallet::genesis_build]
	impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
		fn build(&self) {
			let validators: BoundedVec<T::AccountId, T::MaxValidators> = self
				.validators
				.clone()
				.try_into()
				.expect("genesis: more validators than allowed");
			assert!(
				self.session_length >= T::MinSessionLength::get(),
				"genesis: session shorter than MinSessionLength"
			);
			Validators::<T>::put(&validators);
			HandedValidators::<T>::put(validators);
			SessionLength::<T>::put(self.session_length);
		}
	}

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// A validator joins the set from the next session.
		ValidatorAdded { validator: T::AccountId },
		/// A validator leaves the set from the next session.
		ValidatorRemoved { validator: T::AccountId },
		/// A validator was reported for an offence; it is removed at the next session boundary.
		ValidatorOffended { validator: T::AccountId, session: u32 },
		/// A reported validator was kept because removing it would leave too few validators or
		/// remove a third of the set at once; the council decides.
		OffenderKept { validator: T::AccountId },
		/// Sessions now last this many blocks (from the next rotation).
		SessionLengthSet { blocks: BlockNumberFor<T> },
		/// A runtime whose code has this hash may now be applied by anyone.
		UpgradeAuthorized { code_hash: T::Hash },
	}

	#[pallet::error]
	pub enum Error<T> {
		/// The account is already in the validator set.
		AlreadyValidator,
		/// The account is not in the validator set.
		NotValidator,
		/// The account has no session keys: its operator must call `Session::set_keys` first.
		NoSessionKeys,
		/// The validator set is full.
		TooManyValidators,
		/// The removal would leave fewer validators than the minimum.
		TooFewValidators,
		/// The removal would take a third or more of the validators away at once; GRANDPA could
		/// stall. Remove them over several sessions.
		TooManyRemovals,
		/// The addition would make newcomers a third of the set or more: were they offline,
		/// GRANDPA would stall. Add them over several sessions.
		TooManyAdditions,
		/// A session must last at least `MinSessionLength` blocks.
		SessionTooShort,
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		#[cfg(feature = "try-runtime")]
		fn try_state(_n: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
			crate::try_state::do_try_state::<T>()
		}
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Add a validator; it authors from the next session.
		///
		/// The dispatch origin for this call must be [`Config::GovernanceOrigin`].
		///
		/// - `validator`: an account that has registered its session keys.
		///
		/// Emits `ValidatorAdded`. Errors: `AlreadyValidator`, `NoSessionKeys`,
		/// `TooManyValidators`, `TooManyAdditions`.
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::add_validator())]
		pub fn add_validator(origin: OriginFor<T>, validator: T::AccountId) -> DispatchResult {
			T::GovernanceOrigin::ensure_origin(origin)?;
			let mut validators = Validators::<T>::get();
			ensure!(!validators.contains(&validator), Error::<T>::AlreadyValidator);
			ensure!(T::Keys::has_keys(&validator), Error::<T>::NoSessionKeys);
			validators
				.try_push(validator.clone())
				.map_err(|_| Error::<T>::TooManyValidators)?;
			Self::ensure_safe_change(&validators)?;
			Validators::<T>::put(validators);
			Self::deposit_event(Event::ValidatorAdded { validator });
			Ok(())
		}

		/// Remove a validator; it stops authoring from the next session.
		///
		/// The dispatch origin for this call must be [`Config::GovernanceOrigin`].
		///
		/// - `validator`: a member of the set.
		///
		/// Emits `ValidatorRemoved`. Errors: `NotValidator`, `TooFewValidators`,
		/// `TooManyRemovals`.
		#[pallet::call_index(1)]
		#[pallet::weight(T::WeightInfo::remove_validator())]
		pub fn remove_validator(origin: OriginFor<T>, validator: T::AccountId) -> DispatchResult {
			T::GovernanceOrigin::ensure_origin(origin)?;
			let mut validators = Validators::<T>::get();
			ensure!(validators.contains(&validator), Error::<T>::NotValidator);
			validators.retain(|v| v != &validator);
			Self::ensure_safe_change(&validators)?;
			Validators::<T>::put(validators);
			Self::deposit_event(Event::ValidatorRemoved { validator });
			Ok(())
		}

		/// Set the session length, from the next rotation.
		///
		/// The dispatch origin for this call must be [`Config::GovernanceOrigin`].
		///
		/// - `blocks`: the new length, at least `MinSessionLength`.
		///
		/// Emits `SessionLengthSet`. Errors: `SessionTooShort`.
		#[pallet::call_index(2)]
		#[pallet::weight(T::WeightInfo::set_session_length())]
		pub fn set_session_length(
			origin: OriginFor<T>,
			blocks: BlockNumberFor<T>,
		) -> DispatchResult {
			T::GovernanceOrigin::ensure_origin(origin)?;
			ensure!(blocks >= T::MinSessionLength::get(), Error::<T>::SessionTooShort);
			SessionLength::<T>::put(blocks);
			Self::deposit_event(Event::SessionLengthSet { blocks });
			Ok(())
		}

		/// Authorize a runtime upgrade: once this passes, anyone may submit the code whose hash is
		/// `code_hash` with `System::apply_authorized_upgrade` (free of fees when it matches). The
		/// new runtime's `spec_version` must be higher than the current one's.
		///
		/// The dispatch origin for this call must be [`Config::GovernanceOrigin`].
		///
		/// - `code_hash`: the blake2-256 hash of the new runtime's wasm.
		///
		/// Emits `UpgradeAuthorized` (and System's `UpgradeAuthorized`).
		#[pallet::call_index(3)]
		#[pallet::weight(T::WeightInfo::authorize_upgrade())]
		pub fn authorize_upgrade(origin: OriginFor<T>, code_hash: T::Hash) -> DispatchResult {
			T::GovernanceOrigin::ensure_origin(origin)?;
			frame_system::Pallet::<T>::do_authorize_upgrade(code_hash, true);
			Self::deposit_event(Event::UpgradeAuthorized { code_hash });
			Ok(())
		}
	}

	impl<T: Config> Pallet<T> {
		/// Refuses a set that is too small, that loses a third or more of the handed set, or whose
		/// newcomers are a third of it or more (one at a time is fine while it is below the
		/// minimum).
		pub(crate) fn ensure_safe_change(new_set: &[T::AccountId]) -> DispatchResult {
			let handed = HandedValidators::<T>::get();
			let shrinks = handed.iter().any(|v| !new_set.contains(v));
			ensure!(
				!shrinks || new_set.len() >= T::MinValidators::get() as usize,
				Error::<T>::TooFewValidators
			);
			// Newcomers must be fewer than a third of the new set (were they all offline, the
			// rest still finalize), except one at a time while the set is below the minimum.
			let added = new_set.iter().filter(|v| !handed.contains(v)).count();
			let growing = added == 1 && new_set.len() <= T::MinValidators::get() as usize;
			ensure!(
				added == 0 || growing || added.saturating_mul(3) < new_set.len(),
				Error::<T>::TooManyAdditions
			);
			let removed = handed.iter().filter(|v| !new_set.contains(v)).count();
			// A third or more of the handed set: removed / handed >= 1/3.
			ensure!(
				removed.saturating_mul(3) < handed.len() || removed == 0,
				Error::<T>::TooManyRemovals
			);
			Ok(())
		}
	}
}

//! # Patient allowance pallet
//!
//! ## Overview
//!
//! Patients never need tokens: asking a patient to hold the chain's fee token would mean someone
//! sends it to them, which links the patient's key publicly to whoever funded it. So a patient's
//! own identity, consent and record calls are free of fees, within limits that keep the chain
//! usable for everyone else:
//!
//! - each patient has an **allowance** of free calls per period (`CallsPerPeriod` per `Period`);
//!   beyond it, a patient who holds tokens pays like everyone else and one who does not is refused
//!   with `InvalidTransaction::Custom(ALLOWANCE_USED)`;
//! - at most `RegistrationsPerPeriod` new patients may register free per period, consortium-wide,
//!   so fresh keys cannot grow the chain's state faster than that (past it, registration waits
//!   for the next period or is paid);
//! - free calls may fill at most `FreeBlockShare` of a block's normal weight and length, and one
//!   free transaction is at most `MaxFreeLength` bytes, so paid calls are never crowded out (they
//!   also outrank free calls in the pool: a free call's priority is zero);
//! - a patient may queue no more free transactions than it has calls left, and a free transaction
//!   lives in the pool for at most [`FREE_LONGEVITY`] blocks;
//! - a free call carries no tip; a tipped call is a paid call.
//!
//! The allowance is counted per patient identity (not per account), so rotating the controller key
//! does not renew it.
//!
//! Everyone else — practitioners, organizations, gateways, validators — pays fees as before.
//!
//! The pallet works through two transaction extensions that take the places, identifiers and
//! encodings of FRAME's own, so wallets (Polkadot.js, subxt) sign exactly as before:
//! [`ChargeTransactionPayment`] wraps pallet-transaction-payment's, and [`CheckNonce`] wraps
//! frame-system's so that a brand-new account with no balance (no provider) may send its first
//! transaction when that transaction registers it as a patient. The identity pallet then keeps the
//! account alive (a provider reference) for as long as the chain lasts.
//!
//! ## Terminology
//!
//! - **Free call**: a call the runtime's [`Config::Classifier`] says is a patient's own call, made
//!   without a tip.
//! - **Allowance**: how many free calls a patient identity may make in one period.
//! - **Period**: a window of `Period` blocks, counted from block zero.
//! - **Free lane**: the share of each block's normal weight and length that free calls may use.
//!
//! ## Assumptions
//!
//! - The runtime's transaction extensions use this pallet's [`CheckNonce`] and
//!   [`ChargeTransactionPayment`] in place of FRAME's.
//! - The classifier only frees calls that a patient makes about their own data; anything it frees
//!   is bounded by the allowance and the free lane, never unbounded.

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

mod extensions;
#[cfg(test)]
#[allow(clippy::arithmetic_side_effects)] // test set-up, not dispatch
mod mock;
#[cfg(test)]
mod tests;
#[cfg(any(feature = "try-runtime", test))]
#[allow(clippy::arithmetic_side_effects)] // invariant checks, off dispatch
pub mod try_state;

pub use extensions::{
	ChargeTransactionPayment, CheckNonce, ALLOWANCE_USED, REGISTRATIONS_USED, TOO_LONG_TO_BE_FREE,
};

/// How many blocks a free transaction may wait in the pool: about a minute at 2 s blocks.
pub const FREE_LONGEVITY: u64 = 32;
pub use pallet::*;

/// What kind of free call a transaction is, as the runtime classifies it.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum FreeCall<PatientId> {
	/// An account that has never controlled, and is not about to control, an identity
	/// registering itself as a patient (a registration that will not fail on its account).
	NewPatient,
	/// The given active patient's own identity, consent or record call.
	Patient(PatientId),
}

impl<PatientId> FreeCall<PatientId> {
	/// The `InvalidTransaction::Custom` code that refuses this kind of free call once what it
	/// draws on is used up: [`REGISTRATIONS_USED`] for a registration (the period's free
	/// registrations), [`ALLOWANCE_USED`] for a patient's call (the patient's allowance).
	pub fn used_up_code(&self) -> u8 {
		match self {
			FreeCall::NewPatient => REGISTRATIONS_USED,
			FreeCall::Patient(_) => ALLOWANCE_USED,
		}
	}
}

/// The runtime's rule for which calls are a patient's own, and so free.
pub trait ClassifyCall<AccountId, Call, PatientId> {
	/// `Some` when `who` making `call` is a patient acting for themself (or registering as one).
	fn classify(who: &AccountId, call: &Call) -> Option<FreeCall<PatientId>>;
}

#[frame_support::pallet]
pub mod pallet {
	use frame_support::pallet_prelude::*;
	use frame_system::pallet_prelude::*;
	use sp_runtime::{traits::CheckedDiv, Perbill};

	use super::{ClassifyCall, FreeCall};

	/// Why a free call cannot be taken now.
	#[derive(PartialEq, Eq, Debug)]
	pub(crate) enum Refusal {
		/// The patient's allowance, or the period's free registrations, are used up.
		Used,
		/// This block's free lane is full; the next block has room.
		LaneFull,
	}

	#[pallet::pallet]
	pub struct Pallet<T>(_);

	#[pallet::config]
	pub trait Config: frame_system::Config + pallet_transaction_payment::Config {
		/// What identifies a patient: the allowance is counted per patient, not per account.
		type PatientId: Member + Parameter + MaxEncodedLen;

		/// Which calls are a patient's own.
		type Classifier: ClassifyCall<Self::AccountId, Self::RuntimeCall, Self::PatientId>;

		/// Free calls a patient may make per period (a runtime parameter governance sets).
		type CallsPerPeriod: Get<u32>;

		/// The length of a period, in blocks (a runtime parameter).
		type Period: Get<BlockNumberFor<Self>>;

		/// New patients that may register free of fees in one period, consortium-wide (a runtime
		/// parameter).
		type RegistrationsPerPeriod: Get<u32>;

		/// The share of a block's normal weight and length free calls may use (a runtime
		/// parameter).
		type FreeBlockShare: Get<Perbill>;

		/// The longest free transaction, in bytes.
		#[pallet::constant]
		type MaxFreeLength: Get<u32>;
	}

	/// Free calls an account has made in a period.
	#[derive(
		Clone, Copy, PartialEq, Eq, Default, Debug, Encode, Decode, TypeInfo, MaxEncodedLen,
	)]
	pub struct Usage {
		/// The period these calls were made in (block number / period length).
		pub period: u32,
		/// How many.
		pub calls: u32,
	}

	/// What the free lane of one block holds so far.
	#[derive(
		Clone, Copy, PartialEq, Eq, Default, Debug, Encode, Decode, TypeInfo, MaxEncodedLen,
	)]
	pub struct Lane<BlockNumber> {
		/// The block.
		pub block: BlockNumber,
		/// Weight of the free calls in it.
		pub weight: Weight,
		/// Encoded length of the free transactions in it, in bytes.
		pub length: u32,
	}

	/// Each patient's free calls in its latest period. Keys are patient identifiers, which the
	/// chain derives, so `Blake2_128Concat` is more than enough.
	#[pallet::storage]
	pub type Used<T: Config> = StorageMap<_, Blake2_128Concat, T::PatientId, Usage, ValueQuery>;

	/// Free registrations in the latest period, consortium-wide.
	#[pallet::storage]
	pub type Registrations<T: Config> = StorageValue<_, Usage, ValueQuery>;

	/// The free lane of the block being built.
	#[pallet::storage]
	pub type ThisBlock<T: Config> = StorageValue<_, Lane<BlockNumberFor<T>>, ValueQuery>;

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		#[cfg(feature = "try-runtime")]
		fn try_state(_n: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
			crate::try_state::do_try_state::<T>()
		}
	}

	impl<T: Config> Pallet<T> {
		/// The period `now` falls in.
		pub fn period_at(now: BlockNumberFor<T>) -> u32 {
			let period = T::Period::get().max(One::one());
			let index: BlockNumberFor<T> = now.checked_div(&period).unwrap_or_default();
			index.try_into().unwrap_or(u32::MAX)
		}

		/// The period the chain is in now.
		fn current_period() -> u32 {
			Self::period_at(frame_system::Pallet::<T>::block_number())
		}

		/// Free calls `patient` has left in the current period.
		pub fn remaining(patient: &T::PatientId) -> u32 {
			let usage = Used::<T>::get(patient);
			let used = if usage.period == Self::current_period() { usage.calls } else { 0 };
			T::CallsPerPeriod::get().saturating_sub(used)
		}

		/// Free registrations left in the current period, consortium-wide.
		pub fn registrations_remaining() -> u32 {
			let usage = Registrations::<T>::get();
			let used = if usage.period == Self::current_period() { usage.calls } else { 0 };
			T::RegistrationsPerPeriod::get().saturating_sub(used)
		}

		/// Free calls or registrations left for this kind of call.
		pub(crate) fn left_for(kind: &FreeCall<T::PatientId>) -> u32 {
			match kind {
				FreeCall::NewPatient => Self::registrations_remaining(),
				FreeCall::Patient(patient) => Self::remaining(patient),
			}
		}

		/// What a block's normal class holds: weight and length.
		pub(crate) fn normal_capacity() -> (Weight, u32) {
			let normal = T::BlockWeights::get().get(DispatchClass::Normal).max_total;
			let normal = normal.unwrap_or(T::BlockWeights::get().max_block);
			(normal, *T::BlockLength::get().max.get(DispatchClass::Normal))
		}

		/// The free lane's capacity per block: weight and length.
		pub(crate) fn lane_caps() -> (Weight, u32) {
			let share = T::FreeBlockShare::get();
			let (normal, length) = Self::normal_capacity();
			let cap = Weight::from_parts(
				share.mul_floor(normal.ref_time()),
				share.mul_floor(normal.proof_size()),
			);
			(cap, share.mul_floor(length))
		}

		/// Takes one free call (of the patient's allowance, or of the period's registrations) and
		/// `weight` and `length` of this block's free lane, or says why not.
		pub(crate) fn take(
			kind: &FreeCall<T::PatientId>,
			weight: Weight,
			length: u32,
		) -> Result<(), Refusal> {
			if Self::left_for(kind) == 0 {
				return Err(Refusal::Used);
			}
			let now = frame_system::Pallet::<T>::block_number();
			let mut lane = ThisBlock::<T>::get();
			if lane.block != now {
				lane = Lane { block: now, ..Default::default() };
			}
			let (cap, length_cap) = Self::lane_caps();
			let weight = lane.weight.saturating_add(weight);
			let length = lane.length.saturating_add(length);
			if weight.any_gt(cap) || length > length_cap {
				return Err(Refusal::LaneFull);
			}
			ThisBlock::<T>::put(Lane { block: now, weight, length });
			let period = Self::current_period();
			let count = |usage: &mut Usage| {
				if usage.period != period {
					*usage = Usage { period, calls: 0 };
				}
				usage.calls = usage.calls.saturating_add(1);
			};
			match kind {
				FreeCall::NewPatient => Registrations::<T>::mutate(count),
				FreeCall::Patient(patient) => Used::<T>::mutate(patient, count),
			}
			Ok(())
		}
	}
}

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
//! - free calls may fill at most `FreeBlockShare` of a block's normal weight, and at most
//!   `RegistrationsPerBlock` of them may be new patients registering, so a swarm of fresh keys
//!   waits its turn instead of crowding out paid calls (which also outrank free calls in the
//!   pool: a free call's priority is zero);
//! - a free call carries no tip; a tipped call is a paid call.
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
//! - **Allowance**: how many free calls a patient account may make in one period.
//! - **Period**: a window of `Period` blocks, counted from block zero.
//! - **Free lane**: the share of each block's normal weight that free calls may use.
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
mod mock;
#[cfg(test)]
mod tests;

pub use extensions::{ChargeTransactionPayment, CheckNonce, ALLOWANCE_USED};
pub use pallet::*;

/// What kind of free call a transaction is, as the runtime classifies it.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum FreeCall {
	/// An account that controls no identity registering itself as a patient.
	NewPatient,
	/// An active patient's own identity, consent or record call.
	Patient,
}

/// The runtime's rule for which calls are a patient's own, and so free.
pub trait ClassifyCall<AccountId, Call> {
	/// `Some` when `who` making `call` is a patient acting for themself (or registering as one).
	fn classify(who: &AccountId, call: &Call) -> Option<FreeCall>;
}

#[frame_support::pallet]
pub mod pallet {
	use frame_support::pallet_prelude::*;
	use frame_system::pallet_prelude::*;
	use sp_runtime::{traits::CheckedDiv, Perbill};

	use super::{ClassifyCall, FreeCall};

	#[pallet::pallet]
	pub struct Pallet<T>(_);

	#[pallet::config]
	pub trait Config: frame_system::Config + pallet_transaction_payment::Config {
		/// Which calls are a patient's own.
		type Classifier: ClassifyCall<Self::AccountId, Self::RuntimeCall>;

		/// Free calls a patient may make per period (a runtime parameter governance sets).
		type CallsPerPeriod: Get<u32>;

		/// The length of a period, in blocks (a runtime parameter).
		type Period: Get<BlockNumberFor<Self>>;

		/// New patients that may register free of fees in one block (a runtime parameter).
		type RegistrationsPerBlock: Get<u32>;

		/// The share of a block's normal weight free calls may use (a runtime parameter).
		type FreeBlockShare: Get<Perbill>;
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
		/// New patients registered in it.
		pub registrations: u32,
	}

	/// Each patient account's free calls in its latest period. Keys are accounts that sent a
	/// signed transaction, so `Blake2_128Concat` keeps them from being ground into one subtree.
	#[pallet::storage]
	pub type Used<T: Config> = StorageMap<_, Blake2_128Concat, T::AccountId, Usage, ValueQuery>;

	/// The free lane of the block being built.
	#[pallet::storage]
	pub type ThisBlock<T: Config> = StorageValue<_, Lane<BlockNumberFor<T>>, ValueQuery>;

	impl<T: Config> Pallet<T> {
		/// The period `now` falls in.
		pub fn period_at(now: BlockNumberFor<T>) -> u32 {
			let period = T::Period::get().max(One::one());
			let index: BlockNumberFor<T> = now.checked_div(&period).unwrap_or_default();
			index.try_into().unwrap_or(u32::MAX)
		}

		/// Free calls `who` has left in the current period.
		pub fn remaining(who: &T::AccountId) -> u32 {
			let usage = Used::<T>::get(who);
			let used = if usage.period == Self::period_at(frame_system::Pallet::<T>::block_number())
			{
				usage.calls
			} else {
				0
			};
			T::CallsPerPeriod::get().saturating_sub(used)
		}

		/// Takes one free call of `who`'s allowance and `weight` of this block's free lane, or
		/// says why not: the allowance is used up (`Err(true)`) or the lane is full (`Err(false)`).
		pub(crate) fn take(who: &T::AccountId, kind: FreeCall, weight: Weight) -> Result<(), bool> {
			let now = frame_system::Pallet::<T>::block_number();
			if Self::remaining(who) == 0 {
				return Err(true);
			}
			let mut lane = ThisBlock::<T>::get();
			if lane.block != now {
				lane = Lane { block: now, ..Default::default() };
			}
			let normal = T::BlockWeights::get().get(DispatchClass::Normal).max_total;
			let normal = normal.unwrap_or(T::BlockWeights::get().max_block);
			let share = T::FreeBlockShare::get();
			let cap = Weight::from_parts(
				share.mul_floor(normal.ref_time()),
				share.mul_floor(normal.proof_size()),
			);
			let weight = lane.weight.saturating_add(weight);
			if weight.any_gt(cap) {
				return Err(false);
			}
			let registrations =
				lane.registrations.saturating_add((kind == FreeCall::NewPatient) as u32);
			if registrations > T::RegistrationsPerBlock::get() {
				return Err(false);
			}
			ThisBlock::<T>::put(Lane { block: now, weight, registrations });
			let period = Self::period_at(now);
			Used::<T>::mutate(who, |usage| {
				if usage.period != period {
					*usage = Usage { period, calls: 0 };
				}
				usage.calls = usage.calls.saturating_add(1);
			});
			Ok(())
		}
	}
}

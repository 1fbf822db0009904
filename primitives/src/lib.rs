//! # MedChain primitives
//!
//! The vocabulary every MedChain component shares: the chain's basic types (accounts, balances,
//! block numbers), each domain's identifiers and codes ([`identity`], [`consent`], [`audit`], [`records`]), the
//! traits the pallets are written against ([`traits`]) and the runtime-API declarations that the
//! node, the gateway and clients call ([`runtime_api`]).
//!
//! Everything here is `no_std` and SCALE-encodable so the runtime and off-chain code agree on
//! bytes, not just on names.

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

/// A set of codes from one fixed vocabulary, as a bit set (bit `n` = the code with discriminant
/// `n`): compact on chain, and checkable against the vocabulary with `is_valid`.
macro_rules! code_set {
	($(#[$meta:meta])* $set:ident of $code:ident as $repr:ty) => {
		$(#[$meta])*
		#[derive(
			Clone, Copy, PartialEq, Eq, Default, Debug, Encode, Decode, DecodeWithMemTracking,
			MaxEncodedLen, TypeInfo,
		)]
		pub struct $set(pub $repr);

		impl $set {
			/// The empty set.
			pub const EMPTY: Self = Self(0);

			/// A set of the given codes.
			pub fn of(codes: &[$code]) -> Self {
				Self(codes.iter().fold(0, |bits, c| bits | (1 << (*c as u8))))
			}

			/// Whether `code` is in the set.
			pub fn contains(&self, code: $code) -> bool {
				self.0 & (1 << (code as u8)) != 0
			}

			/// Whether the set is empty.
			pub fn is_empty(&self) -> bool {
				self.0 == 0
			}

			/// Whether the set holds only known codes.
			pub fn is_valid(&self) -> bool {
				// In u64, so that a vocabulary filling every bit of the set (roles: 8 in a u8)
				// does not shift past the representation.
				u64::from(self.0) >> $code::ALL.len() == 0
			}

			/// The codes in the set, in vocabulary order.
			pub fn iter(&self) -> impl Iterator<Item = $code> + '_ {
				$code::ALL.iter().copied().filter(move |c| self.contains(*c))
			}
		}
	};
}

pub mod audit;
pub mod consent;
pub mod identity;
pub mod records;
pub mod runtime_api;
pub mod traits;

use sp_runtime::{
	traits::{IdentifyAccount, Verify},
	MultiSignature,
};

/// Block number: 2 s blocks give 68 years of u32 heights.
pub type BlockNumber = u32;

/// Transaction signature; sr25519 for subjects, any of the three for operators.
pub type Signature = MultiSignature;

/// An account on chain: the public key behind a [`Signature`].
pub type AccountId = <<Signature as Verify>::Signer as IdentifyAccount>::AccountId;

/// Balance of an account, in the smallest unit.
pub type Balance = u128;

/// Index of a transaction sent by an account.
pub type Nonce = u32;

/// Hash type of blocks and of off-chain content anchored on chain (blake2-256).
pub type Hash = sp_core::H256;

/// Milliseconds since the Unix epoch, as the timestamp pallet keeps the chain's clock.
pub type Moment = u64;

//! # MedChain primitives
//!
//! The vocabulary every MedChain component shares: the chain's basic types (accounts, balances,
//! block numbers) and, as the domain pallets arrive, their identifiers, codes and the runtime-API
//! declarations that the node, the gateway and clients call.
//!
//! Everything here is `no_std` and SCALE-encodable so the runtime and off-chain code agree on
//! bytes, not just on names.

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub mod audit;
pub mod consent;
pub mod identity;

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

//! # MedChain primitives
//!
//! The vocabulary every MedChain component shares: the chain's basic types (accounts, balances,
//! block numbers), each domain's identifiers and codes ([`identity`], [`consent`], [`audit`], [`records`]), the
//! traits the pallets are written against ([`traits`]) and the runtime-API declarations that the
//! node, the gateway and clients call ([`runtime_api`]).
//!
//! Everything here is `no_std` and SCALE-encodable so the runtime and off-chain code agree on
//! bytes, not just on names.
//!
//! Each identifier and code also has one textual form, defined here beside it ([`text`]):
//! `Display` and `FromStr` (`did:medchain:<hex>`, `0x<hex>`, `labs`, `TREAT`, `read`), and with
//! the `serde` feature (off by default, never in the runtime) the JSON of the ids, the codes and
//! the records clients print (consents, anchors, audit entries, identity documents).

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

		/// The names of the codes in the set, comma-separated (`labs,imaging`).
		impl ::core::fmt::Display for $set {
			fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
				for (i, code) in self.iter().enumerate() {
					if i > 0 {
						f.write_str(",")?;
					}
					f.write_str($crate::text::Code::name(code))?;
				}
				Ok(())
			}
		}

		/// Codes by name, comma-separated; spaces around a name and empty items are ignored, so
		/// `""` is the empty set.
		impl ::core::str::FromStr for $set {
			type Err = $crate::text::ParseError;

			fn from_str(text: &str) -> Result<Self, Self::Err> {
				let mut set = Self::EMPTY;
				for item in text.split(',').filter(|item| !item.trim().is_empty()) {
					let code: $code = item.parse()?;
					set.0 |= 1 << (code as u8);
				}
				Ok(set)
			}
		}

		/// A list of the codes' names.
		#[cfg(feature = "serde")]
		impl ::serde::Serialize for $set {
			fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
				serializer.collect_seq(self.iter())
			}
		}

		#[cfg(feature = "serde")]
		impl<'de> ::serde::Deserialize<'de> for $set {
			fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
				let codes = <::alloc::vec::Vec<$code> as ::serde::Deserialize>::deserialize(deserializer)?;
				Ok(Self::of(&codes))
			}
		}
	};
}

/// A type's JSON is its text: `Display` to write, `FromStr` (with [`text::ParseError`]) to read;
/// `$expecting` completes "expected …" when the JSON value is not a string.
macro_rules! serde_as_text {
	($type:ty, $expecting:expr) => {
		#[cfg(feature = "serde")]
		impl ::serde::Serialize for $type {
			fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
				serializer.collect_str(self)
			}
		}

		#[cfg(feature = "serde")]
		impl<'de> ::serde::Deserialize<'de> for $type {
			fn deserialize<D: ::serde::Deserializer<'de>>(
				deserializer: D,
			) -> Result<Self, D::Error> {
				$crate::text::deserialize_text(
					deserializer,
					$expecting,
					<Self as ::core::str::FromStr>::from_str,
				)
			}
		}
	};
}

/// The textual form of a chain-wide sequence number (`ConsentId`, `EmergencyId`): decimal, both
/// ways; serde keeps it a JSON number (`#[serde(transparent)]` on the type).
macro_rules! sequence_text {
	($id:ident, $what:literal) => {
		impl ::core::fmt::Display for $id {
			fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
				::core::fmt::Display::fmt(&self.0, f)
			}
		}

		impl ::core::str::FromStr for $id {
			type Err = $crate::text::ParseError;

			fn from_str(text: &str) -> Result<Self, Self::Err> {
				text.parse::<u64>().map(Self).map_err(|_| $crate::text::ParseError::NotANumber {
					what: $what,
					input: text.into(),
				})
			}
		}
	};
}

/// The textual form of a code vocabulary whose enum derives `EnumIter`, `IntoStaticStr` and
/// `EnumMessage` with `#[strum(to_string = "<name>", message = "<label>")]` on each variant (the
/// one table of the vocabulary): [`text::Code`], `Display` (the name), `FromStr` and serde (the
/// name). `alias` gives each code a second spelling that parses to it.
macro_rules! code_text {
	($code:ident, $vocabulary:literal $(, alias = $alias:path)?) => {
		impl $crate::text::Code for $code {
			const VOCABULARY: &'static str = $vocabulary;
			$(
				fn alias(self) -> Option<&'static str> {
					Some($alias(&self))
				}
			)?
		}

		impl ::core::fmt::Display for $code {
			fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
				f.pad($crate::text::Code::name(*self))
			}
		}

		impl ::core::str::FromStr for $code {
			type Err = $crate::text::ParseError;

			fn from_str(text: &str) -> Result<Self, Self::Err> {
				<Self as $crate::text::Code>::parse(text)
			}
		}

		serde_as_text!($code, concat!("a code of the ", $vocabulary, " vocabulary"));
	};
}

pub mod audit;
pub mod consent;
pub mod identity;
pub mod records;
pub mod runtime_api;
pub mod text;
pub mod traits;

pub use text::{Code, ParseError};

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

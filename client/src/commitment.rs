//! Salted commitments: how a human document (a profile, a license, a break-glass justification)
//! is named on chain without being readable there.
//!
//! The chain keeps `blake2-256(salt ‖ document)` with a fresh 32-byte random salt; the salt stays
//! with the document's owner. An unsalted hash of a short text ("unconscious, allergy check", a
//! licence number) can be guessed by hashing candidates; a salted one cannot, yet whoever holds
//! the document and its salt can show that they match what the chain recorded.

use medchain_primitives::Hash;
use rand::RngCore;

/// A commitment to a document: the hash for the chain, the salt for the owner.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Commitment {
	/// 32 random bytes; keep them with the document, never on chain.
	pub salt: [u8; 32],
	/// `blake2-256(salt ‖ document)`: what the chain stores.
	pub hash: Hash,
}

impl Commitment {
	/// Commits to `document` with a fresh salt from the operating system's random source.
	pub fn new(document: &[u8]) -> Self {
		let mut salt = [0u8; 32];
		rand::rngs::OsRng.fill_bytes(&mut salt);
		Self::with_salt(salt, document)
	}

	/// The commitment to `document` under a given `salt`.
	pub fn with_salt(salt: [u8; 32], document: &[u8]) -> Self {
		let mut preimage = Vec::with_capacity(salt.len().saturating_add(document.len()));
		preimage.extend_from_slice(&salt);
		preimage.extend_from_slice(document);
		Self { salt, hash: Hash::from(sp_crypto_hashing::blake2_256(&preimage)) }
	}

	/// Whether `document` and `salt` open the on-chain `hash`.
	pub fn opens(hash: &Hash, salt: [u8; 32], document: &[u8]) -> bool {
		Self::with_salt(salt, document).hash == *hash
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn a_commitment_opens_with_its_salt_and_document_only() {
		let c = Commitment::new(b"unconscious, allergy check");
		assert!(Commitment::opens(&c.hash, c.salt, b"unconscious, allergy check"));
		assert!(!Commitment::opens(&c.hash, c.salt, b"unconscious, allergy check."));
		assert!(!Commitment::opens(&c.hash, [0; 32], b"unconscious, allergy check"));
	}

	#[test]
	fn the_same_document_commits_differently_each_time() {
		let (a, b) = (Commitment::new(b"licence 123"), Commitment::new(b"licence 123"));
		assert_ne!(a.salt, b.salt);
		assert_ne!(a.hash, b.hash);
		// Neither is the plain hash a guesser would compute.
		let plain = Hash::from(sp_crypto_hashing::blake2_256(b"licence 123"));
		assert_ne!(a.hash, plain);
	}

	#[test]
	fn the_layout_is_salt_then_document() {
		let salt = [7u8; 32];
		let mut preimage = salt.to_vec();
		preimage.extend_from_slice(b"doc");
		assert_eq!(
			Commitment::with_salt(salt, b"doc").hash,
			Hash::from(sp_crypto_hashing::blake2_256(&preimage))
		);
	}
}

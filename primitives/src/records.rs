//! Records: what the chain knows of a medical record. The record itself is encrypted by the client
//! and held off chain by its custodian's gateway; the chain holds its anchor — who it belongs to,
//! who wrote it, who keeps it, its data class, and the blake2-256 hash and size of the ciphertext —
//! so that a gateway can prove it serves the bytes that were anchored, and an erasure is a fact
//! every gateway follows.

use alloc::vec::Vec;
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;
use sp_core::H256;
use strum::{EnumIter, EnumMessage, IntoStaticStr};

use crate::{
	consent::{DataClass, RecordId},
	identity::SubjectId,
	Moment,
};

/// Where a record is in its life. Versions form a chain: anchoring a new version supersedes the
/// one before; erasure ends the whole chain.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	EnumIter,
	IntoStaticStr,
	EnumMessage,
)]
pub enum RecordStatus {
	/// The latest version: readable under the rule, and the one a new version supersedes.
	#[strum(to_string = "active", message = "Active")]
	Active,
	/// A newer version exists; this one stays readable as history.
	#[strum(to_string = "superseded", message = "Superseded")]
	Superseded,
	/// Crypto-shredded: the custodian deletes ciphertext and envelopes; only the hash remains.
	#[strum(to_string = "erased", message = "Erased")]
	Erased,
}

impl RecordStatus {
	/// The code MedChain's documents and tools use: the status's name (`Display`).
	pub fn code(&self) -> &'static str {
		(*self).into()
	}
}

code_text!(RecordStatus, "record status");

/// A record's anchor: identifiers, a class, a hash and a size. No PHI.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct RecordAnchor {
	/// The record's identifier, derived by the chain ([`record_id`]).
	pub id: RecordId,
	/// Whose record it is.
	pub patient: SubjectId,
	/// Who anchored it: the patient, a delegate guardian, or a practitioner under a consent.
	pub author: SubjectId,
	/// The organization whose gateway keeps the ciphertext.
	pub custodian: SubjectId,
	/// The data class: what the access rule judges a read of this record by.
	pub class: DataClass,
	/// blake2-256 of the ciphertext blob, as the gateway stores and serves it. (Not named
	/// `hash`: Polkadot.js renames a field of that name.)
	pub content_hash: H256,
	/// Size of the ciphertext blob, bytes.
	pub size: u64,
	/// Chain time of anchoring, ms since the Unix epoch.
	pub created: Moment,
	/// The version this one supersedes, if any.
	pub predecessor: Option<RecordId>,
	/// 1 for a new record, the predecessor's version + 1 for a new version.
	pub version: u32,
	/// Active, superseded or erased.
	pub status: RecordStatus,
	/// Position in the patient's list of records, from 0.
	pub index: u32,
}

/// Which of a patient's records a listing returns.
#[derive(
	Clone, Copy, PartialEq, Eq, Debug, Default, Encode, Decode, DecodeWithMemTracking, TypeInfo,
)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct RecordFilter {
	/// Only records of this class.
	pub class: Option<DataClass>,
	/// Only records in this status.
	pub status: Option<RecordStatus>,
}

impl RecordFilter {
	/// Whether `anchor` passes the filter.
	pub fn matches(&self, anchor: &RecordAnchor) -> bool {
		self.class.is_none_or(|c| c == anchor.class)
			&& self.status.is_none_or(|s| s == anchor.status)
	}
}

/// One page of a patient's records, newest first.
#[derive(Clone, PartialEq, Eq, Debug, Default, Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct RecordPage {
	/// The records that passed the filter.
	pub records: Vec<RecordAnchor>,
	/// Where the next page starts (pass it as `before`); `None` when the list is exhausted.
	pub next: Option<u32>,
}

/// Largest page a listing returns; larger `limit`s are clamped to it.
pub const MAX_RECORD_PAGE: u32 = 1000;

/// Most anchors one listing call looks at, matching or not: a filter that matches little cannot
/// make a call read a patient's whole list. The page's `next` says where to go on.
pub const MAX_RECORD_SCAN: u32 = 10_000;

/// The domain tag a record identifier's preimage starts with.
pub const RECORD_ID_DOMAIN: &[u8] = b"medchain:record-id:v1";

/// A record's identifier: blake2-256 of the domain tag, the patient, the author, the ciphertext
/// hash and the chain's record nonce, SCALE-encoded. The chain computes it (a client cannot pick
/// an identifier, nor take another's); a client can predict it from the nonce in storage.
pub fn record_id(
	patient: &SubjectId,
	author: &SubjectId,
	content_hash: &H256,
	nonce: u64,
) -> RecordId {
	let mut preimage = RECORD_ID_DOMAIN.to_vec();
	(patient, author, content_hash, nonce).encode_to(&mut preimage);
	RecordId(sp_crypto_hashing::blake2_256(&preimage))
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn record_ids_differ_in_every_input() {
		let (p, a, h) = (SubjectId([1; 32]), SubjectId([2; 32]), H256([3; 32]));
		let base = record_id(&p, &a, &h, 0);
		assert_ne!(base, record_id(&a, &p, &h, 0));
		assert_ne!(base, record_id(&p, &a, &H256([4; 32]), 0));
		assert_ne!(base, record_id(&p, &a, &h, 1));
		assert_eq!(base, record_id(&p, &a, &h, 0));
	}

	#[test]
	fn the_filter_matches_class_and_status() {
		let anchor = RecordAnchor {
			id: RecordId([0; 32]),
			patient: SubjectId([1; 32]),
			author: SubjectId([1; 32]),
			custodian: SubjectId([2; 32]),
			class: DataClass::Labs,
			content_hash: H256::zero(),
			size: 1,
			created: 0,
			predecessor: None,
			version: 1,
			status: RecordStatus::Active,
			index: 0,
		};
		assert!(RecordFilter::default().matches(&anchor));
		assert!(RecordFilter { class: Some(DataClass::Labs), status: None }.matches(&anchor));
		assert!(!RecordFilter { class: Some(DataClass::Imaging), status: None }.matches(&anchor));
		assert!(!RecordFilter { class: None, status: Some(RecordStatus::Erased) }.matches(&anchor));
	}
}

//! Identity vocabulary: subject identifiers, kinds, practitioner roles, and the identity document
//! the `IdentityApi` runtime API returns.

use alloc::{
	string::{String, ToString},
	vec::Vec,
};
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use core::fmt;
use scale_info::TypeInfo;
use sp_core::H256;
use strum::{EnumIter, EnumMessage, IntoStaticStr};

use crate::{
	text::{hex_digits32, write_hex, ParseError},
	Moment,
};

/// A subject's stable identifier: 32 bytes, written `did:medchain:<64 hex digits>`.
///
/// It is derived once at registration and never changes, whatever keys the subject rotates to;
/// consents, records and audit entries name it rather than an account.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	PartialOrd,
	Ord,
	Hash,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Default,
)]
pub struct SubjectId(pub [u8; 32]);

impl SubjectId {
	/// The DID method prefix.
	pub const DID_PREFIX: &'static str = "did:medchain:";

	/// What a subject identifier is called in parse errors.
	const WHAT: &'static str = "subject identifier";

	/// The identifier as a DID string: its `Display` form.
	pub fn to_did(&self) -> String {
		self.to_string()
	}

	/// Parses `did:medchain:<64 hex digits>` only; `FromStr` also takes the `0x` form.
	pub fn from_did(did: &str) -> Result<Self, ParseError> {
		let digits =
			did.strip_prefix(Self::DID_PREFIX).ok_or_else(|| ParseError::MissingPrefix {
				what: Self::WHAT,
				input: did.into(),
				expected: "did:medchain:<64 hex digits>",
			})?;
		hex_digits32(Self::WHAT, did, digits).map(Self)
	}
}

/// `did:medchain:<64 lowercase hex digits>`.
impl fmt::Display for SubjectId {
	fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
		f.write_str(Self::DID_PREFIX)?;
		write_hex(f, &self.0)
	}
}

/// The 64 hex digits alone (`{:x}`), or after `0x` (`{:#x}`).
impl fmt::LowerHex for SubjectId {
	fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
		if f.alternate() {
			f.write_str("0x")?;
		}
		write_hex(f, &self.0)
	}
}

/// Parses a subject as a DID (`did:medchain:<64 hex digits>`) or as 32 bytes of `0x` hex, the two
/// ways clients write one.
impl core::str::FromStr for SubjectId {
	type Err = ParseError;

	fn from_str(text: &str) -> Result<Self, ParseError> {
		match text.strip_prefix(Self::DID_PREFIX).or_else(|| text.strip_prefix("0x")) {
			Some(digits) => hex_digits32(Self::WHAT, text, digits).map(Self),
			None => Err(ParseError::MissingPrefix {
				what: Self::WHAT,
				input: text.into(),
				expected: "did:medchain:<64 hex digits> or 0x<64 hex digits>",
			}),
		}
	}
}

serde_as_text!(SubjectId, "a subject identifier (did:medchain:<64 hex digits>)");

/// The DID, as `Display` writes it: a test failure or a log line names the subject readably.
impl fmt::Debug for SubjectId {
	fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
		fmt::Display::fmt(self, f)
	}
}

impl From<[u8; 32]> for SubjectId {
	fn from(bytes: [u8; 32]) -> Self {
		Self(bytes)
	}
}

/// An X25519 public key for key agreement: record keys are wrapped for it off chain.
pub type KeyAgreementKey = [u8; 32];

/// What a subject is. FHIR: Patient, Practitioner, Organization, Device (gateway).
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
pub enum SubjectKind {
	/// A person whose records the chain protects.
	#[strum(to_string = "patient", message = "Patient")]
	Patient,
	/// A clinician; a practitioner for access decisions only while an active organization attests them.
	#[strum(to_string = "practitioner", message = "Practitioner")]
	Practitioner,
	/// A hospital or clinic admitted to the consortium by governance.
	#[strum(to_string = "organization", message = "Organization")]
	Organization,
	/// An organization's record gateway: holds ciphertext, serves it when the chain permits.
	#[strum(to_string = "gateway", message = "Gateway")]
	Gateway,
}

code_text!(SubjectKind, "subject kind");

/// Whether a subject can still act. A deactivated subject is a tombstone: its identifier and
/// every account that ever controlled it stay reserved forever.
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
#[cfg_attr(
	feature = "serde",
	derive(serde::Serialize, serde::Deserialize),
	serde(rename_all = "snake_case")
)]
pub enum SubjectStatus {
	/// The subject acts through its controller.
	Active,
	/// The subject was deactivated at this block; nothing can act as it again.
	Deactivated(u32),
}

/// A practitioner's role, from a fixed vocabulary (FHIR PractitionerRole.code, simplified).
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
pub enum PractitionerRole {
	/// A licensed physician (doctor).
	#[strum(to_string = "physician", message = "Physician")]
	Physician = 0,
	/// A registered nurse.
	#[strum(to_string = "nurse", message = "Nurse")]
	Nurse = 1,
	/// A pharmacist.
	#[strum(to_string = "pharmacist", message = "Pharmacist")]
	Pharmacist = 2,
	/// Laboratory staff.
	#[strum(to_string = "lab", message = "Lab")]
	Lab = 3,
	/// A radiologist or imaging technician.
	#[strum(to_string = "imaging", message = "Imaging")]
	Imaging = 4,
	/// A mental-health professional (psychiatrist, psychologist, therapist).
	#[strum(to_string = "mental-health", message = "Mental Health")]
	MentalHealth = 5,
	/// Emergency medical staff (paramedic, emergency physician).
	#[strum(to_string = "emergency", message = "Emergency")]
	Emergency = 6,
	/// Administrative staff of the organization (registration, billing).
	#[strum(to_string = "administrative", message = "Administrative")]
	Administrative = 7,
}

code_text!(PractitionerRole, "role");

impl PractitionerRole {
	/// Every role, in code order.
	pub const ALL: [PractitionerRole; 8] = [
		Self::Physician,
		Self::Nurse,
		Self::Pharmacist,
		Self::Lab,
		Self::Imaging,
		Self::MentalHealth,
		Self::Emergency,
		Self::Administrative,
	];
}

code_set!(
	/// A set of practitioner roles, such as the roles that may break the glass.
	RoleSet of PractitionerRole as u8
);

/// What a guardian may do for a patient.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
	Default,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct GuardianRights {
	/// May grant and revoke consent on the patient's behalf (a parent, a carer).
	pub delegate: bool,
	/// May take part in recovering the patient's lost signing key.
	pub recovery: bool,
}

/// One attestation of a practitioner by an organization, as the identity document shows it.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct AttestationView {
	/// The attesting organization.
	pub organization: SubjectId,
	/// The role the organization vouches for.
	pub role: PractitionerRole,
	/// Hash of the license document; the license itself stays off chain.
	pub license_hash: H256,
	/// End of validity, milliseconds since the Unix epoch (chain clock).
	pub expires_at: Moment,
	/// Whether it counts now: unexpired, and the organization is active.
	pub live: bool,
}

/// Everything a dApp or gateway needs to know about a subject: who it is, whether it can act,
/// which key to wrap records for, who vouches for it and who may act for it.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct IdentityDocument<AccountId> {
	/// The stable identifier.
	pub id: SubjectId,
	/// What the subject is.
	pub kind: SubjectKind,
	/// Active, or a tombstone.
	pub status: SubjectStatus,
	/// The account that signs for the subject now.
	pub controller: AccountId,
	/// The X25519 key records are wrapped for.
	#[cfg_attr(feature = "serde", serde(with = "crate::text::hex32"))]
	pub key_agreement: KeyAgreementKey,
	/// Hash commitment to the off-chain profile (never the profile).
	pub profile_hash: H256,
	/// For a gateway: its organization.
	pub organization: Option<SubjectId>,
	/// Block of registration.
	pub registered_at: u32,
	/// For a practitioner: every attestation held.
	pub attestations: Vec<AttestationView>,
	/// Whether this subject is a practitioner for access decisions right now.
	pub is_practitioner: bool,
	/// For a patient: guardians and what each may do.
	pub guardians: Vec<(SubjectId, GuardianRights)>,
}

/// The bytes a new controller signs to take over a subject (see `IdentityApi::rotation_payload`).
///
/// A struct rather than bare bytes so that every SCALE client (Polkadot.js included) decodes the
/// runtime API's `Option` around it the ordinary way.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, TypeInfo)]
pub struct RotationPayload {
	/// Sign exactly these bytes with the new controller's key.
	pub payload: Vec<u8>,
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn a_subject_parses_from_its_did_or_hex_and_prints_back() {
		let id = SubjectId([0xab; 32]);
		assert_eq!(id.to_did().parse::<SubjectId>(), Ok(id));
		assert_eq!(format!("0x{}", "ab".repeat(32)).parse::<SubjectId>(), Ok(id));
		let not_hex = String::from("did:medchain:zz".parse::<SubjectId>().unwrap_err());
		assert!(not_hex.contains("did:medchain:zz"), "{not_hex}");
		let short = String::from("0xabcd".parse::<SubjectId>().unwrap_err());
		assert!(short.contains("32 bytes"), "{short}");
		let bare = String::from("ab".repeat(32).parse::<SubjectId>().unwrap_err());
		assert!(bare.contains("did:medchain:<64 hex digits> or 0x<64 hex digits>"), "{bare}");
	}

	#[test]
	fn a_role_set_holds_every_role_of_its_byte() {
		let all = RoleSet::of(&PractitionerRole::ALL);
		assert_eq!(all.0, u8::MAX);
		assert!(all.is_valid());
		assert!(all.contains(PractitionerRole::Administrative));
		assert_eq!(all.iter().count(), PractitionerRole::ALL.len());
	}
}

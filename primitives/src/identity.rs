//! Identity vocabulary: subject identifiers, kinds, practitioner roles, and the identity document
//! the `IdentityApi` runtime API returns.

use alloc::vec::Vec;
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;
use sp_core::H256;

use crate::Moment;

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

	/// The identifier as a DID string.
	#[cfg(feature = "std")]
	pub fn to_did(&self) -> String {
		format!("{}{}", Self::DID_PREFIX, sp_core::hexdisplay::HexDisplay::from(&self.0))
	}

	/// Parses `did:medchain:<64 hex digits>`.
	#[cfg(feature = "std")]
	pub fn from_did(did: &str) -> Result<Self, String> {
		let hex = did
			.strip_prefix(Self::DID_PREFIX)
			.ok_or_else(|| format!("`{did}` is not a did:medchain identifier"))?;
		Self::from_hex(did, hex)
	}

	/// Parses the 64 hex digits of `hex` (with or without `0x`); `input` names it in errors.
	#[cfg(feature = "std")]
	fn from_hex(input: &str, hex: &str) -> Result<Self, String> {
		let bytes = sp_core::bytes::from_hex(hex).map_err(|e| format!("`{input}`: {e}"))?;
		let array: [u8; 32] = bytes
			.try_into()
			.map_err(|_| format!("`{input}`: the identifier must be 32 bytes"))?;
		Ok(Self(array))
	}
}

/// Parses a subject as a DID (`did:medchain:<64 hex digits>`) or as 32 bytes of `0x` hex, the two
/// ways clients write one.
#[cfg(feature = "std")]
impl core::str::FromStr for SubjectId {
	type Err = String;

	fn from_str(s: &str) -> Result<Self, String> {
		if s.starts_with(Self::DID_PREFIX) {
			return Self::from_did(s);
		}
		if !s.starts_with("0x") {
			return Err(format!("`{s}` is neither a did:medchain identifier nor 0x-hex"));
		}
		Self::from_hex(s, s)
	}
}

impl core::fmt::Debug for SubjectId {
	fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
		write!(f, "did:medchain:")?;
		for b in &self.0 {
			write!(f, "{b:02x}")?;
		}
		Ok(())
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
)]
pub enum SubjectKind {
	/// A person whose records the chain protects.
	Patient,
	/// A clinician; a practitioner for access decisions only while an active organization attests them.
	Practitioner,
	/// A hospital or clinic admitted to the consortium by governance.
	Organization,
	/// An organization's record gateway: holds ciphertext, serves it when the chain permits.
	Gateway,
}

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
)]
pub enum PractitionerRole {
	/// A licensed physician (doctor).
	Physician = 0,
	/// A registered nurse.
	Nurse = 1,
	/// A pharmacist.
	Pharmacist = 2,
	/// Laboratory staff.
	Lab = 3,
	/// A radiologist or imaging technician.
	Imaging = 4,
	/// A mental-health professional (psychiatrist, psychologist, therapist).
	MentalHealth = 5,
	/// Emergency medical staff (paramedic, emergency physician).
	Emergency = 6,
	/// Administrative staff of the organization (registration, billing).
	Administrative = 7,
}

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
pub struct GuardianRights {
	/// May grant and revoke consent on the patient's behalf (a parent, a carer).
	pub delegate: bool,
	/// May take part in recovering the patient's lost signing key.
	pub recovery: bool,
}

/// One attestation of a practitioner by an organization, as the identity document shows it.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, TypeInfo)]
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
		assert!("did:medchain:zz".parse::<SubjectId>().unwrap_err().contains("did:medchain:zz"));
		assert!("0xabcd".parse::<SubjectId>().unwrap_err().contains("32 bytes"));
		assert!("ab".repeat(32).parse::<SubjectId>().unwrap_err().contains("neither"));
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

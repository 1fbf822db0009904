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
		let bytes = sp_core::bytes::from_hex(hex).map_err(|e| format!("`{did}`: {e}"))?;
		let array: [u8; 32] = bytes
			.try_into()
			.map_err(|_| format!("`{did}`: the identifier must be 32 bytes"))?;
		Ok(Self(array))
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
	Physician,
	/// A registered nurse.
	Nurse,
	/// A pharmacist.
	Pharmacist,
	/// Laboratory staff.
	Lab,
	/// A radiologist or imaging technician.
	Imaging,
	/// A mental-health professional (psychiatrist, psychologist, therapist).
	MentalHealth,
	/// Emergency medical staff (paramedic, emergency physician).
	Emergency,
	/// Administrative staff of the organization (registration, billing).
	Administrative,
}

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

/// What other pallets ask of identity. Implemented by `pallet-patient-identity`.
pub trait SubjectRegistry<AccountId> {
	/// The active subject `account` controls now, if any.
	fn subject_of(account: &AccountId) -> Option<SubjectId>;
	/// The kind of an active subject; `None` for unknown or deactivated subjects.
	fn active_kind(subject: &SubjectId) -> Option<SubjectKind>;
	/// Whether `subject` was ever registered (tombstones included).
	fn exists(subject: &SubjectId) -> bool;
	/// The organizations whose attestation of `practitioner` is live at `now`.
	fn organizations_of(practitioner: &SubjectId, now: Moment) -> Vec<SubjectId>;
	/// Whether `practitioner` holds at least one live attestation at `now`.
	fn is_practitioner(practitioner: &SubjectId, now: Moment) -> bool;
	/// Whether `organization` attests `practitioner` with a live attestation at `now`.
	fn is_attested_by(practitioner: &SubjectId, organization: &SubjectId, now: Moment) -> bool;
	/// Whether `guardian` may act (grant/revoke consent) for `patient`.
	fn is_delegate(patient: &SubjectId, guardian: &SubjectId) -> bool;
	/// For an active gateway of an active organization: that organization.
	fn gateway_organization(gateway: &SubjectId) -> Option<SubjectId>;
}

sp_api::decl_runtime_apis! {
	/// Resolve who is asking and which key to wrap for.
	pub trait IdentityApi<AccountId> where AccountId: codec::Codec {
		/// The subject an account controls now (active or tombstoned), if any.
		fn subject_of(account: AccountId) -> Option<SubjectId>;
		/// The identity document of a subject.
		fn identity(subject: SubjectId) -> Option<IdentityDocument<AccountId>>;
		/// The identity document of the subject an account controls.
		fn identity_of_account(account: AccountId) -> Option<IdentityDocument<AccountId>>;
		/// The exact bytes `new_controller` must sign to take over `subject` by `rotate_controller`.
		fn rotation_payload(subject: SubjectId, new_controller: AccountId) -> Option<RotationPayload>;
	}
}

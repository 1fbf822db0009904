//! The identity pallet's stored records. Shared vocabulary (identifiers, kinds, roles, the
//! identity document) lives in `medchain_primitives::identity` so clients decode the same bytes.
//!
//! FHIR mapping: a [`Subject`] of kind Patient is a `Patient` resource's `identifier`, of kind
//! Practitioner a `Practitioner`, of kind Organization an `Organization`, of kind Gateway a
//! `Device`; an [`Attestation`] is a `PractitionerRole` (`organization`, `code`, `period.end`).

use codec::{Decode, Encode, MaxEncodedLen};
use frame_support::{BoundedVec, CloneNoBound, DebugNoBound, EqNoBound, PartialEqNoBound};
use scale_info::TypeInfo;
use sp_core::{Get, H256};

pub use medchain_primitives::{
	identity::{
		AttestationView, GuardianRights, IdentityDocument, KeyAgreementKey, PractitionerRole,
		SubjectId, SubjectKind, SubjectStatus,
	},
	Moment,
};

/// A registered subject: what the chain knows of a patient, practitioner, organization or gateway.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, MaxEncodedLen, TypeInfo)]
pub struct Subject<AccountId, BlockNumber> {
	/// What the subject is.
	pub kind: SubjectKind,
	/// Active, or a tombstone.
	pub status: SubjectStatus,
	/// The one account that signs for the subject now.
	pub controller: AccountId,
	/// X25519 public key record keys are wrapped for.
	pub key_agreement: KeyAgreementKey,
	/// Hash commitment to the off-chain profile document.
	pub profile_hash: H256,
	/// For a gateway: the organization that registered it. FHIR `Device.owner`.
	pub organization: Option<SubjectId>,
	/// Block of registration.
	pub registered_at: BlockNumber,
	/// Rotations so far; part of the rotation payload so a signed proof works once.
	pub rotations: u32,
}

impl<AccountId, BlockNumber> Subject<AccountId, BlockNumber> {
	/// Whether the subject can act.
	pub fn is_active(&self) -> bool {
		self.status == SubjectStatus::Active
	}
}

/// An organization's statement that a practitioner holds a role. FHIR `PractitionerRole`.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, MaxEncodedLen, TypeInfo)]
pub struct Attestation<BlockNumber> {
	/// The role vouched for. FHIR `PractitionerRole.code`.
	pub role: PractitionerRole,
	/// Hash of the license document. FHIR `Practitioner.qualification.identifier` (hashed).
	pub license_hash: H256,
	/// End of validity on the chain clock, ms since the Unix epoch. FHIR `PractitionerRole.period.end`.
	pub expires_at: Moment,
	/// Block at which it was (last) issued.
	pub issued_at: BlockNumber,
}

/// How a patient's lost signing key can be recovered by their guardians.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, MaxEncodedLen, TypeInfo)]
pub struct RecoveryConfig<BlockNumber> {
	/// How many recovery guardians must approve.
	pub threshold: u32,
	/// Blocks between the first approval and completion, during which the patient can cancel.
	pub delay: BlockNumber,
}

/// A recovery under way: the account guardians propose and who has approved it.
#[derive(
	CloneNoBound, PartialEqNoBound, EqNoBound, DebugNoBound, Encode, Decode, MaxEncodedLen, TypeInfo,
)]
#[scale_info(skip_type_params(MaxApprovals))]
pub struct ActiveRecovery<AccountId, BlockNumber, MaxApprovals: Get<u32>>
where
	AccountId: Clone + PartialEq + Eq + core::fmt::Debug,
	BlockNumber: Clone + PartialEq + Eq + core::fmt::Debug,
{
	/// The account that will control the patient once recovery completes.
	pub new_controller: AccountId,
	/// Block at which the first guardian started it.
	pub initiated_at: BlockNumber,
	/// Recovery guardians who approved, the initiator first.
	pub approvals: BoundedVec<SubjectId, MaxApprovals>,
}

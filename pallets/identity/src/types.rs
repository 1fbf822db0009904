//! The identity pallet's stored records. Shared vocabulary (identifiers, kinds, roles, the
//! identity document) lives in `medchain_primitives::identity` so clients decode the same bytes.
//!
//! FHIR mapping: a [`Subject`] of kind Patient is a `Patient` resource's `identifier`, of kind
//! Practitioner a `Practitioner`, of kind Organization an `Organization`, of kind Gateway a
//! `Device`; an [`Attestation`] is a `PractitionerRole` (`organization`, `code`, `period`), and
//! so is an [`AttestationPeriod`] (one that has ended, `period.end` in the past); a
//! [`DelegatePeriod`] is the `period` of a `RelatedPerson` acting for the patient.

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
	/// Since when the practitioner has held it without a break, on the chain clock (ms). A
	/// renewal while it is live keeps this time; attesting again after it lapsed starts anew.
	/// What a past read is judged by. FHIR `PractitionerRole.period.start`.
	pub issued: Moment,
	/// Block at which it was (last) issued.
	pub issued_at: BlockNumber,
}

/// An attestation that has ended (revoked, expired, or cleaned up after its organization left),
/// kept as history so that a read served while it held stays justified. FHIR `PractitionerRole`
/// with `period` in the past.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Encode, Decode, MaxEncodedLen, TypeInfo)]
pub struct AttestationPeriod {
	/// The role it vouched for. FHIR `PractitionerRole.code`.
	pub role: PractitionerRole,
	/// When it was issued, chain clock (ms). FHIR `PractitionerRole.period.start`.
	pub issued: Moment,
	/// When it stopped counting: the earlier of its revocation (or clean-up) and its expiry,
	/// chain clock (ms); it held before this moment, not at it. FHIR `PractitionerRole.period.end`.
	pub ended: Moment,
}

/// When a guardian held the delegate right for a patient. FHIR `RelatedPerson.period`.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Encode, Decode, MaxEncodedLen, TypeInfo)]
pub struct DelegatePeriod {
	/// When the right was given, chain clock (ms).
	pub since: Moment,
	/// When it was taken away (the guardian removed, or the right dropped), chain clock (ms);
	/// `None` while the guardian still holds it. It held before this moment, not at it.
	pub until: Option<Moment>,
}

impl DelegatePeriod {
	/// Whether the period covers the moment `at`.
	pub fn contains(&self, at: Moment) -> bool {
		self.since <= at && self.until.is_none_or(|until| at < until)
	}
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

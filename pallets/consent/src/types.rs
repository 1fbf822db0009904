//! The consent pallet's stored records. The vocabulary (classes, purposes, actions, grantees, the
//! access decision) lives in `medchain_primitives::consent` so clients decode the same bytes.

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use frame_support::{BoundedVec, CloneNoBound, DebugNoBound, EqNoBound, PartialEqNoBound};
use scale_info::TypeInfo;
use sp_core::Get;

pub use medchain_primitives::{
	consent::{
		AccessDecision, AccessTarget, ActionSet, ConsentAction, ConsentId, ConsentRecord,
		ConsentStatus, DataClass, DataClassSet, DenyReason, EmergencyGrant, EmergencyId, Grantee,
		PermitBasis, PurposeOfUse, PurposeSet, RecordId,
	},
	identity::SubjectId,
	Moment,
};

/// What a grantor allows: the `provision` of a FHIR Consent.
///
/// Generic over the list of records: a `grant` call takes a plain `Vec` (so an oversize list is
/// a `TooManyRecords` error, not a failure to decode), storage keeps a `BoundedVec`.
#[derive(
	Clone, PartialEq, Eq, Debug, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo,
)]
pub struct ConsentTerms<Records> {
	/// Who may access: a practitioner, or an organization's attested practitioners.
	pub grantee: Grantee,
	/// Allowed actions (read, create/append, share onward).
	pub actions: ActionSet,
	/// Data classes covered.
	pub classes: DataClassSet,
	/// Records covered by name, whatever their class.
	pub records: Records,
	/// Classes excluded even where `classes` or `records` would cover them: the deny exception.
	pub excluded: DataClassSet,
	/// Allowed purposes of use.
	pub purposes: PurposeSet,
	/// Start of validity on the chain clock (inclusive), ms since the Unix epoch.
	pub valid_from: Moment,
	/// End of validity (exclusive), ms; `None` until revoked.
	pub valid_until: Option<Moment>,
}

impl<Records> ConsentTerms<Records> {
	/// The same terms with their record list converted by `convert` (a call's `Vec` into the
	/// `BoundedVec` storage keeps, say).
	pub fn try_map_records<Into, E>(
		self,
		convert: impl FnOnce(Records) -> Result<Into, E>,
	) -> Result<ConsentTerms<Into>, E> {
		Ok(ConsentTerms {
			grantee: self.grantee,
			actions: self.actions,
			classes: self.classes,
			records: convert(self.records)?,
			excluded: self.excluded,
			purposes: self.purposes,
			valid_from: self.valid_from,
			valid_until: self.valid_until,
		})
	}
}

/// Consent terms as a `grant` call carries them.
pub type GrantTerms = ConsentTerms<alloc::vec::Vec<RecordId>>;

/// A consent as stored.
#[derive(
	CloneNoBound, PartialEqNoBound, EqNoBound, DebugNoBound, Encode, Decode, MaxEncodedLen, TypeInfo,
)]
#[scale_info(skip_type_params(MaxRecords))]
pub struct StoredConsent<MaxRecords: Get<u32>> {
	/// The patient whose data it covers.
	pub patient: SubjectId,
	/// The patient or the guardian who granted it.
	pub grantor: SubjectId,
	/// What it allows.
	pub terms: ConsentTerms<BoundedVec<RecordId, MaxRecords>>,
	/// Active or revoked.
	pub status: ConsentStatus,
	/// Chain time of the grant, ms.
	pub granted_at: Moment,
}

impl<MaxRecords: Get<u32>> StoredConsent<MaxRecords> {
	/// The consent as the runtime API and the FHIR export show it.
	pub fn to_record(&self, id: ConsentId) -> ConsentRecord {
		ConsentRecord {
			id,
			patient: self.patient,
			grantor: self.grantor,
			grantee: self.terms.grantee,
			actions: self.terms.actions,
			classes: self.terms.classes,
			records: self.terms.records.to_vec(),
			excluded: self.terms.excluded,
			purposes: self.terms.purposes,
			valid_from: self.terms.valid_from,
			valid_until: self.terms.valid_until,
			status: self.status,
			granted_at: self.granted_at,
		}
	}
}

//! Tests, one file per call plus the listing. Each runs inside `ExtBuilder::build_and_execute`.

mod amend;
mod anchor;
mod erase;
mod queries;

use frame_support::assert_ok;
use medchain_primitives::{
	audit::AuditEntry,
	consent::{ActionSet, DataClassSet, Grantee, PurposeSet},
	identity::GuardianRights,
};

pub use crate::{mock::*, *};
pub use pallet_consent::ConsentTerms;

pub const DELEGATE: GuardianRights = GuardianRights { delegate: true, recovery: false };

/// A patient, a practitioner ("doctor") of "hospital", and the hospital.
pub fn world() -> (SubjectId, SubjectId, SubjectId) {
	let patient = Seeds::register("patient", SubjectKind::Patient);
	let doctor = Seeds::practitioner("doctor", "hospital");
	(patient, doctor, Seeds::of("hospital"))
}

/// The patient lets `grantee` take `actions` on `classes` for treatment; returns the consent id.
pub fn consent(
	grantee: SubjectId,
	actions: &[ConsentAction],
	classes: &[DataClass],
) -> medchain_primitives::consent::ConsentId {
	let patient = Seeds::of("patient");
	assert_ok!(Consent::grant(
		Seeds::signed("patient"),
		patient,
		ConsentTerms {
			grantee: Grantee::Practitioner(grantee),
			actions: ActionSet::of(actions),
			classes: DataClassSet::of(classes),
			records: Vec::new(),
			excluded: DataClassSet::EMPTY,
			purposes: PurposeSet::of(&[PurposeOfUse::Treat]),
			valid_from: NOW,
			valid_until: None,
		}
	));
	medchain_primitives::consent::ConsentId(pallet_consent::NextConsentId::<Test>::get() - 1)
}

/// Anchors a labs record of "patient" as `seed` at `custodian`, returns its identifier.
pub fn anchor_as(seed: &str, custodian: Option<SubjectId>, hash: u8) -> RecordId {
	let patient = Seeds::of("patient");
	assert_ok!(Records::anchor(
		Seeds::signed(seed),
		patient,
		DataClass::Labs,
		H256::repeat_byte(hash),
		1000,
		custodian,
		PurposeOfUse::Treat
	));
	latest(patient)
}

/// The identifier of `patient`'s newest record.
pub fn latest(patient: SubjectId) -> RecordId {
	let count = PatientRecordCount::<Test>::get(patient);
	PatientAnchors::<Test>::get(patient, count - 1).expect("the patient has records")
}

/// The patient's audit trail, oldest first.
pub fn trail(patient: SubjectId) -> Vec<AuditEntry> {
	let mut entries = AuditLog::entries(&patient, None, 100).expect("valid page");
	entries.reverse();
	entries
}

pub fn status(id: RecordId) -> RecordStatus {
	Anchors::<Test>::get(id).expect("anchored").status
}

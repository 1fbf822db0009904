//! The identity document and the `SubjectRegistry` answers other pallets rely on.

use frame_support::assert_ok;

use super::*;

#[test]
fn the_identity_document_shows_keys_attestations_and_guardians() {
	ExtBuilder.build_and_execute(|| {
		let (doctor, org) = attested_practitioner("doctor", "hospital");
		let doc = Identity::identity(&doctor).unwrap();
		assert_eq!(doc.kind, SubjectKind::Practitioner);
		assert_eq!(doc.controller, account("doctor"));
		assert_eq!(doc.key_agreement, crate::mock::PERSON_KEY);
		assert!(doc.is_practitioner);
		assert_eq!(doc.attestations.len(), 1);
		assert_eq!(doc.attestations[0].organization, org);
		assert!(doc.attestations[0].live);

		let patient = Seeds::register("patient", SubjectKind::Patient);
		assert_ok!(Identity::add_guardian(
			Seeds::signed("patient"),
			doctor,
			GuardianRights { delegate: true, recovery: false }
		));
		let doc = Identity::identity(&patient).unwrap();
		assert!(!doc.is_practitioner);
		assert_eq!(
			doc.guardians,
			vec![(doctor, GuardianRights { delegate: true, recovery: false })]
		);
	});
}

#[test]
fn the_identity_document_marks_a_lapsed_attestation() {
	ExtBuilder.build_and_execute(|| {
		let (doctor, _) = attested_practitioner("doctor", "hospital");
		Timestamp::set_timestamp(NOW + 31 * DAY);
		let doc = Identity::identity(&doctor).unwrap();
		assert!(!doc.attestations[0].live);
		assert!(!doc.is_practitioner);
	});
}

#[test]
fn subject_ids_round_trip_as_dids() {
	let id = SubjectId([0xab; 32]);
	let did = id.to_did();
	assert!(did.starts_with("did:medchain:abab"));
	assert_eq!(SubjectId::from_did(&did), Ok(id));
	assert!(SubjectId::from_did("did:web:example").is_err());
	assert!(SubjectId::from_did("did:medchain:abcd").is_err());
}

#[test]
fn ensure_subject_resolves_signed_origins() {
	ExtBuilder.build_and_execute(|| {
		let id = Seeds::register("patient", SubjectKind::Patient);
		assert_eq!(Identity::ensure_subject(Seeds::signed("patient")), Ok(id));
		assert!(Identity::ensure_subject(Seeds::signed("nobody")).is_err());
		use frame_support::traits::EnsureOrigin;
		assert_eq!(EnsureSubject::<Test>::try_origin(Seeds::signed("patient")).ok(), Some(id));
		assert!(EnsureSubject::<Test>::try_origin(RuntimeOrigin::root()).is_err());
	});
}

use frame_support::{assert_noop, assert_ok};
use medchain_primitives::audit::{AuditAction, AuditEventType, AuditPolicy};

use super::*;

#[test]
fn a_patient_anchors_their_own_record_at_an_organization_they_name() {
	ExtBuilder.build_and_execute(|| {
		let (patient, _, hospital) = world();
		let id = anchor_as("patient", Some(hospital), 7);
		let anchor = Anchors::<Test>::get(id).unwrap();
		assert_eq!(anchor.patient, patient);
		assert_eq!(anchor.author, patient);
		assert_eq!(anchor.custodian, hospital);
		assert_eq!(anchor.class, DataClass::Labs);
		assert_eq!(anchor.content_hash, H256::repeat_byte(7));
		assert_eq!((anchor.size, anchor.created, anchor.version), (1000, NOW, 1));
		assert_eq!(
			(anchor.predecessor, anchor.status, anchor.index),
			(None, RecordStatus::Active, 0)
		);
		// The identifier is the chain's, from the first nonce.
		assert_eq!(id, record_id(&patient, &patient, &H256::repeat_byte(7), 0));
		System::assert_last_event(
			Event::RecordAnchored {
				id,
				patient,
				author: patient,
				custodian: hospital,
				class: DataClass::Labs,
				content_hash: H256::repeat_byte(7),
				size: 1000,
				version: 1,
				predecessor: None,
			}
			.into(),
		);
	});
}

#[test]
fn the_same_content_anchored_twice_gets_two_identifiers() {
	ExtBuilder.build_and_execute(|| {
		let (_, _, hospital) = world();
		let first = anchor_as("patient", Some(hospital), 7);
		let second = anchor_as("patient", Some(hospital), 7);
		assert_ne!(first, second);
		assert_eq!(NextRecordNonce::<Test>::get(), 2);
	});
}

#[test]
fn a_patient_must_name_the_custodian() {
	ExtBuilder.build_and_execute(|| {
		let (patient, doctor, _) = world();
		let anchor = |custodian| {
			Records::anchor(
				Seeds::signed("patient"),
				patient,
				DataClass::Labs,
				H256::zero(),
				1,
				custodian,
				PurposeOfUse::Treat,
			)
		};
		assert_noop!(anchor(None), Error::<Test>::CustodianRequired);
		// A practitioner, a patient or an unknown subject is not an organization.
		assert_noop!(anchor(Some(doctor)), Error::<Test>::NotAnOrganization);
		assert_noop!(anchor(Some(patient)), Error::<Test>::NotAnOrganization);
		assert_noop!(anchor(Some(SubjectId([9; 32]))), Error::<Test>::NotAnOrganization);
	});
}

#[test]
fn a_practitioner_anchors_under_a_create_consent_at_their_organization() {
	ExtBuilder.build_and_execute(|| {
		let (patient, doctor, hospital) = world();
		let consent_id = consent(doctor, &[ConsentAction::Create], &[DataClass::Labs]);
		let id = anchor_as("doctor", None, 1);
		let anchor = Anchors::<Test>::get(id).unwrap();
		assert_eq!((anchor.author, anchor.custodian), (doctor, hospital));
		let entry = trail(patient).pop().unwrap();
		assert_eq!(entry.record.event_type, AuditEventType::RecordWritten);
		assert_eq!(entry.record.action, AuditAction::Create);
		assert_eq!(entry.record.actor, doctor);
		assert_eq!(entry.record.policy, Some(AuditPolicy::Consent(consent_id)));
		assert_eq!(entry.record.purpose, Some(PurposeOfUse::Treat));
		let entity = entry.record.entity.unwrap();
		assert_eq!((entity.record, entity.hash), (id, Some(H256::repeat_byte(1))));
	});
}

#[test]
fn a_practitioner_without_a_create_consent_for_the_class_is_refused() {
	ExtBuilder.build_and_execute(|| {
		let (patient, doctor, _) = world();
		let anchor = |class| {
			Records::anchor(
				Seeds::signed("doctor"),
				patient,
				class,
				H256::zero(),
				1,
				None,
				PurposeOfUse::Treat,
			)
		};
		assert_noop!(anchor(DataClass::Labs), Error::<Test>::NotPermitted);
		// Read is not create; labs are not imaging.
		consent(doctor, &[ConsentAction::Read], &[DataClass::Labs]);
		assert_noop!(anchor(DataClass::Labs), Error::<Test>::NotPermitted);
		consent(doctor, &[ConsentAction::Create], &[DataClass::Labs]);
		assert_noop!(anchor(DataClass::Imaging), Error::<Test>::NotPermitted);
		assert_ok!(anchor(DataClass::Labs));
	});
}

#[test]
fn a_practitioner_may_only_name_an_organization_that_attests_them() {
	ExtBuilder.build_and_execute(|| {
		let (patient, doctor, hospital) = world();
		let clinic = Seeds::organization("clinic");
		consent(doctor, &[ConsentAction::Create], &[DataClass::Labs]);
		let anchor = |custodian| {
			Records::anchor(
				Seeds::signed("doctor"),
				patient,
				DataClass::Labs,
				H256::zero(),
				1,
				custodian,
				PurposeOfUse::Treat,
			)
		};
		assert_noop!(anchor(Some(clinic)), Error::<Test>::NotAttestedByCustodian);
		// Attested by two, the practitioner must say which keeps the record.
		Seeds::attest("doctor", "clinic", medchain_primitives::identity::PractitionerRole::Nurse);
		assert_noop!(anchor(None), Error::<Test>::CustodianRequired);
		assert_ok!(anchor(Some(clinic)));
		assert_eq!(Anchors::<Test>::get(latest(patient)).unwrap().custodian, clinic);
		assert_ok!(anchor(Some(hospital)));
	});
}

#[test]
fn a_delegate_guardian_anchors_for_the_patient() {
	ExtBuilder.build_and_execute(|| {
		let (patient, _, hospital) = world();
		let parent = Seeds::register("parent", SubjectKind::Patient);
		assert_ok!(Identity::add_guardian(Seeds::signed("patient"), parent, DELEGATE));
		let id = anchor_as("parent", Some(hospital), 3);
		assert_eq!(Anchors::<Test>::get(id).unwrap().author, parent);
		assert_eq!(trail(patient).pop().unwrap().record.policy, Some(AuditPolicy::OwnData));
	});
}

#[test]
fn bad_anchors_are_refused_and_change_nothing() {
	ExtBuilder.build_and_execute(|| {
		let (patient, doctor, hospital) = world();
		let stranger = SubjectId([8; 32]);
		let anchor = |seed: &str, patient, size| {
			Records::anchor(
				Seeds::signed(seed),
				patient,
				DataClass::Labs,
				H256::zero(),
				size,
				Some(hospital),
				PurposeOfUse::Treat,
			)
		};
		assert_noop!(anchor("patient", patient, 0), Error::<Test>::EmptyRecord);
		assert_noop!(anchor("patient", stranger, 1), Error::<Test>::UnknownPatient);
		// A practitioner's records are not a patient's.
		assert_noop!(anchor("patient", doctor, 1), Error::<Test>::UnknownPatient);
		// Whoever controls no identity is told so, not refused as a bad origin.
		assert_noop!(anchor("nobody", patient, 1), Error::<Test>::NotRegistered);
		assert_ok!(Identity::deactivate(Seeds::signed("patient")));
		assert_noop!(anchor("doctor", patient, 1), Error::<Test>::PatientDeactivated);
	});
}

#[test]
fn a_patient_holds_at_most_the_bound_of_live_records_and_erasing_frees_room() {
	ExtBuilder.build_and_execute(|| {
		let (patient, _, hospital) = world();
		let bound = <Test as Config>::MaxRecordsPerPatient::get();
		let first = anchor_as("patient", Some(hospital), 0);
		for i in 1..bound {
			anchor_as("patient", Some(hospital), i as u8);
		}
		let anchor = || {
			Records::anchor(
				Seeds::signed("patient"),
				patient,
				DataClass::Labs,
				H256::zero(),
				1,
				Some(hospital),
				PurposeOfUse::Treat,
			)
		};
		assert_noop!(anchor(), Error::<Test>::TooManyRecords);
		assert_ok!(Records::erase(Seeds::signed("patient"), first));
		assert_eq!(LiveRecordCount::<Test>::get(patient), bound - 1);
		assert_ok!(anchor());
		assert_eq!(PatientRecordCount::<Test>::get(patient), bound + 1);
	});
}

#[test]
fn under_an_organization_wide_consent_the_record_stays_with_that_organization() {
	ExtBuilder.build_and_execute(|| {
		let (patient, doctor, hospital) = world();
		// The doctor also works at a clinic the patient never consented to.
		let clinic = Seeds::organization("clinic");
		Seeds::attest("doctor", "clinic", medchain_primitives::identity::PractitionerRole::Nurse);
		assert_ok!(Consent::grant(
			Seeds::signed("patient"),
			patient,
			ConsentTerms {
				grantee: Grantee::Organization(hospital),
				actions: ActionSet::of(&[ConsentAction::Create]),
				classes: DataClassSet::of(&[DataClass::Labs]),
				records: Vec::new(),
				excluded: DataClassSet::EMPTY,
				purposes: PurposeSet::of(&[PurposeOfUse::Treat]),
				valid_from: NOW,
				valid_until: None,
			}
		));
		let anchor = |custodian| {
			Records::anchor(
				Seeds::signed("doctor"),
				patient,
				DataClass::Labs,
				H256::zero(),
				1,
				custodian,
				PurposeOfUse::Treat,
			)
		};
		assert_noop!(anchor(Some(clinic)), Error::<Test>::CustodianOutsideConsent);
		// Unnamed, the custodian is the consenting organization, though two attest the doctor.
		assert_ok!(anchor(None));
		let record = Anchors::<Test>::get(latest(patient)).unwrap();
		assert_eq!((record.author, record.custodian), (doctor, hospital));
		assert_ok!(anchor(Some(hospital)));
	});
}

#[test]
fn a_spent_nonce_space_is_an_error_not_a_reused_identifier() {
	ExtBuilder.build_and_execute(|| {
		let (patient, _, hospital) = world();
		NextRecordNonce::<Test>::put(u64::MAX);
		assert_noop!(
			Records::anchor(
				Seeds::signed("patient"),
				patient,
				DataClass::Labs,
				H256::zero(),
				1,
				Some(hospital),
				PurposeOfUse::Treat,
			),
			Error::<Test>::NonceOverflow
		);
		// try_state counts one anchor per nonce: put the counter back.
		NextRecordNonce::<Test>::put(0);
	});
}

#[test]
fn one_consented_practitioner_cannot_fill_the_patients_room() {
	ExtBuilder.build_and_execute(|| {
		let (patient, doctor, hospital) = world();
		consent(doctor, &[ConsentAction::Create], &[DataClass::Labs]);
		let per_author = <Test as Config>::MaxRecordsPerAuthor::get();
		let first = anchor_as("doctor", Some(hospital), 0);
		for i in 1..per_author {
			anchor_as("doctor", Some(hospital), i as u8);
		}
		assert_eq!(LiveRecordsByAuthor::<Test>::get(patient, doctor), per_author);
		assert_noop!(
			Records::anchor(
				Seeds::signed("doctor"),
				patient,
				DataClass::Labs,
				H256::zero(),
				1,
				Some(hospital),
				PurposeOfUse::Treat,
			),
			Error::<Test>::TooManyRecordsByAuthor
		);
		// The patient still has room of their own, and erasing one of the doctor's frees one.
		anchor_as("patient", Some(hospital), 100);
		assert_ok!(Records::erase(Seeds::signed("patient"), first));
		assert_eq!(LiveRecordsByAuthor::<Test>::get(patient, doctor), per_author - 1);
		anchor_as("doctor", Some(hospital), 101);
	});
}

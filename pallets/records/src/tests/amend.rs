use frame_support::{assert_noop, assert_ok};
use medchain_primitives::{
	audit::{AuditAction, AuditEventType, AuditPolicy},
	consent::RecordId,
};

use super::*;

fn amend(seed: &str, predecessor: RecordId, hash: u8) -> frame_support::dispatch::DispatchResult {
	Records::amend(
		Seeds::signed(seed),
		predecessor,
		H256::repeat_byte(hash),
		2000,
		None,
		PurposeOfUse::Treat,
	)
}

#[test]
fn a_new_version_supersedes_its_predecessor() {
	ExtBuilder.build_and_execute(|| {
		let (patient, _, hospital) = world();
		let first = anchor_as("patient", Some(hospital), 1);
		assert_ok!(amend("patient", first, 2));
		let second = latest(patient);
		let anchor = Anchors::<Test>::get(second).unwrap();
		assert_eq!(anchor.predecessor, Some(first));
		assert_eq!((anchor.version, anchor.status, anchor.size), (2, RecordStatus::Active, 2000));
		// Same patient, class and (by default) custodian.
		assert_eq!(
			(anchor.patient, anchor.class, anchor.custodian),
			(patient, DataClass::Labs, hospital)
		);
		assert_eq!(status(first), RecordStatus::Superseded);
		let entry = trail(patient).pop().unwrap();
		assert_eq!(entry.record.event_type, AuditEventType::RecordWritten);
		assert_eq!(entry.record.action, AuditAction::Update);
		assert_eq!(entry.record.entity.unwrap().record, second);
	});
}

#[test]
fn a_practitioner_amends_under_a_create_consent_at_their_organization() {
	ExtBuilder.build_and_execute(|| {
		let (patient, doctor, hospital) = world();
		let clinic = Seeds::organization("clinic");
		// The patient keeps the first version at a clinic that does not attest the doctor.
		let first = anchor_as("patient", Some(clinic), 1);
		assert_noop!(amend("doctor", first, 2), Error::<Test>::NotPermitted);
		let consent_id = consent(doctor, &[ConsentAction::Create], &[DataClass::Labs]);
		assert_ok!(amend("doctor", first, 2));
		let second = Anchors::<Test>::get(latest(patient)).unwrap();
		// The clinic does not attest the doctor: the new version is kept at the doctor's hospital.
		assert_eq!((second.author, second.custodian), (doctor, hospital));
		assert_eq!(
			trail(patient).pop().unwrap().record.policy,
			Some(AuditPolicy::Consent(consent_id))
		);
	});
}

#[test]
fn a_consent_naming_the_record_allows_its_new_version() {
	ExtBuilder.build_and_execute(|| {
		let (patient, doctor, hospital) = world();
		let first = anchor_as("patient", Some(hospital), 1);
		assert_ok!(Consent::grant(
			Seeds::signed("patient"),
			patient,
			ConsentTerms {
				grantee: Grantee::Practitioner(doctor),
				actions: ActionSet::of(&[ConsentAction::Create]),
				classes: DataClassSet::EMPTY,
				records: vec![first],
				excluded: DataClassSet::EMPTY,
				purposes: PurposeSet::of(&[PurposeOfUse::Treat]),
				valid_from: NOW,
				valid_until: None,
			}
		));
		assert_ok!(amend("doctor", first, 2));
		// The consent names the first record, not labs: a new labs record is still refused.
		assert_noop!(
			Records::anchor(
				Seeds::signed("doctor"),
				patient,
				DataClass::Labs,
				H256::zero(),
				1,
				None,
				PurposeOfUse::Treat
			),
			Error::<Test>::NotPermitted
		);
	});
}

#[test]
fn only_the_latest_live_version_gets_a_new_version() {
	ExtBuilder.build_and_execute(|| {
		let (patient, _, hospital) = world();
		let first = anchor_as("patient", Some(hospital), 1);
		assert_noop!(amend("patient", RecordId([9; 32]), 2), Error::<Test>::UnknownRecord);
		assert_noop!(
			Records::amend(
				Seeds::signed("patient"),
				first,
				H256::zero(),
				0,
				None,
				PurposeOfUse::Treat
			),
			Error::<Test>::EmptyRecord
		);
		assert_ok!(amend("patient", first, 2));
		assert_noop!(amend("patient", first, 3), Error::<Test>::NotLatestVersion);
		let second = latest(patient);
		assert_ok!(Records::erase(Seeds::signed("patient"), second));
		assert_noop!(amend("patient", second, 3), Error::<Test>::RecordErased);
	});
}

#[test]
fn a_chain_holds_at_most_the_bound_of_versions() {
	ExtBuilder.build_and_execute(|| {
		let (patient, _, hospital) = world();
		anchor_as("patient", Some(hospital), 1);
		let bound = <Test as Config>::MaxVersions::get();
		for i in 1..bound {
			assert_ok!(amend("patient", latest(patient), i as u8 + 1));
		}
		assert_eq!(Anchors::<Test>::get(latest(patient)).unwrap().version, bound);
		assert_noop!(amend("patient", latest(patient), 99), Error::<Test>::TooManyVersions);
	});
}

#[test]
fn another_patients_record_is_not_amended_through_a_consent_of_this_one() {
	ExtBuilder.build_and_execute(|| {
		let (_, doctor, hospital) = world();
		// The doctor may create labs of "patient"; "other" anchors their own labs.
		consent(doctor, &[ConsentAction::Create], &[DataClass::Labs]);
		let other = Seeds::register("other", SubjectKind::Patient);
		assert_ok!(Records::anchor(
			Seeds::signed("other"),
			other,
			DataClass::Labs,
			H256::zero(),
			1,
			Some(hospital),
			PurposeOfUse::Treat
		));
		assert_noop!(amend("doctor", latest(other), 2), Error::<Test>::NotPermitted);
	});
}

#[test]
fn an_unregistered_caller_is_told_it_is_not_registered() {
	ExtBuilder.build_and_execute(|| {
		let (_, _, hospital) = world();
		let first = anchor_as("patient", Some(hospital), 1);
		assert_noop!(amend("nobody", first, 2), Error::<Test>::NotRegistered);
		// A tombstone's controller controls no active identity either.
		assert_ok!(Identity::deactivate(Seeds::signed("doctor")));
		assert_noop!(amend("doctor", first, 2), Error::<Test>::NotRegistered);
	});
}

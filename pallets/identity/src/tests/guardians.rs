use frame_support::{assert_noop, assert_ok};

use super::*;

const DELEGATE: GuardianRights = GuardianRights { delegate: true, recovery: false };
const RECOVERY: GuardianRights = GuardianRights { delegate: false, recovery: true };

#[test]
fn patient_names_a_delegate_guardian() {
	ExtBuilder.build_and_execute(|| {
		let child = Seeds::register("child", SubjectKind::Patient);
		let parent = Seeds::register("parent", SubjectKind::Patient);
		assert_ok!(Identity::add_guardian(Seeds::signed("child"), parent, DELEGATE));
		assert_eq!(
			last_event(),
			Event::GuardianSet { patient: child, guardian: parent, rights: DELEGATE }
		);
		assert!(Identity::is_delegate(&child, &parent));
		assert!(!Identity::is_delegate(&parent, &child));
	});
}

#[test]
fn a_recovery_only_guardian_is_not_a_delegate() {
	ExtBuilder.build_and_execute(|| {
		Seeds::register("patient", SubjectKind::Patient);
		let friend = Seeds::register("friend", SubjectKind::Patient);
		let patient = Controllers::<Test>::get(account("patient")).unwrap();
		assert_ok!(Identity::add_guardian(Seeds::signed("patient"), friend, RECOVERY));
		assert!(!Identity::is_delegate(&patient, &friend));
		assert_eq!(RecoveryGuardianCount::<Test>::get(patient), 1);
	});
}

#[test]
fn removed_guardian_can_no_longer_act() {
	ExtBuilder.build_and_execute(|| {
		let patient = Seeds::register("patient", SubjectKind::Patient);
		let carer = Seeds::register("carer", SubjectKind::Practitioner);
		assert_ok!(Identity::add_guardian(Seeds::signed("patient"), carer, DELEGATE));
		assert_ok!(Identity::remove_guardian(Seeds::signed("patient"), carer));
		assert_eq!(last_event(), Event::GuardianRemoved { patient, guardian: carer });
		assert!(!Identity::is_delegate(&patient, &carer));
		assert_noop!(
			Identity::remove_guardian(Seeds::signed("patient"), carer),
			Error::<Test>::NotAGuardian
		);
	});
}

#[test]
fn a_deactivated_guardian_is_no_delegate() {
	ExtBuilder.build_and_execute(|| {
		let patient = Seeds::register("patient", SubjectKind::Patient);
		let carer = Seeds::register("carer", SubjectKind::Patient);
		assert_ok!(Identity::add_guardian(Seeds::signed("patient"), carer, DELEGATE));
		assert_ok!(Identity::deactivate(Seeds::signed("carer")));
		assert!(!Identity::is_delegate(&patient, &carer));
	});
}

#[test]
fn only_patients_name_guardians() {
	ExtBuilder.build_and_execute(|| {
		Seeds::register("doctor", SubjectKind::Practitioner);
		let other = Seeds::register("other", SubjectKind::Patient);
		assert_noop!(
			Identity::add_guardian(Seeds::signed("doctor"), other, DELEGATE),
			Error::<Test>::NotAPatient
		);
	});
}

#[test]
fn guardian_rules_are_enforced() {
	ExtBuilder.build_and_execute(|| {
		let patient = Seeds::register("patient", SubjectKind::Patient);
		let org = Seeds::organization("hospital");
		let friend = Seeds::register("friend", SubjectKind::Patient);
		assert_noop!(
			Identity::add_guardian(Seeds::signed("patient"), friend, GuardianRights::default()),
			Error::<Test>::NoGuardianRights
		);
		assert_noop!(
			Identity::add_guardian(Seeds::signed("patient"), patient, DELEGATE),
			Error::<Test>::CannotGuardSelf
		);
		assert_noop!(
			Identity::add_guardian(Seeds::signed("patient"), org, DELEGATE),
			Error::<Test>::GuardianNotEligible
		);
		assert_noop!(
			Identity::add_guardian(Seeds::signed("patient"), SubjectId([7; 32]), DELEGATE),
			Error::<Test>::SubjectNotFound
		);
	});
}

#[test]
fn guardians_are_bounded() {
	ExtBuilder.build_and_execute(|| {
		Seeds::register("patient", SubjectKind::Patient);
		for g in ["g1", "g2", "g3", "g4"] {
			let id = Seeds::register(g, SubjectKind::Patient);
			assert_ok!(Identity::add_guardian(Seeds::signed("patient"), id, DELEGATE));
		}
		let fifth = Seeds::register("g5", SubjectKind::Patient);
		assert_noop!(
			Identity::add_guardian(Seeds::signed("patient"), fifth, DELEGATE),
			Error::<Test>::TooManyGuardians
		);
		// Changing an existing guardian's rights is not a new guardian.
		let g1 = Controllers::<Test>::get(account("g1")).unwrap();
		assert_ok!(Identity::add_guardian(Seeds::signed("patient"), g1, RECOVERY));
	});
}

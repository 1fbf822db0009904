use frame_support::{assert_noop, assert_ok};

use super::*;

#[test]
fn patient_registers_with_a_stable_identifier() {
	ExtBuilder.build_and_execute(|| {
		assert_ok!(Identity::register(
			Seeds::signed("patient"),
			SubjectKind::Patient,
			KEY_A,
			PROFILE
		));

		let id = Controllers::<Test>::get(account("patient")).unwrap();
		let subject = Subjects::<Test>::get(id).unwrap();
		assert_eq!(subject.kind, SubjectKind::Patient);
		assert_eq!(subject.status, SubjectStatus::Active);
		assert_eq!(subject.key_agreement, KEY_A);
		assert_eq!(subject.profile_hash, PROFILE);
		assert_eq!(
			last_event(),
			Event::Registered {
				subject: id,
				kind: SubjectKind::Patient,
				controller: account("patient")
			}
		);
	});
}

#[test]
fn practitioner_registers_but_is_not_yet_a_practitioner_for_access() {
	ExtBuilder.build_and_execute(|| {
		let id = Seeds::register("doctor", SubjectKind::Practitioner);
		assert_eq!(Identity::active_kind(&id), Some(SubjectKind::Practitioner));
		assert!(!Identity::is_practitioner(&id, NOW));
	});
}

#[test]
fn identifiers_differ_between_subjects() {
	ExtBuilder.build_and_execute(|| {
		let a = Seeds::register("a", SubjectKind::Patient);
		let b = Seeds::register("b", SubjectKind::Patient);
		assert_ne!(a, b);
		assert_eq!(SubjectCount::<Test>::get(), 2);
	});
}

#[test]
fn double_registration_is_refused() {
	ExtBuilder.build_and_execute(|| {
		Seeds::register("patient", SubjectKind::Patient);
		assert_noop!(
			Identity::register(Seeds::signed("patient"), SubjectKind::Practitioner, KEY_B, PROFILE),
			Error::<Test>::AlreadyRegistered
		);
	});
}

#[test]
fn organizations_and_gateways_cannot_self_register() {
	ExtBuilder.build_and_execute(|| {
		for kind in [SubjectKind::Organization, SubjectKind::Gateway] {
			assert_noop!(
				Identity::register(Seeds::signed("x"), kind, KEY_A, PROFILE),
				Error::<Test>::KindNotSelfRegistrable
			);
		}
	});
}

#[test]
fn deactivation_leaves_a_tombstone_that_cannot_act() {
	ExtBuilder.build_and_execute(|| {
		let id = Seeds::register("patient", SubjectKind::Patient);
		System::set_block_number(7);
		assert_ok!(Identity::deactivate(Seeds::signed("patient")));
		assert_eq!(last_event(), Event::Deactivated { subject: id });
		assert_eq!(Subjects::<Test>::get(id).unwrap().status, SubjectStatus::Deactivated(7));

		assert_noop!(
			Identity::rotate_key_agreement(Seeds::signed("patient"), KEY_B),
			Error::<Test>::SubjectDeactivated
		);
		assert_noop!(
			Identity::deactivate(Seeds::signed("patient")),
			Error::<Test>::SubjectDeactivated
		);
		assert_eq!(Identity::subject_of(&account("patient")), None);
	});
}

#[test]
fn a_deactivated_subjects_account_cannot_register_again() {
	ExtBuilder.build_and_execute(|| {
		Seeds::register("patient", SubjectKind::Patient);
		assert_ok!(Identity::deactivate(Seeds::signed("patient")));
		assert_noop!(
			Identity::register(Seeds::signed("patient"), SubjectKind::Patient, KEY_A, PROFILE),
			Error::<Test>::AlreadyRegistered
		);
	});
}

#[test]
fn unregistered_accounts_cannot_act() {
	ExtBuilder.build_and_execute(|| {
		assert_noop!(
			Identity::rotate_key_agreement(Seeds::signed("nobody"), KEY_B),
			Error::<Test>::NotRegistered
		);
		assert_noop!(Identity::deactivate(Seeds::signed("nobody")), Error::<Test>::NotRegistered);
	});
}

#[test]
fn an_identity_keeps_its_controllers_account_alive() {
	ExtBuilder.build_and_execute(|| {
		// A patient's account need hold no balance: the identity is its provider, so its nonce
		// survives and the patient can keep signing.
		assert_eq!(frame_system::Pallet::<Test>::providers(&account("patient")), 0);
		Seeds::register("patient", SubjectKind::Patient);
		assert_eq!(frame_system::Pallet::<Test>::providers(&account("patient")), 1);
	});
}

use frame_support::{assert_noop, assert_ok};

use super::*;

#[test]
fn rotating_the_controller_keeps_the_identifier() {
	ExtBuilder.build_and_execute(|| {
		let id = Seeds::register("patient", SubjectKind::Patient);
		let proof = rotation_proof(&id, "patient-new");
		assert_ok!(Identity::rotate_controller(
			Seeds::signed("patient"),
			account("patient-new"),
			proof
		));

		assert_eq!(
			last_event(),
			Event::ControllerRotated {
				subject: id,
				old: account("patient"),
				new: account("patient-new")
			}
		);
		assert_eq!(Identity::subject_of(&account("patient-new")), Some(id));
		assert_eq!(Subjects::<Test>::get(id).unwrap().controller, account("patient-new"));
		// The new account is kept alive by the identity; the old one stays alive too, so its
		// nonce never restarts and none of its old transactions can replay.
		assert_eq!(frame_system::Pallet::<Test>::providers(&account("patient-new")), 1);
		assert_eq!(frame_system::Pallet::<Test>::providers(&account("patient")), 1);
	});
}

#[test]
fn the_old_account_stops_working_after_rotation() {
	ExtBuilder.build_and_execute(|| {
		let id = Seeds::register("patient", SubjectKind::Patient);
		let proof = rotation_proof(&id, "patient-new");
		assert_ok!(Identity::rotate_controller(
			Seeds::signed("patient"),
			account("patient-new"),
			proof
		));

		assert_noop!(
			Identity::rotate_key_agreement(Seeds::signed("patient"), KEY_B),
			Error::<Test>::NotRegistered
		);
		assert_noop!(
			Identity::register(Seeds::signed("patient"), SubjectKind::Patient, KEY_A, PROFILE),
			Error::<Test>::AccountRetired
		);
	});
}

#[test]
fn rotation_to_an_account_already_in_use_is_refused() {
	ExtBuilder.build_and_execute(|| {
		let id = Seeds::register("patient", SubjectKind::Patient);
		Seeds::register("other", SubjectKind::Patient);
		let proof = rotation_proof(&id, "other");
		assert_noop!(
			Identity::rotate_controller(Seeds::signed("patient"), account("other"), proof),
			Error::<Test>::AccountInUse
		);
	});
}

#[test]
fn rotation_without_the_new_keys_signature_is_refused() {
	ExtBuilder.build_and_execute(|| {
		let id = Seeds::register("patient", SubjectKind::Patient);
		// Signed by the old key, not the new one.
		let payload = Identity::rotation_payload(&id, &account("patient-new")).unwrap().payload;
		let forged: sp_runtime::MultiSignature = pair("patient").sign(&payload).into();
		assert_noop!(
			Identity::rotate_controller(Seeds::signed("patient"), account("patient-new"), forged),
			Error::<Test>::BadRotationProof
		);
	});
}

#[test]
fn a_rotation_proof_cannot_be_replayed() {
	ExtBuilder.build_and_execute(|| {
		let id = Seeds::register("patient", SubjectKind::Patient);
		let first = rotation_proof(&id, "second");
		assert_ok!(Identity::rotate_controller(Seeds::signed("patient"), account("second"), first));
		// A proof for "third" made before the next rotation still names the old rotation count.
		let stale_payload = {
			let mut record = Subjects::<Test>::get(id).unwrap();
			record.rotations -= 1;
			let genesis = frame_system::Pallet::<Test>::block_hash(0);
			let mut p = ROTATION_CONTEXT.to_vec();
			codec::Encode::encode_to(&(genesis, id, account("third"), record.rotations), &mut p);
			p
		};
		let stale: sp_runtime::MultiSignature = pair("third").sign(&stale_payload).into();
		assert_noop!(
			Identity::rotate_controller(Seeds::signed("second"), account("third"), stale),
			Error::<Test>::BadRotationProof
		);
		let fresh = rotation_proof(&id, "third");
		assert_ok!(Identity::rotate_controller(Seeds::signed("second"), account("third"), fresh));
	});
}

#[test]
fn rotating_the_key_agreement_key() {
	ExtBuilder.build_and_execute(|| {
		let id = Seeds::register("patient", SubjectKind::Patient);
		assert_ok!(Identity::rotate_key_agreement(Seeds::signed("patient"), KEY_B));
		assert_eq!(last_event(), Event::KeyAgreementRotated { subject: id, key_agreement: KEY_B });
		assert_eq!(Subjects::<Test>::get(id).unwrap().key_agreement, KEY_B);
	});
}

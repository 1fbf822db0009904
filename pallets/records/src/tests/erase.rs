use frame_support::{assert_noop, assert_ok};
use medchain_primitives::{
	audit::{AuditAction, AuditEventType, AuditPolicy},
	consent::{AccessDecision, AccessTarget, DenyReason, RecordId},
};

use super::*;

#[test]
fn erasure_ends_the_record_and_every_version_before_it() {
	ExtBuilder.build_and_execute(|| {
		let (patient, _, hospital) = world();
		let first = anchor_as("patient", Some(hospital), 1);
		assert_ok!(Records::amend(
			Seeds::signed("patient"),
			first,
			H256::repeat_byte(2),
			10,
			None,
			PurposeOfUse::Treat
		));
		let second = latest(patient);
		let unrelated = anchor_as("patient", Some(hospital), 3);
		System::reset_events();
		assert_ok!(Records::erase(Seeds::signed("patient"), second));
		assert_eq!((status(first), status(second)), (RecordStatus::Erased, RecordStatus::Erased));
		assert_eq!(status(unrelated), RecordStatus::Active);
		// Hashes stay.
		assert_eq!(Anchors::<Test>::get(first).unwrap().content_hash, H256::repeat_byte(1));
		let erased: Vec<_> = System::events()
			.into_iter()
			.filter_map(|r| match r.event {
				RuntimeEvent::Records(Event::RecordErased { id, custodian, by, .. }) => {
					Some((id, custodian, by))
				},
				_ => None,
			})
			.collect();
		assert_eq!(erased, vec![(second, hospital, patient), (first, hospital, patient)]);
		let entries: Vec<_> = trail(patient).into_iter().rev().take(2).collect();
		for (entry, id) in entries.iter().zip([first, second]) {
			assert_eq!(entry.record.event_type, AuditEventType::RecordErased);
			assert_eq!(entry.record.action, AuditAction::Delete);
			assert_eq!(entry.record.policy, Some(AuditPolicy::OwnData));
			assert_eq!(entry.record.entity.unwrap().record, id);
		}
	});
}

#[test]
fn erasure_keeps_the_block_time_of_every_version_it_erases() {
	ExtBuilder.build_and_execute(|| {
		let (patient, _, hospital) = world();
		let first = anchor_as("patient", Some(hospital), 1);
		assert_ok!(Records::amend(
			Seeds::signed("patient"),
			first,
			H256::repeat_byte(2),
			10,
			None,
			PurposeOfUse::Treat
		));
		let second = latest(patient);
		let unrelated = anchor_as("patient", Some(hospital), 3);
		assert_eq!(<Records as RecordRegistry>::erased_at(&second), None);

		let erased = NOW + 3_600_000;
		Timestamp::set_timestamp(erased);
		assert_ok!(Records::erase(Seeds::signed("patient"), second));
		// Every version erased, old and new, at the block's time; a read is judged by it.
		for id in [first, second] {
			assert_eq!(ErasedAt::<Test>::get(id), Some(erased));
			assert_eq!(<Records as RecordRegistry>::erased_at(&id), Some(erased));
		}
		assert_eq!(ErasedAt::<Test>::get(unrelated), None);
	});
}

#[test]
fn an_erased_record_is_denied_to_everyone() {
	ExtBuilder.build_and_execute(|| {
		let (patient, doctor, hospital) = world();
		consent(doctor, &[ConsentAction::Read], &[DataClass::Labs]);
		let id = anchor_as("patient", Some(hospital), 1);
		let read = |who| {
			Consent::check_access(
				&patient,
				&who,
				ConsentAction::Read,
				&AccessTarget::Record(id),
				PurposeOfUse::Treat,
			)
		};
		assert!(read(doctor).is_permit());
		assert_ok!(Records::erase(Seeds::signed("patient"), id));
		assert_eq!(read(doctor), AccessDecision::Deny(DenyReason::RecordErased));
		assert_eq!(read(patient), AccessDecision::Deny(DenyReason::RecordErased));
	});
}

#[test]
fn a_delegate_guardian_erases_and_no_one_else() {
	ExtBuilder.build_and_execute(|| {
		let (patient, doctor, _) = world();
		consent(doctor, &[ConsentAction::Create, ConsentAction::Read], &[DataClass::Labs]);
		let id = anchor_as("doctor", None, 1);
		// The author, the custodian and a non-delegate guardian may not erase.
		assert_noop!(
			Records::erase(Seeds::signed("doctor"), id),
			Error::<Test>::NotPatientOrDelegate
		);
		assert_noop!(
			Records::erase(Seeds::signed("hospital"), id),
			Error::<Test>::NotPatientOrDelegate
		);
		let parent = Seeds::register("parent", SubjectKind::Patient);
		let recovery_only =
			medchain_primitives::identity::GuardianRights { delegate: false, recovery: true };
		assert_ok!(Identity::add_guardian(Seeds::signed("patient"), parent, recovery_only));
		assert_noop!(
			Records::erase(Seeds::signed("parent"), id),
			Error::<Test>::NotPatientOrDelegate
		);
		assert_ok!(Identity::remove_guardian(Seeds::signed("patient"), parent));
		assert_ok!(Identity::add_guardian(Seeds::signed("patient"), parent, DELEGATE));
		assert_ok!(Records::erase(Seeds::signed("parent"), id));
		assert_eq!(status(id), RecordStatus::Erased);
		assert_eq!(trail(patient).pop().unwrap().record.actor, parent);
	});
}

#[test]
fn erasure_starts_from_the_latest_version() {
	ExtBuilder.build_and_execute(|| {
		let (patient, _, hospital) = world();
		let first = anchor_as("patient", Some(hospital), 1);
		assert_ok!(Records::amend(
			Seeds::signed("patient"),
			first,
			H256::repeat_byte(2),
			10,
			None,
			PurposeOfUse::Treat
		));
		// Erasing the old version alone would leave the new one readable.
		assert_noop!(
			Records::erase(Seeds::signed("patient"), first),
			Error::<Test>::NotLatestVersion
		);
		assert_ok!(Records::erase(Seeds::signed("patient"), latest(patient)));
		assert_eq!(status(first), RecordStatus::Erased);
	});
}

#[test]
fn erasing_twice_or_an_unknown_record_is_refused() {
	ExtBuilder.build_and_execute(|| {
		let (_, _, hospital) = world();
		let id = anchor_as("patient", Some(hospital), 1);
		assert_noop!(
			Records::erase(Seeds::signed("patient"), RecordId([9; 32])),
			Error::<Test>::UnknownRecord
		);
		assert_ok!(Records::erase(Seeds::signed("patient"), id));
		assert_noop!(Records::erase(Seeds::signed("patient"), id), Error::<Test>::RecordErased);
	});
}

#[test]
fn an_unregistered_caller_is_told_it_is_not_registered() {
	ExtBuilder.build_and_execute(|| {
		let (_, _, hospital) = world();
		let id = anchor_as("patient", Some(hospital), 1);
		assert_noop!(Records::erase(Seeds::signed("nobody"), id), Error::<Test>::NotRegistered);
	});
}

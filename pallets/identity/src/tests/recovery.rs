use frame_support::{assert_noop, assert_ok};

use super::*;

const RECOVERY: GuardianRights = GuardianRights { delegate: false, recovery: true };

/// A patient with three recovery guardians and a 2-of-3, 10-block recovery.
fn patient_with_recovery() -> (SubjectId, [SubjectId; 3]) {
	let patient = Seeds::register("patient", SubjectKind::Patient);
	let guardians = ["g1", "g2", "g3"].map(|g| {
		let id = Seeds::register(g, SubjectKind::Patient);
		assert_ok!(Identity::add_guardian(Seeds::signed("patient"), id, RECOVERY));
		id
	});
	assert_ok!(Identity::set_recovery(Seeds::signed("patient"), 2, 10));
	(patient, guardians)
}

#[test]
fn guardians_recover_a_lost_key_after_the_delay() {
	ExtBuilder.build_and_execute(|| {
		let (patient, [g1, g2, _]) = patient_with_recovery();
		assert_ok!(initiate("g1", patient, "patient-new"));
		assert_eq!(
			last_event(),
			Event::RecoveryInitiated {
				patient,
				guardian: g1,
				new_controller: account("patient-new")
			}
		);
		assert_ok!(Identity::approve_recovery(
			Seeds::signed("g2"),
			patient,
			account("patient-new")
		));
		assert_eq!(last_event(), Event::RecoveryApproved { patient, guardian: g2, approvals: 2 });

		System::set_block_number(11);
		assert_ok!(Identity::complete_recovery(Seeds::signed("anyone"), patient));
		assert_eq!(
			last_event(),
			Event::RecoveryCompleted {
				patient,
				old: account("patient"),
				new: account("patient-new")
			}
		);
		assert_eq!(Identity::subject_of(&account("patient-new")), Some(patient));
		assert_eq!(Identity::subject_of(&account("patient")), None);
		assert!(Recoveries::<Test>::get(patient).is_none());
	});
}

#[test]
fn recovery_without_enough_guardians_is_refused() {
	ExtBuilder.build_and_execute(|| {
		let (patient, _) = patient_with_recovery();
		assert_ok!(initiate("g1", patient, "patient-new"));
		System::set_block_number(100);
		assert_noop!(
			Identity::complete_recovery(Seeds::signed("g1"), patient),
			Error::<Test>::NotEnoughApprovals
		);
	});
}

#[test]
fn recovery_waits_for_the_delay() {
	ExtBuilder.build_and_execute(|| {
		let (patient, _) = patient_with_recovery();
		assert_ok!(initiate("g1", patient, "patient-new"));
		assert_ok!(Identity::approve_recovery(
			Seeds::signed("g2"),
			patient,
			account("patient-new")
		));
		System::set_block_number(10);
		assert_noop!(
			Identity::complete_recovery(Seeds::signed("g1"), patient),
			Error::<Test>::RecoveryDelayNotElapsed
		);
	});
}

#[test]
fn patient_cancels_a_recovery_with_the_old_key() {
	ExtBuilder.build_and_execute(|| {
		let (patient, _) = patient_with_recovery();
		assert_ok!(initiate("g1", patient, "patient-new"));
		assert_ok!(Identity::cancel_recovery(Seeds::signed("patient")));
		assert_eq!(last_event(), Event::RecoveryCancelled { patient });
		System::set_block_number(100);
		assert_noop!(
			Identity::complete_recovery(Seeds::signed("g1"), patient),
			Error::<Test>::NoActiveRecovery
		);
		assert_noop!(
			Identity::cancel_recovery(Seeds::signed("patient")),
			Error::<Test>::NoActiveRecovery
		);
	});
}

#[test]
fn approvals_of_removed_guardians_do_not_count() {
	ExtBuilder.build_and_execute(|| {
		let (patient, [_, g2, _]) = patient_with_recovery();
		assert_ok!(initiate("g1", patient, "patient-new"));
		assert_ok!(Identity::approve_recovery(
			Seeds::signed("g2"),
			patient,
			account("patient-new")
		));
		assert_ok!(Identity::remove_guardian(Seeds::signed("patient"), g2));
		System::set_block_number(100);
		assert_noop!(
			Identity::complete_recovery(Seeds::signed("g1"), patient),
			Error::<Test>::NotEnoughApprovals
		);
	});
}

#[test]
fn only_recovery_guardians_take_part() {
	ExtBuilder.build_and_execute(|| {
		let (patient, _) = patient_with_recovery();
		let delegate = Seeds::register("delegate", SubjectKind::Patient);
		assert_ok!(Identity::add_guardian(
			Seeds::signed("patient"),
			delegate,
			GuardianRights { delegate: true, recovery: false }
		));
		assert_noop!(
			initiate("delegate", patient, "patient-new"),
			Error::<Test>::NotARecoveryGuardian
		);
		assert_ok!(initiate("g1", patient, "patient-new"));
		assert_noop!(
			Identity::approve_recovery(Seeds::signed("delegate"), patient, account("patient-new")),
			Error::<Test>::NotARecoveryGuardian
		);
		assert_noop!(
			Identity::approve_recovery(Seeds::signed("g1"), patient, account("patient-new")),
			Error::<Test>::AlreadyApproved
		);
		// Another guardian may displace a proposal that has not reached its threshold (it used to be
		// refused, which let one guardian jam the recovery).
		assert_ok!(initiate("g2", patient, "other-new"));
		assert_eq!(Recoveries::<Test>::get(patient).unwrap().new_controller, account("other-new"));
	});
}

#[test]
fn recovery_needs_configuration_and_a_fresh_account() {
	ExtBuilder.build_and_execute(|| {
		let patient = Seeds::register("patient", SubjectKind::Patient);
		let g1 = Seeds::register("g1", SubjectKind::Patient);
		assert_ok!(Identity::add_guardian(Seeds::signed("patient"), g1, RECOVERY));
		assert_noop!(initiate("g1", patient, "patient-new"), Error::<Test>::RecoveryNotConfigured);
		assert_ok!(Identity::set_recovery(Seeds::signed("patient"), 1, 10));
		assert_noop!(initiate("g1", patient, "g1"), Error::<Test>::AccountInUse);
	});
}

#[test]
fn recovery_settings_are_validated() {
	ExtBuilder.build_and_execute(|| {
		let (patient, [g1, _, _]) = patient_with_recovery();
		assert_eq!(last_event(), Event::RecoveryConfigured { patient, threshold: 2, delay: 10 });
		assert_noop!(
			Identity::set_recovery(Seeds::signed("patient"), 0, 10),
			Error::<Test>::ZeroThreshold
		);
		assert_noop!(
			Identity::set_recovery(Seeds::signed("patient"), 4, 10),
			Error::<Test>::ThresholdUnreachable
		);
		assert_noop!(
			Identity::set_recovery(Seeds::signed("patient"), 2, 9),
			Error::<Test>::RecoveryDelayTooShort
		);
		// Removing a guardian must not leave the threshold unreachable.
		assert_ok!(Identity::set_recovery(Seeds::signed("patient"), 3, 10));
		assert_noop!(
			Identity::remove_guardian(Seeds::signed("patient"), g1),
			Error::<Test>::ThresholdUnreachable
		);
		assert_noop!(
			Identity::add_guardian(
				Seeds::signed("patient"),
				g1,
				GuardianRights { delegate: true, recovery: false }
			),
			Error::<Test>::ThresholdUnreachable
		);
	});
}

#[test]
fn a_deactivated_patient_cannot_be_recovered() {
	ExtBuilder.build_and_execute(|| {
		let (patient, _) = patient_with_recovery();
		assert_ok!(initiate("g1", patient, "patient-new"));
		assert_ok!(Identity::deactivate(Seeds::signed("patient")));
		assert_noop!(
			Identity::approve_recovery(Seeds::signed("g2"), patient, account("patient-new")),
			Error::<Test>::SubjectDeactivated
		);
		assert_noop!(
			Identity::complete_recovery(Seeds::signed("g2"), patient),
			Error::<Test>::NoActiveRecovery
		);
	});
}

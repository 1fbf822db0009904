//! The hardening rules of the security review: recovery cannot be jammed, block arithmetic does
//! not overflow, dead attestations and removed organizations' gateways free their slots, and
//! identity changes of patients reach the audit trail.

use frame_support::{assert_noop, assert_ok};
use medchain_primitives::audit::{AuditAction, AuditEventType};

use super::*;

const RECOVERY: GuardianRights = GuardianRights { delegate: false, recovery: true };

/// A patient with two recovery guardians and a 2-of-2, 10-block recovery.
fn patient_with_recovery() -> SubjectId {
	let patient = Seeds::register("patient", SubjectKind::Patient);
	for g in ["g1", "g2"] {
		let id = Seeds::register(g, SubjectKind::Patient);
		assert_ok!(Identity::add_guardian(Seeds::signed("patient"), id, RECOVERY));
	}
	assert_ok!(Identity::set_recovery(Seeds::signed("patient"), 2, 10));
	patient
}

/// The identity-changed entries of `patient`'s trail: (actor, action).
fn identity_entries(patient: SubjectId) -> Vec<(SubjectId, AuditAction)> {
	pallet_audit_log::Pallet::<Test>::entries(&patient, None, 1000)
		.expect("a readable trail")
		.into_iter()
		.rev()
		.filter(|e| e.record.event_type == AuditEventType::IdentityChanged)
		.map(|e| (e.record.actor, e.record.action))
		.collect()
}

#[test]
fn a_proposed_controller_is_reserved_so_nobody_can_jam_the_recovery() {
	ExtBuilder.build_and_execute(|| {
		let patient = patient_with_recovery();
		assert_ok!(initiate("g1", patient, "patient-new"));
		// Neither a new registration nor an organization's gateway can take the account.
		assert_noop!(
			Identity::register(Seeds::signed("patient-new"), SubjectKind::Patient, KEY_A, PROFILE),
			Error::<Test>::AccountInUse
		);
		Seeds::organization("hospital");
		assert_noop!(
			Identity::register_gateway(
				Seeds::signed("hospital"),
				account("patient-new"),
				KEY_A,
				PROFILE
			),
			Error::<Test>::AccountInUse
		);
		assert_ok!(Identity::approve_recovery(
			Seeds::signed("g2"),
			patient,
			account("patient-new")
		));
		System::set_block_number(11);
		assert_ok!(Identity::complete_recovery(Seeds::signed("anyone"), patient));
		assert_eq!(Identity::subject_of_account(&account("patient-new")), Some(patient));
		assert!(PendingControllers::<Test>::get(account("patient-new")).is_none());
	});
}

#[test]
fn nobody_can_propose_an_account_whose_key_did_not_sign() {
	ExtBuilder.build_and_execute(|| {
		let patient = patient_with_recovery();
		// A guardian names a victim's account with a proof signed by another key.
		assert_noop!(
			Identity::initiate_recovery(
				Seeds::signed("g1"),
				patient,
				account("victim"),
				rotation_proof(&patient, "g1")
			),
			Error::<Test>::BadRotationProof
		);
		assert!(PendingControllers::<Test>::get(account("victim")).is_none());
		assert_ok!(Identity::register(
			Seeds::signed("victim"),
			SubjectKind::Patient,
			KEY_A,
			PROFILE
		));
	});
}

#[test]
fn other_guardians_displace_a_proposal_that_lacks_its_threshold() {
	ExtBuilder.build_and_execute(|| {
		let patient = patient_with_recovery();
		assert_ok!(initiate("g1", patient, "bogus"));
		// The rogue cannot replace their own proposal, but an honest guardian can replace it.
		assert_noop!(initiate("g1", patient, "other"), Error::<Test>::RecoveryAlreadyActive);
		assert_ok!(initiate("g2", patient, "patient-new"));
		assert!(PendingControllers::<Test>::get(account("bogus")).is_none());
		assert_ok!(Identity::approve_recovery(
			Seeds::signed("g1"),
			patient,
			account("patient-new")
		));
		// Once it has its threshold, nobody displaces it.
		assert_noop!(initiate("g1", patient, "bogus"), Error::<Test>::RecoveryAlreadyActive);
	});
}

#[test]
fn a_lapsed_reservation_frees_the_account() {
	ExtBuilder.build_and_execute(|| {
		let patient = patient_with_recovery();
		assert_ok!(initiate("g1", patient, "spare"));
		let expiry: u64 = <Test as Config>::RecoveryExpiry::get();
		System::set_block_number(expiry + 1);
		assert_ok!(Identity::register(
			Seeds::signed("spare"),
			SubjectKind::Patient,
			KEY_A,
			PROFILE
		));
		assert!(Recoveries::<Test>::get(patient).is_none());
	});
}

#[test]
fn a_rotation_ends_the_recovery_under_way() {
	ExtBuilder.build_and_execute(|| {
		let patient = patient_with_recovery();
		assert_ok!(initiate("g1", patient, "bogus"));
		let proof = rotation_proof(&patient, "patient-2");
		assert_ok!(Identity::rotate_controller(
			Seeds::signed("patient"),
			account("patient-2"),
			proof
		));
		assert!(Recoveries::<Test>::get(patient).is_none());
		assert!(PendingControllers::<Test>::get(account("bogus")).is_none());
	});
}

#[test]
fn an_approval_counts_only_for_the_controller_it_names() {
	ExtBuilder.build_and_execute(|| {
		let patient = patient_with_recovery();
		assert_ok!(initiate("g1", patient, "bogus"));
		assert_noop!(
			Identity::approve_recovery(Seeds::signed("g2"), patient, account("patient-new")),
			Error::<Test>::WrongNewController
		);
	});
}

#[test]
fn a_lapsed_recovery_can_be_replaced_by_the_guardians() {
	ExtBuilder.build_and_execute(|| {
		let patient = patient_with_recovery();
		// A rogue guardian starts a recovery with a bogus key and cannot restart it at will.
		assert_ok!(initiate("g1", patient, "bogus"));
		assert_noop!(initiate("g1", patient, "patient-new"), Error::<Test>::RecoveryAlreadyActive);
		let expiry: u64 = <Test as Config>::RecoveryExpiry::get();
		System::set_block_number(expiry + 1);
		assert_noop!(
			Identity::approve_recovery(Seeds::signed("g2"), patient, account("bogus")),
			Error::<Test>::RecoveryExpired
		);
		assert_noop!(
			Identity::complete_recovery(Seeds::signed("g1"), patient),
			Error::<Test>::RecoveryExpired
		);
		assert_ok!(initiate("g2", patient, "patient-new"));
		// The bogus account is free again; the new one is reserved.
		assert!(PendingControllers::<Test>::get(account("bogus")).is_none());
		assert_eq!(PendingControllers::<Test>::get(account("patient-new")), Some(patient));
	});
}

#[test]
fn cancelling_frees_the_reserved_account() {
	ExtBuilder.build_and_execute(|| {
		let patient = patient_with_recovery();
		assert_ok!(initiate("g1", patient, "spare"));
		assert_ok!(Identity::cancel_recovery(Seeds::signed("patient")));
		assert_ok!(Identity::register(
			Seeds::signed("spare"),
			SubjectKind::Patient,
			KEY_A,
			PROFILE
		));
	});
}

#[test]
fn approvals_of_deactivated_guardians_do_not_count() {
	ExtBuilder.build_and_execute(|| {
		let patient = patient_with_recovery();
		assert_ok!(initiate("g1", patient, "patient-new"));
		assert_ok!(Identity::approve_recovery(
			Seeds::signed("g2"),
			patient,
			account("patient-new")
		));
		assert_ok!(Identity::deactivate(Seeds::signed("g2")));
		System::set_block_number(100);
		assert_noop!(
			Identity::complete_recovery(Seeds::signed("g1"), patient),
			Error::<Test>::NotEnoughApprovals
		);
	});
}

#[test]
fn the_recovery_delay_is_bounded_so_block_arithmetic_cannot_wrap() {
	ExtBuilder.build_and_execute(|| {
		let patient = patient_with_recovery();
		let max: u64 = <Test as Config>::MaxRecoveryDelay::get();
		assert_noop!(
			Identity::set_recovery(Seeds::signed("patient"), 2, max + 1),
			Error::<Test>::RecoveryDelayTooLong
		);
		assert_noop!(
			Identity::set_recovery(Seeds::signed("patient"), 2, u64::MAX),
			Error::<Test>::RecoveryDelayTooLong
		);
		// Near the end of the block range, initiated_at + delay saturates instead of wrapping
		// to a small number that would let the recovery complete at once.
		assert_ok!(Identity::set_recovery(Seeds::signed("patient"), 2, max));
		System::set_block_number(u64::MAX - 5);
		assert_ok!(initiate("g1", patient, "patient-new"));
		assert_ok!(Identity::approve_recovery(
			Seeds::signed("g2"),
			patient,
			account("patient-new")
		));
		assert_noop!(
			Identity::complete_recovery(Seeds::signed("g1"), patient),
			Error::<Test>::RecoveryDelayNotElapsed
		);
	});
}

#[test]
fn dead_attestations_give_up_their_slots() {
	ExtBuilder.build_and_execute(|| {
		let max: u32 = <Test as Config>::MaxAttestations::get();
		let practitioner = Seeds::register("doctor", SubjectKind::Practitioner);
		for i in 0..max {
			let org = format!("org-{i}");
			Seeds::organization(&org);
			assert_ok!(Identity::attest_practitioner(
				Seeds::signed(&org),
				practitioner,
				PractitionerRole::Physician,
				LICENSE,
				NOW + DAY,
			));
		}
		Seeds::organization("new-org");
		let attest = || {
			Identity::attest_practitioner(
				Seeds::signed("new-org"),
				practitioner,
				PractitionerRole::Nurse,
				LICENSE,
				NOW + 30 * DAY,
			)
		};
		assert_noop!(attest(), Error::<Test>::TooManyAttestations);
		// One organization is removed; its attestation holds no rights and frees its slot.
		assert_ok!(Identity::remove_organization(RuntimeOrigin::root(), Seeds::of("org-0")));
		assert_ok!(attest());
		assert!(!Attestations::<Test>::contains_key(practitioner, Seeds::of("org-0")));
		// Later the others expire, and their slots are free as well.
		Timestamp::set_timestamp(NOW + 2 * DAY);
		for i in 0..max - 1 {
			let org = format!("late-{i}");
			Seeds::organization(&org);
			assert_ok!(Identity::attest_practitioner(
				Seeds::signed(&org),
				practitioner,
				PractitionerRole::Physician,
				LICENSE,
				NOW + 30 * DAY,
			));
		}
		assert_eq!(AttestationCount::<Test>::get(practitioner), max);
	});
}

#[test]
fn removing_an_organization_removes_its_gateways() {
	ExtBuilder.build_and_execute(|| {
		let (org, gateway) = Seeds::gateway("hospital", "gw");
		assert_eq!(Identity::gateway_organization(&gateway), Some(org));
		assert_ok!(Identity::remove_organization(RuntimeOrigin::root(), org));
		let record = Subjects::<Test>::get(gateway).expect("the tombstone stays");
		assert!(!record.is_active());
		System::assert_has_event(Event::GatewayRemoved { gateway, organization: org }.into());
		assert_eq!(GatewayCount::<Test>::get(org), 0);
	});
}

#[test]
fn an_organization_runs_a_bounded_number_of_gateways() {
	ExtBuilder.build_and_execute(|| {
		let max: u32 = <Test as Config>::MaxGatewaysPerOrganization::get();
		for i in 0..max {
			Seeds::gateway("hospital", &format!("gw-{i}"));
		}
		assert_noop!(
			Identity::register_gateway(
				Seeds::signed("hospital"),
				account("one-more"),
				KEY_A,
				PROFILE
			),
			Error::<Test>::TooManyGateways
		);
		assert_ok!(Identity::remove_gateway(Seeds::signed("hospital"), Seeds::of("gw-0")));
		assert_ok!(Identity::register_gateway(
			Seeds::signed("hospital"),
			account("one-more"),
			KEY_A,
			PROFILE
		));
	});
}

#[test]
fn identity_changes_of_a_patient_reach_the_audit_trail() {
	ExtBuilder.build_and_execute(|| {
		let patient = patient_with_recovery();
		let (g1, g2) = (Seeds::of("g1"), Seeds::of("g2"));
		assert_ok!(Identity::rotate_key_agreement(Seeds::signed("patient"), KEY_B));
		let proof = rotation_proof(&patient, "patient-2");
		assert_ok!(Identity::rotate_controller(
			Seeds::signed("patient"),
			account("patient-2"),
			proof
		));
		assert_ok!(initiate("g1", patient, "p-3"));
		assert_ok!(Identity::approve_recovery(Seeds::signed("g2"), patient, account("p-3")));
		System::set_block_number(11);
		assert_ok!(Identity::complete_recovery(Seeds::signed("anyone"), patient));
		assert_ok!(Identity::deactivate(Seeds::signed("p-3")));

		let entries = identity_entries(patient);
		// register, two guardians, recovery settings, then the changes above in order.
		let tail: Vec<_> = entries.iter().rev().take(6).rev().cloned().collect();
		assert_eq!(
			tail,
			vec![
				(patient, AuditAction::Update),
				(patient, AuditAction::Update),
				(g1, AuditAction::Update),
				(g2, AuditAction::Update),
				(g1, AuditAction::Update),
				(patient, AuditAction::Delete),
			]
		);
		assert_eq!(entries.first(), Some(&(patient, AuditAction::Create)));
	});
}

//! The history identity keeps so that a read is judged as of the moment it happened: when each
//! attestation was issued and ended, when organizations and guardians left, when guardians held
//! the delegate right, and for how long it is kept ([`Config::HistoryRetention`], a day here).

use frame_support::assert_ok;
use medchain_primitives::identity::RoleSet;

use super::*;
use crate::mock::HOUR;

const DELEGATE: GuardianRights = GuardianRights { delegate: true, recovery: false };
const RECOVERY: GuardianRights = GuardianRights { delegate: false, recovery: true };
const BOTH: GuardianRights = GuardianRights { delegate: true, recovery: true };

/// Whether `organization` attested `practitioner` at `at`, as a past read is judged.
fn held(practitioner: &SubjectId, organization: &SubjectId, at: Moment) -> bool {
	Identity::held_attestation_at(practitioner, Some(organization), at)
}

/// Whether any organization attested `practitioner` at `at`.
fn held_any(practitioner: &SubjectId, at: Moment) -> bool {
	Identity::held_attestation_at(practitioner, None, at)
}

/// Moves the chain clock to `time`.
fn clock(time: Moment) {
	Timestamp::set_timestamp(time);
}

/// A patient and a second patient they may name as guardian.
fn patient_and_carer() -> (SubjectId, SubjectId) {
	(
		Seeds::register("patient", SubjectKind::Patient),
		Seeds::register("carer", SubjectKind::Patient),
	)
}

#[test]
fn an_attestation_issued_after_a_read_does_not_justify_it() {
	ExtBuilder.build_and_execute(|| {
		let org = Seeds::organization("hospital");
		let doctor = Seeds::register("doctor", SubjectKind::Practitioner);
		clock(NOW + HOUR);
		Seeds::attest("doctor", "hospital", PractitionerRole::Physician);
		assert!(!held(&doctor, &org, NOW));
		assert!(!held_any(&doctor, NOW + HOUR - 1));
		assert!(held(&doctor, &org, NOW + HOUR));
		assert!(held_any(&doctor, NOW + HOUR));
	});
}

#[test]
fn a_revoked_attestation_counts_before_its_revocation_only() {
	ExtBuilder.build_and_execute(|| {
		let (doctor, org) = attested_practitioner("doctor", "hospital");
		clock(NOW + HOUR);
		assert_ok!(Identity::revoke_attestation(Seeds::signed("hospital"), doctor));
		assert_eq!(
			EndedAttestations::<Test>::get(doctor, org),
			Some(AttestationPeriod {
				role: PractitionerRole::Physician,
				issued: NOW,
				ended: NOW + HOUR
			})
		);
		assert!(held(&doctor, &org, NOW));
		assert!(held_any(&doctor, NOW + HOUR - 1));
		assert!(!held(&doctor, &org, NOW + HOUR));
		assert!(!held_any(&doctor, NOW + HOUR));
		// The questions about now still see only live attestations.
		assert!(!Identity::is_attested_by(&doctor, &org, NOW));
	});
}

#[test]
fn a_renewal_in_the_same_role_keeps_the_issue_time() {
	ExtBuilder.build_and_execute(|| {
		let (doctor, org) = attested_practitioner("doctor", "hospital");
		clock(NOW + HOUR);
		assert_ok!(Identity::attest_practitioner(
			Seeds::signed("hospital"),
			doctor,
			PractitionerRole::Physician,
			LICENSE,
			NOW + 90 * DAY,
		));
		assert_eq!(Attestations::<Test>::get(doctor, org).unwrap().issued, NOW);
		assert!(held(&doctor, &org, NOW));
	});
}

#[test]
fn an_attestation_given_again_after_revocation_leaves_the_gap_uncovered() {
	ExtBuilder.build_and_execute(|| {
		let (doctor, org) = attested_practitioner("doctor", "hospital");
		clock(NOW + HOUR);
		assert_ok!(Identity::revoke_attestation(Seeds::signed("hospital"), doctor));
		clock(NOW + 2 * HOUR);
		Seeds::attest("doctor", "hospital", PractitionerRole::Physician);
		assert_eq!(Attestations::<Test>::get(doctor, org).unwrap().issued, NOW + 2 * HOUR);
		assert!(held(&doctor, &org, NOW));
		assert!(!held(&doctor, &org, NOW + HOUR));
		assert!(held(&doctor, &org, NOW + 2 * HOUR));
	});
}

#[test]
fn an_expired_attestation_counts_before_its_expiry_only() {
	ExtBuilder.build_and_execute(|| {
		let org = Seeds::organization("hospital");
		let doctor = Seeds::register("doctor", SubjectKind::Practitioner);
		assert_ok!(Identity::attest_practitioner(
			Seeds::signed("hospital"),
			doctor,
			PractitionerRole::Physician,
			LICENSE,
			NOW + DAY,
		));
		assert!(held(&doctor, &org, NOW + DAY - 1));
		assert!(!held(&doctor, &org, NOW + DAY));
		assert!(!held_any(&doctor, NOW + DAY));
	});
}

#[test]
fn a_lapsed_attestation_given_again_stays_history_until_its_expiry() {
	ExtBuilder.build_and_execute(|| {
		let org = Seeds::organization("hospital");
		let doctor = Seeds::register("doctor", SubjectKind::Practitioner);
		assert_ok!(Identity::attest_practitioner(
			Seeds::signed("hospital"),
			doctor,
			PractitionerRole::Physician,
			LICENSE,
			NOW + DAY,
		));
		clock(NOW + DAY + HOUR);
		Seeds::attest("doctor", "hospital", PractitionerRole::Nurse);
		assert_eq!(
			EndedAttestations::<Test>::get(doctor, org),
			Some(AttestationPeriod {
				role: PractitionerRole::Physician,
				issued: NOW,
				ended: NOW + DAY
			})
		);
		assert_eq!(Attestations::<Test>::get(doctor, org).unwrap().issued, NOW + DAY + HOUR);
		assert!(held(&doctor, &org, NOW + DAY - 1));
		assert!(!held(&doctor, &org, NOW + DAY));
		assert!(held(&doctor, &org, NOW + DAY + HOUR));
	});
}

#[test]
fn a_removed_organizations_attestation_counts_before_removal_only() {
	ExtBuilder.build_and_execute(|| {
		let (doctor, org) = attested_practitioner("doctor", "hospital");
		clock(NOW + HOUR);
		assert_ok!(Identity::remove_organization(RuntimeOrigin::root(), org));
		assert_eq!(DeactivatedAt::<Test>::get(org), Some(NOW + HOUR));
		assert!(held(&doctor, &org, NOW + HOUR - 1));
		assert!(!held(&doctor, &org, NOW + HOUR));
		assert!(!held_any(&doctor, NOW + HOUR));
	});
}

#[test]
fn a_dead_attestation_that_gave_up_its_slot_still_counts_before_removal() {
	ExtBuilder.build_and_execute(|| {
		let max: u32 = <Test as Config>::MaxAttestations::get();
		let doctor = Seeds::register("doctor", SubjectKind::Practitioner);
		for i in 0..max {
			Seeds::organization(&format!("org-{i}"));
			Seeds::attest("doctor", &format!("org-{i}"), PractitionerRole::Physician);
		}
		let removed = Seeds::of("org-0");
		clock(NOW + HOUR);
		assert_ok!(Identity::remove_organization(RuntimeOrigin::root(), removed));
		clock(NOW + 2 * HOUR);
		Seeds::organization("new-org");
		Seeds::attest("doctor", "new-org", PractitionerRole::Nurse);
		assert!(!Attestations::<Test>::contains_key(doctor, removed));
		assert!(EndedAttestations::<Test>::contains_key(doctor, removed));
		assert!(held(&doctor, &removed, NOW + HOUR - 1));
		assert!(!held(&doctor, &removed, NOW + HOUR));
	});
}

#[test]
fn roles_at_returns_the_roles_held_then() {
	ExtBuilder.build_and_execute(|| {
		let doctor = Seeds::practitioner("doctor", "hospital");
		Seeds::organization("clinic");
		clock(NOW + HOUR);
		Seeds::attest("doctor", "clinic", PractitionerRole::Nurse);
		clock(NOW + 2 * HOUR);
		assert_ok!(Identity::revoke_attestation(Seeds::signed("hospital"), doctor));

		let physician = RoleSet::of(&[PractitionerRole::Physician]);
		let nurse = RoleSet::of(&[PractitionerRole::Nurse]);
		let both = RoleSet::of(&[PractitionerRole::Physician, PractitionerRole::Nurse]);
		assert_eq!(Identity::roles_at(&doctor, NOW - 1), RoleSet::EMPTY);
		assert_eq!(Identity::roles_at(&doctor, NOW), physician);
		assert_eq!(Identity::roles_at(&doctor, NOW + HOUR), both);
		assert_eq!(Identity::roles_at(&doctor, NOW + 2 * HOUR), nurse);
	});
}

#[test]
fn a_deactivated_practitioner_still_held_their_attestation() {
	ExtBuilder.build_and_execute(|| {
		let (doctor, org) = attested_practitioner("doctor", "hospital");
		clock(NOW + HOUR);
		assert_ok!(Identity::deactivate(Seeds::signed("doctor")));
		assert!(held(&doctor, &org, NOW));
		assert_eq!(Identity::roles_at(&doctor, NOW), RoleSet::of(&[PractitionerRole::Physician]));
		assert!(!Identity::is_practitioner(&doctor, NOW + HOUR));
	});
}

#[test]
fn a_removed_guardian_was_a_delegate_before_removal_only() {
	ExtBuilder.build_and_execute(|| {
		let (patient, carer) = patient_and_carer();
		assert_ok!(Identity::add_guardian(Seeds::signed("patient"), carer, DELEGATE));
		clock(NOW + HOUR);
		assert_ok!(Identity::remove_guardian(Seeds::signed("patient"), carer));
		assert!(Identity::was_delegate_at(&patient, &carer, NOW));
		assert!(Identity::was_delegate_at(&patient, &carer, NOW + HOUR - 1));
		assert!(!Identity::was_delegate_at(&patient, &carer, NOW + HOUR));
		assert!(!Identity::is_delegate(&patient, &carer));
	});
}

#[test]
fn a_guardian_added_later_was_no_delegate_before() {
	ExtBuilder.build_and_execute(|| {
		let (patient, carer) = patient_and_carer();
		clock(NOW + HOUR);
		assert_ok!(Identity::add_guardian(Seeds::signed("patient"), carer, DELEGATE));
		assert!(!Identity::was_delegate_at(&patient, &carer, NOW));
		assert!(Identity::was_delegate_at(&patient, &carer, NOW + HOUR));
		assert!(Identity::was_delegate_at(&patient, &carer, NOW + 2 * HOUR));
	});
}

#[test]
fn a_recovery_only_guardian_was_never_a_delegate() {
	ExtBuilder.build_and_execute(|| {
		let (patient, carer) = patient_and_carer();
		assert_ok!(Identity::add_guardian(Seeds::signed("patient"), carer, RECOVERY));
		assert!(!Identity::was_delegate_at(&patient, &carer, NOW));
	});
}

#[test]
fn a_deactivated_guardian_stops_counting_at_deactivation() {
	ExtBuilder.build_and_execute(|| {
		let (patient, carer) = patient_and_carer();
		assert_ok!(Identity::add_guardian(Seeds::signed("patient"), carer, DELEGATE));
		clock(NOW + HOUR);
		assert_ok!(Identity::deactivate(Seeds::signed("carer")));
		assert_eq!(DeactivatedAt::<Test>::get(carer), Some(NOW + HOUR));
		assert!(Identity::was_delegate_at(&patient, &carer, NOW + HOUR - 1));
		assert!(!Identity::was_delegate_at(&patient, &carer, NOW + HOUR));
	});
}

#[test]
fn dropping_the_delegate_right_ends_the_period() {
	ExtBuilder.build_and_execute(|| {
		let (patient, carer) = patient_and_carer();
		assert_ok!(Identity::add_guardian(Seeds::signed("patient"), carer, DELEGATE));
		clock(NOW + HOUR);
		assert_ok!(Identity::add_guardian(Seeds::signed("patient"), carer, RECOVERY));
		assert!(Identity::was_delegate_at(&patient, &carer, NOW + HOUR - 1));
		assert!(!Identity::was_delegate_at(&patient, &carer, NOW + HOUR));
	});
}

#[test]
fn adding_a_right_keeps_the_delegate_period() {
	ExtBuilder.build_and_execute(|| {
		let (patient, carer) = patient_and_carer();
		assert_ok!(Identity::add_guardian(Seeds::signed("patient"), carer, DELEGATE));
		clock(NOW + HOUR);
		assert_ok!(Identity::add_guardian(Seeds::signed("patient"), carer, BOTH));
		assert!(Identity::was_delegate_at(&patient, &carer, NOW));
	});
}

#[test]
fn only_the_latest_delegate_period_is_kept() {
	ExtBuilder.build_and_execute(|| {
		let (patient, carer) = patient_and_carer();
		assert_ok!(Identity::add_guardian(Seeds::signed("patient"), carer, DELEGATE));
		clock(NOW + HOUR);
		assert_ok!(Identity::remove_guardian(Seeds::signed("patient"), carer));
		clock(NOW + 2 * HOUR);
		assert_ok!(Identity::add_guardian(Seeds::signed("patient"), carer, DELEGATE));
		// The documented limit: a read judged against the earlier period is refused.
		assert!(!Identity::was_delegate_at(&patient, &carer, NOW));
		assert!(Identity::was_delegate_at(&patient, &carer, NOW + 2 * HOUR));
	});
}

#[test]
fn ended_attestations_past_retention_are_pruned_at_the_next_attestation() {
	ExtBuilder.build_and_execute(|| {
		let (doctor, hospital) = attested_practitioner("doctor", "hospital");
		Seeds::organization("clinic");
		Seeds::attest("doctor", "clinic", PractitionerRole::Nurse);
		clock(NOW + HOUR);
		assert_ok!(Identity::revoke_attestation(Seeds::signed("hospital"), doctor));
		// Kept for `HistoryRetention` after it ended...
		clock(NOW + HOUR + DAY);
		Seeds::attest("doctor", "clinic", PractitionerRole::Nurse);
		assert!(held(&doctor, &hospital, NOW));
		// ...and dropped by the first attestation after that.
		clock(NOW + HOUR + DAY + 1);
		Seeds::attest("doctor", "clinic", PractitionerRole::Nurse);
		assert_eq!(EndedAttestations::<Test>::get(doctor, hospital), None);
		assert!(!held(&doctor, &hospital, NOW));
	});
}

#[test]
fn ended_attestations_past_retention_are_pruned_at_the_next_revocation() {
	ExtBuilder.build_and_execute(|| {
		let (doctor, hospital) = attested_practitioner("doctor", "hospital");
		let clinic = Seeds::organization("clinic");
		Seeds::attest("doctor", "clinic", PractitionerRole::Nurse);
		clock(NOW + HOUR);
		assert_ok!(Identity::revoke_attestation(Seeds::signed("hospital"), doctor));
		clock(NOW + HOUR + DAY + 1);
		assert!(held(&doctor, &hospital, NOW));
		assert_ok!(Identity::revoke_attestation(Seeds::signed("clinic"), doctor));
		assert_eq!(EndedAttestations::<Test>::get(doctor, hospital), None);
		assert!(!held(&doctor, &hospital, NOW));
		assert!(held(&doctor, &clinic, NOW));
	});
}

#[test]
fn delegate_periods_past_retention_are_pruned_at_the_next_guardian_change() {
	ExtBuilder.build_and_execute(|| {
		let (patient, carer) = patient_and_carer();
		let friend = Seeds::register("friend", SubjectKind::Patient);
		assert_ok!(Identity::add_guardian(Seeds::signed("patient"), carer, DELEGATE));
		clock(NOW + HOUR);
		assert_ok!(Identity::remove_guardian(Seeds::signed("patient"), carer));
		clock(NOW + HOUR + DAY + 1);
		assert!(Identity::was_delegate_at(&patient, &carer, NOW));
		assert_ok!(Identity::add_guardian(Seeds::signed("patient"), friend, DELEGATE));
		assert_eq!(DelegatePeriods::<Test>::get(patient, carer), None);
		assert_eq!(DelegatePeriodCount::<Test>::get(patient), 1);
		assert!(!Identity::was_delegate_at(&patient, &carer, NOW));
	});
}

#[test]
fn delegate_periods_are_bounded_by_dropping_the_first_to_close() {
	ExtBuilder.build_and_execute(|| {
		let patient = Seeds::register("patient", SubjectKind::Patient);
		let bound = Identity::max_delegate_periods();
		let guardians: Vec<SubjectId> = (0..=bound)
			.map(|i| Seeds::register(&format!("g{i}"), SubjectKind::Patient))
			.collect();
		// Each guardian holds the right for an hour, one after another, all within a day.
		for (i, guardian) in guardians[..bound as usize].iter().enumerate() {
			let start = NOW + 2 * i as u64 * HOUR;
			clock(start);
			assert_ok!(Identity::add_guardian(Seeds::signed("patient"), *guardian, DELEGATE));
			clock(start + HOUR);
			assert_ok!(Identity::remove_guardian(Seeds::signed("patient"), *guardian));
		}
		assert_eq!(DelegatePeriodCount::<Test>::get(patient), bound);

		let last = guardians[bound as usize];
		clock(NOW + 2 * bound as u64 * HOUR);
		assert_ok!(Identity::add_guardian(Seeds::signed("patient"), last, DELEGATE));
		assert_eq!(DelegatePeriodCount::<Test>::get(patient), bound);
		assert_eq!(DelegatePeriods::<Test>::get(patient, guardians[0]), None);
		assert!(!Identity::was_delegate_at(&patient, &guardians[0], NOW));
		assert!(Identity::was_delegate_at(&patient, &guardians[1], NOW + 2 * HOUR));
		assert!(Identity::was_delegate_at(&patient, &last, NOW + 2 * bound as u64 * HOUR));
	});
}

#[test]
fn a_deactivated_practitioner_holds_no_attestation_from_the_deactivation_on() {
	ExtBuilder.build_and_execute(|| {
		let (doctor, org) = attested_practitioner("doctor", "hospital");
		clock(NOW + HOUR);
		assert_ok!(Identity::deactivate(Seeds::signed("doctor")));
		assert!(held(&doctor, &org, NOW + HOUR - 1));
		assert!(!held(&doctor, &org, NOW + HOUR));
		assert!(!held_any(&doctor, NOW + HOUR));
		assert_eq!(Identity::roles_at(&doctor, NOW + HOUR), RoleSet::EMPTY);
	});
}

#[test]
fn a_renewal_in_another_role_does_not_backdate_the_role() {
	ExtBuilder.build_and_execute(|| {
		let (doctor, _) = attested_practitioner("doctor", "hospital");
		clock(NOW + HOUR);
		Seeds::attest("doctor", "hospital", PractitionerRole::Nurse);
		assert_eq!(Identity::roles_at(&doctor, NOW), RoleSet::of(&[PractitionerRole::Physician]));
		assert_eq!(
			Identity::roles_at(&doctor, NOW + HOUR),
			RoleSet::of(&[PractitionerRole::Nurse])
		);
		// The same role again continues the attestation.
		clock(NOW + 2 * HOUR);
		Seeds::attest("doctor", "hospital", PractitionerRole::Nurse);
		assert_eq!(
			Identity::roles_at(&doctor, NOW + HOUR),
			RoleSet::of(&[PractitionerRole::Nurse])
		);
	});
}

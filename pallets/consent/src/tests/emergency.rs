use frame_support::{assert_noop, assert_ok};
use medchain_primitives::audit::{AuditEventType, AuditPolicy};
use sp_core::H256;

use super::*;

const JUSTIFICATION: H256 = H256::repeat_byte(0x5e);

#[test]
fn break_glass_permits_emergency_reads_only_until_it_expires() {
	ExtBuilder.build_and_execute(|| {
		let (patient, doctor) = patient_and_doctor();
		assert_ok!(Consent::open_emergency_access(
			Seeds::signed("doctor"),
			patient,
			HOUR,
			JUSTIFICATION
		));
		let id = EmergencyId(0);
		System::assert_last_event(
			Event::EmergencyAccessOpened {
				id,
				patient,
				practitioner: doctor,
				expires_at: NOW + HOUR,
				justification: JUSTIFICATION,
			}
			.into(),
		);
		let etreat = |class| {
			check(patient, doctor, ConsentAction::Read, class, PurposeOfUse::EmergencyTreat)
		};
		assert_eq!(
			etreat(DataClass::MentalHealth),
			AccessDecision::Permit(PermitBasis::Emergency(id))
		);
		assert_eq!(read_labs(patient, doctor), AccessDecision::Deny(DenyReason::NoConsent));
		assert_eq!(
			check(
				patient,
				doctor,
				ConsentAction::Create,
				DataClass::Labs,
				PurposeOfUse::EmergencyTreat
			),
			AccessDecision::Deny(DenyReason::NoConsent)
		);

		Timestamp::set_timestamp(NOW + HOUR - 1);
		assert_eq!(etreat(DataClass::Labs), AccessDecision::Permit(PermitBasis::Emergency(id)));
		Timestamp::set_timestamp(NOW + HOUR);
		assert_eq!(etreat(DataClass::Labs), AccessDecision::Deny(DenyReason::EmergencyExpired));
	});
}

#[test]
fn break_glass_is_audited_with_its_grant_as_policy() {
	ExtBuilder.build_and_execute(|| {
		let (patient, doctor) = patient_and_doctor();
		assert_ok!(Consent::open_emergency_access(
			Seeds::signed("doctor"),
			patient,
			HOUR,
			JUSTIFICATION
		));
		let entry = trail(patient).pop().unwrap();
		assert_eq!(entry.record.event_type, AuditEventType::EmergencyAccess);
		assert_eq!(entry.record.actor, doctor);
		assert_eq!(entry.record.policy, Some(AuditPolicy::Emergency(EmergencyId(0))));
		assert_eq!(entry.record.purpose, Some(PurposeOfUse::EmergencyTreat));
	});
}

#[test]
fn only_attested_practitioners_break_glass() {
	ExtBuilder.build_and_execute(|| {
		let (patient, doctor) = patient_and_doctor();
		let freelancer = Seeds::register("freelancer", SubjectKind::Practitioner);
		let other = Seeds::register("other", SubjectKind::Patient);
		assert_noop!(
			Consent::open_emergency_access(
				Seeds::signed("freelancer"),
				patient,
				HOUR,
				JUSTIFICATION
			),
			Error::<Test>::NotAnAttestedPractitioner
		);
		assert_noop!(
			Consent::open_emergency_access(Seeds::signed("other"), patient, HOUR, JUSTIFICATION),
			Error::<Test>::NotAnAttestedPractitioner
		);
		assert_noop!(
			Consent::open_emergency_access(Seeds::signed("nobody"), patient, HOUR, JUSTIFICATION),
			Error::<Test>::NotRegistered
		);
		assert_noop!(
			Consent::open_emergency_access(Seeds::signed("doctor"), doctor, HOUR, JUSTIFICATION),
			Error::<Test>::NotAPatient
		);
		let _ = (freelancer, other);
	});
}

#[test]
fn break_glass_duration_is_bounded_by_governance() {
	ExtBuilder.build_and_execute(|| {
		let (patient, _) = patient_and_doctor();
		assert_noop!(
			Consent::open_emergency_access(Seeds::signed("doctor"), patient, 0, JUSTIFICATION),
			Error::<Test>::ZeroDuration
		);
		assert_noop!(
			Consent::open_emergency_access(
				Seeds::signed("doctor"),
				patient,
				4 * HOUR + 1,
				JUSTIFICATION
			),
			Error::<Test>::EmergencyTooLong
		);
		assert_noop!(
			Consent::set_max_emergency_duration(Seeds::signed("doctor"), 8 * HOUR),
			sp_runtime::DispatchError::BadOrigin
		);
		assert_ok!(Consent::set_max_emergency_duration(RuntimeOrigin::root(), 8 * HOUR));
		System::assert_last_event(Event::MaxEmergencyDurationSet { duration: 8 * HOUR }.into());
		assert_ok!(Consent::open_emergency_access(
			Seeds::signed("doctor"),
			patient,
			8 * HOUR,
			JUSTIFICATION
		));
	});
}

#[test]
fn one_open_emergency_per_patient_and_practitioner() {
	ExtBuilder.build_and_execute(|| {
		let (patient, _) = patient_and_doctor();
		assert_ok!(Consent::open_emergency_access(
			Seeds::signed("doctor"),
			patient,
			HOUR,
			JUSTIFICATION
		));
		assert_noop!(
			Consent::open_emergency_access(Seeds::signed("doctor"), patient, HOUR, JUSTIFICATION),
			Error::<Test>::EmergencyAlreadyOpen
		);
		// Ended, but the cooldown holds the door shut for another hour.
		Timestamp::set_timestamp(NOW + HOUR);
		assert_noop!(
			Consent::open_emergency_access(Seeds::signed("doctor"), patient, HOUR, JUSTIFICATION),
			Error::<Test>::EmergencyCooldown
		);
		Timestamp::set_timestamp(NOW + 2 * HOUR);
		assert_ok!(Consent::open_emergency_access(
			Seeds::signed("doctor"),
			patient,
			HOUR,
			JUSTIFICATION
		));
	});
}

#[test]
fn the_patient_ends_an_emergency_early() {
	ExtBuilder.build_and_execute(|| {
		let (patient, doctor) = patient_and_doctor();
		assert_ok!(Consent::open_emergency_access(
			Seeds::signed("doctor"),
			patient,
			HOUR,
			JUSTIFICATION
		));
		let id = EmergencyId(0);
		let outsider = Seeds::practitioner("outsider", "hospital");
		assert_noop!(
			Consent::end_emergency_access(Seeds::signed("outsider"), id),
			Error::<Test>::NotAuthorizedToEnd
		);
		assert_ok!(Consent::end_emergency_access(Seeds::signed("patient"), id));
		System::assert_last_event(Event::EmergencyAccessEnded { id, by: patient }.into());
		assert_eq!(
			check(
				patient,
				doctor,
				ConsentAction::Read,
				DataClass::Labs,
				PurposeOfUse::EmergencyTreat
			),
			AccessDecision::Deny(DenyReason::EmergencyExpired)
		);
		assert_noop!(
			Consent::end_emergency_access(Seeds::signed("doctor"), id),
			Error::<Test>::EmergencyEnded
		);
		assert_noop!(
			Consent::end_emergency_access(Seeds::signed("doctor"), EmergencyId(7)),
			Error::<Test>::EmergencyNotFound
		);
		let _ = outsider;
	});
}

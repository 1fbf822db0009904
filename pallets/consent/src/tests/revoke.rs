use frame_support::{assert_noop, assert_ok};
use medchain_primitives::audit::AuditEventType;

use super::*;

#[test]
fn revoked_consent_denies_read_with_reason() {
	ExtBuilder.build_and_execute(|| {
		let (patient, doctor) = patient_and_doctor();
		let id = grant(treat_terms(Grantee::Practitioner(doctor)));
		Timestamp::set_timestamp(NOW + HOUR);
		assert_ok!(Consent::revoke(Seeds::signed("patient"), id));
		System::assert_last_event(Event::ConsentRevoked { id, patient, by: patient }.into());
		assert_eq!(
			Consent::consent(id).unwrap().status,
			ConsentStatus::Revoked { at: NOW + HOUR, by: patient }
		);
		assert_eq!(read_labs(patient, doctor), AccessDecision::Deny(DenyReason::Revoked));
		let entry = trail(patient).pop().unwrap();
		assert_eq!(entry.record.event_type, AuditEventType::ConsentRevoked);
	});
}

#[test]
fn a_delegate_guardian_revokes() {
	ExtBuilder.build_and_execute(|| {
		let (patient, doctor) = patient_and_doctor();
		let parent = Seeds::register("parent", SubjectKind::Patient);
		assert_ok!(Identity::add_guardian(Seeds::signed("patient"), parent, DELEGATE));
		let id = grant(treat_terms(Grantee::Practitioner(doctor)));
		assert_ok!(Consent::revoke(Seeds::signed("parent"), id));
		System::assert_last_event(Event::ConsentRevoked { id, patient, by: parent }.into());
	});
}

#[test]
fn revocation_rules() {
	ExtBuilder.build_and_execute(|| {
		let (_, doctor) = patient_and_doctor();
		let id = grant(treat_terms(Grantee::Practitioner(doctor)));
		assert_noop!(
			Consent::revoke(Seeds::signed("doctor"), id),
			Error::<Test>::NotAuthorizedGrantor
		);
		assert_noop!(
			Consent::revoke(Seeds::signed("patient"), ConsentId(99)),
			Error::<Test>::ConsentNotFound
		);
		assert_ok!(Consent::revoke(Seeds::signed("patient"), id));
		assert_noop!(Consent::revoke(Seeds::signed("patient"), id), Error::<Test>::AlreadyRevoked);
	});
}

#[test]
fn revoking_one_of_overlapping_consents_leaves_the_other() {
	ExtBuilder.build_and_execute(|| {
		let (patient, doctor) = patient_and_doctor();
		let first = grant(treat_terms(Grantee::Practitioner(doctor)));
		let second = grant(treat_terms(Grantee::Practitioner(doctor)));
		assert_ok!(Consent::revoke(Seeds::signed("patient"), first));
		assert_eq!(
			read_labs(patient, doctor),
			AccessDecision::Permit(PermitBasis::Consent(second))
		);
	});
}

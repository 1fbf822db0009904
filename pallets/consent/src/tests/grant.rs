use frame_support::{assert_noop, assert_ok};
use medchain_primitives::audit::{AuditEventType, AuditPolicy};

use super::*;

#[test]
fn patient_grants_a_practitioner_and_it_is_audited() {
	ExtBuilder.build_and_execute(|| {
		let (patient, doctor) = patient_and_doctor();
		let id = grant(treat_terms(Grantee::Practitioner(doctor)));
		System::assert_last_event(
			Event::ConsentGranted {
				id,
				patient,
				grantor: patient,
				grantee: Grantee::Practitioner(doctor),
			}
			.into(),
		);
		let record = Consent::consent(id).unwrap();
		assert_eq!(record.status, ConsentStatus::Active);
		assert_eq!(record.granted_at, NOW);
		assert_eq!(read_labs(patient, doctor), AccessDecision::Permit(PermitBasis::Consent(id)));

		let entry = trail(patient).pop().unwrap();
		assert_eq!(entry.record.event_type, AuditEventType::ConsentGranted);
		assert_eq!(entry.record.actor, patient);
		assert_eq!(entry.record.policy, Some(AuditPolicy::Consent(id)));
	});
}

#[test]
fn a_delegate_guardian_grants_for_the_patient() {
	ExtBuilder.build_and_execute(|| {
		let (patient, doctor) = patient_and_doctor();
		let parent = Seeds::register("parent", SubjectKind::Patient);
		assert_ok!(Identity::add_guardian(Seeds::signed("patient"), parent, DELEGATE));
		assert_ok!(Consent::grant(
			Seeds::signed("parent"),
			patient,
			treat_terms(Grantee::Practitioner(doctor))
		));
		let id = ConsentId(0);
		assert_eq!(Consent::consent(id).unwrap().grantor, parent);
		assert_eq!(trail(patient).pop().unwrap().record.actor, parent);
	});
}

#[test]
fn a_removed_guardian_can_no_longer_grant() {
	ExtBuilder.build_and_execute(|| {
		let (patient, doctor) = patient_and_doctor();
		let parent = Seeds::register("parent", SubjectKind::Patient);
		assert_ok!(Identity::add_guardian(Seeds::signed("patient"), parent, DELEGATE));
		assert_ok!(Identity::remove_guardian(Seeds::signed("patient"), parent));
		assert_noop!(
			Consent::grant(
				Seeds::signed("parent"),
				patient,
				treat_terms(Grantee::Practitioner(doctor))
			),
			Error::<Test>::NotAuthorizedGrantor
		);
	});
}

#[test]
fn a_recovery_only_guardian_cannot_grant() {
	ExtBuilder.build_and_execute(|| {
		let (patient, doctor) = patient_and_doctor();
		let friend = Seeds::register("friend", SubjectKind::Patient);
		assert_ok!(Identity::add_guardian(
			Seeds::signed("patient"),
			friend,
			GuardianRights { delegate: false, recovery: true }
		));
		assert_noop!(
			Consent::grant(
				Seeds::signed("friend"),
				patient,
				treat_terms(Grantee::Practitioner(doctor))
			),
			Error::<Test>::NotAuthorizedGrantor
		);
	});
}

#[test]
fn strangers_and_unregistered_accounts_cannot_grant() {
	ExtBuilder.build_and_execute(|| {
		let (patient, doctor) = patient_and_doctor();
		assert_noop!(
			Consent::grant(
				Seeds::signed("doctor"),
				patient,
				treat_terms(Grantee::Practitioner(doctor))
			),
			Error::<Test>::NotAuthorizedGrantor
		);
		assert_noop!(
			Consent::grant(
				Seeds::signed("nobody"),
				patient,
				treat_terms(Grantee::Practitioner(doctor))
			),
			Error::<Test>::NotRegistered
		);
		assert_noop!(
			Consent::grant(
				Seeds::signed("patient"),
				doctor,
				treat_terms(Grantee::Practitioner(doctor))
			),
			Error::<Test>::NotAPatient
		);
	});
}

#[test]
fn terms_are_validated() {
	ExtBuilder.build_and_execute(|| {
		let (patient, doctor) = patient_and_doctor();
		let org = Seeds::organization("hospital");
		let base = treat_terms(Grantee::Practitioner(doctor));
		let cases: Vec<(GrantTerms, Error<Test>)> = vec![
			(
				ConsentTerms { grantee: Grantee::Practitioner(org), ..base.clone() },
				Error::<Test>::InvalidGrantee,
			),
			(
				ConsentTerms { grantee: Grantee::Organization(doctor), ..base.clone() },
				Error::<Test>::InvalidGrantee,
			),
			(
				ConsentTerms { grantee: Grantee::Practitioner(SubjectId([9; 32])), ..base.clone() },
				Error::<Test>::InvalidGrantee,
			),
			(ConsentTerms { actions: ActionSet::EMPTY, ..base.clone() }, Error::<Test>::NoActions),
			(
				ConsentTerms { purposes: PurposeSet::EMPTY, ..base.clone() },
				Error::<Test>::NoPurposes,
			),
			(
				ConsentTerms { classes: DataClassSet::EMPTY, ..base.clone() },
				Error::<Test>::NothingCovered,
			),
			(
				ConsentTerms { classes: DataClassSet(1 << 20), ..base.clone() },
				Error::<Test>::UnknownCode,
			),
			(
				ConsentTerms { purposes: PurposeSet(1 << 7), ..base.clone() },
				Error::<Test>::UnknownCode,
			),
			(
				ConsentTerms { excluded: DataClassSet::of(&[DataClass::Labs]), ..base.clone() },
				Error::<Test>::ClassBothCoveredAndExcluded,
			),
			(ConsentTerms { valid_until: Some(NOW), ..base.clone() }, Error::<Test>::InvalidPeriod),
			(
				ConsentTerms {
					valid_from: NOW - 2 * DAY,
					valid_until: Some(NOW - DAY),
					..base.clone()
				},
				Error::<Test>::PeriodInPast,
			),
		];
		for (terms, error) in cases {
			assert_noop!(Consent::grant(Seeds::signed("patient"), patient, terms), error);
		}
	});
}

#[test]
fn a_consent_may_name_records_only() {
	ExtBuilder.build_and_execute(|| {
		let (patient, doctor) = patient_and_doctor();
		let record = RecordId([5; 32]);
		let id = grant(ConsentTerms {
			classes: DataClassSet::EMPTY,
			records: vec![record],
			..treat_terms(Grantee::Practitioner(doctor))
		});
		anchor(record, patient, hospital(), DataClass::Imaging, RecordStatus::Active);
		let target = AccessTarget::Record(record);
		assert_eq!(
			Consent::check_access(
				&patient,
				&doctor,
				ConsentAction::Read,
				&target,
				PurposeOfUse::Treat
			),
			AccessDecision::Permit(PermitBasis::Consent(id))
		);
		anchor(RecordId([6; 32]), patient, hospital(), DataClass::Imaging, RecordStatus::Active);
		let other = AccessTarget::Record(RecordId([6; 32]));
		assert_eq!(
			Consent::check_access(
				&patient,
				&doctor,
				ConsentAction::Read,
				&other,
				PurposeOfUse::Treat
			),
			AccessDecision::Deny(DenyReason::NotCovered)
		);
	});
}

#[test]
fn active_consents_per_grantee_are_bounded_and_a_revocation_frees_a_slot() {
	ExtBuilder.build_and_execute(|| {
		let (patient, doctor) = patient_and_doctor();
		for _ in 0..3 {
			grant(treat_terms(Grantee::Practitioner(doctor)));
		}
		assert_noop!(
			Consent::grant(
				Seeds::signed("patient"),
				patient,
				treat_terms(Grantee::Practitioner(doctor))
			),
			Error::<Test>::TooManyConsents
		);
		// Other grantees are unaffected, and a revoked consent frees its slot.
		let nurse = Seeds::practitioner("nurse", "hospital");
		grant(treat_terms(Grantee::Practitioner(nurse)));
		assert_ok!(Consent::revoke(Seeds::signed("patient"), ConsentId(0)));
		grant(treat_terms(Grantee::Practitioner(doctor)));
	});
}

#[test]
fn listings_are_newest_first_and_paged() {
	ExtBuilder.build_and_execute(|| {
		let (patient, doctor) = patient_and_doctor();
		let org = Seeds::organization("hospital");
		let a = grant(treat_terms(Grantee::Practitioner(doctor)));
		let b = grant(treat_terms(Grantee::Organization(org)));
		let c = grant(treat_terms(Grantee::Practitioner(doctor)));
		assert_ok!(Consent::revoke(Seeds::signed("patient"), a));

		let ids = |v: Vec<ConsentRecord>| v.into_iter().map(|c| c.id).collect::<Vec<_>>();
		assert_eq!(ids(Consent::consents_of_patient(&patient, None, 10)), vec![c, b, a]);
		assert_eq!(ids(Consent::consents_of_patient(&patient, None, 2)), vec![c, b]);
		assert_eq!(ids(Consent::consents_of_patient(&patient, Some(1), 2)), vec![a]);
		assert_eq!(ids(Consent::consents_of_grantee(&doctor, None, 10)), vec![c, a]);
		assert_eq!(ids(Consent::consents_of_grantee(&org, None, 10)), vec![b]);
		assert!(matches!(Consent::consent(a).unwrap().status, ConsentStatus::Revoked { .. }));
	});
}

#[test]
fn identity_changes_of_a_patient_are_audited() {
	use medchain_primitives::audit::AuditAction;
	ExtBuilder.build_and_execute(|| {
		let patient = Seeds::register("patient", SubjectKind::Patient);
		let parent = Seeds::register("parent", SubjectKind::Patient);
		assert_ok!(Identity::add_guardian(Seeds::signed("patient"), parent, DELEGATE));
		let entries = trail(patient);
		let kinds: Vec<_> = entries
			.iter()
			.map(|e| (e.record.event_type, e.record.action, e.record.actor))
			.collect();
		assert_eq!(
			kinds,
			vec![
				(AuditEventType::IdentityChanged, AuditAction::Create, patient),
				(AuditEventType::IdentityChanged, AuditAction::Update, patient),
			]
		);
		// A practitioner has no trail of their own.
		let doctor = Seeds::practitioner("doctor", "hospital");
		assert!(trail(doctor).is_empty());
	});
}

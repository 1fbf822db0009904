//! The access rule, case by case: the decision table in docs/consent.md.

use frame_support::assert_ok;

use super::*;

#[test]
fn a_patient_always_reads_their_own_data() {
	ExtBuilder.build_and_execute(|| {
		let patient = Seeds::register("patient", SubjectKind::Patient);
		for action in ConsentAction::ALL {
			assert_eq!(
				check(patient, patient, action, DataClass::MentalHealth, PurposeOfUse::Research),
				AccessDecision::Permit(PermitBasis::OwnData)
			);
		}
	});
}

#[test]
fn no_consent_denies() {
	ExtBuilder.build_and_execute(|| {
		let (patient, doctor) = patient_and_doctor();
		assert_eq!(read_labs(patient, doctor), AccessDecision::Deny(DenyReason::NoConsent));
	});
}

#[test]
fn unknown_and_deactivated_subjects_are_denied() {
	ExtBuilder.build_and_execute(|| {
		let (patient, doctor) = patient_and_doctor();
		grant(treat_terms(Grantee::Practitioner(doctor)));
		let nobody = SubjectId([9; 32]);
		assert_eq!(read_labs(nobody, doctor), AccessDecision::Deny(DenyReason::UnknownPatient));
		assert_eq!(read_labs(doctor, patient), AccessDecision::Deny(DenyReason::UnknownPatient));
		assert_eq!(read_labs(patient, nobody), AccessDecision::Deny(DenyReason::UnknownAccessor));
		assert_ok!(Identity::deactivate(Seeds::signed("patient")));
		assert_eq!(
			read_labs(patient, doctor),
			AccessDecision::Deny(DenyReason::PatientDeactivated)
		);
	});
}

#[test]
fn an_unattested_practitioner_is_denied_even_with_consent() {
	ExtBuilder.build_and_execute(|| {
		let (patient, doctor) = patient_and_doctor();
		grant(treat_terms(Grantee::Practitioner(doctor)));
		assert_ok!(Identity::revoke_attestation(Seeds::signed("hospital"), doctor));
		assert_eq!(
			read_labs(patient, doctor),
			AccessDecision::Deny(DenyReason::NotAnAttestedPractitioner)
		);
		let freelancer = Seeds::register("freelancer", SubjectKind::Practitioner);
		assert_eq!(
			read_labs(patient, freelancer),
			AccessDecision::Deny(DenyReason::NotAnAttestedPractitioner)
		);
	});
}

#[test]
fn validity_is_half_open_on_the_chain_clock() {
	ExtBuilder.build_and_execute(|| {
		let (patient, doctor) = patient_and_doctor();
		let (from, until) = (NOW + HOUR, NOW + DAY);
		let id = grant(ConsentTerms {
			valid_from: from,
			valid_until: Some(until),
			..treat_terms(Grantee::Practitioner(doctor))
		});
		// The rule answers as of the block's time: move the chain clock.
		let at = |t| {
			Timestamp::set_timestamp(t);
			read_labs(patient, doctor)
		};
		assert_eq!(at(from - 1), AccessDecision::Deny(DenyReason::NotYetValid));
		assert_eq!(at(from), AccessDecision::Permit(PermitBasis::Consent(id)));
		assert_eq!(at(until - 1), AccessDecision::Permit(PermitBasis::Consent(id)));
		assert_eq!(at(until), AccessDecision::Deny(DenyReason::Expired));
	});
}

#[test]
fn action_and_purpose_must_be_allowed() {
	ExtBuilder.build_and_execute(|| {
		let (patient, doctor) = patient_and_doctor();
		grant(treat_terms(Grantee::Practitioner(doctor)));
		assert_eq!(
			check(patient, doctor, ConsentAction::Create, DataClass::Labs, PurposeOfUse::Treat),
			AccessDecision::Deny(DenyReason::ActionNotAllowed)
		);
		assert_eq!(
			check(patient, doctor, ConsentAction::Read, DataClass::Labs, PurposeOfUse::Research),
			AccessDecision::Deny(DenyReason::PurposeNotAllowed)
		);
		assert_eq!(
			check(patient, doctor, ConsentAction::Read, DataClass::Imaging, PurposeOfUse::Treat),
			AccessDecision::Deny(DenyReason::NotCovered)
		);
	});
}

#[test]
fn the_deny_exception_excludes_a_class() {
	ExtBuilder.build_and_execute(|| {
		let (patient, doctor) = patient_and_doctor();
		let everything_but_mental_health = DataClassSet::of(
			&DataClass::ALL
				.into_iter()
				.filter(|c| *c != DataClass::MentalHealth)
				.collect::<Vec<_>>(),
		);
		let record = RecordId([3; 32]);
		let id = grant(ConsentTerms {
			classes: everything_but_mental_health,
			excluded: DataClassSet::of(&[DataClass::MentalHealth]),
			records: vec![record],
			..treat_terms(Grantee::Practitioner(doctor))
		});
		assert_eq!(
			check(patient, doctor, ConsentAction::Read, DataClass::Genomics, PurposeOfUse::Treat),
			AccessDecision::Permit(PermitBasis::Consent(id))
		);
		assert_eq!(
			check(
				patient,
				doctor,
				ConsentAction::Read,
				DataClass::MentalHealth,
				PurposeOfUse::Treat
			),
			AccessDecision::Deny(DenyReason::ClassExcluded)
		);
		// Naming a record does not override the exclusion of its class.
		anchor(record, patient, hospital(), DataClass::MentalHealth, RecordStatus::Active);
		let target = AccessTarget::Record(record);
		assert_eq!(
			Consent::check_access(
				&patient,
				&doctor,
				ConsentAction::Read,
				&target,
				PurposeOfUse::Treat
			),
			AccessDecision::Deny(DenyReason::ClassExcluded)
		);
	});
}

#[test]
fn overlapping_grants_permit_if_any_does_and_report_the_closest_miss() {
	ExtBuilder.build_and_execute(|| {
		let (patient, doctor) = patient_and_doctor();
		grant(ConsentTerms {
			valid_until: Some(NOW + HOUR),
			..treat_terms(Grantee::Practitioner(doctor))
		});
		let research = grant(ConsentTerms {
			purposes: PurposeSet::of(&[PurposeOfUse::Research]),
			..treat_terms(Grantee::Practitioner(doctor))
		});
		Timestamp::set_timestamp(NOW + 2 * HOUR);
		// The first has expired; the second allows the wrong purpose and got further.
		assert_eq!(read_labs(patient, doctor), AccessDecision::Deny(DenyReason::PurposeNotAllowed));
		assert_eq!(
			check(patient, doctor, ConsentAction::Read, DataClass::Labs, PurposeOfUse::Research),
			AccessDecision::Permit(PermitBasis::Consent(research))
		);
	});
}

#[test]
fn an_organization_wide_grant_covers_its_attested_practitioners_only() {
	ExtBuilder.build_and_execute(|| {
		let (patient, doctor) = patient_and_doctor();
		let hospital = Seeds::organization("hospital");
		let outsider = Seeds::practitioner("outsider", "clinic");
		let id = grant(treat_terms(Grantee::Organization(hospital)));
		assert_eq!(read_labs(patient, doctor), AccessDecision::Permit(PermitBasis::Consent(id)));
		assert_eq!(read_labs(patient, outsider), AccessDecision::Deny(DenyReason::NoConsent));

		// Once the hospital no longer attests the doctor, the grant no longer covers them.
		assert_ok!(Identity::attest_practitioner(
			Seeds::signed("clinic"),
			doctor,
			medchain_primitives::identity::PractitionerRole::Nurse,
			sp_core::H256::zero(),
			NOW + DAY,
		));
		assert_ok!(Identity::revoke_attestation(Seeds::signed("hospital"), doctor));
		assert_eq!(read_labs(patient, doctor), AccessDecision::Deny(DenyReason::NoConsent));
	});
}

fn read_record(patient: SubjectId, accessor: SubjectId, record: RecordId) -> AccessDecision {
	Consent::check_access(
		&patient,
		&accessor,
		ConsentAction::Read,
		&AccessTarget::Record(record),
		PurposeOfUse::Treat,
	)
}

#[test]
fn a_record_is_judged_by_the_class_its_anchor_gives() {
	ExtBuilder.build_and_execute(|| {
		let (patient, doctor) = patient_and_doctor();
		let id = grant(treat_terms(Grantee::Practitioner(doctor)));
		let (labs, imaging) = (RecordId([1; 32]), RecordId([2; 32]));
		anchor(labs, patient, hospital(), DataClass::Labs, RecordStatus::Active);
		anchor(imaging, patient, hospital(), DataClass::Imaging, RecordStatus::Superseded);
		assert_eq!(
			read_record(patient, doctor, labs),
			AccessDecision::Permit(PermitBasis::Consent(id))
		);
		// The consent covers labs, not imaging: no caller can call an imaging record labs.
		assert_eq!(
			read_record(patient, doctor, imaging),
			AccessDecision::Deny(DenyReason::NotCovered)
		);
	});
}

#[test]
fn unknown_and_erased_records_are_denied_with_their_own_reasons() {
	ExtBuilder.build_and_execute(|| {
		let (patient, doctor) = patient_and_doctor();
		let other = Seeds::register("other patient", SubjectKind::Patient);
		grant(treat_terms(Grantee::Practitioner(doctor)));
		let (erased, others) = (RecordId([3; 32]), RecordId([4; 32]));
		anchor(erased, patient, hospital(), DataClass::Labs, RecordStatus::Erased);
		anchor(others, other, hospital(), DataClass::Labs, RecordStatus::Active);
		let unknown = RecordId([9; 32]);
		assert_eq!(
			read_record(patient, doctor, unknown),
			AccessDecision::Deny(DenyReason::UnknownRecord)
		);
		// Another patient's record is unknown as this patient's, even to its own patient.
		assert_eq!(
			read_record(patient, doctor, others),
			AccessDecision::Deny(DenyReason::UnknownRecord)
		);
		assert_eq!(
			read_record(patient, patient, others),
			AccessDecision::Deny(DenyReason::UnknownRecord)
		);
		// Erased is erased, for the patient as for anyone.
		assert_eq!(
			read_record(patient, doctor, erased),
			AccessDecision::Deny(DenyReason::RecordErased)
		);
		assert_eq!(
			read_record(patient, patient, erased),
			AccessDecision::Deny(DenyReason::RecordErased)
		);
	});
}

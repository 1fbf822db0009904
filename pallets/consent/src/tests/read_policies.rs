//! The rule for a read a gateway reports ([`ReadPolicies::allowed_read`]): the record must be the
//! patient's, kept by the reporting gateway's organization, not erased, of the reported hash, and
//! the policy named must have allowed that read of it, all judged as of the moment the read was
//! decided. One test per rule; each refuses (or accepts) only because of the rule it names.

use frame_support::assert_ok;
use medchain_primitives::{
	audit::AuditPolicy,
	identity::{PractitionerRole, RoleSet},
	traits::{PolicyRefusal, ReadClaim, ReadPolicies},
};
use sp_core::H256;

use super::*;

const JUSTIFICATION: H256 = H256::repeat_byte(0x5e);
const MINUTE: u64 = 60_000;

/// The patient's labs record, kept by "hospital": what every read here names unless it says
/// otherwise.
const LABS: RecordId = RecordId([1; 32]);
/// The patient's imaging record, kept by "hospital".
const IMAGING: RecordId = RecordId([2; 32]);

/// "patient", "doctor" of "hospital", and the patient's [`LABS`] and [`IMAGING`] records.
fn world() -> (SubjectId, SubjectId) {
	let (patient, doctor) = patient_and_doctor();
	anchor(LABS, patient, hospital(), DataClass::Labs, RecordStatus::Active);
	anchor(IMAGING, patient, hospital(), DataClass::Imaging, RecordStatus::Active);
	(patient, doctor)
}

/// `actor`'s read of "patient"'s [`LABS`] under `policy`, for treatment, decided at [`NOW`] and
/// reported by a gateway of "hospital".
fn claim(actor: SubjectId, policy: AuditPolicy) -> ReadClaim {
	ReadClaim {
		patient: Seeds::of("patient"),
		actor,
		policy,
		purpose: PurposeOfUse::Treat,
		record: LABS,
		content_hash: None,
		custodian: hospital(),
		occurred: NOW,
	}
}

/// The same read for emergency treatment under emergency grant 0.
fn emergency_claim(actor: SubjectId) -> ReadClaim {
	ReadClaim {
		purpose: PurposeOfUse::EmergencyTreat,
		..claim(actor, AuditPolicy::Emergency(EmergencyId(0)))
	}
}

fn judge(claim: ReadClaim) -> Result<(), PolicyRefusal> {
	<Consent as ReadPolicies>::allowed_read(&claim)
}

/// `claim` decided at `occurred` instead.
fn at(occurred: u64, claim: ReadClaim) -> ReadClaim {
	ReadClaim { occurred, ..claim }
}

/// "doctor" opens emergency grant 0 on "patient" for four hours, at the current time.
fn open_emergency(patient: SubjectId) {
	assert_ok!(Consent::open_emergency_access(
		Seeds::signed("doctor"),
		patient,
		4 * HOUR,
		JUSTIFICATION
	));
}

/// Moves the chain clock to `time`.
fn clock(time: u64) {
	Timestamp::set_timestamp(time);
}

// The record.

#[test]
fn a_read_under_a_consent_that_allowed_it_is_justified() {
	ExtBuilder.build_and_execute(|| {
		let (_, doctor) = world();
		let id = grant(treat_terms(Grantee::Practitioner(doctor)));
		assert_ok!(judge(claim(doctor, AuditPolicy::Consent(id))));
	});
}

#[test]
fn a_read_naming_another_patients_record_is_refused() {
	ExtBuilder.build_and_execute(|| {
		let (_, doctor) = world();
		let other = Seeds::register("other", SubjectKind::Patient);
		let others_labs = RecordId([3; 32]);
		anchor(others_labs, other, hospital(), DataClass::Labs, RecordStatus::Active);
		let id = grant(treat_terms(Grantee::Practitioner(doctor)));
		// The consent covers labs: only the record's patient is wrong.
		let read = ReadClaim { record: others_labs, ..claim(doctor, AuditPolicy::Consent(id)) };
		assert_eq!(judge(read), Err(PolicyRefusal::RecordOfAnotherPatient));
	});
}

#[test]
fn a_read_reported_by_a_gateway_of_another_custodian_is_refused() {
	ExtBuilder.build_and_execute(|| {
		let (_, doctor) = world();
		let clinic = Seeds::organization("clinic");
		let id = grant(treat_terms(Grantee::Practitioner(doctor)));
		let read = claim(doctor, AuditPolicy::Consent(id));
		assert_eq!(
			judge(ReadClaim { custodian: clinic, ..read }),
			Err(PolicyRefusal::NotTheCustodian)
		);
		assert_ok!(judge(read));
	});
}

#[test]
fn a_read_of_a_record_unknown_then_is_refused() {
	ExtBuilder.build_and_execute(|| {
		let (patient, _) = world();
		let own = claim(patient, AuditPolicy::OwnData);
		assert_eq!(
			judge(ReadClaim { record: RecordId([9; 32]), ..own }),
			Err(PolicyRefusal::UnknownRecord)
		);
		// Anchored at NOW: a read decided before did not read it.
		assert_eq!(judge(at(NOW - 1, own)), Err(PolicyRefusal::UnknownRecord));
		assert_ok!(judge(own));
	});
}

#[test]
fn a_record_erased_before_the_read_refuses_it_and_one_erased_after_does_not() {
	ExtBuilder.build_and_execute(|| {
		let (patient, doctor) = world();
		let id = grant(treat_terms(Grantee::Practitioner(doctor)));
		erase(LABS, NOW + HOUR);
		let read = claim(doctor, AuditPolicy::Consent(id));
		assert_ok!(judge(at(NOW + HOUR - 1, read)));
		// Erased in the block whose `check_access` decided the read: it already said erased.
		assert_eq!(judge(at(NOW + HOUR, read)), Err(PolicyRefusal::RecordErased));
		assert_eq!(judge(at(NOW + 2 * HOUR, read)), Err(PolicyRefusal::RecordErased));
		// Erased at a time the chain did not keep: as if before any read, the patient's own too.
		let shredded = RecordId([4; 32]);
		anchor(shredded, patient, hospital(), DataClass::Labs, RecordStatus::Erased);
		assert_eq!(
			judge(ReadClaim { record: shredded, ..claim(patient, AuditPolicy::OwnData) }),
			Err(PolicyRefusal::RecordErased)
		);
	});
}

#[test]
fn a_reported_hash_other_than_the_anchored_one_is_refused() {
	ExtBuilder.build_and_execute(|| {
		let (patient, _) = world();
		let own = claim(patient, AuditPolicy::OwnData);
		assert_eq!(
			judge(ReadClaim { content_hash: Some(H256::repeat_byte(7)), ..own }),
			Err(PolicyRefusal::ContentMismatch)
		);
		// The test anchors' hash is zero; a gateway may also report none.
		assert_ok!(judge(ReadClaim { content_hash: Some(H256::zero()), ..own }));
		assert_ok!(judge(own));
	});
}

// What a consent covers: as `check_access` judges it, never more.

#[test]
fn a_consent_excluding_the_class_does_not_justify_a_read_even_of_a_record_it_names() {
	ExtBuilder.build_and_execute(|| {
		let (patient, doctor) = world();
		let notes = RecordId([5; 32]);
		anchor(notes, patient, hospital(), DataClass::MentalHealth, RecordStatus::Active);
		let id = grant(ConsentTerms {
			records: vec![notes],
			excluded: DataClassSet::of(&[DataClass::MentalHealth]),
			..treat_terms(Grantee::Practitioner(doctor))
		});
		let read = ReadClaim { record: notes, ..claim(doctor, AuditPolicy::Consent(id)) };
		assert_eq!(judge(read), Err(PolicyRefusal::ClassNotCovered));
		// As `check_access` denied it: a gateway could never have served it.
		assert_eq!(
			Consent::check_access(
				&patient,
				&doctor,
				ConsentAction::Read,
				&AccessTarget::Record(notes),
				PurposeOfUse::Treat
			),
			AccessDecision::Deny(DenyReason::ClassExcluded)
		);
	});
}

#[test]
fn a_consent_naming_the_record_justifies_a_read_of_a_class_it_does_not_grant() {
	ExtBuilder.build_and_execute(|| {
		let (_, doctor) = world();
		// Labs and medications, and the imaging record by name.
		let id = grant(ConsentTerms {
			records: vec![IMAGING],
			..treat_terms(Grantee::Practitioner(doctor))
		});
		assert_ok!(judge(ReadClaim { record: IMAGING, ..claim(doctor, AuditPolicy::Consent(id)) }));
	});
}

#[test]
fn a_consent_neither_granting_the_class_nor_naming_the_record_does_not_justify_a_read() {
	ExtBuilder.build_and_execute(|| {
		let (_, doctor) = world();
		let id = grant(treat_terms(Grantee::Practitioner(doctor)));
		assert_eq!(
			judge(ReadClaim { record: IMAGING, ..claim(doctor, AuditPolicy::Consent(id)) }),
			Err(PolicyRefusal::ClassNotCovered)
		);
	});
}

// A consent, at the read.

#[test]
fn a_consent_revoked_after_the_read_still_justifies_it_but_not_one_revoked_before() {
	ExtBuilder.build_and_execute(|| {
		let (_, doctor) = world();
		let id = grant(treat_terms(Grantee::Practitioner(doctor)));
		clock(NOW + HOUR);
		assert_ok!(Consent::revoke(Seeds::signed("patient"), id));
		clock(NOW + 2 * HOUR);
		let read = claim(doctor, AuditPolicy::Consent(id));
		assert_ok!(judge(at(NOW + HOUR - 1, read)));
		assert_eq!(judge(at(NOW + HOUR, read)), Err(PolicyRefusal::NotForThisRead));
	});
}

#[test]
fn a_consent_granted_after_the_read_does_not_justify_it() {
	ExtBuilder.build_and_execute(|| {
		let (_, doctor) = world();
		// Served at NOW without consent; a back-dated consent granted an hour later.
		clock(NOW + HOUR);
		let id =
			grant(ConsentTerms { valid_from: 0, ..treat_terms(Grantee::Practitioner(doctor)) });
		let read = claim(doctor, AuditPolicy::Consent(id));
		assert_eq!(judge(read), Err(PolicyRefusal::NotForThisRead));
		assert_ok!(judge(at(NOW + HOUR, read)));
	});
}

#[test]
fn an_attestation_issued_after_the_read_does_not_justify_a_practitioner_consent_read() {
	ExtBuilder.build_and_execute(|| {
		world();
		let locum = Seeds::register("locum", SubjectKind::Practitioner);
		let id = grant(treat_terms(Grantee::Practitioner(locum)));
		clock(NOW + HOUR);
		Seeds::attest("locum", "hospital", PractitionerRole::Physician);
		let read = claim(locum, AuditPolicy::Consent(id));
		assert_eq!(judge(at(NOW + HOUR - 1, read)), Err(PolicyRefusal::NotForThisRead));
		assert_ok!(judge(at(NOW + HOUR, read)));
	});
}

#[test]
fn a_consent_of_another_patient_grantee_or_purpose_does_not_justify_a_read() {
	ExtBuilder.build_and_execute(|| {
		let (_, doctor) = world();
		let nurse = Seeds::practitioner("nurse", "clinic");
		let other = Seeds::register("other", SubjectKind::Patient);
		let others_labs = RecordId([3; 32]);
		anchor(others_labs, other, hospital(), DataClass::Labs, RecordStatus::Active);
		let id = grant(treat_terms(Grantee::Practitioner(doctor)));
		let read = claim(doctor, AuditPolicy::Consent(id));
		assert_eq!(
			judge(ReadClaim { patient: other, record: others_labs, ..read }),
			Err(PolicyRefusal::NotForThisRead)
		);
		assert_eq!(judge(ReadClaim { actor: nurse, ..read }), Err(PolicyRefusal::NotForThisRead));
		assert_eq!(
			judge(claim(doctor, AuditPolicy::Consent(ConsentId(42)))),
			Err(PolicyRefusal::NotFound)
		);
		// A consent for research only does not justify a read for treatment.
		let research = grant(ConsentTerms {
			purposes: PurposeSet::of(&[PurposeOfUse::Research]),
			..treat_terms(Grantee::Practitioner(nurse))
		});
		assert_eq!(
			judge(claim(nurse, AuditPolicy::Consent(research))),
			Err(PolicyRefusal::NotForThisRead)
		);
	});
}

#[test]
fn an_organization_wide_consent_justifies_its_attested_practitioners_reads() {
	ExtBuilder.build_and_execute(|| {
		let (_, doctor) = world();
		let outsider = Seeds::practitioner("outsider", "clinic");
		let id = grant(treat_terms(Grantee::Organization(hospital())));
		assert_ok!(judge(claim(doctor, AuditPolicy::Consent(id))));
		assert_eq!(
			judge(claim(outsider, AuditPolicy::Consent(id))),
			Err(PolicyRefusal::NotForThisRead)
		);
	});
}

#[test]
fn deactivating_right_after_a_read_leaves_it_justified() {
	ExtBuilder.build_and_execute(|| {
		let (_, doctor) = world();
		let id = grant(treat_terms(Grantee::Practitioner(doctor)));
		clock(NOW + MINUTE);
		assert_ok!(Identity::deactivate(Seeds::signed("doctor")));
		assert_ok!(judge(claim(doctor, AuditPolicy::Consent(id))));
	});
}

#[test]
fn no_read_counts_from_the_readers_or_the_patients_deactivation_on() {
	ExtBuilder.build_and_execute(|| {
		let (patient, doctor) = world();
		let id = grant(treat_terms(Grantee::Practitioner(doctor)));
		clock(NOW + MINUTE);
		assert_ok!(Identity::deactivate(Seeds::signed("doctor")));
		let read = claim(doctor, AuditPolicy::Consent(id));
		assert_eq!(judge(at(NOW + MINUTE, read)), Err(PolicyRefusal::NotForThisRead));
		// The patient's own reads stop when the patient leaves.
		let own = ReadClaim { actor: patient, policy: AuditPolicy::OwnData, ..read };
		assert_ok!(judge(at(NOW + MINUTE, own)));
		clock(NOW + 2 * MINUTE);
		assert_ok!(Identity::deactivate(Seeds::signed("patient")));
		assert_ok!(judge(at(NOW + 2 * MINUTE - 1, own)));
		assert_eq!(judge(at(NOW + 2 * MINUTE, own)), Err(PolicyRefusal::PatientDeactivated));
	});
}

// Emergency grants, at the read.

#[test]
fn an_emergency_justifies_reads_for_emergency_treatment_only_while_open() {
	ExtBuilder.build_and_execute(|| {
		let (patient, doctor) = world();
		open_emergency(patient);
		let read = emergency_claim(doctor);
		assert_ok!(judge(read));
		assert_ok!(judge(at(NOW + 4 * HOUR - 1, read)));
		assert_eq!(judge(at(NOW + 4 * HOUR, read)), Err(PolicyRefusal::NotForThisRead));
		assert_eq!(
			judge(ReadClaim { purpose: PurposeOfUse::Treat, ..read }),
			Err(PolicyRefusal::NotForThisRead)
		);
		assert_eq!(
			judge(ReadClaim { policy: AuditPolicy::Emergency(EmergencyId(7)), ..read }),
			Err(PolicyRefusal::NotFound)
		);
	});
}

#[test]
fn an_emergency_read_after_the_grant_ended_early_is_refused() {
	ExtBuilder.build_and_execute(|| {
		let (patient, doctor) = world();
		open_emergency(patient);
		clock(NOW + HOUR);
		assert_ok!(Consent::end_emergency_access(Seeds::signed("patient"), EmergencyId(0)));
		let read = emergency_claim(doctor);
		assert_ok!(judge(at(NOW + HOUR - 1, read)));
		// Within the four hours it was opened for, but after its end.
		assert_eq!(judge(at(NOW + HOUR, read)), Err(PolicyRefusal::NotForThisRead));
		assert_eq!(judge(at(NOW + 2 * HOUR, read)), Err(PolicyRefusal::NotForThisRead));
	});
}

#[test]
fn an_emergency_read_by_a_practitioner_without_a_break_glass_role_then_is_refused() {
	ExtBuilder.build_and_execute(|| {
		let (patient, doctor) = world();
		open_emergency(patient);
		// An hour in, the doctor is a clinic's administrator and no longer the hospital's
		// physician; the grant stays open.
		clock(NOW + HOUR);
		Seeds::organization("clinic");
		Seeds::attest("doctor", "clinic", PractitionerRole::Administrative);
		assert_ok!(Identity::revoke_attestation(Seeds::signed("hospital"), doctor));
		let read = emergency_claim(doctor);
		assert_ok!(judge(at(NOW + HOUR - 1, read)));
		assert_eq!(judge(at(NOW + 2 * HOUR, read)), Err(PolicyRefusal::NotABreakGlassRole));
	});
}

#[test]
fn break_glass_roles_are_judged_as_governance_sets_them_now() {
	ExtBuilder.build_and_execute(|| {
		let (patient, doctor) = world();
		open_emergency(patient);
		clock(NOW + HOUR);
		let emergency_staff = RoleSet::of(&[PractitionerRole::Emergency]);
		assert_ok!(Consent::set_break_glass_roles(RuntimeOrigin::root(), emergency_staff));
		// The limit of the rule: the roles keep no history, so a physician's read before the
		// change is refused too.
		assert_eq!(judge(emergency_claim(doctor)), Err(PolicyRefusal::NotABreakGlassRole));
	});
}

#[test]
fn an_emergency_read_of_a_class_closed_to_emergency_then_is_refused() {
	ExtBuilder.build_and_execute(|| {
		let (patient, doctor) = world();
		let genome = RecordId([6; 32]);
		anchor(genome, patient, hospital(), DataClass::Genomics, RecordStatus::Active);
		open_emergency(patient);
		// Genomic data is closed by default; an hour in, the patient closes imaging instead.
		clock(NOW + HOUR);
		let imaging = DataClassSet::of(&[DataClass::Imaging]);
		assert_ok!(Consent::set_closed_to_emergency(Seeds::signed("patient"), patient, imaging));
		let genome_read = ReadClaim { record: genome, ..emergency_claim(doctor) };
		let imaging_read = ReadClaim { record: IMAGING, ..emergency_claim(doctor) };
		assert_eq!(judge(genome_read), Err(PolicyRefusal::ClosedToEmergency));
		assert_ok!(judge(at(NOW + HOUR, genome_read)));
		// Closed in the block whose `check_access` decided the read: it already saw it closed.
		assert_eq!(judge(at(NOW + HOUR, imaging_read)), Err(PolicyRefusal::ClosedToEmergency));
	});
}

#[test]
fn a_class_closed_to_emergency_only_after_the_read_leaves_it_justified() {
	ExtBuilder.build_and_execute(|| {
		let (patient, doctor) = world();
		open_emergency(patient);
		clock(NOW + HOUR);
		let labs = DataClassSet::of(&[DataClass::Labs]);
		assert_ok!(Consent::set_closed_to_emergency(Seeds::signed("patient"), patient, labs));
		let read = emergency_claim(doctor);
		assert_ok!(judge(at(NOW + HOUR - 1, read)));
		assert_eq!(judge(at(NOW + 2 * HOUR, read)), Err(PolicyRefusal::ClosedToEmergency));
	});
}

#[test]
fn an_emergency_read_older_than_the_kept_closure_history_is_refused() {
	ExtBuilder.build_and_execute(|| {
		let (patient, doctor) = world();
		open_emergency(patient);
		// Nine changes, a minute apart, between genomics and mental health closed: one more than
		// the history keeps. Labs are never closed.
		let sets = [DataClass::MentalHealth, DataClass::Genomics];
		for i in 1..=9u64 {
			clock(NOW + i * MINUTE);
			let closed = DataClassSet::of(&[sets[(i as usize + 1) % 2]]);
			assert_ok!(Consent::set_closed_to_emergency(Seeds::signed("patient"), patient, closed));
		}
		assert_eq!(ClosedToEmergencyHistory::<Test>::get(patient).len(), 8);
		let read = emergency_claim(doctor);
		// Before the oldest change kept, what was closed is no longer known: not vouched for.
		assert_eq!(judge(read), Err(PolicyRefusal::ClosedToEmergency));
		assert_eq!(judge(at(NOW + MINUTE, read)), Err(PolicyRefusal::ClosedToEmergency));
		assert_ok!(judge(at(NOW + 2 * MINUTE, read)));
	});
}

#[test]
fn closure_changes_older_than_the_retention_are_dropped() {
	ExtBuilder.build_and_execute(|| {
		let patient = Seeds::register("patient", SubjectKind::Patient);
		let set = |classes: &[DataClass]| {
			assert_ok!(Consent::set_closed_to_emergency(
				Seeds::signed("patient"),
				patient,
				DataClassSet::of(classes)
			));
		};
		set(&[DataClass::MentalHealth]);
		// Setting the same set again is no change.
		set(&[DataClass::MentalHealth]);
		let genomics_only = DataClassSet::of(&[DataClass::Genomics]);
		assert_eq!(ClosedToEmergencyHistory::<Test>::get(patient).to_vec(), [(NOW, genomics_only)]);
		clock(NOW + DAY + 1);
		set(&[]);
		let mental_health = DataClassSet::of(&[DataClass::MentalHealth]);
		assert_eq!(
			ClosedToEmergencyHistory::<Test>::get(patient).to_vec(),
			[(NOW + DAY + 1, mental_health)]
		);
	});
}

// Own data, at the read.

#[test]
fn own_data_is_justified_for_the_patient_and_for_a_delegate_only_while_they_were_one() {
	ExtBuilder.build_and_execute(|| {
		let (patient, doctor) = world();
		let parent = Seeds::register("parent", SubjectKind::Patient);
		clock(NOW + HOUR);
		assert_ok!(Identity::add_guardian(Seeds::signed("patient"), parent, DELEGATE));
		clock(NOW + 2 * HOUR);
		assert_ok!(Identity::remove_guardian(Seeds::signed("patient"), parent));
		let own = |actor, occurred| judge(at(occurred, claim(actor, AuditPolicy::OwnData)));
		assert_ok!(own(patient, NOW));
		assert_eq!(own(parent, NOW + HOUR - 1), Err(PolicyRefusal::NotForThisRead));
		assert_ok!(own(parent, NOW + HOUR));
		assert_ok!(own(parent, NOW + 2 * HOUR - 1));
		assert_eq!(own(parent, NOW + 2 * HOUR), Err(PolicyRefusal::NotForThisRead));
		assert_eq!(own(doctor, NOW + HOUR), Err(PolicyRefusal::NotForThisRead));
	});
}

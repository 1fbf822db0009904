//! The hardening rules of the security review: who may break the glass and how often, what it
//! never opens, who counts as an accessor, bounded lists, and gateway reads that must be
//! justified by a real policy.

use frame_support::{assert_noop, assert_ok};
use medchain_primitives::{
	audit::{AuditAction, AuditEntity, AuditEventType, AuditOutcome, AuditPolicy, AuditRecord},
	identity::{PractitionerRole, RoleSet},
};
use pallet_audit_log::{Error as AuditError, GatewayEvent};
use sp_core::H256;

use super::*;

const JUSTIFICATION: H256 = H256::repeat_byte(0x5e);

fn etreat(patient: SubjectId, doctor: SubjectId, class: DataClass) -> AccessDecision {
	check(patient, doctor, ConsentAction::Read, class, PurposeOfUse::EmergencyTreat)
}

fn open(seed: &str, patient: SubjectId) -> sp_runtime::DispatchResult {
	Consent::open_emergency_access(Seeds::signed(seed), patient, HOUR, JUSTIFICATION)
}

#[test]
fn only_clinical_roles_chosen_by_governance_break_the_glass() {
	ExtBuilder.build_and_execute(|| {
		let patient = Seeds::register("patient", SubjectKind::Patient);
		Seeds::organization("hospital");
		Seeds::register("clerk", SubjectKind::Practitioner);
		Seeds::attest("clerk", "hospital", PractitionerRole::Administrative);
		assert_noop!(open("clerk", patient), Error::<Test>::RoleMayNotBreakGlass);

		let admin_only = RoleSet::of(&[PractitionerRole::Administrative]);
		assert_noop!(
			Consent::set_break_glass_roles(Seeds::signed("clerk"), admin_only),
			sp_runtime::DispatchError::BadOrigin
		);
		assert_noop!(
			Consent::set_break_glass_roles(RuntimeOrigin::root(), RoleSet::EMPTY),
			Error::<Test>::NoBreakGlassRoles
		);
		assert_ok!(Consent::set_break_glass_roles(RuntimeOrigin::root(), admin_only));
		System::assert_last_event(Event::BreakGlassRolesSet { roles: admin_only }.into());
		assert_ok!(open("clerk", patient));
	});
}

#[test]
fn a_justification_must_be_given() {
	ExtBuilder.build_and_execute(|| {
		let (patient, _) = patient_and_doctor();
		assert_noop!(
			Consent::open_emergency_access(Seeds::signed("doctor"), patient, HOUR, H256::zero()),
			Error::<Test>::EmptyJustification
		);
	});
}

#[test]
fn break_glass_never_opens_the_classes_the_patient_closed() {
	ExtBuilder.build_and_execute(|| {
		let (patient, doctor) = patient_and_doctor();
		assert_ok!(open("doctor", patient));
		let id = EmergencyId(0);
		// By default only genomic data is closed to emergencies.
		assert_eq!(
			etreat(patient, doctor, DataClass::Genomics),
			AccessDecision::Deny(DenyReason::ClassClosedToEmergency)
		);
		assert_eq!(
			etreat(patient, doctor, DataClass::MentalHealth),
			AccessDecision::Permit(PermitBasis::Emergency(id))
		);
		// The patient closes mental health and opens genomics.
		let closed = DataClassSet::of(&[DataClass::MentalHealth]);
		assert_ok!(Consent::set_closed_to_emergency(Seeds::signed("patient"), patient, closed));
		System::assert_last_event(Event::ClosedToEmergencySet { patient, classes: closed }.into());
		assert_eq!(
			etreat(patient, doctor, DataClass::MentalHealth),
			AccessDecision::Deny(DenyReason::ClassClosedToEmergency)
		);
		assert_eq!(
			etreat(patient, doctor, DataClass::Genomics),
			AccessDecision::Permit(PermitBasis::Emergency(id))
		);
		// Only the patient or a delegate sets it, with known codes only.
		assert_noop!(
			Consent::set_closed_to_emergency(Seeds::signed("doctor"), patient, closed),
			Error::<Test>::NotAuthorizedGrantor
		);
		assert_noop!(
			Consent::set_closed_to_emergency(
				Seeds::signed("patient"),
				patient,
				DataClassSet(1 << 20)
			),
			Error::<Test>::UnknownCode
		);
	});
}

#[test]
fn the_glass_closes_when_the_practitioner_loses_the_role_that_broke_it() {
	ExtBuilder.build_and_execute(|| {
		let (patient, doctor) = patient_and_doctor();
		assert_ok!(open("doctor", patient));
		// The physician attestation goes; an administrative one from a clinic remains.
		Seeds::organization("clinic");
		Seeds::attest("doctor", "clinic", PractitionerRole::Administrative);
		assert_ok!(Identity::revoke_attestation(Seeds::signed("hospital"), doctor));
		assert_eq!(
			etreat(patient, doctor, DataClass::Labs),
			AccessDecision::Deny(DenyReason::NoConsent)
		);
	});
}

#[test]
fn ending_an_emergency_is_audited() {
	ExtBuilder.build_and_execute(|| {
		let (patient, _) = patient_and_doctor();
		assert_ok!(open("doctor", patient));
		assert_ok!(Consent::end_emergency_access(Seeds::signed("patient"), EmergencyId(0)));
		let entry = trail(patient).pop().unwrap();
		assert_eq!(entry.record.event_type, AuditEventType::EmergencyEnded);
		assert_eq!(entry.record.actor, patient);
		assert_eq!(entry.record.policy, Some(AuditPolicy::Emergency(EmergencyId(0))));
	});
}

#[test]
fn an_organizations_own_key_and_its_gateways_are_not_accessors() {
	ExtBuilder.build_and_execute(|| {
		let (patient, doctor) = patient_and_doctor();
		let (hospital, gateway) = Seeds::gateway("hospital", "gw");
		let id = grant(treat_terms(Grantee::Organization(hospital)));
		assert_eq!(read_labs(patient, doctor), AccessDecision::Permit(PermitBasis::Consent(id)));
		assert_eq!(
			read_labs(patient, hospital),
			AccessDecision::Deny(DenyReason::NotAnAttestedPractitioner)
		);
		assert_eq!(
			read_labs(patient, gateway),
			AccessDecision::Deny(DenyReason::NotAnAttestedPractitioner)
		);
	});
}

#[test]
fn a_delegate_guardian_reads_as_the_patient() {
	ExtBuilder.build_and_execute(|| {
		let patient = Seeds::register("patient", SubjectKind::Patient);
		let parent = Seeds::register("parent", SubjectKind::Patient);
		let friend = Seeds::register("friend", SubjectKind::Patient);
		assert_ok!(Identity::add_guardian(Seeds::signed("patient"), parent, DELEGATE));
		assert_eq!(read_labs(patient, parent), AccessDecision::Permit(PermitBasis::OwnData));
		assert_eq!(
			read_labs(patient, friend),
			AccessDecision::Deny(DenyReason::NotAnAttestedPractitioner)
		);
	});
}

#[test]
fn an_oversize_record_list_is_a_pallet_error_not_a_decode_failure() {
	ExtBuilder.build_and_execute(|| {
		let (patient, doctor) = patient_and_doctor();
		let max = <Test as Config>::MaxRecordsPerConsent::get();
		let records = |n: u32| (0..n).map(|i| RecordId([i as u8; 32])).collect::<Vec<_>>();
		let terms =
			|n| ConsentTerms { records: records(n), ..treat_terms(Grantee::Practitioner(doctor)) };
		assert_noop!(
			Consent::grant(Seeds::signed("patient"), patient, terms(max + 1)),
			Error::<Test>::TooManyRecords
		);
		assert_ok!(Consent::grant(Seeds::signed("patient"), patient, terms(max)));
	});
}

#[test]
fn listings_clamp_their_page_size() {
	ExtBuilder.build_and_execute(|| {
		let (patient, doctor) = patient_and_doctor();
		grant(treat_terms(Grantee::Practitioner(doctor)));
		assert_eq!(Consent::consents_of_patient(&patient, None, u32::MAX).len(), 1);
		assert_eq!(MAX_LISTING_PAGE, 1000);
	});
}

/// Gateway reads end to end: the audit log makes the claim from the event (the record it names,
/// the gateway's organization as the custodian) and this pallet judges it against real consents.
/// The rule itself, case by case, is in `read_policies.rs`.
mod gateway_reads {
	use super::*;

	#[test]
	fn a_read_goes_on_the_trail_only_if_the_gateways_organization_keeps_the_record() {
		ExtBuilder.build_and_execute(|| {
			let (patient, doctor) = patient_and_doctor();
			let (_, gateway) = Seeds::gateway("hospital", "gw");
			let clinic = Seeds::organization("clinic");
			let (kept, elsewhere) = (RecordId([1; 32]), RecordId([2; 32]));
			anchor(kept, patient, hospital(), DataClass::Labs, RecordStatus::Active);
			anchor(elsewhere, patient, clinic, DataClass::Labs, RecordStatus::Active);
			let id = grant(treat_terms(Grantee::Practitioner(doctor)));
			let read = |record| GatewayEvent {
				patient,
				record: AuditRecord {
					event_type: AuditEventType::RecordRead,
					action: AuditAction::Read,
					outcome: AuditOutcome::Success,
					actor: doctor,
					requestor: true,
					policy: Some(AuditPolicy::Consent(id)),
					deny_reason: None,
					entity: Some(AuditEntity { record, hash: None }),
					purpose: Some(PurposeOfUse::Treat),
					occurred: NOW,
					repeats: None,
				},
			};
			assert_ok!(AuditLog::submit_batch(
				Seeds::signed("gw"),
				0,
				vec![read(kept), read(elsewhere)]
			));
			System::assert_last_event(
				pallet_audit_log::Event::<Test>::BatchAppended {
					gateway,
					first: 0,
					appended: 1,
					duplicates: 0,
					refused: vec![(1, AuditError::<Test>::NotTheCustodian.into())],
				}
				.into(),
			);
			let entry = trail(patient).pop().unwrap();
			assert_eq!(entry.record.entity.map(|e| e.record), Some(kept));
		});
	}
}

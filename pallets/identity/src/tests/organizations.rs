use frame_support::{assert_noop, assert_ok};
use sp_runtime::DispatchError;

use super::*;

#[test]
fn governance_admits_an_organization() {
	ExtBuilder.build_and_execute(|| {
		let org = Seeds::organization("hospital");
		assert_eq!(Identity::active_kind(&org), Some(SubjectKind::Organization));
		assert_eq!(
			last_event(),
			Event::OrganizationAdmitted { organization: org, controller: account("hospital") }
		);
	});
}

#[test]
fn only_governance_admits_organizations() {
	ExtBuilder.build_and_execute(|| {
		assert_noop!(
			Identity::admit_organization(
				Seeds::signed("hospital"),
				account("hospital"),
				KEY_B,
				PROFILE
			),
			DispatchError::BadOrigin
		);
	});
}

#[test]
fn an_organization_cannot_reuse_a_subjects_account() {
	ExtBuilder.build_and_execute(|| {
		Seeds::register("patient", SubjectKind::Patient);
		assert_noop!(
			Identity::admit_organization(RuntimeOrigin::root(), account("patient"), KEY_B, PROFILE),
			Error::<Test>::AccountInUse
		);
	});
}

#[test]
fn organization_attests_a_practitioner() {
	ExtBuilder.build_and_execute(|| {
		let org = Seeds::organization("hospital");
		let doctor = Seeds::register("doctor", SubjectKind::Practitioner);
		assert_ok!(Identity::attest_practitioner(
			Seeds::signed("hospital"),
			doctor,
			PractitionerRole::Nurse,
			LICENSE,
			NOW + DAY,
		));
		assert_eq!(
			last_event(),
			Event::PractitionerAttested {
				practitioner: doctor,
				organization: org,
				role: PractitionerRole::Nurse,
				expires_at: NOW + DAY,
			}
		);
		assert!(Identity::is_practitioner(&doctor, NOW));
		assert!(Identity::is_attested_by(&doctor, &org, NOW));
	});
}

#[test]
fn unauthorized_attestation_is_refused() {
	ExtBuilder.build_and_execute(|| {
		let doctor = Seeds::register("doctor", SubjectKind::Practitioner);
		Seeds::register("patient", SubjectKind::Patient);
		assert_noop!(
			Identity::attest_practitioner(
				Seeds::signed("patient"),
				doctor,
				PractitionerRole::Physician,
				LICENSE,
				NOW + DAY
			),
			Error::<Test>::NotAnOrganization
		);
		assert_noop!(
			Identity::attest_practitioner(
				Seeds::signed("stranger"),
				doctor,
				PractitionerRole::Physician,
				LICENSE,
				NOW + DAY
			),
			Error::<Test>::NotRegistered
		);
	});
}

#[test]
fn only_practitioners_can_be_attested() {
	ExtBuilder.build_and_execute(|| {
		Seeds::organization("hospital");
		let patient = Seeds::register("patient", SubjectKind::Patient);
		assert_noop!(
			Identity::attest_practitioner(
				Seeds::signed("hospital"),
				patient,
				PractitionerRole::Physician,
				LICENSE,
				NOW + DAY
			),
			Error::<Test>::NotAPractitioner
		);
		assert_noop!(
			Identity::attest_practitioner(
				Seeds::signed("hospital"),
				SubjectId([9; 32]),
				PractitionerRole::Physician,
				LICENSE,
				NOW + DAY
			),
			Error::<Test>::SubjectNotFound
		);
	});
}

#[test]
fn attestation_must_expire_in_the_future() {
	ExtBuilder.build_and_execute(|| {
		Seeds::organization("hospital");
		let doctor = Seeds::register("doctor", SubjectKind::Practitioner);
		assert_noop!(
			Identity::attest_practitioner(
				Seeds::signed("hospital"),
				doctor,
				PractitionerRole::Physician,
				LICENSE,
				NOW
			),
			Error::<Test>::ExpiryInPast
		);
	});
}

#[test]
fn an_expired_attestation_no_longer_makes_a_practitioner() {
	ExtBuilder.build_and_execute(|| {
		let (doctor, org) = attested_practitioner("doctor", "hospital");
		let expiry = NOW + 30 * DAY;
		assert!(Identity::is_practitioner(&doctor, expiry - 1));
		assert!(!Identity::is_practitioner(&doctor, expiry));
		assert!(!Identity::is_attested_by(&doctor, &org, expiry));
	});
}

#[test]
fn renewal_replaces_the_attestation_without_counting_twice() {
	ExtBuilder.build_and_execute(|| {
		let (doctor, org) = attested_practitioner("doctor", "hospital");
		assert_ok!(Identity::attest_practitioner(
			Seeds::signed("hospital"),
			doctor,
			PractitionerRole::Emergency,
			LICENSE,
			NOW + 90 * DAY,
		));
		assert_eq!(AttestationCount::<Test>::get(doctor), 1);
		assert_eq!(
			Attestations::<Test>::get(doctor, org).unwrap().role,
			PractitionerRole::Emergency
		);
	});
}

#[test]
fn attestations_per_practitioner_are_bounded() {
	ExtBuilder.build_and_execute(|| {
		let doctor = Seeds::register("doctor", SubjectKind::Practitioner);
		let max: u32 = <Test as Config>::MaxAttestations::get();
		for i in 0..max {
			let org = format!("h{i}");
			Seeds::organization(&org);
			assert_ok!(Identity::attest_practitioner(
				Seeds::signed(&org),
				doctor,
				PractitionerRole::Physician,
				LICENSE,
				NOW + DAY
			));
		}
		Seeds::organization("one-more");
		assert_noop!(
			Identity::attest_practitioner(
				Seeds::signed("one-more"),
				doctor,
				PractitionerRole::Physician,
				LICENSE,
				NOW + DAY
			),
			Error::<Test>::TooManyAttestations
		);
	});
}

#[test]
fn revoked_attestation_ends_practitioner_rights() {
	ExtBuilder.build_and_execute(|| {
		let (doctor, org) = attested_practitioner("doctor", "hospital");
		assert_ok!(Identity::revoke_attestation(Seeds::signed("hospital"), doctor));
		assert_eq!(
			last_event(),
			Event::AttestationRevoked { practitioner: doctor, organization: org }
		);
		assert!(!Identity::is_practitioner(&doctor, NOW));
		assert_eq!(AttestationCount::<Test>::get(doctor), 0);
		assert_noop!(
			Identity::revoke_attestation(Seeds::signed("hospital"), doctor),
			Error::<Test>::NotAttested
		);
	});
}

#[test]
fn another_organization_cannot_revoke_an_attestation() {
	ExtBuilder.build_and_execute(|| {
		let (doctor, _) = attested_practitioner("doctor", "hospital");
		Seeds::organization("clinic");
		assert_noop!(
			Identity::revoke_attestation(Seeds::signed("clinic"), doctor),
			Error::<Test>::NotAttested
		);
	});
}

#[test]
fn removing_an_organization_ends_its_attestations_and_gateways() {
	ExtBuilder.build_and_execute(|| {
		let (doctor, org) = attested_practitioner("doctor", "hospital");
		assert_ok!(Identity::register_gateway(
			Seeds::signed("hospital"),
			account("gw"),
			KEY_A,
			PROFILE
		));
		let gateway = Controllers::<Test>::get(account("gw")).unwrap();
		assert_eq!(Identity::gateway_organization(&gateway), Some(org));

		assert_ok!(Identity::remove_organization(RuntimeOrigin::root(), org));
		assert_eq!(last_event(), Event::OrganizationRemoved { organization: org });
		assert!(!Identity::is_practitioner(&doctor, NOW));
		assert_eq!(Identity::gateway_organization(&gateway), None);
		assert_noop!(
			Identity::attest_practitioner(
				Seeds::signed("hospital"),
				doctor,
				PractitionerRole::Physician,
				LICENSE,
				NOW + DAY
			),
			Error::<Test>::SubjectDeactivated
		);
		assert_noop!(
			Identity::remove_organization(RuntimeOrigin::root(), org),
			Error::<Test>::SubjectDeactivated
		);
	});
}

#[test]
fn remove_organization_refuses_other_kinds() {
	ExtBuilder.build_and_execute(|| {
		let patient = Seeds::register("patient", SubjectKind::Patient);
		assert_noop!(
			Identity::remove_organization(RuntimeOrigin::root(), patient),
			Error::<Test>::NotAnOrganization
		);
	});
}

#[test]
fn organization_registers_and_removes_its_gateway() {
	ExtBuilder.build_and_execute(|| {
		let org = Seeds::organization("hospital");
		assert_ok!(Identity::register_gateway(
			Seeds::signed("hospital"),
			account("gw"),
			KEY_A,
			PROFILE
		));
		let gateway = Controllers::<Test>::get(account("gw")).unwrap();
		assert_eq!(
			last_event(),
			Event::GatewayRegistered { gateway, organization: org, controller: account("gw") }
		);
		assert_eq!(Subjects::<Test>::get(gateway).unwrap().organization, Some(org));

		assert_ok!(Identity::remove_gateway(Seeds::signed("hospital"), gateway));
		assert_eq!(last_event(), Event::GatewayRemoved { gateway, organization: org });
		assert_eq!(Identity::gateway_organization(&gateway), None);
	});
}

#[test]
fn an_organization_cannot_remove_another_organizations_gateway() {
	ExtBuilder.build_and_execute(|| {
		Seeds::organization("hospital");
		Seeds::organization("clinic");
		assert_ok!(Identity::register_gateway(
			Seeds::signed("hospital"),
			account("gw"),
			KEY_A,
			PROFILE
		));
		let gateway = Controllers::<Test>::get(account("gw")).unwrap();
		assert_noop!(
			Identity::remove_gateway(Seeds::signed("clinic"), gateway),
			Error::<Test>::NotOwnGateway
		);
	});
}

#[test]
fn a_gateway_account_must_be_fresh() {
	ExtBuilder.build_and_execute(|| {
		Seeds::organization("hospital");
		Seeds::register("patient", SubjectKind::Patient);
		assert_noop!(
			Identity::register_gateway(
				Seeds::signed("hospital"),
				account("patient"),
				KEY_A,
				PROFILE
			),
			Error::<Test>::AccountInUse
		);
	});
}

use frame_support::{assert_noop, assert_ok};
use sp_runtime::DispatchError;

use super::*;

#[test]
fn governance_admits_an_organization() {
	ExtBuilder::default().build_and_execute(|| {
		let org = admit("hospital");
		assert_eq!(Identity::active_kind(&org), Some(SubjectKind::Organization));
		assert_eq!(
			last_event(),
			Event::OrganizationAdmitted { organization: org, controller: account("hospital") }
		);
	});
}

#[test]
fn only_governance_admits_organizations() {
	ExtBuilder::default().build_and_execute(|| {
		assert_noop!(
			Identity::admit_organization(signed("hospital"), account("hospital"), KEY_B, PROFILE),
			DispatchError::BadOrigin
		);
	});
}

#[test]
fn an_organization_cannot_reuse_a_subjects_account() {
	ExtBuilder::default().build_and_execute(|| {
		register("patient", SubjectKind::Patient);
		assert_noop!(
			Identity::admit_organization(RuntimeOrigin::root(), account("patient"), KEY_B, PROFILE),
			Error::<Test>::AccountInUse
		);
	});
}

#[test]
fn organization_attests_a_practitioner() {
	ExtBuilder::default().build_and_execute(|| {
		let org = admit("hospital");
		let doctor = register("doctor", SubjectKind::Practitioner);
		assert_ok!(Identity::attest_practitioner(
			signed("hospital"),
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
	ExtBuilder::default().build_and_execute(|| {
		let doctor = register("doctor", SubjectKind::Practitioner);
		register("patient", SubjectKind::Patient);
		assert_noop!(
			Identity::attest_practitioner(
				signed("patient"),
				doctor,
				PractitionerRole::Physician,
				LICENSE,
				NOW + DAY
			),
			Error::<Test>::NotAnOrganization
		);
		assert_noop!(
			Identity::attest_practitioner(
				signed("stranger"),
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
	ExtBuilder::default().build_and_execute(|| {
		admit("hospital");
		let patient = register("patient", SubjectKind::Patient);
		assert_noop!(
			Identity::attest_practitioner(
				signed("hospital"),
				patient,
				PractitionerRole::Physician,
				LICENSE,
				NOW + DAY
			),
			Error::<Test>::NotAPractitioner
		);
		assert_noop!(
			Identity::attest_practitioner(
				signed("hospital"),
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
	ExtBuilder::default().build_and_execute(|| {
		admit("hospital");
		let doctor = register("doctor", SubjectKind::Practitioner);
		assert_noop!(
			Identity::attest_practitioner(
				signed("hospital"),
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
	ExtBuilder::default().build_and_execute(|| {
		let (doctor, org) = attested_practitioner("doctor", "hospital");
		let expiry = NOW + 30 * DAY;
		assert!(Identity::is_practitioner(&doctor, expiry - 1));
		assert!(!Identity::is_practitioner(&doctor, expiry));
		assert!(!Identity::is_attested_by(&doctor, &org, expiry));
	});
}

#[test]
fn renewal_replaces_the_attestation_without_counting_twice() {
	ExtBuilder::default().build_and_execute(|| {
		let (doctor, org) = attested_practitioner("doctor", "hospital");
		assert_ok!(Identity::attest_practitioner(
			signed("hospital"),
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
	ExtBuilder::default().build_and_execute(|| {
		let doctor = register("doctor", SubjectKind::Practitioner);
		for org in ["h1", "h2", "h3"] {
			admit(org);
			assert_ok!(Identity::attest_practitioner(
				signed(org),
				doctor,
				PractitionerRole::Physician,
				LICENSE,
				NOW + DAY
			));
		}
		admit("h4");
		assert_noop!(
			Identity::attest_practitioner(
				signed("h4"),
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
	ExtBuilder::default().build_and_execute(|| {
		let (doctor, org) = attested_practitioner("doctor", "hospital");
		assert_ok!(Identity::revoke_attestation(signed("hospital"), doctor));
		assert_eq!(
			last_event(),
			Event::AttestationRevoked { practitioner: doctor, organization: org }
		);
		assert!(!Identity::is_practitioner(&doctor, NOW));
		assert_eq!(AttestationCount::<Test>::get(doctor), 0);
		assert_noop!(
			Identity::revoke_attestation(signed("hospital"), doctor),
			Error::<Test>::NotAttested
		);
	});
}

#[test]
fn another_organization_cannot_revoke_an_attestation() {
	ExtBuilder::default().build_and_execute(|| {
		let (doctor, _) = attested_practitioner("doctor", "hospital");
		admit("clinic");
		assert_noop!(
			Identity::revoke_attestation(signed("clinic"), doctor),
			Error::<Test>::NotAttested
		);
	});
}

#[test]
fn removing_an_organization_ends_its_attestations_and_gateways() {
	ExtBuilder::default().build_and_execute(|| {
		let (doctor, org) = attested_practitioner("doctor", "hospital");
		assert_ok!(Identity::register_gateway(signed("hospital"), account("gw"), KEY_A, PROFILE));
		let gateway = Controllers::<Test>::get(account("gw")).unwrap();
		assert_eq!(Identity::gateway_organization(&gateway), Some(org));

		assert_ok!(Identity::remove_organization(RuntimeOrigin::root(), org));
		assert_eq!(last_event(), Event::OrganizationRemoved { organization: org });
		assert!(!Identity::is_practitioner(&doctor, NOW));
		assert_eq!(Identity::gateway_organization(&gateway), None);
		assert_noop!(
			Identity::attest_practitioner(
				signed("hospital"),
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
	ExtBuilder::default().build_and_execute(|| {
		let patient = register("patient", SubjectKind::Patient);
		assert_noop!(
			Identity::remove_organization(RuntimeOrigin::root(), patient),
			Error::<Test>::NotAnOrganization
		);
	});
}

#[test]
fn organization_registers_and_removes_its_gateway() {
	ExtBuilder::default().build_and_execute(|| {
		let org = admit("hospital");
		assert_ok!(Identity::register_gateway(signed("hospital"), account("gw"), KEY_A, PROFILE));
		let gateway = Controllers::<Test>::get(account("gw")).unwrap();
		assert_eq!(
			last_event(),
			Event::GatewayRegistered { gateway, organization: org, controller: account("gw") }
		);
		assert_eq!(Subjects::<Test>::get(gateway).unwrap().organization, Some(org));

		assert_ok!(Identity::remove_gateway(signed("hospital"), gateway));
		assert_eq!(last_event(), Event::GatewayRemoved { gateway, organization: org });
		assert_eq!(Identity::gateway_organization(&gateway), None);
	});
}

#[test]
fn an_organization_cannot_remove_another_organizations_gateway() {
	ExtBuilder::default().build_and_execute(|| {
		admit("hospital");
		admit("clinic");
		assert_ok!(Identity::register_gateway(signed("hospital"), account("gw"), KEY_A, PROFILE));
		let gateway = Controllers::<Test>::get(account("gw")).unwrap();
		assert_noop!(
			Identity::remove_gateway(signed("clinic"), gateway),
			Error::<Test>::NotOwnGateway
		);
	});
}

#[test]
fn a_gateway_account_must_be_fresh() {
	ExtBuilder::default().build_and_execute(|| {
		admit("hospital");
		register("patient", SubjectKind::Patient);
		assert_noop!(
			Identity::register_gateway(signed("hospital"), account("patient"), KEY_A, PROFILE),
			Error::<Test>::AccountInUse
		);
	});
}

//! Invariants of the identity pallet, checked after every test and by `try-runtime`.

use frame_support::{ensure, traits::Get};
use sp_runtime::TryRuntimeError;

use crate::*;

/// Checks that the lookups, counters and recoveries agree with the subjects they describe.
pub fn do_try_state<T: Config>() -> Result<(), TryRuntimeError> {
	let mut subjects = 0u64;
	for (id, subject) in Subjects::<T>::iter() {
		subjects += 1;
		ensure!(
			Controllers::<T>::get(&subject.controller) == Some(id),
			"a subject's controller must map back to it"
		);
		if subject.kind == SubjectKind::Gateway {
			ensure!(subject.organization.is_some(), "a gateway names its organization");
		}
	}
	ensure!(SubjectCount::<T>::get() >= subjects, "the subject counter never falls behind");

	for (account, id) in Controllers::<T>::iter() {
		let subject = Subjects::<T>::get(id).ok_or("a controller points at a missing subject")?;
		ensure!(subject.controller == account, "a controller entry names the subject's controller");
		ensure!(
			!RetiredAccounts::<T>::contains_key(&account),
			"an account is either a controller or retired, never both"
		);
	}

	for (practitioner, count) in AttestationCount::<T>::iter() {
		let actual = Attestations::<T>::iter_prefix(practitioner).count() as u32;
		ensure!(actual == count, "attestation counter matches the attestations");
		ensure!(count <= T::MaxAttestations::get(), "attestations stay within MaxAttestations");
	}
	for (practitioner, _, _) in Attestations::<T>::iter() {
		ensure!(
			AttestationCount::<T>::get(practitioner) > 0,
			"every attested practitioner is counted"
		);
	}

	for (patient, count) in GuardianCount::<T>::iter() {
		let guardians: alloc::vec::Vec<_> = Guardians::<T>::iter_prefix(patient).collect();
		ensure!(guardians.len() as u32 == count, "guardian counter matches the guardians");
		ensure!(count <= T::MaxGuardians::get(), "guardians stay within MaxGuardians");
		let recovery = guardians.iter().filter(|(_, r)| r.recovery).count() as u32;
		ensure!(
			RecoveryGuardianCount::<T>::get(patient) == recovery,
			"recovery guardian counter matches"
		);
	}

	for (patient, config) in RecoveryConfigs::<T>::iter() {
		ensure!(config.threshold > 0, "a recovery threshold is at least one");
		ensure!(
			config.threshold <= RecoveryGuardianCount::<T>::get(patient),
			"a recovery threshold stays reachable"
		);
	}

	for (patient, recovery) in Recoveries::<T>::iter() {
		let subject = Subjects::<T>::get(patient).ok_or("a recovery names a missing patient")?;
		ensure!(subject.is_active(), "only active patients are being recovered");
		ensure!(RecoveryConfigs::<T>::contains_key(patient), "a recovery has a configuration");
		let mut approvals = recovery.approvals.to_vec();
		approvals.sort();
		approvals.dedup();
		ensure!(approvals.len() == recovery.approvals.len(), "each guardian approves once");
		ensure!(
			PendingControllers::<T>::get(&recovery.new_controller) == Some(patient),
			"a recovery reserves the account it proposes"
		);
	}
	for (account, patient) in PendingControllers::<T>::iter() {
		ensure!(
			Recoveries::<T>::get(patient).is_some_and(|r| r.new_controller == account),
			"an account is reserved only by the recovery that proposes it"
		);
		ensure!(!Controllers::<T>::contains_key(&account), "a reserved account controls nothing");
	}

	for (organization, count) in GatewayCount::<T>::iter() {
		let gateways = OrganizationGateways::<T>::iter_prefix(organization).count() as u32;
		ensure!(gateways == count, "gateway counter matches the gateway index");
		ensure!(count <= T::MaxGatewaysPerOrganization::get(), "gateways stay within the bound");
	}
	for (organization, gateway, ()) in OrganizationGateways::<T>::iter() {
		let record = Subjects::<T>::get(gateway).ok_or("the index names a missing gateway")?;
		ensure!(record.is_active(), "only active gateways are indexed");
		ensure!(record.organization == Some(organization), "a gateway is indexed under its own");
		ensure!(
			Subjects::<T>::get(organization).is_some_and(|o| o.is_active()),
			"a removed organization has no active gateways"
		);
	}
	for (id, subject) in Subjects::<T>::iter() {
		if subject.kind == SubjectKind::Gateway && subject.is_active() {
			let organization = subject.organization.ok_or("a gateway names its organization")?;
			ensure!(
				OrganizationGateways::<T>::contains_key(organization, id),
				"every active gateway is indexed"
			);
		}
	}
	Ok(())
}

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
	check_history::<T>()
}

/// Checks that the history kept for judging past reads agrees with the present: removal times
/// exactly for tombstones, ended attestations that make sense, and an open delegate period for
/// exactly the guardians who hold the delegate right.
fn check_history<T: Config>() -> Result<(), TryRuntimeError> {
	for (id, subject) in Subjects::<T>::iter() {
		ensure!(
			subject.is_active() != DeactivatedAt::<T>::contains_key(id),
			"a removal time is kept exactly for each tombstone"
		);
	}
	for (id, _) in DeactivatedAt::<T>::iter() {
		ensure!(Subjects::<T>::contains_key(id), "a removal time names a known subject");
	}

	for (practitioner, organization, period) in EndedAttestations::<T>::iter() {
		ensure!(period.issued <= period.ended, "an ended attestation was issued before it ended");
		ensure!(
			Subjects::<T>::get(practitioner).is_some_and(|s| s.kind == SubjectKind::Practitioner),
			"an ended attestation names a practitioner"
		);
		ensure!(
			Subjects::<T>::get(organization).is_some_and(|s| s.kind == SubjectKind::Organization),
			"an ended attestation names an organization"
		);
	}

	for (patient, guardian, period) in DelegatePeriods::<T>::iter() {
		let holds_right = Guardians::<T>::get(patient, guardian).is_some_and(|r| r.delegate);
		ensure!(
			period.until.is_none() == holds_right,
			"a delegate period is open exactly while the guardian holds the delegate right"
		);
		ensure!(
			period.until.is_none_or(|until| period.since <= until),
			"a delegate period closes after it opens"
		);
	}
	for (patient, guardian, rights) in Guardians::<T>::iter() {
		if rights.delegate {
			ensure!(
				DelegatePeriods::<T>::get(patient, guardian).is_some_and(|p| p.until.is_none()),
				"every delegate guardian has an open delegate period"
			);
		}
	}
	for (patient, count) in DelegatePeriodCount::<T>::iter() {
		let actual = DelegatePeriods::<T>::iter_prefix(patient).count() as u32;
		ensure!(actual == count, "delegate period counter matches the periods");
		ensure!(
			count <= Pallet::<T>::max_delegate_periods(),
			"delegate periods stay within twice MaxGuardians"
		);
	}
	for (patient, _, _) in DelegatePeriods::<T>::iter() {
		ensure!(
			DelegatePeriodCount::<T>::get(patient) > 0,
			"every patient with delegate periods is counted"
		);
	}
	Ok(())
}

//! Benchmarks of every identity call, each in its worst case.

use alloc::{vec, vec::Vec};
use frame_benchmarking::v2::*;
use frame_support::traits::{EnsureOrigin, Get, Time};
use frame_support::BoundedVec;
use frame_system::RawOrigin;
use medchain_primitives::traits::SubjectRegistry;
use sp_core::H256;
use sp_runtime::traits::IdentifyAccount;

use crate::*;

const SEED: u32 = 0;
const KEY: KeyAgreementKey = [7; 32];
const DAY: Moment = 86_400_000;

fn subject<T: Config>(
	name: &'static str,
	index: u32,
	kind: SubjectKind,
) -> (T::AccountId, SubjectId) {
	let who: T::AccountId = account(name, index, SEED);
	let id = Pallet::<T>::create_subject(kind, who.clone(), KEY, H256::zero(), None)
		.expect("benchmarks register few subjects");
	(who, id)
}

fn attest<T: Config>(practitioner: SubjectId, organization: SubjectId) {
	attest_until::<T>(practitioner, organization, T::Time::now() + DAY);
}

fn attest_until<T: Config>(practitioner: SubjectId, organization: SubjectId, expires_at: Moment) {
	Attestations::<T>::insert(
		practitioner,
		organization,
		Attestation {
			role: PractitionerRole::Physician,
			license_hash: H256::zero(),
			expires_at,
			// Issued before it expires, as `attest_practitioner` requires.
			issued: T::Time::now().min(expires_at),
			issued_at: frame_system::Pallet::<T>::block_number(),
		},
	);
	AttestationCount::<T>::mutate(practitioner, |n| *n += 1);
}

/// `count` ended attestations of `practitioner` by other organizations, ended at time 0: dropped
/// by the next attestation or revocation wherever the clock is past `HistoryRetention`, and read
/// in any case.
fn ended_attestations<T: Config>(practitioner: SubjectId, count: u32) {
	for i in 0..count {
		let (_, organization) = subject::<T>("former-organization", i, SubjectKind::Organization);
		EndedAttestations::<T>::insert(
			practitioner,
			organization,
			AttestationPeriod { role: PractitionerRole::Nurse, issued: 0, ended: 0 },
		);
	}
}

/// Fills `patient`'s delegate periods up to their bound with closed periods of former guardians,
/// closed now: the next guardian given the delegate right makes one of them give way.
fn closed_delegate_periods<T: Config>(patient: SubjectId) {
	let now = T::Time::now();
	let mut i = 0;
	while DelegatePeriodCount::<T>::get(patient) < Pallet::<T>::max_delegate_periods() {
		let (_, former) = subject::<T>("former-guardian", i, SubjectKind::Patient);
		DelegatePeriods::<T>::insert(
			patient,
			former,
			DelegatePeriod { since: now, until: Some(now) },
		);
		DelegatePeriodCount::<T>::mutate(patient, |n| *n += 1);
		i += 1;
	}
}

/// A recovery of `patient` under way to the benchmark's new controller, as `initiate_recovery`
/// leaves it (the account reserved), started at block `at`.
fn recovery_under_way<T: Config>(
	patient: SubjectId,
	approvals: Vec<SubjectId>,
	at: frame_system::pallet_prelude::BlockNumberFor<T>,
) -> T::AccountId {
	let new_controller: T::AccountId = account("new-controller", 0, SEED);
	PendingControllers::<T>::insert(&new_controller, patient);
	Recoveries::<T>::insert(
		patient,
		ActiveRecovery {
			new_controller: new_controller.clone(),
			initiated_at: at,
			approvals: BoundedVec::truncate_from(approvals),
		},
	);
	new_controller
}

/// A subject's controller account and identifier.
type Member<T> = (<T as frame_system::Config>::AccountId, SubjectId);

/// A patient with `count` recovery guardians and a recovery threshold of `threshold`.
fn patient_with_guardians<T: Config>(
	count: u32,
	threshold: u32,
) -> (T::AccountId, SubjectId, Vec<Member<T>>) {
	let (who, patient) = subject::<T>("patient", 0, SubjectKind::Patient);
	let now = T::Time::now();
	let guardians: Vec<_> = (0..count)
		.map(|i| {
			let (g, id) = subject::<T>("guardian", i, SubjectKind::Patient);
			Guardians::<T>::insert(patient, id, GuardianRights { delegate: true, recovery: true });
			DelegatePeriods::<T>::insert(patient, id, DelegatePeriod { since: now, until: None });
			(g, id)
		})
		.collect();
	DelegatePeriodCount::<T>::insert(patient, count);
	GuardianCount::<T>::insert(patient, count);
	RecoveryGuardianCount::<T>::insert(patient, count);
	if threshold > 0 {
		RecoveryConfigs::<T>::insert(
			patient,
			RecoveryConfig { threshold, delay: T::MinRecoveryDelay::get() },
		);
	}
	(who, patient, guardians)
}

#[benchmarks]
mod benchmarks {
	use super::*;

	#[benchmark]
	fn register() {
		let who: T::AccountId = whitelisted_caller();
		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()), SubjectKind::Patient, KEY, H256::zero());
		assert!(Controllers::<T>::contains_key(&who));
	}

	#[benchmark]
	fn admit_organization() -> Result<(), BenchmarkError> {
		let origin =
			T::GovernanceOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		let controller: T::AccountId = account("organization", 0, SEED);
		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, controller.clone(), KEY, H256::zero());
		assert!(Controllers::<T>::contains_key(&controller));
		Ok(())
	}

	#[benchmark]
	fn remove_organization() -> Result<(), BenchmarkError> {
		let origin =
			T::GovernanceOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		let (_, org) = subject::<T>("organization", 0, SubjectKind::Organization);
		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, org);
		assert!(!Subjects::<T>::get(org).unwrap().is_active());
		assert!(DeactivatedAt::<T>::contains_key(org));
		Ok(())
	}

	#[benchmark]
	fn attest_practitioner() {
		// Worst case: every slot is held by an expired attestation, all pruned by this call.
		let (org_account, org) = subject::<T>("organization", 0, SubjectKind::Organization);
		let (_, practitioner) = subject::<T>("practitioner", 0, SubjectKind::Practitioner);
		for i in 1..=T::MaxAttestations::get() {
			let (_, other) = subject::<T>("organization", i, SubjectKind::Organization);
			attest_until::<T>(practitioner, other, 0);
		}
		#[extrinsic_call]
		_(
			RawOrigin::Signed(org_account),
			practitioner,
			PractitionerRole::Physician,
			H256::zero(),
			T::Time::now() + DAY,
		);
		assert!(Attestations::<T>::contains_key(practitioner, org));
	}

	#[benchmark]
	fn revoke_attestation() {
		// The practitioner's ended attestations are walked (and dropped once old enough): as
		// many as live slots, a busy practitioner's history.
		let (org_account, org) = subject::<T>("organization", 0, SubjectKind::Organization);
		let (_, practitioner) = subject::<T>("practitioner", 0, SubjectKind::Practitioner);
		attest::<T>(practitioner, org);
		ended_attestations::<T>(practitioner, T::MaxAttestations::get());
		#[extrinsic_call]
		_(RawOrigin::Signed(org_account), practitioner);
		assert!(!Attestations::<T>::contains_key(practitioner, org));
		assert!(EndedAttestations::<T>::contains_key(practitioner, org));
	}

	#[benchmark]
	fn register_gateway() {
		let (org_account, _) = subject::<T>("organization", 0, SubjectKind::Organization);
		let gateway: T::AccountId = account("gateway", 0, SEED);
		#[extrinsic_call]
		_(RawOrigin::Signed(org_account), gateway.clone(), KEY, H256::zero());
		assert!(Controllers::<T>::contains_key(&gateway));
	}

	#[benchmark]
	fn remove_gateway() {
		let (org_account, org) = subject::<T>("organization", 0, SubjectKind::Organization);
		let gateway_account: T::AccountId = account("gateway", 0, SEED);
		let gateway = <Pallet<T> as SubjectRegistry<T::AccountId>>::benchmark_subject(
			SubjectKind::Gateway,
			gateway_account,
			Some(org),
		);
		#[extrinsic_call]
		_(RawOrigin::Signed(org_account), gateway);
		assert!(!Subjects::<T>::get(gateway).unwrap().is_active());
	}

	#[benchmark]
	fn rotate_controller() {
		let (who, id) = subject::<T>("patient", 0, SubjectKind::Patient);
		let public = T::BenchmarkHelper::new_key();
		let new_controller = public.clone().into_account();
		let payload = Pallet::<T>::rotation_payload(&id, &new_controller).unwrap().payload;
		let proof = T::BenchmarkHelper::sign(&public, &payload);
		#[extrinsic_call]
		_(RawOrigin::Signed(who), new_controller.clone(), proof);
		assert_eq!(Controllers::<T>::get(&new_controller), Some(id));
	}

	#[benchmark]
	fn rotate_key_agreement() {
		let (who, id) = subject::<T>("patient", 0, SubjectKind::Patient);
		#[extrinsic_call]
		_(RawOrigin::Signed(who), [9; 32]);
		assert_eq!(Subjects::<T>::get(id).unwrap().key_agreement, [9; 32]);
	}

	#[benchmark]
	fn add_guardian() {
		// Worst case: the patient's delegate periods are at their bound, none old enough to
		// drop, so the one that closed first gives way to the new guardian's.
		let max = T::MaxGuardians::get();
		let (who, patient, _) = patient_with_guardians::<T>(max - 1, max - 1);
		closed_delegate_periods::<T>(patient);
		let (_, guardian) = subject::<T>("new-guardian", 0, SubjectKind::Patient);
		let rights = GuardianRights { delegate: true, recovery: true };
		#[extrinsic_call]
		_(RawOrigin::Signed(who), guardian, rights);
		assert_eq!(Guardians::<T>::get(patient, guardian), Some(rights));
		assert!(DelegatePeriods::<T>::get(patient, guardian).is_some_and(|p| p.until.is_none()));
		assert_eq!(DelegatePeriodCount::<T>::get(patient), Pallet::<T>::max_delegate_periods());
	}

	#[benchmark]
	fn remove_guardian() {
		// The patient's delegate periods, at their bound, are walked for old ones to drop.
		let max = T::MaxGuardians::get();
		let (who, patient, guardians) = patient_with_guardians::<T>(max, max - 1);
		closed_delegate_periods::<T>(patient);
		let guardian = guardians[0].1;
		#[extrinsic_call]
		_(RawOrigin::Signed(who), guardian);
		assert!(Guardians::<T>::get(patient, guardian).is_none());
		assert!(DelegatePeriods::<T>::get(patient, guardian).is_some_and(|p| p.until.is_some()));
	}

	#[benchmark]
	fn set_recovery() {
		let max = T::MaxGuardians::get();
		let (who, patient, _) = patient_with_guardians::<T>(max, 0);
		#[extrinsic_call]
		_(RawOrigin::Signed(who), max, T::MinRecoveryDelay::get());
		assert!(RecoveryConfigs::<T>::contains_key(patient));
	}

	#[benchmark]
	fn initiate_recovery() {
		// Worst case: a lapsed recovery is replaced (its reservation released).
		let (_, patient, guardians) = patient_with_guardians::<T>(1, 1);
		recovery_under_way::<T>(patient, Vec::new(), frame_system::Pallet::<T>::block_number());
		frame_system::Pallet::<T>::set_block_number(
			frame_system::Pallet::<T>::block_number() + T::RecoveryExpiry::get(),
		);
		let public = T::BenchmarkHelper::new_key();
		let new_controller = public.clone().into_account();
		let payload = Pallet::<T>::rotation_payload(&patient, &new_controller).unwrap().payload;
		let proof = T::BenchmarkHelper::sign(&public, &payload);
		#[extrinsic_call]
		_(RawOrigin::Signed(guardians[0].0.clone()), patient, new_controller.clone(), proof);
		assert_eq!(PendingControllers::<T>::get(&new_controller), Some(patient));
	}

	#[benchmark]
	fn approve_recovery() {
		let max = T::MaxGuardians::get();
		let (_, patient, guardians) = patient_with_guardians::<T>(max, max);
		let approvals =
			guardians[..(max - 1) as usize].iter().map(|(_, id)| *id).collect::<Vec<_>>();
		let new_controller =
			recovery_under_way::<T>(patient, approvals, frame_system::Pallet::<T>::block_number());
		let last = guardians[(max - 1) as usize].0.clone();
		#[extrinsic_call]
		_(RawOrigin::Signed(last), patient, new_controller);
		assert_eq!(Recoveries::<T>::get(patient).unwrap().approvals.len() as u32, max);
	}

	#[benchmark]
	fn complete_recovery(g: Linear<1, { T::MaxGuardians::get() }>) {
		let (_, patient, guardians) = patient_with_guardians::<T>(g, g);
		let approvals = guardians.iter().map(|(_, id)| *id).collect::<Vec<_>>();
		let new_controller =
			recovery_under_way::<T>(patient, approvals, frame_system::Pallet::<T>::block_number());
		frame_system::Pallet::<T>::set_block_number(
			frame_system::Pallet::<T>::block_number() + T::MinRecoveryDelay::get(),
		);
		let caller: T::AccountId = whitelisted_caller();
		#[extrinsic_call]
		_(RawOrigin::Signed(caller), patient);
		assert_eq!(Controllers::<T>::get(&new_controller), Some(patient));
	}

	#[benchmark]
	fn cancel_recovery() {
		let (who, patient, guardians) = patient_with_guardians::<T>(1, 1);
		recovery_under_way::<T>(
			patient,
			vec![guardians[0].1],
			frame_system::Pallet::<T>::block_number(),
		);
		#[extrinsic_call]
		_(RawOrigin::Signed(who));
		assert!(!Recoveries::<T>::contains_key(patient));
	}

	#[benchmark]
	fn deactivate() {
		let (who, patient, _) = patient_with_guardians::<T>(1, 1);
		recovery_under_way::<T>(patient, Vec::new(), frame_system::Pallet::<T>::block_number());
		#[extrinsic_call]
		_(RawOrigin::Signed(who));
		assert!(!Subjects::<T>::get(patient).unwrap().is_active());
		assert!(DeactivatedAt::<T>::contains_key(patient));
	}

	impl_benchmark_test_suite!(
		Pallet,
		crate::mock::runtime::ExtBuilder.build(),
		crate::mock::runtime::Test
	);
}

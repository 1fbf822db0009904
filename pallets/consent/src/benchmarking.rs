//! Benchmarks of every consent call, each in its worst case.

use alloc::vec::Vec;
use frame_benchmarking::v2::*;
use frame_support::{traits::Get, BoundedVec};
use frame_system::RawOrigin;
use medchain_primitives::identity::{RoleSet, SubjectKind};

use crate::*;

fn terms<T: Config>(grantee: SubjectId, records: u32) -> GrantTerms {
	let records: Vec<RecordId> = (0..records)
		.map(|i| {
			let mut id = [0u8; 32];
			id[..4].copy_from_slice(&i.to_le_bytes());
			RecordId(id)
		})
		.collect();
	ConsentTerms {
		grantee: Grantee::Practitioner(grantee),
		actions: ActionSet::of(&ConsentAction::ALL),
		classes: DataClassSet::of(&[DataClass::Labs]),
		records,
		excluded: DataClassSet::of(&[DataClass::MentalHealth]),
		purposes: PurposeSet::of(&[PurposeOfUse::Treat]),
		valid_from: T::Time::now(),
		valid_until: Some(T::Time::now().saturating_add(86_400_000)),
	}
}

/// A patient, a practitioner attested by `MaxAttestations` organizations (so every lookup of
/// their attestations reads the most it can), and `existing` active consents between them.
fn setup<T: Config>(existing: u32) -> (T::AccountId, SubjectId, T::AccountId, SubjectId) {
	let patient_account: T::AccountId = account("patient", 0, 0);
	let patient =
		T::Identity::benchmark_subject(SubjectKind::Patient, patient_account.clone(), None);
	let practitioner_account: T::AccountId = account("practitioner", 0, 0);
	let practitioner = T::Identity::benchmark_subject(
		SubjectKind::Practitioner,
		practitioner_account.clone(),
		None,
	);
	for i in 0..T::Identity::benchmark_max_attestations() {
		let organization = T::Identity::benchmark_subject(
			SubjectKind::Organization,
			account("organization", i, 0),
			None,
		);
		T::Identity::benchmark_attest(&practitioner, &organization);
	}
	for _ in 0..existing {
		Pallet::<T>::grant(
			RawOrigin::Signed(patient_account.clone()).into(),
			patient,
			terms::<T>(practitioner, 0),
		)
		.expect("setup grants are valid");
	}
	(patient_account, patient, practitioner_account, practitioner)
}

fn justification() -> sp_core::H256 {
	sp_core::H256::repeat_byte(0x4a)
}

#[benchmarks]
mod benchmarks {
	use super::*;

	#[benchmark]
	fn grant(r: Linear<0, { T::MaxRecordsPerConsent::get() }>) {
		let (who, patient, _, practitioner) =
			setup::<T>(T::MaxConsentsPerPair::get().saturating_sub(1));
		#[extrinsic_call]
		_(RawOrigin::Signed(who), patient, terms::<T>(practitioner, r));
		assert_eq!(
			ActiveConsentCount::<T>::get((patient, practitioner)),
			T::MaxConsentsPerPair::get()
		);
	}

	#[benchmark]
	fn revoke() {
		let (who, patient, _, practitioner) = setup::<T>(T::MaxConsentsPerPair::get());
		let id = ConsentId(NextConsentId::<T>::get().saturating_sub(1));
		#[extrinsic_call]
		_(RawOrigin::Signed(who), id);
		assert!(!ActiveConsents::<T>::contains_key((patient, practitioner), id));
	}

	#[benchmark]
	fn open_emergency_access() {
		let (_, patient, who, practitioner) = setup::<T>(0);
		#[extrinsic_call]
		_(RawOrigin::Signed(who), patient, 3_600_000, justification());
		assert!(LatestEmergency::<T>::contains_key((patient, practitioner)));
	}

	#[benchmark]
	fn end_emergency_access() {
		// The longest path: a delegate guardian (neither the patient nor the practitioner) ends it.
		let (_, patient, who, _) = setup::<T>(0);
		Pallet::<T>::open_emergency_access(
			RawOrigin::Signed(who).into(),
			patient,
			3_600_000,
			justification(),
		)
		.expect("setup opens an emergency");
		let guardian_account: T::AccountId = account("guardian", 0, 0);
		let guardian =
			T::Identity::benchmark_subject(SubjectKind::Patient, guardian_account.clone(), None);
		T::Identity::benchmark_delegate(&patient, &guardian);
		#[extrinsic_call]
		_(RawOrigin::Signed(guardian_account), EmergencyId(0));
		assert_eq!(
			Emergencies::<T>::get(EmergencyId(0)).map(|e| e.expires_at),
			Some(T::Time::now())
		);
	}

	#[benchmark]
	fn set_max_emergency_duration() -> Result<(), BenchmarkError> {
		let origin =
			T::GovernanceOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, 7_200_000);
		assert_eq!(MaxEmergencyDuration::<T>::get(), 7_200_000);
		Ok(())
	}

	#[benchmark]
	fn set_break_glass_roles() -> Result<(), BenchmarkError> {
		let origin =
			T::GovernanceOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		let roles = RoleSet::of(&[PractitionerRole::Emergency]);
		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, roles);
		assert_eq!(BreakGlassRoles::<T>::get(), roles);
		Ok(())
	}

	#[benchmark]
	fn set_closed_to_emergency() {
		// A delegate guardian sets it: the longest path through the grantor check.
		let (_, patient, _, _) = setup::<T>(0);
		let guardian_account: T::AccountId = account("guardian", 0, 0);
		let guardian =
			T::Identity::benchmark_subject(SubjectKind::Patient, guardian_account.clone(), None);
		T::Identity::benchmark_delegate(&patient, &guardian);
		// A full history of recent changes: the call keeps them all but the oldest.
		let now = T::Time::now();
		let full = (0..MAX_CLOSURE_CHANGES).map(|_| (now, DataClassSet::EMPTY)).collect::<Vec<_>>();
		ClosedToEmergencyHistory::<T>::mutate(patient, |history| {
			*history = BoundedVec::truncate_from(full)
		});
		let classes = DataClassSet::of(&[DataClass::MentalHealth, DataClass::Genomics]);
		#[extrinsic_call]
		_(RawOrigin::Signed(guardian_account), patient, classes);
		assert_eq!(ClosedToEmergency::<T>::get(patient), classes);
		let history = ClosedToEmergencyHistory::<T>::get(patient);
		assert_eq!(history.len() as u32, MAX_CLOSURE_CHANGES);
		assert_eq!(history.last(), Some(&(now, DataClassSet::of(&[DataClass::Genomics]))));
	}

	impl_benchmark_test_suite!(Pallet, crate::mock::ExtBuilder.build(), crate::mock::Test);
}

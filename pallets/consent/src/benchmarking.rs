//! Benchmarks of every consent call, each in its worst case.

use alloc::vec::Vec;
use frame_benchmarking::v2::*;
use frame_support::{traits::Get, BoundedVec};
use frame_system::RawOrigin;

use crate::*;

fn terms<T: Config>(grantee: SubjectId, records: u32) -> ConsentTermsOf<T> {
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
		records: BoundedVec::truncate_from(records),
		excluded: DataClassSet::of(&[DataClass::MentalHealth]),
		purposes: PurposeSet::of(&[PurposeOfUse::Treat]),
		valid_from: T::Time::now(),
		valid_until: Some(T::Time::now() + 86_400_000),
	}
}

/// A patient, an attested practitioner and `existing` active consents between them.
fn setup<T: Config>(existing: u32) -> (T::AccountId, SubjectId, T::AccountId, SubjectId) {
	let patient_account: T::AccountId = account("patient", 0, 0);
	let patient = T::BenchmarkHelper::patient(&patient_account);
	let practitioner_account: T::AccountId = account("practitioner", 0, 0);
	let (practitioner, _) = T::BenchmarkHelper::attested_practitioner(&practitioner_account);
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

#[benchmarks]
mod benchmarks {
	use super::*;

	#[benchmark]
	fn grant(r: Linear<0, { T::MaxRecordsPerConsent::get() }>) {
		let (who, patient, _, practitioner) = setup::<T>(T::MaxConsentsPerPair::get() - 1);
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
		let id = ConsentId(NextConsentId::<T>::get() - 1);
		#[extrinsic_call]
		_(RawOrigin::Signed(who), id);
		assert!(!ActiveConsents::<T>::contains_key((patient, practitioner), id));
	}

	#[benchmark]
	fn open_emergency_access() {
		let (_, patient, who, practitioner) = setup::<T>(0);
		#[extrinsic_call]
		_(RawOrigin::Signed(who), patient, 3_600_000, sp_core::H256::zero());
		assert!(LatestEmergency::<T>::contains_key((patient, practitioner)));
	}

	#[benchmark]
	fn end_emergency_access() {
		let (patient_account, patient, who, _) = setup::<T>(0);
		Pallet::<T>::open_emergency_access(
			RawOrigin::Signed(who).into(),
			patient,
			3_600_000,
			sp_core::H256::zero(),
		)
		.expect("setup opens an emergency");
		#[extrinsic_call]
		_(RawOrigin::Signed(patient_account), EmergencyId(0));
		assert_eq!(Emergencies::<T>::get(EmergencyId(0)).unwrap().expires_at, T::Time::now());
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

	impl_benchmark_test_suite!(
		Pallet,
		crate::mock::ExtBuilder::default().build(),
		crate::mock::Test
	);
}

//! Benchmarks of the three calls, each in its worst case: a practitioner author (the rule walks
//! their attestations and consents; the custodian is looked up), and an erasure of a whole chain.

use alloc::vec::Vec;
use frame_benchmarking::v2::*;
use frame_support::traits::Get;
use frame_system::RawOrigin;

use crate::*;

/// An active patient and its controller.
fn patient<T: Config>() -> (T::AccountId, SubjectId) {
	let controller: T::AccountId = account("bench-patient", 0, 0);
	let subject = T::Identity::benchmark_subject(SubjectKind::Patient, controller.clone(), None);
	(controller, subject)
}

/// A practitioner attested by as many organizations as one may be, whose consent (from
/// `patient`) to create records the rule finds among as many non-matching consents as it may
/// have to look at; and the first organization, the custodian.
fn practitioner<T: Config>(patient: &SubjectId) -> (T::AccountId, SubjectId, SubjectId) {
	let controller: T::AccountId = account("bench-practitioner", 0, 0);
	let subject =
		T::Identity::benchmark_subject(SubjectKind::Practitioner, controller.clone(), None);
	let organizations: Vec<SubjectId> = (0..T::Identity::benchmark_max_attestations().max(1))
		.map(|i| {
			let organization = T::Identity::benchmark_subject(
				SubjectKind::Organization,
				account("bench-organization", i, 0),
				None,
			);
			T::Identity::benchmark_attest(&subject, &organization);
			organization
		})
		.collect();
	T::Access::benchmark_allow_create(patient, &subject);
	(controller, subject, organizations[0])
}

fn hash(i: u32) -> H256 {
	H256::repeat_byte((i % 250) as u8 + 1)
}

#[benchmarks]
mod benchmarks {
	use super::*;

	#[benchmark]
	fn anchor() {
		let (_, patient) = patient::<T>();
		let (author, _, custodian) = practitioner::<T>(&patient);
		#[extrinsic_call]
		_(
			RawOrigin::Signed(author),
			patient,
			DataClass::Labs,
			hash(0),
			1024,
			Some(custodian),
			PurposeOfUse::Treat,
		);
		assert_eq!(PatientRecordCount::<T>::get(patient), 1);
	}

	#[benchmark]
	fn amend() {
		let (_, patient) = patient::<T>();
		let (author, _, custodian) = practitioner::<T>(&patient);
		Pallet::<T>::anchor(
			RawOrigin::Signed(author.clone()).into(),
			patient,
			DataClass::Labs,
			hash(0),
			1024,
			Some(custodian),
			PurposeOfUse::Treat,
		)
		.expect("the practitioner may create labs");
		let first = PatientAnchors::<T>::get(patient, 0).expect("anchored");
		#[extrinsic_call]
		_(RawOrigin::Signed(author), first, hash(1), 2048, None, PurposeOfUse::Treat);
		assert_eq!(Anchors::<T>::get(first).map(|a| a.status), Some(RecordStatus::Superseded));
	}

	#[benchmark]
	fn erase(v: Linear<1, { T::MaxVersions::get() }>) {
		let (controller, patient) = patient::<T>();
		let custodian = T::Identity::benchmark_subject(
			SubjectKind::Organization,
			account("bench-custodian", 0, 0),
			None,
		);
		let origin = || RawOrigin::Signed(controller.clone());
		Pallet::<T>::anchor(
			origin().into(),
			patient,
			DataClass::Labs,
			hash(0),
			1024,
			Some(custodian),
			PurposeOfUse::Treat,
		)
		.expect("a patient anchors their own records");
		for i in 1..v {
			let latest = PatientAnchors::<T>::get(patient, i - 1).expect("anchored");
			Pallet::<T>::amend(origin().into(), latest, hash(i), 1024, None, PurposeOfUse::Treat)
				.expect("a patient amends their own records");
		}
		let latest = PatientAnchors::<T>::get(patient, v - 1).expect("anchored");
		#[extrinsic_call]
		_(origin(), latest);
		let first = PatientAnchors::<T>::get(patient, 0).expect("anchored");
		assert_eq!(Anchors::<T>::get(first).map(|a| a.status), Some(RecordStatus::Erased));
	}

	impl_benchmark_test_suite!(Pallet, crate::mock::ExtBuilder.build(), crate::mock::Test);
}

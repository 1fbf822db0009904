//! Benchmarks of the append path: a gateway batch of `n` events, and one runtime append onto a
//! trail of `l` entries (whose weight must not grow with `l`).

use alloc::vec::Vec;
use frame_benchmarking::v2::*;
use frame_support::traits::Get;
use frame_system::RawOrigin;
use medchain_primitives::{
	audit::{AuditAction, AuditPolicy},
	consent::{ConsentId, PurposeOfUse},
};

use crate::*;

fn read<T: Config>(actor: SubjectId) -> AuditRecord {
	AuditRecord {
		event_type: AuditEventType::RecordRead,
		action: AuditAction::Read,
		outcome: AuditOutcome::Success,
		actor,
		requestor: true,
		policy: Some(AuditPolicy::Consent(ConsentId(1))),
		deny_reason: None,
		entity: None,
		purpose: Some(PurposeOfUse::Treat),
		occurred: T::Time::now(),
	}
}

#[benchmarks]
mod benchmarks {
	use super::*;

	#[benchmark]
	fn submit_batch(n: Linear<1, { T::MaxBatch::get() }>) {
		let gateway = T::BenchmarkHelper::gateway();
		let actor = T::BenchmarkHelper::actor();
		// Every event to a different patient, whose trail already holds entries: the worst case
		// for storage (fresh trie paths) and proof that trail length does not matter.
		let patients: Vec<SubjectId> = (0..n).map(T::BenchmarkHelper::patient).collect();
		for patient in &patients {
			for _ in 0..10 {
				Pallet::<T>::append(patient, read::<T>(actor), AuditSource::Runtime);
			}
		}
		let events: Vec<GatewayEvent> = patients
			.iter()
			.map(|p| GatewayEvent { patient: *p, record: read::<T>(actor) })
			.collect();
		#[extrinsic_call]
		_(RawOrigin::Signed(gateway), events);
		assert_eq!(Heads::<T>::get(patients[0]).count, 11);
	}

	#[benchmark]
	fn append(l: Linear<0, 2_000>) {
		let patient = SubjectId([1; 32]);
		let actor = SubjectId([2; 32]);
		for _ in 0..l {
			Pallet::<T>::append(&patient, read::<T>(actor), AuditSource::Runtime);
		}
		#[block]
		{
			Pallet::<T>::append(&patient, read::<T>(actor), AuditSource::Runtime);
		}
		assert_eq!(Heads::<T>::get(patient).count, u64::from(l) + 1);
	}

	impl_benchmark_test_suite!(
		Pallet,
		crate::mock::ExtBuilder::default().build(),
		crate::mock::Test
	);
}

//! Benchmarks of the append path: a gateway batch of `n` events, and one runtime append onto a
//! trail of `l` entries (whose weight must not grow with `l`).

use alloc::vec::Vec;
use frame_benchmarking::v2::*;
use frame_support::traits::Get;
use frame_system::RawOrigin;
use medchain_primitives::{
	audit::{AuditAction, AuditPolicy},
	consent::{ConsentId, PurposeOfUse},
	identity::SubjectKind,
	traits::ReadPolicies,
};

use crate::*;

fn read<T: Config>(actor: SubjectId, policy: AuditPolicy) -> AuditRecord {
	AuditRecord {
		event_type: AuditEventType::RecordRead,
		action: AuditAction::Read,
		outcome: AuditOutcome::Success,
		actor,
		requestor: true,
		policy: Some(policy),
		deny_reason: None,
		entity: None,
		purpose: Some(PurposeOfUse::Treat),
		occurred: T::Time::now(),
	}
}

/// The controller account of an active gateway of an active organization.
fn gateway<T: Config>() -> T::AccountId {
	let org = T::Identity::benchmark_subject(
		SubjectKind::Organization,
		account("bench-organization", 0, 0),
		None,
	);
	let gateway: T::AccountId = account("bench-gateway", 0, 0);
	T::Identity::benchmark_subject(SubjectKind::Gateway, gateway.clone(), Some(org));
	gateway
}

/// The `index`-th active patient.
fn patient<T: Config>(index: u32) -> SubjectId {
	T::Identity::benchmark_subject(SubjectKind::Patient, account("bench-patient", index, 0), None)
}

#[benchmarks]
mod benchmarks {
	use super::*;

	#[benchmark]
	fn submit_batch(n: Linear<1, { T::MaxBatch::get() }>) {
		let gateway = gateway::<T>();
		// Every event to a different patient whose trail already holds entries (fresh trie paths
		// and proof that trail length does not matter), by a different actor (fresh actor
		// indices), under an organization-wide consent (the dearest policy to resolve).
		let events: Vec<GatewayEvent> = (0..n)
			.map(|i| {
				let patient = patient::<T>(i);
				let actor = T::Identity::benchmark_subject(
					SubjectKind::Practitioner,
					account("bench-actor", i, 0),
					None,
				);
				let policy = T::Policies::benchmark_policy(&patient, &actor);
				for _ in 0..10 {
					Pallet::<T>::append(&patient, read::<T>(actor, policy), AuditSource::Runtime);
				}
				GatewayEvent { patient, record: read::<T>(actor, policy) }
			})
			.collect();
		let first = events[0].patient;
		#[extrinsic_call]
		_(RawOrigin::Signed(gateway), events);
		assert_eq!(Heads::<T>::get(first).count, 11);
	}

	#[benchmark]
	fn append(l: Linear<0, 2_000>) {
		let patient = SubjectId([1; 32]);
		let actor = SubjectId([2; 32]);
		let policy = AuditPolicy::Consent(ConsentId(1));
		for _ in 0..l {
			Pallet::<T>::append(&patient, read::<T>(actor, policy), AuditSource::Runtime);
		}
		#[block]
		{
			Pallet::<T>::append(&patient, read::<T>(actor, policy), AuditSource::Runtime);
		}
		assert_eq!(Heads::<T>::get(patient).count, u64::from(l) + 1);
	}

	impl_benchmark_test_suite!(Pallet, crate::mock::ExtBuilder.build(), crate::mock::Test);
}

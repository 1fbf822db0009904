//! Benchmarks of the append path: a gateway batch of `n` events, and one runtime append onto a
//! trail of `l` entries (whose weight must not grow with `l`).

use alloc::vec::Vec;
use frame_benchmarking::v2::*;
use frame_support::traits::Get;
use frame_system::RawOrigin;
use medchain_primitives::{
	audit::{AuditAction, AuditEntity, AuditPolicy},
	consent::{ConsentId, PurposeOfUse, RecordId},
	identity::SubjectKind,
	traits::ReadPolicies,
};

use crate::*;

fn read<T: Config>(actor: SubjectId, policy: AuditPolicy, record: RecordId) -> AuditRecord {
	AuditRecord {
		event_type: AuditEventType::RecordRead,
		action: AuditAction::Read,
		outcome: AuditOutcome::Success,
		actor,
		requestor: true,
		policy: Some(policy),
		deny_reason: None,
		entity: Some(AuditEntity { record, hash: None }),
		purpose: Some(PurposeOfUse::EmergencyTreat),
		occurred: T::Time::now(),
		repeats: None,
	}
}

/// The controller account of an active gateway of an active organization, and the organization.
fn gateway<T: Config>() -> (T::AccountId, SubjectId) {
	let org = T::Identity::benchmark_subject(
		SubjectKind::Organization,
		account("bench-organization", 0, 0),
		None,
	);
	let gateway: T::AccountId = account("bench-gateway", 0, 0);
	T::Identity::benchmark_subject(SubjectKind::Gateway, gateway.clone(), Some(org));
	(gateway, org)
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
		let (gateway, custodian) = gateway::<T>();
		// Every event to a different patient whose trail already holds entries (fresh trie paths
		// and proof that trail length does not matter), by a different actor (fresh actor
		// indices), of a different record, under the dearest policy to judge (an emergency grant
		// of a practitioner whose break-glass attestation is the last of the most they may hold).
		let events: Vec<GatewayEvent> = (0..n)
			.map(|i| {
				let patient = patient::<T>(i);
				let actor = T::Identity::benchmark_subject(
					SubjectKind::Practitioner,
					account("bench-actor", i, 0),
					None,
				);
				let (policy, record) = T::Policies::benchmark_read(&patient, &actor, &custodian);
				for _ in 0..10 {
					let entry = read::<T>(actor, policy, record);
					Pallet::<T>::append(&patient, entry, AuditSource::Runtime);
				}
				GatewayEvent { patient, record: read::<T>(actor, policy, record) }
			})
			.collect();
		let first = events[0].patient;
		#[extrinsic_call]
		_(RawOrigin::Signed(gateway), 0, events);
		assert_eq!(Heads::<T>::get(first).count, 11);
		let gateway = T::Identity::subject_of(&account("bench-gateway", 0, 0)).expect("registered");
		assert_eq!(GatewaySequence::<T>::get(gateway), u64::from(n));
	}

	#[benchmark]
	fn append(l: Linear<0, 2_000>) {
		let patient = SubjectId([1; 32]);
		let actor = SubjectId([2; 32]);
		let policy = AuditPolicy::Consent(ConsentId(1));
		let record = RecordId([3; 32]);
		for _ in 0..l {
			Pallet::<T>::append(&patient, read::<T>(actor, policy, record), AuditSource::Runtime);
		}
		#[block]
		{
			Pallet::<T>::append(&patient, read::<T>(actor, policy, record), AuditSource::Runtime);
		}
		assert_eq!(Heads::<T>::get(patient).count, u64::from(l) + 1);
	}

	impl_benchmark_test_suite!(Pallet, crate::mock::ExtBuilder.build(), crate::mock::Test);
}

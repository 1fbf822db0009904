//! The runtime's benchmark registry: every pallet with benchmarks, for `medchain-node benchmark pallet`.

use alloc::{string::String, vec::Vec};
use frame_benchmarking::{BenchmarkBatch, BenchmarkConfig, BenchmarkList};
use frame_support::traits::StorageInfo;

use super::*;

frame_benchmarking::define_benchmarks!(
	[frame_benchmarking, BaselineBench::<Runtime>]
	[frame_system, SystemBench::<Runtime>]
	[pallet_balances, Balances]
	[pallet_timestamp, Timestamp]
	[pallet_sudo, Sudo]
	[pallet_patient_identity, Identity]
	[pallet_audit_log, AuditLog]
	[pallet_consent, Consent]
);

use frame_benchmarking::baseline::Pallet as BaselineBench;
use frame_system_benchmarking::Pallet as SystemBench;

impl frame_system_benchmarking::Config for Runtime {}
impl frame_benchmarking::baseline::Config for Runtime {}

/// The benchmarks this runtime offers, for `benchmark pallet --list`.
pub fn metadata(extra: bool) -> (Vec<BenchmarkList>, Vec<StorageInfo>) {
	use frame_support::traits::StorageInfoTrait;

	let mut list = Vec::<BenchmarkList>::new();
	list_benchmarks!(list, extra);
	let storage_info = AllPalletsWithSystem::storage_info();
	(list, storage_info)
}

/// Runs the benchmarks `config` selects.
pub fn dispatch(config: BenchmarkConfig) -> Result<Vec<BenchmarkBatch>, String> {
	use frame_support::traits::WhitelistedStorageKeys;
	use sp_storage::TrackedStorageKey;

	let whitelist: Vec<TrackedStorageKey> = AllPalletsWithSystem::whitelisted_storage_keys();
	let mut batches = Vec::<BenchmarkBatch>::new();
	let params = (&config, &whitelist);
	add_benchmarks!(params, batches);
	Ok(batches)
}

/// Subjects for the audit log's benchmarks, made through the identity pallet.
pub struct AuditBenchmarkHelper;

impl pallet_audit_log::BenchmarkHelper<AccountId> for AuditBenchmarkHelper {
	fn gateway() -> AccountId {
		use medchain_primitives::identity::SubjectKind;
		let org = Identity::benchmark_subject(
			SubjectKind::Organization,
			frame_benchmarking::account("bench-organization", 0, 0),
			None,
		);
		let gateway: AccountId = frame_benchmarking::account("bench-gateway", 0, 0);
		Identity::benchmark_subject(SubjectKind::Gateway, gateway.clone(), Some(org));
		gateway
	}

	fn patient(index: u32) -> medchain_primitives::identity::SubjectId {
		Identity::benchmark_subject(
			medchain_primitives::identity::SubjectKind::Patient,
			frame_benchmarking::account("bench-patient", index, 0),
			None,
		)
	}

	fn actor() -> medchain_primitives::identity::SubjectId {
		Identity::benchmark_subject(
			medchain_primitives::identity::SubjectKind::Practitioner,
			frame_benchmarking::account("bench-actor", 0, 0),
			None,
		)
	}
}

/// Subjects for the consent pallet's benchmarks, made through the identity pallet.
pub struct ConsentBenchmarkHelper;

impl pallet_consent::BenchmarkHelper<AccountId> for ConsentBenchmarkHelper {
	fn patient(who: &AccountId) -> medchain_primitives::identity::SubjectId {
		Identity::benchmark_subject(
			medchain_primitives::identity::SubjectKind::Patient,
			who.clone(),
			None,
		)
	}

	fn attested_practitioner(
		who: &AccountId,
	) -> (medchain_primitives::identity::SubjectId, medchain_primitives::identity::SubjectId) {
		use medchain_primitives::identity::SubjectKind;
		let org = Identity::benchmark_subject(
			SubjectKind::Organization,
			frame_benchmarking::account("bench-organization", 1, 0),
			None,
		);
		let practitioner =
			Identity::benchmark_subject(SubjectKind::Practitioner, who.clone(), None);
		Identity::benchmark_attest(practitioner, org);
		(practitioner, org)
	}
}

//! Genesis presets: `development` (Alice alone) and `local_testnet` (Alice, Bob, Charlie and Dave
//! as validators), as `medchain-node --chain`/`build-spec` and chain-spec-builder name them.

use alloc::{vec, vec::Vec};
use frame_support::build_struct_json_patch;
use serde_json::Value;
use sp_consensus_aura::sr25519::AuthorityId as AuraId;
use sp_consensus_grandpa::AuthorityId as GrandpaId;
use sp_genesis_builder::{self, PresetId};
use sp_keyring::Sr25519Keyring;

use crate::{AccountId, BalancesConfig, RuntimeGenesisConfig, SudoConfig, UNIT};

/// What every dev account starts with: enough to pay fees for a long test run.
const ENDOWMENT: u128 = 1_000_000 * UNIT;

fn testnet_genesis(
	initial_authorities: Vec<(AuraId, GrandpaId)>,
	endowed_accounts: Vec<AccountId>,
	root: AccountId,
) -> Value {
	build_struct_json_patch!(RuntimeGenesisConfig {
		balances: BalancesConfig {
			balances: endowed_accounts.iter().cloned().map(|k| (k, ENDOWMENT)).collect::<Vec<_>>(),
		},
		aura: pallet_aura::GenesisConfig {
			authorities: initial_authorities.iter().map(|x| x.0.clone()).collect::<Vec<_>>(),
		},
		grandpa: pallet_grandpa::GenesisConfig {
			authorities: initial_authorities.iter().map(|x| (x.1.clone(), 1)).collect::<Vec<_>>(),
		},
		sudo: SudoConfig { key: Some(root) },
	})
}

fn authority(keyring: Sr25519Keyring) -> (AuraId, GrandpaId) {
	(keyring.public().into(), grandpa_of(keyring))
}

/// The GRANDPA (ed25519) key of a well-known dev keyring, as `--alice` etc. insert it.
fn grandpa_of(keyring: Sr25519Keyring) -> GrandpaId {
	let ed = match keyring {
		Sr25519Keyring::Alice => sp_keyring::Ed25519Keyring::Alice,
		Sr25519Keyring::Bob => sp_keyring::Ed25519Keyring::Bob,
		Sr25519Keyring::Charlie => sp_keyring::Ed25519Keyring::Charlie,
		Sr25519Keyring::Dave => sp_keyring::Ed25519Keyring::Dave,
		Sr25519Keyring::Eve => sp_keyring::Ed25519Keyring::Eve,
		_ => sp_keyring::Ed25519Keyring::Ferdie,
	};
	ed.public().into()
}

/// A single-validator chain for development: Alice authors and finalizes.
pub fn development_config_genesis() -> Value {
	testnet_genesis(
		vec![authority(Sr25519Keyring::Alice)],
		Sr25519Keyring::well_known().map(|k| k.to_account_id()).collect(),
		Sr25519Keyring::Alice.to_account_id(),
	)
}

/// Four validators on one machine or a LAN: Alice, Bob, Charlie and Dave.
pub fn local_config_genesis() -> Value {
	testnet_genesis(
		[Sr25519Keyring::Alice, Sr25519Keyring::Bob, Sr25519Keyring::Charlie, Sr25519Keyring::Dave]
			.into_iter()
			.map(authority)
			.collect(),
		Sr25519Keyring::well_known().map(|k| k.to_account_id()).collect(),
		Sr25519Keyring::Alice.to_account_id(),
	)
}

/// The load-benchmark preset: the development chain plus 1,000,000 audit entries (10,000 patients
/// × 100 entries) appended at genesis through the audit log's own append path. Only in runtimes
/// built with the `load-bench` feature (scripts/bench-audit.sh).
#[cfg(feature = "load-bench")]
pub const AUDIT_BENCH_PRESET: &str = "audit_bench";

#[cfg(feature = "load-bench")]
fn audit_bench_genesis() -> Value {
	let mut genesis = development_config_genesis();
	genesis["auditLog"] = serde_json::json!({ "benchmarkFill": [10_000, 100] });
	genesis
}

/// The preset with the given id, as JSON bytes.
pub fn get_preset(id: &PresetId) -> Option<Vec<u8>> {
	let patch = match id.as_ref() {
		sp_genesis_builder::DEV_RUNTIME_PRESET => development_config_genesis(),
		sp_genesis_builder::LOCAL_TESTNET_RUNTIME_PRESET => local_config_genesis(),
		#[cfg(feature = "load-bench")]
		AUDIT_BENCH_PRESET => audit_bench_genesis(),
		_ => return None,
	};
	serde_json::to_vec(&patch).ok()
}

/// The ids of every preset this runtime offers.
pub fn preset_names() -> Vec<PresetId> {
	vec![
		PresetId::from(sp_genesis_builder::DEV_RUNTIME_PRESET),
		PresetId::from(sp_genesis_builder::LOCAL_TESTNET_RUNTIME_PRESET),
		#[cfg(feature = "load-bench")]
		PresetId::from(AUDIT_BENCH_PRESET),
	]
}

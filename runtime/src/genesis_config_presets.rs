//! Genesis presets: `development` (Alice alone), `local_testnet` (Alice, Bob, Charlie and Dave as
//! validators, council and authorized nodes) and `consortium` (no sudo; members filled in by
//! `medchain-node consortium-spec`), as `medchain-node --chain`/`build-spec` name them.

use alloc::{vec, vec::Vec};
use frame_support::build_struct_json_patch;
use serde_json::Value;
use sp_consensus_aura::sr25519::AuthorityId as AuraId;
use sp_consensus_grandpa::AuthorityId as GrandpaId;
use sp_core::OpaquePeerId;
use sp_genesis_builder::{self, PresetId};
use sp_keyring::Sr25519Keyring;

use crate::{
	AccountId, Balance, BalancesConfig, BlockNumber, ConsortiumConfig, CouncilMembershipConfig,
	NodeAuthorizationConfig, RuntimeGenesisConfig, SessionConfig, SessionKeys, SudoConfig, HOURS,
	UNIT,
};

/// What every dev account starts with: enough to pay fees for a long test run.
const ENDOWMENT: Balance = 1_000_000 * UNIT;

/// The consortium preset's id: no sudo; the members come from `medchain-node consortium-spec`.
pub const CONSORTIUM_PRESET: &str = "consortium";

/// One member hospital of a consortium at genesis.
#[derive(Clone, Debug)]
pub struct Member {
	/// The hospital's account: its council seat, its validator id, the owner of its node.
	pub account: AccountId,
	/// Its validator's Aura key.
	pub aura: AuraId,
	/// Its validator's GRANDPA key.
	pub grandpa: GrandpaId,
	/// Its node's libp2p peer id, as bytes (`PeerId::to_bytes`).
	pub peer_id: Vec<u8>,
	/// What its account holds at genesis, for fees.
	pub endowment: Balance,
}

/// A chain's genesis: every member a council seat, a validator and an authorized node; `extra`
/// accounts endowed too; `sudo` only where given.
fn genesis(
	members: &[Member],
	extra: Vec<(AccountId, Balance)>,
	sudo: Option<AccountId>,
	session_length: BlockNumber,
) -> Value {
	let mut balances: Vec<(AccountId, Balance)> =
		members.iter().map(|m| (m.account.clone(), m.endowment)).collect();
	for (account, amount) in extra {
		if !balances.iter().any(|(a, _)| a == &account) {
			balances.push((account, amount));
		}
	}
	build_struct_json_patch!(RuntimeGenesisConfig {
		balances: BalancesConfig { balances },
		consortium: ConsortiumConfig {
			validators: members.iter().map(|m| m.account.clone()).collect::<Vec<_>>(),
			session_length,
		},
		session: SessionConfig {
			keys: members
				.iter()
				.map(|m| {
					let keys = SessionKeys { aura: m.aura.clone(), grandpa: m.grandpa.clone() };
					(m.account.clone(), m.account.clone(), keys)
				})
				.collect::<Vec<_>>(),
		},
		council_membership: CouncilMembershipConfig {
			members: members
				.iter()
				.map(|m| m.account.clone())
				.collect::<Vec<_>>()
				.try_into()
				.expect("at most 32 council members"),
		},
		node_authorization: NodeAuthorizationConfig {
			nodes: members
				.iter()
				.filter(|m| !m.peer_id.is_empty())
				.map(|m| (OpaquePeerId(m.peer_id.clone()), m.account.clone()))
				.collect::<Vec<_>>(),
		},
		sudo: SudoConfig { key: sudo },
	})
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

/// A well-known dev account as a member, its node's peer id given.
fn dev_member(keyring: Sr25519Keyring, peer_id: Vec<u8>) -> Member {
	Member {
		account: keyring.to_account_id(),
		aura: keyring.public().into(),
		grandpa: grandpa_of(keyring),
		peer_id,
		endowment: ENDOWMENT,
	}
}

fn well_known_endowed() -> Vec<(AccountId, Balance)> {
	Sr25519Keyring::well_known().map(|k| (k.to_account_id(), ENDOWMENT)).collect()
}

/// A single-validator chain for development: Alice authors and finalizes and holds the sudo key;
/// Alice, Bob and Charlie sit on the council.
pub fn development_config_genesis() -> Value {
	let mut genesis = genesis(
		&[dev_member(Sr25519Keyring::Alice, Vec::new())],
		well_known_endowed(),
		Some(Sr25519Keyring::Alice.to_account_id()),
		HOURS,
	);
	genesis["councilMembership"]["members"] = serde_json::json!([
		Sr25519Keyring::Alice.to_account_id(),
		Sr25519Keyring::Bob.to_account_id(),
		Sr25519Keyring::Charlie.to_account_id(),
	]);
	genesis
}

/// The libp2p peer ids of `scripts/local-network.sh`'s four nodes, whose network keys are the
/// 32-byte secrets 1, 2, 3 and 4 (`medchain-node key inspect-node-key`): identity multihashes
/// of their ed25519 public keys.
const LOCAL_PEER_IDS: [&str; 4] = [
	"0024080112204cb5abf6ad79fbf5abbccafcc269d85cd2651ed4b885b5869f241aedf0a5ba29",
	"0024080112207422b9887598068e32c4448a949adb290d0f4e35b9e01b0ee5f1a1e600fe2674",
	"002408011220f381626e41e7027ea431bfe3009e94bdd25a746beec468948d6c3c7c5dc9a54b",
	"002408011220fd50b8e3b144ea244fbf7737f550bc8dd0c2650bbc1aada833ca17ff8dbf329b",
];

fn from_hex(hex: &str) -> Vec<u8> {
	(0..hex.len())
		.step_by(2)
		.filter_map(|i| hex.get(i..i + 2).and_then(|b| u8::from_str_radix(b, 16).ok()))
		.collect()
}

/// Four validators on one machine or a LAN: Alice, Bob, Charlie and Dave, each a council member
/// and an authorized node; sessions of 20 s so validator changes show quickly; Alice holds sudo.
pub fn local_config_genesis() -> Value {
	let members: Vec<Member> =
		[Sr25519Keyring::Alice, Sr25519Keyring::Bob, Sr25519Keyring::Charlie, Sr25519Keyring::Dave]
			.into_iter()
			.zip(LOCAL_PEER_IDS)
			.map(|(keyring, peer)| dev_member(keyring, from_hex(peer)))
			.collect();
	genesis(&members, well_known_endowed(), Some(Sr25519Keyring::Alice.to_account_id()), 10)
}

/// A consortium's genesis: the member hospitals are the council, the validators and the
/// authorized nodes; no sudo key, so only council motions govern; hourly sessions. With no
/// members this is the `consortium` preset's template, which `medchain-node consortium-spec`
/// fills in from the hospitals' keys.
pub fn consortium_genesis(members: &[Member]) -> Value {
	genesis(members, Vec::new(), None, HOURS)
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
		CONSORTIUM_PRESET => consortium_genesis(&[]),
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
		PresetId::from(CONSORTIUM_PRESET),
		#[cfg(feature = "load-bench")]
		PresetId::from(AUDIT_BENCH_PRESET),
	]
}

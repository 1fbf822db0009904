//! `medchain-node consortium-spec`: a consortium's chain spec from its member hospitals' public
//! keys and peer ids, with no sudo key and no well-known key anywhere.

use std::{collections::HashSet, path::PathBuf, str::FromStr};

use medchain_runtime::{genesis_config_presets::Member, AccountId, UNIT};
use sc_network::PeerId;
use sc_service::ChainType;
use serde_json::Value;
use sp_core::{crypto::Ss58Codec, ed25519, sr25519};

use crate::chain_spec::{properties, wasm, ChainSpec};

/// Writes a consortium's chain spec to standard output.
#[derive(Debug, clap::Parser)]
pub struct ConsortiumSpecCmd {
	/// The member hospitals, a JSON array of objects with `name`, `account` (SS58, sr25519),
	/// `aura` (SS58 or 0x-hex sr25519 public key), `grandpa` (SS58 or 0x-hex ed25519 public key)
	/// and `peer_id` (the node's libp2p peer id). See docs/operators.md.
	#[arg(long, value_name = "FILE")]
	pub hospitals: PathBuf,

	/// The chain's name.
	#[arg(long, default_value = "MedChain Consortium")]
	pub name: String,

	/// The chain's id (also the name of its database directory).
	#[arg(long, default_value = "medchain_consortium")]
	pub id: String,

	/// What each hospital's account holds at genesis, in MED, for fees.
	#[arg(long, default_value_t = 10_000)]
	pub endowment: u128,

	/// Write the raw form (storage keys and values) that every node must share byte for byte.
	#[arg(long)]
	pub raw: bool,
}

fn field<'a>(hospital: &'a Value, index: usize, key: &str) -> Result<&'a str, String> {
	hospital
		.get(key)
		.and_then(Value::as_str)
		.ok_or_else(|| format!("hospital #{index}: missing string field `{key}`"))
}

fn public_key<P: Ss58Codec + for<'a> TryFrom<&'a [u8]>>(text: &str) -> Option<P> {
	match text.strip_prefix("0x") {
		Some(hex) => {
			let bytes = sp_core::bytes::from_hex(hex).ok()?;
			P::try_from(bytes.as_slice()).ok()
		},
		None => P::from_ss58check(text).ok(),
	}
}

/// Parses and checks the hospitals file: every key well formed, nothing shared between members.
fn members(text: &str, endowment: u128) -> Result<Vec<Member>, String> {
	let hospitals: Vec<Value> = serde_json::from_str(text)
		.map_err(|e| format!("hospitals file is not a JSON array: {e}"))?;
	if hospitals.is_empty() || hospitals.len() > 32 {
		return Err(format!(
			"a consortium has 1 to 32 hospitals, this file has {}",
			hospitals.len()
		));
	}
	let endowment = endowment.checked_mul(UNIT).ok_or("endowment too large")?;
	let mut seen = HashSet::new();
	let mut members = Vec::new();
	for (i, hospital) in hospitals.iter().enumerate() {
		let object = hospital.as_object().ok_or(format!("hospital #{i}: not a JSON object"))?;
		for key in object.keys() {
			if !["name", "account", "aura", "grandpa", "peer_id"].contains(&key.as_str()) {
				return Err(format!("hospital #{i}: unknown field `{key}`"));
			}
		}
		let name = field(hospital, i, "name")?;
		let account = AccountId::from_ss58check(field(hospital, i, "account")?)
			.map_err(|e| format!("{name}: `account` is not an SS58 address: {e:?}"))?;
		let aura: sr25519::Public = public_key(field(hospital, i, "aura")?)
			.ok_or(format!("{name}: `aura` is not an sr25519 public key (SS58 or 0x-hex)"))?;
		let grandpa: ed25519::Public = public_key(field(hospital, i, "grandpa")?)
			.ok_or(format!("{name}: `grandpa` is not an ed25519 public key (SS58 or 0x-hex)"))?;
		let peer_id = PeerId::from_str(field(hospital, i, "peer_id")?)
			.map_err(|e| format!("{name}: `peer_id` is not a libp2p peer id: {e}"))?;
		for (what, bytes) in [
			("account", AsRef::<[u8]>::as_ref(&account).to_vec()),
			("aura key", aura.0.to_vec()),
			("grandpa key", grandpa.0.to_vec()),
			("peer id", peer_id.to_bytes()),
		] {
			if !seen.insert((what, bytes)) {
				return Err(format!("{name}: its {what} is already another hospital's"));
			}
		}
		members.push(Member {
			account,
			aura: aura.into(),
			grandpa: grandpa.into(),
			peer_id: peer_id.to_bytes(),
			endowment,
		});
	}
	Ok(members)
}

impl ConsortiumSpecCmd {
	/// Builds the spec and prints it.
	pub fn run(&self) -> Result<(), String> {
		let text = std::fs::read_to_string(&self.hospitals)
			.map_err(|e| format!("cannot read {}: {e}", self.hospitals.display()))?;
		let members = members(&text, self.endowment)?;
		let patch = medchain_runtime::genesis_config_presets::consortium_genesis(&members);
		let spec = ChainSpec::builder(wasm()?, None)
			.with_name(&self.name)
			.with_id(&self.id)
			.with_protocol_id("medchain")
			.with_chain_type(ChainType::Live)
			.with_properties(properties())
			.with_genesis_config_patch(patch)
			.build();
		let json = sc_chain_spec::ChainSpec::as_json(&spec, self.raw)?;
		println!("{json}");
		Ok(())
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	const ALICE: &str = "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY";
	const BOB: &str = "5FHneW46xGXgs5mUiveU4sbTyGBzmstUspZC92UhjJM694ty";
	const PEER: &str = "12D3KooWEyoppNCUx8Yx66oV9fJnriXwCcXwDDUA2kj6vnc6iDEp";
	const OTHER_PEER: &str = "12D3KooWHdiAxVd8uMQR1hGWXccidmfCwLqcMpGwR6QcTP6QRMuD";
	const GRANDPA: &str = "0x88dc3417d5058ec4b4503e0c12ea1a0a89be200fe98922423d4334014fa6b0ee";
	const OTHER_GRANDPA: &str =
		"0xd17c2d7823ebf260fd138f2d7e27d114c0145d968b5ff5006125f2414fadae69";

	fn hospital(account: &str, peer: &str, grandpa: &str) -> String {
		format!(
			r#"{{"name":"h","account":"{account}","aura":"{account}","grandpa":"{grandpa}","peer_id":"{peer}"}}"#
		)
	}

	#[test]
	fn well_formed_hospitals_become_members() {
		let text = format!(
			"[{},{}]",
			hospital(ALICE, PEER, GRANDPA),
			hospital(BOB, OTHER_PEER, OTHER_GRANDPA)
		);
		let members = members(&text, 1).unwrap();
		assert_eq!(members.len(), 2);
		assert_eq!(members[0].peer_id, PeerId::from_str(PEER).unwrap().to_bytes());
		assert_eq!(members[1].endowment, UNIT);
	}

	#[test]
	fn a_key_shared_between_hospitals_is_refused() {
		let text =
			format!("[{},{}]", hospital(ALICE, PEER, GRANDPA), hospital(BOB, PEER, OTHER_GRANDPA));
		assert_eq!(members(&text, 1).unwrap_err(), "h: its peer id is already another hospital's");
	}

	#[test]
	fn malformed_fields_are_named() {
		let bad_peer = format!("[{}]", hospital(ALICE, "not-a-peer", GRANDPA));
		assert!(members(&bad_peer, 1).unwrap_err().contains("`peer_id` is not a libp2p peer id"));
		let bad_key = format!("[{}]", hospital(ALICE, PEER, "0x1234"));
		assert!(members(&bad_key, 1).unwrap_err().contains("`grandpa` is not an ed25519"));
		let extra = r#"[{"name":"h","sudo":"x"}]"#;
		assert_eq!(members(extra, 1).unwrap_err(), "hospital #0: unknown field `sudo`");
		assert!(members("[]", 1).unwrap_err().contains("1 to 32 hospitals"));
	}
}

//! The `medchain-node` binary's maintenance commands, run as a user would run them.

use std::process::Command;

fn node() -> Command {
	Command::new(env!("CARGO_BIN_EXE_medchain-node"))
}

fn chain_spec(chain: &str, raw: bool) -> serde_json::Value {
	let mut cmd = node();
	cmd.args(["export-chain-spec", "--chain", chain]);
	if raw {
		cmd.arg("--raw");
	}
	let out = cmd.output().expect("medchain-node runs");
	assert!(
		out.status.success(),
		"export-chain-spec failed: {}",
		String::from_utf8_lossy(&out.stderr)
	);
	serde_json::from_slice(&out.stdout).expect("the chain spec is JSON")
}

#[test]
fn version_names_the_node() {
	let out = node().arg("--version").output().expect("medchain-node runs");
	assert!(out.status.success());
	assert!(String::from_utf8_lossy(&out.stdout).starts_with("medchain-node "));
}

#[test]
fn dev_chain_spec_has_alice_as_sole_authority() {
	let spec = chain_spec("dev", false);
	assert_eq!(spec["id"], "medchain_dev");
	assert_eq!(spec["chainType"], "Development");
	assert_eq!(spec["properties"]["tokenSymbol"], "MED");
	let genesis = &spec["genesis"]["runtimeGenesis"]["patch"];
	let alice = "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY";
	// The validator set is the consortium pallet's, its keys the session's: Aura and GRANDPA
	// take their authorities from the first session.
	assert_eq!(genesis["consortium"]["validators"], serde_json::json!([alice]));
	assert_eq!(genesis["session"]["keys"][0][0], alice);
	assert_eq!(genesis["sudo"]["key"], alice);
}

#[test]
fn local_chain_spec_makes_the_four_validators_council_and_authorized_nodes() {
	let spec = chain_spec("local", false);
	let genesis = &spec["genesis"]["runtimeGenesis"]["patch"];
	assert_eq!(genesis["councilMembership"]["members"].as_array().map(Vec::len), Some(4));
	assert_eq!(genesis["nodeAuthorization"]["nodes"].as_array().map(Vec::len), Some(4));
	assert_eq!(genesis["consortium"]["validators"].as_array().map(Vec::len), Some(4));
}

#[test]
fn consortium_spec_has_no_sudo_key_and_the_hospitals_govern() {
	let dir = std::env::temp_dir().join(format!("medchain-cli-consortium-{}", std::process::id()));
	std::fs::create_dir_all(&dir).unwrap();
	let hospitals = dir.join("hospitals.json");
	let alice = "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY";
	std::fs::write(
		&hospitals,
		format!(
			r#"[{{"name":"A","account":"{alice}","aura":"{alice}","grandpa":"0x88dc3417d5058ec4b4503e0c12ea1a0a89be200fe98922423d4334014fa6b0ee","peer_id":"12D3KooWEyoppNCUx8Yx66oV9fJnriXwCcXwDDUA2kj6vnc6iDEp"}}]"#
		),
	)
	.unwrap();
	let out = node()
		.args(["consortium-spec", "--hospitals"])
		.arg(&hospitals)
		.output()
		.expect("medchain-node runs");
	std::fs::remove_dir_all(&dir).ok();
	assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
	let spec: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
	assert_eq!(spec["chainType"], "Live");
	let genesis = &spec["genesis"]["runtimeGenesis"]["patch"];
	assert_eq!(genesis["sudo"]["key"], serde_json::Value::Null);
	assert_eq!(genesis["councilMembership"]["members"], serde_json::json!([alice]));
	assert_eq!(genesis["consortium"]["validators"], serde_json::json!([alice]));
}

#[test]
fn local_chain_spec_builds_raw_genesis_for_four_validators() {
	let spec = chain_spec("local", true);
	assert_eq!(spec["id"], "medchain_local_testnet");
	let top = spec["genesis"]["raw"]["top"].as_object().expect("raw genesis storage");
	// Aura's authority list: twox128("Aura") ++ twox128("Authorities"), a vec of four 32-byte keys.
	let aura = top
		.get("0x57f8dc2f5ab09467896f47300f0424385e0621c4869aa60c02be9adcc98a0d1d")
		.and_then(|v| v.as_str())
		.expect("Aura authorities in genesis");
	assert_eq!(&aura[..4], "0x10", "compact length 4");
	assert_eq!(aura.len(), 4 + 4 * 64);
}

#[test]
fn unknown_chain_is_a_readable_error() {
	let out = node()
		.args(["export-chain-spec", "--chain", "/nonexistent/spec.json"])
		.output()
		.expect("medchain-node runs");
	assert!(!out.status.success());
	let stderr = String::from_utf8_lossy(&out.stderr);
	assert!(
		stderr.contains("No such file") || stderr.contains("Error opening spec file"),
		"{stderr}"
	);
}

#[test]
fn key_generate_makes_an_sr25519_key() {
	let out = node()
		.args(["key", "generate", "--scheme", "sr25519", "--output-type", "json"])
		.output()
		.expect("medchain-node runs");
	assert!(out.status.success());
	let key: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON key");
	assert!(key["ss58Address"].as_str().is_some_and(|a| a.starts_with('5')));
	assert_eq!(key["secretPhrase"].as_str().map(|p| p.split(' ').count()), Some(12));
}

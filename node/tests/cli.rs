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
	assert_eq!(genesis["aura"]["authorities"], serde_json::json!([alice]));
	assert_eq!(genesis["sudo"]["key"], alice);
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

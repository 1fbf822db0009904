//! Chain specifications: `dev` and `local`, built from the runtime's genesis presets, or a file
//! (a consortium's comes from `medchain-node consortium-spec`, see [`crate::consortium`]).

use medchain_runtime::WASM_BINARY;
use sc_service::ChainType;

/// A chain spec for MedChain: no extensions.
pub type ChainSpec = sc_service::GenericChainSpec;

pub(crate) fn wasm() -> Result<&'static [u8], String> {
	WASM_BINARY
		.ok_or_else(|| "the runtime wasm was not built (was SKIP_WASM_BUILD set?)".to_string())
}

pub(crate) fn properties() -> sc_chain_spec::Properties {
	let mut properties = sc_chain_spec::Properties::new();
	properties.insert("tokenSymbol".into(), "MED".into());
	properties.insert("tokenDecimals".into(), 12.into());
	properties.insert("ss58Format".into(), 42.into());
	properties
}

/// One validator (Alice), for development.
pub fn development_config() -> Result<ChainSpec, String> {
	Ok(ChainSpec::builder(wasm()?, None)
		.with_name("MedChain Development")
		.with_id("medchain_dev")
		.with_protocol_id("medchain")
		.with_chain_type(ChainType::Development)
		.with_properties(properties())
		.with_genesis_config_preset_name(sp_genesis_builder::DEV_RUNTIME_PRESET)
		.build())
}

/// Four validators (Alice, Bob, Charlie, Dave), for a network on loopback or a LAN.
pub fn local_testnet_config() -> Result<ChainSpec, String> {
	Ok(ChainSpec::builder(wasm()?, None)
		.with_name("MedChain Local Testnet")
		.with_id("medchain_local_testnet")
		.with_protocol_id("medchain")
		.with_chain_type(ChainType::Local)
		.with_properties(properties())
		.with_genesis_config_preset_name(sp_genesis_builder::LOCAL_TESTNET_RUNTIME_PRESET)
		.build())
}

/// The development chain with 1,000,000 audit entries at genesis, for scripts/bench-audit.sh.
#[cfg(feature = "load-bench")]
pub fn audit_bench_config() -> Result<ChainSpec, String> {
	Ok(ChainSpec::builder(wasm()?, None)
		.with_name("MedChain Audit Benchmark")
		.with_id("medchain_audit_bench")
		.with_protocol_id("medchain")
		.with_chain_type(ChainType::Development)
		.with_properties(properties())
		.with_genesis_config_preset_name(
			medchain_runtime::genesis_config_presets::AUDIT_BENCH_PRESET,
		)
		.build())
}

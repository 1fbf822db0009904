fn main() {
	#[cfg(feature = "std")]
	{
		// The same runtime with `spec_version` one higher, for rehearsing a runtime upgrade on a
		// local network (docs/operators.md; tests/e2e/governance.test.mjs upgrades to it). Built
		// first, so the wasm project is left configured for the real runtime.
		substrate_wasm_builder::WasmBuilder::init_with_defaults()
			.enable_feature("upgrade-rehearsal")
			.set_file_name("medchain_runtime_upgrade_rehearsal")
			.build();
		substrate_wasm_builder::WasmBuilder::build_using_defaults();
	}
}

//! `medchain-node benchmark …`, built only with the `runtime-benchmarks` feature
//! (scripts/bench-weights.sh runs them from a production-profile build).
//!
//! - `pallet` regenerates each pallet's `weights.rs`;
//! - `storage` measures this node's database (ParityDB) reading and writing the chain's state and
//!   writes the runtime's `DbWeight` (`runtime/src/weights/paritydb_weights.rs`);
//! - `overhead` measures an empty block and the per-extrinsic base (`block_weights.rs`,
//!   `extrinsic_weights.rs`);
//! - `block` and `machine` measure a node's blocks and hardware against those weights.

use frame_benchmarking_cli::{BenchmarkCmd, SUBSTRATE_REFERENCE_HARDWARE};
use sc_cli::SubstrateCli;
use sc_service::PartialComponents;

use crate::{cli::Cli, service};

/// Runs the chosen benchmark.
pub fn run(cli: &Cli, cmd: &BenchmarkCmd) -> sc_cli::Result<()> {
	let runner = cli.create_runner(cmd)?;
	runner.sync_run(|config| match cmd {
		BenchmarkCmd::Pallet(cmd) => cmd.run_with_spec::<sp_runtime::traits::HashingFor<
			medchain_runtime::opaque::Block,
		>, ()>(Some(config.chain_spec)),
		BenchmarkCmd::Block(cmd) => {
			let PartialComponents { client, .. } = service::new_partial(&config)?;
			cmd.run(client)
		},
		BenchmarkCmd::Storage(cmd) => {
			let PartialComponents { client, backend, .. } = service::new_partial(&config)?;
			let db = backend.expose_db();
			let storage = backend.expose_storage();
			let shared_trie_cache = backend.expose_shared_trie_cache();
			cmd.run(config, client, db, storage, shared_trie_cache)
		},
		BenchmarkCmd::Overhead(cmd) => cmd
			.run_with_default_builder_and_spec::<medchain_runtime::opaque::Block, ()>(Some(
				config.chain_spec,
			)),
		BenchmarkCmd::Machine(cmd) => cmd.run(&config, SUBSTRATE_REFERENCE_HARDWARE.clone()),
		BenchmarkCmd::Extrinsic(_) => Err(
			"`benchmark extrinsic` is not wired into medchain-node; `pallet` measures every call"
				.into(),
		),
	})
}

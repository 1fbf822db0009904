//! `medchain-node benchmark …`, built only with the `runtime-benchmarks` feature.
//!
//! `benchmark pallet` is what regenerates each pallet's `weights.rs`; `block` and `machine`
//! measure a node's database and hardware against the reference the weights assume.

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
		BenchmarkCmd::Machine(cmd) => cmd.run(&config, SUBSTRATE_REFERENCE_HARDWARE.clone()),
		BenchmarkCmd::Storage(_) | BenchmarkCmd::Overhead(_) | BenchmarkCmd::Extrinsic(_) => Err(
			"this benchmark is not wired into medchain-node; use `pallet`, `block` or `machine`"
				.into(),
		),
	})
}

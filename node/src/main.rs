//! `medchain-node`: the MedChain consortium node.

#![warn(missing_docs)]

#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
mod chain_spec;
mod cli;
mod command;
mod consortium;
mod rpc;
mod service;

fn main() -> sc_cli::Result<()> {
	command::run()
}

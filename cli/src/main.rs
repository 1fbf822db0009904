//! `medchain`: MedChain from the command line, for patients, practitioners, organizations and
//! operators. Every command is one call of the client library (`medchain-client`); docs/cli.md
//! walks a newcomer through them against `scripts/dev.sh`.
//!
//! Output is a readable table by default and JSON with `--json`. Every failure is one line on
//! stderr (`error: …`, a pallet error as `Pallet::Error: its meaning`) and a non-zero exit.

mod args;
mod commands;
mod context;

use clap::Parser;

#[tokio::main]
async fn main() {
	let cli = args::Cli::parse();
	if let Err(failure) = commands::run(cli).await {
		eprintln!("error: {failure}");
		std::process::exit(failure.code);
	}
}

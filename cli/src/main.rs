//! `medchain`: MedChain from the command line, for patients, practitioners, organizations and
//! operators. Every command is parsed into typed values (`values`), then runs as a call of the
//! client library (`medchain-client`) in its group's module (`commands/`); docs/cli.md walks a
//! newcomer through them against `scripts/dev.sh`.
//!
//! Output is a readable table by default and JSON with `--json`. Every failure is one line on
//! stderr (`error: …`, a pallet error as `Pallet::Error: its meaning`) and a non-zero exit: 1 for
//! a refusal or bad input (a value that does not parse included), 2 for a usage error.

mod args;
mod commands;
mod context;
mod values;

use clap::Parser;

#[tokio::main]
async fn main() {
	let cli = match args::Cli::try_parse() {
		Ok(cli) => cli,
		// A value that does not parse is bad input like any other: one line, exit 1.
		Err(error) => match values::refused_value(&error) {
			Some(reason) => {
				eprintln!("error: {reason}");
				std::process::exit(1);
			},
			None => error.exit(),
		},
	};
	if let Err(failure) = commands::run(cli).await {
		eprintln!("error: {failure}");
		std::process::exit(failure.code);
	}
}

//! The commands, one module per group as `medchain --help` lists them: each holds its commands'
//! arguments (help and an example included) and runs them: values already parsed, one call of the
//! client library (`medchain-client`, where the workflows are), then printing.

pub mod audit;
pub mod balance;
pub mod consent;
pub mod emergency;
pub mod identity;
pub mod keys;
pub mod org;
pub mod practitioner;
pub mod record;

use clap::CommandFactory;

use crate::{
	args::{Cli, Command},
	context::{Ctx, Failure},
};

/// Runs the command line.
pub async fn run(cli: Cli) -> Result<(), Failure> {
	let ctx = Ctx::new(&cli);
	match &cli.command {
		Command::Keys(command) => keys::run(&ctx, command),
		Command::Identity(command) => identity::run(&ctx, command).await,
		Command::Org(command) => org::run(&ctx, command).await,
		Command::Practitioner(command) => practitioner::run(&ctx, command).await,
		Command::Consent(command) => consent::run(&ctx, command).await,
		Command::Emergency(command) => emergency::run(&ctx, command).await,
		Command::Record(command) => record::run(&ctx, command).await,
		Command::Audit(command) => audit::run(&ctx, command).await,
		Command::Balance(command) => balance::run(&ctx, command).await,
		Command::Completions { shell } => {
			clap_complete::generate(
				*shell,
				&mut Cli::command(),
				"medchain",
				&mut std::io::stdout(),
			);
			Ok(())
		},
	}
}

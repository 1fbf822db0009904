//! The command line: the global options and the command groups. Each group's commands, with their
//! arguments, help and an example, are in its module under `commands/`; every value is parsed by
//! one of `values`' parsers before a handler runs.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

use crate::commands::{
	audit::AuditCommand, balance::BalanceCommand, consent::ConsentCommand,
	emergency::EmergencyCommand, identity::IdentityCommand, keys::KeysCommand, org::OrgCommand,
	practitioner::PractitionerCommand, record::RecordCommand,
};

/// MedChain from the command line: keys, identities, consents, records and the audit trail.
#[derive(Parser, Debug)]
#[command(name = "medchain", version, about, long_about = None)]
#[command(
	after_help = "Example:\n  medchain keys new && medchain identity register --kind patient"
)]
pub struct Cli {
	/// The node's WebSocket RPC address.
	#[arg(long, global = true, env = "MEDCHAIN_NODE_URL", default_value = "ws://127.0.0.1:9944")]
	pub node: String,

	/// The key file to sign with (`keys new` writes it). Its passphrase comes from
	/// MEDCHAIN_PASSPHRASE, or is asked for on a terminal.
	#[arg(long, global = true, env = "MEDCHAIN_KEY_FILE", default_value = "medchain-key.json")]
	pub key_file: PathBuf,

	/// The custodian gateway's address, for `record put|upload|get`.
	#[arg(
		long,
		global = true,
		env = "MEDCHAIN_GATEWAY_URL",
		default_value = "http://127.0.0.1:8480"
	)]
	pub gateway: String,

	/// A CA certificate (PEM) to trust for the gateway's TLS, besides the system's.
	#[arg(long, global = true, env = "MEDCHAIN_GATEWAY_CA")]
	pub gateway_ca: Option<PathBuf>,

	/// Print JSON for scripts instead of tables.
	#[arg(long, global = true)]
	pub json: bool,

	/// What a write waits for before the command returns.
	#[arg(long, global = true, value_enum, default_value = "finalized")]
	pub wait: WaitFor,

	#[command(subcommand)]
	pub command: Command,
}

/// What a write waits for.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum WaitFor {
	/// Included in a best block.
	InBlock,
	/// Finalized by GRANDPA.
	Finalized,
}

#[derive(Subcommand, Debug)]
pub enum Command {
	/// Create, import, export and show your keys.
	#[command(subcommand)]
	Keys(KeysCommand),
	/// Register and manage your identity.
	#[command(subcommand)]
	Identity(IdentityCommand),
	/// Organizations (admitted through governance).
	#[command(subcommand)]
	Org(OrgCommand),
	/// Practitioner attestations, as an organization.
	#[command(subcommand)]
	Practitioner(PractitionerCommand),
	/// Grant, revoke, list and check consents.
	#[command(subcommand)]
	Consent(ConsentCommand),
	/// Break-glass emergency access.
	#[command(subcommand)]
	Emergency(EmergencyCommand),
	/// Encrypt and anchor records; list, show, open and erase them.
	#[command(subcommand)]
	Record(RecordCommand),
	/// A patient's audit trail: show, verify, export as FHIR.
	#[command(subcommand)]
	Audit(AuditCommand),
	/// Token balances: fees for everyone but (soon) patients.
	#[command(subcommand)]
	Balance(BalanceCommand),
	/// Shell completions, on stdout.
	#[command(
		after_help = "Example:\n  medchain completions bash > /etc/bash_completion.d/medchain"
	)]
	Completions {
		/// The shell.
		shell: clap_complete::Shell,
	},
}

//! What every command shares: the key file, the connection, subjects by name, waiting with a
//! spinner, and output as a table or JSON.

use std::{io::IsTerminal, path::Path, time::Duration};

use indicatif::{ProgressBar, ProgressStyle};
use medchain_client::{
	chain::{Chain, ChainError, Progress, Wait},
	keys::{KeyError, KeyFile, Keys},
};
use medchain_primitives::{consent::RecordId, identity::SubjectId};
use serde_json::Value;

use crate::args::{Cli, WaitFor};

/// A failure: one line for the user and the exit code.
#[derive(Debug)]
pub struct Failure {
	pub message: String,
	pub code: i32,
}

impl std::fmt::Display for Failure {
	fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
		f.write_str(&self.message)
	}
}

impl Failure {
	pub fn new(message: impl Into<String>) -> Self {
		Self { message: message.into(), code: 1 }
	}

	pub fn with_code(message: impl Into<String>, code: i32) -> Self {
		Self { message: message.into(), code }
	}
}

impl From<ChainError> for Failure {
	fn from(error: ChainError) -> Self {
		Self::new(error.to_string())
	}
}

impl From<KeyError> for Failure {
	fn from(error: KeyError) -> Self {
		Self::new(error.to_string())
	}
}

impl From<medchain_client::envelope::EnvelopeError> for Failure {
	fn from(error: medchain_client::envelope::EnvelopeError) -> Self {
		Self::new(error.to_string())
	}
}

pub type Result<T> = std::result::Result<T, Failure>;

/// The context of one command.
pub struct Ctx<'a> {
	pub cli: &'a Cli,
}

impl<'a> Ctx<'a> {
	pub fn new(cli: &'a Cli) -> Self {
		Self { cli }
	}

	pub fn json(&self) -> bool {
		self.cli.json
	}

	/// The passphrase from `var` (or MEDCHAIN_PASSPHRASE), else asked on the terminal.
	pub fn passphrase(&self, var: &str, prompt: &str) -> Result<String> {
		if let Ok(value) = std::env::var(var).or_else(|_| std::env::var("MEDCHAIN_PASSPHRASE")) {
			return Ok(value);
		}
		if !std::io::stdin().is_terminal() {
			return Err(Failure::new(format!(
				"no passphrase: set {var} (or MEDCHAIN_PASSPHRASE), or run on a terminal"
			)));
		}
		rpassword::prompt_password(prompt).map_err(|e| Failure::new(format!("passphrase: {e}")))
	}

	/// The key file, read but not opened.
	pub fn key_file_at(path: &Path) -> Result<KeyFile> {
		let json = std::fs::read_to_string(path).map_err(|e| {
			Failure::new(format!(
				"cannot read key file {}: {e} (create one with `medchain keys new`)",
				path.display()
			))
		})?;
		Ok(KeyFile::from_json(&json)?)
	}

	/// The keys of the key file.
	pub fn keys(&self) -> Result<Keys> {
		let file = Self::key_file_at(&self.cli.key_file)?;
		let passphrase = self.passphrase("MEDCHAIN_PASSPHRASE", "Key file passphrase: ")?;
		Ok(file.open(&passphrase)?)
	}

	/// The gateway client.
	pub fn gateway(&self) -> Result<medchain_client::gateway::Gateway> {
		let ca = match &self.cli.gateway_ca {
			Some(path) => Some(
				std::fs::read(path)
					.map_err(|e| Failure::new(format!("cannot read {}: {e}", path.display())))?,
			),
			None => None,
		};
		medchain_client::gateway::Gateway::new(&self.cli.gateway, ca.as_deref())
			.map_err(|e| Failure::new(e.to_string()))
	}

	/// A byte progress bar on a terminal (none otherwise).
	pub fn progress_bar(&self, total: u64, what: &str) -> Option<ProgressBar> {
		if !std::io::stderr().is_terminal() || self.json() {
			return None;
		}
		let bar = ProgressBar::new(total);
		bar.set_style(
			ProgressStyle::with_template("{msg} {bar:30} {bytes}/{total_bytes} {bytes_per_sec}")
				.expect("a valid template"),
		);
		bar.set_message(what.to_owned());
		Some(bar)
	}

	pub async fn chain(&self) -> Result<Chain> {
		Ok(Chain::connect(&self.cli.node).await?)
	}

	/// The subject the keys control.
	pub async fn me(&self, chain: &Chain, keys: &Keys) -> Result<SubjectId> {
		chain.subject_of(&keys.account()).await?.ok_or_else(|| {
			Failure::new(format!(
				"account {} controls no identity yet (register with `medchain identity register`)",
				keys.ss58()
			))
		})
	}

	/// `text` as a subject, or the keys' own subject when absent.
	pub async fn subject_or_me(
		&self,
		text: Option<&str>,
		chain: &Chain,
		keys: &Keys,
	) -> Result<SubjectId> {
		match text {
			Some(text) => subject(text),
			None => self.me(chain, keys).await,
		}
	}

	/// Submits `call`, with a spinner on a terminal while it waits.
	pub async fn submit<Call: medchain_client::chain::TxPayload>(
		&self,
		chain: &Chain,
		keys: &Keys,
		call: &Call,
		what: &str,
	) -> std::result::Result<medchain_client::chain::Included, ChainError> {
		let wait = match self.cli.wait {
			WaitFor::InBlock => Wait::InBlock,
			WaitFor::Finalized => Wait::Finalized,
		};
		self.submit_waiting(chain, keys, call, what, wait).await
	}

	/// Submits `call` and waits as `wait` says, whatever `--wait` says.
	pub async fn submit_waiting<Call: medchain_client::chain::TxPayload>(
		&self,
		chain: &Chain,
		keys: &Keys,
		call: &Call,
		what: &str,
		wait: Wait,
	) -> std::result::Result<medchain_client::chain::Included, ChainError> {
		let spinner = if std::io::stderr().is_terminal() && !self.json() {
			let bar = ProgressBar::new_spinner();
			bar.set_style(
				ProgressStyle::with_template("{spinner} {msg}").expect("a valid template"),
			);
			bar.enable_steady_tick(Duration::from_millis(100));
			bar.set_message(format!("{what}: submitting"));
			Some(bar)
		} else {
			None
		};
		let result = chain
			.submit(call, keys.signer(), wait, |progress| {
				if let Some(bar) = &spinner {
					bar.set_message(match progress {
						Progress::Submitted => format!("{what}: waiting for a block"),
						Progress::InBlock => format!("{what}: in a block, waiting for finality"),
						Progress::Finalized => format!("{what}: finalized"),
					});
				}
			})
			.await;
		if let Some(bar) = spinner {
			bar.finish_and_clear();
		}
		result
	}

	/// Prints `value` as JSON, or `text` for people.
	pub fn print(&self, value: &Value, text: impl FnOnce() -> String) {
		if self.json() {
			println!("{}", serde_json::to_string_pretty(value).expect("JSON serializes"));
		} else {
			println!("{}", text());
		}
	}
}

/// A subject from `did:medchain:…` or `0x` hex.
pub fn subject(text: &str) -> Result<SubjectId> {
	text.parse::<SubjectId>().map_err(Failure::new)
}

/// A record identifier from `0x` hex.
pub fn record_id(text: &str) -> Result<RecordId> {
	let bytes = hex::decode(text.trim().trim_start_matches("0x"))
		.map_err(|e| Failure::new(format!("`{text}` is not a record identifier: {e}")))?;
	let bytes: [u8; 32] = bytes
		.try_into()
		.map_err(|_| Failure::new(format!("`{text}` is not a record identifier: need 32 bytes")))?;
	Ok(RecordId(bytes))
}

/// `0x`-hex of bytes.
pub fn hex0x(bytes: &[u8]) -> String {
	format!("0x{}", hex::encode(bytes))
}

/// A code-parsing error as a failure.
pub fn code<T>(result: std::result::Result<T, String>) -> Result<T> {
	result.map_err(Failure::new)
}

/// Milliseconds since the Unix epoch, as a readable UTC time.
pub fn time(ms: u64) -> String {
	medchain_client::fhir::instant(ms)
}

/// A table with a header.
pub fn table(header: &[&str], rows: Vec<Vec<String>>) -> String {
	let mut table = comfy_table::Table::new();
	table.load_preset(comfy_table::presets::UTF8_FULL_CONDENSED);
	table.set_header(header.to_vec());
	for row in rows {
		table.add_row(row);
	}
	table.to_string()
}

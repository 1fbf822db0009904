//! What every command shares: the key file, the connection, "you" as a subject, waiting with a
//! spinner, documents committed to, and output as a table or JSON.

use std::{io::IsTerminal, path::Path, time::Duration};

use indicatif::{ProgressBar, ProgressStyle};
use medchain_client::{
	chain::{Chain, ChainError, Progress, Wait},
	commitment::Commitment,
	gateway::GatewayError,
	keys::{KeyError, KeyFile, Keys},
	records::RecordError,
};
use medchain_primitives::identity::SubjectId;
use serde_json::{json, Value};

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

impl From<GatewayError> for Failure {
	fn from(error: GatewayError) -> Self {
		Self::new(error.to_string())
	}
}

impl From<RecordError> for Failure {
	fn from(error: RecordError) -> Self {
		match error {
			// The library refuses to replace a file; the command line says how to insist.
			RecordError::OutputExists(path) => {
				Self::new(format!("{} exists: pass --force to overwrite it", path.display()))
			},
			error => Self::new(error.to_string()),
		}
	}
}

pub type Result<T> = std::result::Result<T, Failure>;

/// The fewest characters a passphrase typed for a new key file may have. The passphrase is all
/// that protects a copied key file (Argon2id makes each guess cost 64 MiB and three passes, not
/// an impossible number of them), and a patient's key file opens their whole record.
pub const MIN_NEW_PASSPHRASE_CHARS: usize = 12;

/// How many times a new passphrase is asked for before the command gives up.
const NEW_PASSPHRASE_TRIES: usize = 3;

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

	/// The passphrase of a new key file (`keys new`, `keys import`): MEDCHAIN_PASSPHRASE as it is
	/// (scripts and tests choose their own; only an empty one is refused), or else typed twice on
	/// a terminal, the same both times and at least [`MIN_NEW_PASSPHRASE_CHARS`] characters.
	pub fn new_passphrase(&self) -> Result<String> {
		if let Ok(value) = std::env::var("MEDCHAIN_PASSPHRASE") {
			if value.is_empty() {
				return Err(Failure::new("the passphrase is empty"));
			}
			return Ok(value);
		}
		if !std::io::stdin().is_terminal() {
			return Err(Failure::new(
				"no passphrase: set MEDCHAIN_PASSPHRASE, or run on a terminal to type one",
			));
		}
		choose_passphrase(
			|prompt: &str| rpassword::prompt_password(prompt),
			|problem| eprintln!("{problem}"),
		)
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
		Ok(medchain_client::gateway::Gateway::new(&self.cli.gateway, ca.as_deref())?)
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

	/// The write waited for, as --wait says.
	pub fn wait(&self) -> Wait {
		match self.cli.wait {
			WaitFor::InBlock => Wait::InBlock,
			WaitFor::Finalized => Wait::Finalized,
		}
	}

	/// The subject the keys control. Keys that control none are told apart: keys an identity
	/// was moved away from (by `identity rotate-key` or a recovery) can never register again, so
	/// they are not sent to `identity register`.
	pub async fn me(&self, chain: &Chain, keys: &Keys) -> Result<SubjectId> {
		if let Some(subject) = chain.subject_of(&keys.account()).await? {
			return Ok(subject);
		}
		Err(match chain.retired_account(&keys.account()).await? {
			Some(subject) => retired(&keys.ss58(), subject),
			None => Failure::new(format!(
				"account {} controls no identity yet (register with `medchain identity register`)",
				keys.ss58()
			)),
		})
	}

	/// `subject`, or the keys' own subject when absent.
	pub async fn subject_or_me(
		&self,
		subject: Option<SubjectId>,
		chain: &Chain,
		keys: &Keys,
	) -> Result<SubjectId> {
		match subject {
			Some(subject) => Ok(subject),
			None => self.me(chain, keys).await,
		}
	}

	/// `subject`, or else the key file's own subject (the key file is opened only then).
	pub async fn subject_or_mine(
		&self,
		subject: Option<SubjectId>,
		chain: &Chain,
	) -> Result<SubjectId> {
		match subject {
			Some(subject) => Ok(subject),
			None => {
				let keys = self.keys()?;
				self.me(chain, &keys).await
			},
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
		self.submit_waiting(chain, keys, call, what, self.wait()).await
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

/// The failure of keys an identity was moved away from: which identity, and what to sign with.
pub fn retired(account: &str, subject: SubjectId) -> Failure {
	Failure::new(format!(
		"account {account} no longer controls an identity: {} was moved to other keys (`identity rotate-key` or a recovery), and an account it left can never register again; use the key file of its new keys (--key-file)",
		subject.to_did()
	))
}

/// Asks for a new passphrase with `ask` (its prompt in, what was typed out) until one is at least
/// [`MIN_NEW_PASSPHRASE_CHARS`] characters and typed the same twice, `tell`ing each problem; gives
/// up after [`NEW_PASSPHRASE_TRIES`] tries.
pub fn choose_passphrase(
	mut ask: impl FnMut(&str) -> std::io::Result<String>,
	mut tell: impl FnMut(&str),
) -> Result<String> {
	let asking = |e: std::io::Error| Failure::new(format!("passphrase: {e}"));
	for _ in 0..NEW_PASSPHRASE_TRIES {
		let passphrase = ask("New key file passphrase: ").map_err(asking)?;
		let length = passphrase.chars().count();
		if length < MIN_NEW_PASSPHRASE_CHARS {
			tell(&format!(
				"a new key file's passphrase needs at least {MIN_NEW_PASSPHRASE_CHARS} characters, not {length}: it is all that protects a copy of the key file"
			));
			continue;
		}
		if ask("The same passphrase again: ").map_err(asking)? != passphrase {
			tell("the two passphrases differ");
			continue;
		}
		return Ok(passphrase);
	}
	Err(Failure::new(format!(
		"no passphrase chosen in {NEW_PASSPHRASE_TRIES} tries: it needs at least {MIN_NEW_PASSPHRASE_CHARS} characters, typed the same twice"
	)))
}

/// `0x`-hex of bytes.
pub fn hex0x(bytes: &[u8]) -> String {
	format!("0x{}", hex::encode(bytes))
}

/// A salted commitment to the document at `path`, if one is named: what goes on chain for a
/// profile or a license, which stay off it.
pub fn commitment_of(path: Option<&Path>) -> Result<Option<Commitment>> {
	path.map(|path| {
		std::fs::read(path)
			.map(|document| Commitment::new(&document))
			.map_err(|e| Failure::new(format!("cannot read {}: {e}", path.display())))
	})
	.transpose()
}

/// A commitment as JSON (its hash and the salt to keep), `null` for none.
pub fn commitment_json(commitment: &Option<Commitment>) -> Value {
	match commitment {
		Some(c) => json!({ "hash": hex0x(c.hash.as_bytes()), "salt": hex0x(&c.salt) }),
		None => Value::Null,
	}
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

#[cfg(test)]
mod tests {
	use super::*;

	/// `choose_passphrase` fed `typed`, one answer per prompt: what it returns, the prompts it
	/// showed and the problems it told.
	fn choose(typed: &[&str]) -> (Result<String>, Vec<String>, Vec<String>) {
		let (mut prompts, mut told) = (Vec::new(), Vec::new());
		let mut answers = typed.iter();
		let chosen = choose_passphrase(
			|prompt| {
				prompts.push(prompt.to_owned());
				answers
					.next()
					.map(|answer| (*answer).to_owned())
					.ok_or_else(|| std::io::Error::other("no more input"))
			},
			|problem| told.push(problem.to_owned()),
		);
		(chosen, prompts, told)
	}

	#[test]
	fn a_new_passphrase_is_confirmed() {
		let (chosen, prompts, told) = choose(&["correct horse battery", "correct horse battery"]);
		assert_eq!(chosen.unwrap(), "correct horse battery");
		assert_eq!(prompts, ["New key file passphrase: ", "The same passphrase again: "]);
		assert!(told.is_empty());
	}

	#[test]
	fn a_short_or_mistyped_passphrase_is_asked_for_again_then_refused() {
		let good = "twelve chars";
		assert_eq!(good.chars().count(), MIN_NEW_PASSPHRASE_CHARS);
		let (chosen, prompts, told) = choose(&["bench", good, "twelve charz", good, good]);
		assert_eq!(chosen.unwrap(), good);
		assert_eq!(prompts.len(), 5);
		assert_eq!(told.len(), 2);
		assert!(
			told[0].starts_with("a new key file's passphrase needs at least 12 characters, not 5")
		);
		assert_eq!(told[1], "the two passphrases differ");
		// Characters, not bytes: eleven of them are too few however many bytes they take.
		let (chosen, _, told) = choose(&["ééééééééééé", "ééééééééééé", "x"]);
		assert!(chosen.is_err());
		assert!(told[0].ends_with("not 11: it is all that protects a copy of the key file"));

		let (chosen, prompts, _) = choose(&["short", "also short", "still short"]);
		let failure = chosen.unwrap_err();
		assert_eq!(
			failure.message,
			"no passphrase chosen in 3 tries: it needs at least 12 characters, typed the same twice"
		);
		assert_eq!(prompts.len(), 3, "three tries, no more");
		// A prompt that cannot be answered (no terminal) is a failure at once, not a retry.
		let (chosen, prompts, _) = choose(&[]);
		assert_eq!(chosen.unwrap_err().message, "passphrase: no more input");
		assert_eq!(prompts.len(), 1);
	}

	#[test]
	fn a_retired_account_is_told_which_identity_left_it_and_not_to_register() {
		let subject = SubjectId([0xab; 32]);
		let failure = retired("5Fold", subject);
		assert!(failure.message.starts_with(&format!(
			"account 5Fold no longer controls an identity: {} was moved to other keys",
			subject.to_did()
		)));
		assert!(failure.message.contains("can never register again"));
		assert!(!failure.message.contains('\n'));
		assert_eq!(failure.code, 1);
	}
}

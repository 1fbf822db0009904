//! `medchain keys`: create, import, export and show the key file's keys.

use std::{io::Read, path::Path};

use clap::Subcommand;
use medchain_client::keys::{KeyFile, Keys};
use serde_json::json;

use crate::context::{hex0x, Ctx, Failure, Result};

#[derive(Subcommand, Debug)]
pub enum KeysCommand {
	/// New keys from a fresh 12-word mnemonic, saved encrypted to the key file. Write the
	/// mnemonic down: it is shown once. On a terminal the passphrase is asked for twice and needs
	/// at least 12 characters; MEDCHAIN_PASSPHRASE (for scripts) is taken as it is.
	#[command(
		after_help = "Example:\n  medchain --key-file alice.json keys new        # asks for a passphrase, twice\n  MEDCHAIN_PASSPHRASE=… medchain --key-file alice.json keys new"
	)]
	New {
		/// Overwrite an existing key file.
		#[arg(long)]
		force: bool,
	},
	/// Keys from an existing mnemonic (or secret URI such as `//Alice` on a dev chain), read
	/// from MEDCHAIN_MNEMONIC or stdin, saved encrypted to the key file (its passphrase as for
	/// `keys new`).
	#[command(
		after_help = "Example:\n  echo '//Alice' | medchain --key-file sudo.json keys import"
	)]
	Import {
		/// Overwrite an existing key file.
		#[arg(long)]
		force: bool,
	},
	/// Print the mnemonic of the key file (asks for its passphrase).
	#[command(after_help = "Example:\n  medchain keys export")]
	Export,
	/// Show the key file's account and key-agreement key (no passphrase needed).
	#[command(after_help = "Example:\n  medchain keys show --json")]
	Show,
}

pub fn run(ctx: &Ctx, command: &KeysCommand) -> Result<()> {
	match command {
		KeysCommand::New { force } => {
			let keys = Keys::generate();
			write_key_file(ctx, &keys, *force)?;
			ctx.print(
				&json!({
					"account": keys.ss58(),
					"key_agreement": hex0x(&keys.agreement_public()),
					"mnemonic": keys.phrase(),
					"key_file": ctx.cli.key_file,
				}),
				|| {
					format!(
						"account        {}\nkey agreement  {}\nkey file       {}\n\nmnemonic (write it down; it is the only way back to these keys):\n  {}",
						keys.ss58(),
						hex0x(&keys.agreement_public()),
						ctx.cli.key_file.display(),
						keys.phrase()
					)
				},
			);
		},
		KeysCommand::Import { force } => {
			let phrase = match std::env::var("MEDCHAIN_MNEMONIC") {
				Ok(phrase) => phrase,
				Err(_) => {
					let mut phrase = String::new();
					std::io::stdin()
						.read_to_string(&mut phrase)
						.map_err(|e| Failure::new(format!("cannot read the mnemonic: {e}")))?;
					phrase
				},
			};
			let keys = Keys::from_phrase(&phrase)?;
			write_key_file(ctx, &keys, *force)?;
			ctx.print(
				&json!({ "account": keys.ss58(), "key_agreement": hex0x(&keys.agreement_public()) }),
				|| format!("imported {} into {}", keys.ss58(), ctx.cli.key_file.display()),
			);
		},
		KeysCommand::Export => {
			let keys = ctx.keys()?;
			ctx.print(&json!({ "mnemonic": keys.phrase() }), || keys.phrase().to_owned());
		},
		KeysCommand::Show => {
			let file = Ctx::key_file_at(&ctx.cli.key_file)?;
			ctx.print(
				&json!({ "account": file.account, "key_agreement": format!("0x{}", file.key_agreement) }),
				|| {
					format!(
						"account        {}\nkey agreement  0x{}",
						file.account, file.key_agreement
					)
				},
			);
		},
	}
	Ok(())
}

/// Seals `keys` under a new passphrase into the key file, which must not exist unless `force`.
fn write_key_file(ctx: &Ctx, keys: &Keys, force: bool) -> Result<()> {
	let path = &ctx.cli.key_file;
	if path.exists() && !force {
		return Err(Failure::new(format!(
			"{} exists: pass --force to overwrite it (its keys are lost unless written down)",
			path.display()
		)));
	}
	let passphrase = ctx.new_passphrase()?;
	let file = KeyFile::seal(keys, &passphrase)?;
	// Written to a fresh file readable by its owner only, then moved into place.
	let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
	let write = || -> std::io::Result<()> {
		let mut temporary = tempfile::NamedTempFile::new_in(dir)?;
		std::io::Write::write_all(&mut temporary, file.to_json().as_bytes())?;
		temporary.persist(path).map_err(|e| e.error)?;
		Ok(())
	};
	write().map_err(|e| Failure::new(format!("cannot write {}: {e}", path.display())))
}

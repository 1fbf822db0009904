//! `medchain identity`: register, show, rotate keys, name guardians.

use std::path::PathBuf;

use clap::{Subcommand, ValueEnum};
use medchain_client::{
	chain::{runtime, Static},
	codes,
};
use medchain_primitives::{
	identity::{GuardianRights, IdentityDocument, SubjectId, SubjectKind},
	AccountId,
};
use serde_json::{json, Value};

use crate::{
	context::{commitment_json, commitment_of, hex0x, retired, table, time, Ctx, Failure, Result},
	values,
};

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum SelfKind {
	/// A patient.
	Patient,
	/// A practitioner (attested later by an organization).
	Practitioner,
}

#[derive(Subcommand, Debug)]
pub enum IdentityCommand {
	/// Register yourself as a patient or practitioner with your key file's keys.
	#[command(
		after_help = "Example:\n  medchain identity register --kind patient --profile me.json"
	)]
	Register {
		/// What you register as.
		#[arg(long, value_enum)]
		kind: SelfKind,
		/// Your off-chain profile document: only a salted hash of it goes on chain; the salt is
		/// printed for you to keep.
		#[arg(long)]
		profile: Option<PathBuf>,
	},
	/// Show an identity document (default: yours).
	#[command(after_help = "Example:\n  medchain identity show did:medchain:…")]
	Show {
		/// The subject (did:medchain:… or 0x hex).
		#[arg(value_parser = values::subject)]
		subject: Option<SubjectId>,
	},
	/// Move your identity to the keys of another key file (a new signing key and key-agreement
	/// key); the old key file stops working.
	#[command(after_help = "Example:\n  medchain identity rotate-key --new-key-file new.json")]
	RotateKey {
		/// The key file with the new keys (`keys new` makes one). Its passphrase comes from
		/// MEDCHAIN_NEW_PASSPHRASE, or MEDCHAIN_PASSPHRASE.
		#[arg(long)]
		new_key_file: PathBuf,
	},
	/// Guardians who may act for you.
	#[command(subcommand)]
	Guardian(GuardianCommand),
}

#[derive(Subcommand, Debug)]
pub enum GuardianCommand {
	/// Name a guardian.
	#[command(after_help = "Example:\n  medchain identity guardian add did:medchain:… --delegate")]
	Add {
		/// The guardian (a registered patient or practitioner).
		#[arg(value_parser = values::subject)]
		guardian: SubjectId,
		/// May grant and revoke consent, anchor and erase records for you.
		#[arg(long)]
		delegate: bool,
		/// May take part in recovering your lost key.
		#[arg(long)]
		recovery: bool,
	},
	/// Remove a guardian.
	#[command(after_help = "Example:\n  medchain identity guardian remove did:medchain:…")]
	Remove {
		/// The guardian.
		#[arg(value_parser = values::subject)]
		guardian: SubjectId,
	},
}

pub async fn run(ctx: &Ctx<'_>, command: &IdentityCommand) -> Result<()> {
	let chain = ctx.chain().await?;
	match command {
		IdentityCommand::Register { kind, profile } => {
			let keys = ctx.keys()?;
			// The chain refuses a registration from keys an identity left (their transaction is
			// invalid, `1010`): say which identity, and sign with its new keys.
			if let Some(subject) = chain.retired_account(&keys.account()).await? {
				return Err(retired(&keys.ss58(), subject));
			}
			let kind = match kind {
				SelfKind::Patient => SubjectKind::Patient,
				SelfKind::Practitioner => SubjectKind::Practitioner,
			};
			let profile = commitment_of(profile.as_deref())?;
			let call = runtime::transactions().identity().register(
				Static(kind),
				keys.agreement_public(),
				profile.map(|c| c.hash).unwrap_or_default(),
			);
			ctx.submit(&chain, &keys, &call, "register").await?;
			let id = ctx.me(&chain, &keys).await?;
			ctx.print(
				&json!({ "id": id.to_did(), "kind": codes::kind_name(kind), "account": keys.ss58(), "profile": commitment_json(&profile) }),
				|| {
					let mut text = format!("registered {} as a {}", id.to_did(), codes::kind_name(kind));
					if let Some(c) = &profile {
						text += &format!("\nprofile salt (keep it with the profile): {}", hex0x(&c.salt));
					}
					text
				},
			);
		},
		IdentityCommand::Show { subject } => {
			let id = ctx.subject_or_mine(*subject, &chain).await?;
			let document = chain.identity(id).await?.ok_or_else(|| {
				Failure::new(format!("{} is not a registered subject", id.to_did()))
			})?;
			let value = identity_json(&document);
			ctx.print(&value, || identity_rows(&document, &value));
		},
		IdentityCommand::RotateKey { new_key_file } => {
			let keys = ctx.keys()?;
			let me = ctx.me(&chain, &keys).await?;
			let new_file = Ctx::key_file_at(new_key_file)?;
			let passphrase =
				ctx.passphrase("MEDCHAIN_NEW_PASSPHRASE", "New key file passphrase: ")?;
			let new_keys = new_file.open(&passphrase)?;
			let payload =
				chain.rotation_payload(me, &new_keys.account()).await?.ok_or_else(|| {
					Failure::new("the chain gives no rotation payload for this identity")
				})?;
			let proof = new_keys.signer().sign(&payload.payload);
			let call = runtime::transactions().identity().rotate_controller(
				new_keys.account(),
				runtime::runtime_types::sp_runtime::MultiSignature::Sr25519(proof.0),
			);
			ctx.submit(&chain, &keys, &call, "rotate signing key").await?;
			let call = runtime::transactions()
				.identity()
				.rotate_key_agreement(new_keys.agreement_public());
			ctx.submit(&chain, &new_keys, &call, "rotate key-agreement key").await?;
			ctx.print(
				&json!({ "id": me.to_did(), "controller": new_keys.ss58(), "key_agreement": hex0x(&new_keys.agreement_public()) }),
				|| format!("{} is now controlled by {} ({} no longer signs for it)", me.to_did(), new_keys.ss58(), keys.ss58()),
			);
		},
		IdentityCommand::Guardian(GuardianCommand::Add { guardian, delegate, recovery }) => {
			let keys = ctx.keys()?;
			let rights = GuardianRights { delegate: *delegate, recovery: *recovery };
			let call = runtime::transactions()
				.identity()
				.add_guardian(Static(*guardian), Static(rights));
			ctx.submit(&chain, &keys, &call, "add guardian").await?;
			ctx.print(
				&json!({ "guardian": guardian.to_did(), "delegate": delegate, "recovery": recovery }),
				|| {
					format!(
						"{} is your guardian (delegate={delegate}, recovery={recovery})",
						guardian.to_did()
					)
				},
			);
		},
		IdentityCommand::Guardian(GuardianCommand::Remove { guardian }) => {
			let keys = ctx.keys()?;
			let call = runtime::transactions().identity().remove_guardian(Static(*guardian));
			ctx.submit(&chain, &keys, &call, "remove guardian").await?;
			ctx.print(&json!({ "removed": guardian.to_did() }), || {
				format!("{} is no longer your guardian", guardian.to_did())
			});
		},
	}
	Ok(())
}

fn identity_json(document: &IdentityDocument<AccountId>) -> Value {
	json!({
		"id": document.id.to_did(),
		"kind": codes::kind_name(document.kind),
		"status": format!("{:?}", document.status).to_lowercase(),
		"controller": document.controller.to_string(),
		"key_agreement": hex0x(&document.key_agreement),
		"profile_hash": hex0x(document.profile_hash.as_bytes()),
		"organization": document.organization.map(|o| o.to_did()),
		"registered_at": document.registered_at,
		"is_practitioner": document.is_practitioner,
		"attestations": document.attestations.iter().map(|a| json!({
			"organization": a.organization.to_did(),
			"role": codes::role_name(a.role),
			"expires_at": time(a.expires_at),
			"live": a.live,
		})).collect::<Vec<_>>(),
		"guardians": document.guardians.iter().map(|(g, rights)| json!({
			"guardian": g.to_did(), "delegate": rights.delegate, "recovery": rights.recovery,
		})).collect::<Vec<_>>(),
	})
}

/// An identity document as a table; `value` is its JSON (for the status as JSON writes it).
fn identity_rows(document: &IdentityDocument<AccountId>, value: &Value) -> String {
	let mut rows = vec![
		vec!["id".into(), document.id.to_did()],
		vec!["kind".into(), codes::kind_name(document.kind).into()],
		vec!["status".into(), value["status"].as_str().unwrap_or_default().into()],
		vec!["controller".into(), document.controller.to_string()],
		vec!["key agreement".into(), hex0x(&document.key_agreement)],
	];
	for a in &document.attestations {
		rows.push(vec![
			"attestation".into(),
			format!(
				"{} by {} until {}{}",
				codes::role_name(a.role),
				a.organization.to_did(),
				time(a.expires_at),
				if a.live { "" } else { " (not live)" }
			),
		]);
	}
	for (g, rights) in &document.guardians {
		rows.push(vec![
			"guardian".into(),
			format!("{} delegate={} recovery={}", g.to_did(), rights.delegate, rights.recovery),
		]);
	}
	table(&["field", "value"], rows)
}

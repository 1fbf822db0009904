//! `medchain practitioner`: an organization attests its practitioners and revokes them.

use std::{path::PathBuf, time::Duration};

use clap::Subcommand;
use medchain_client::{
	chain::{runtime, Static},
	codes,
};
use medchain_primitives::identity::{PractitionerRole, SubjectId};
use serde_json::json;

use crate::{
	context::{commitment_json, commitment_of, time, Ctx, Result},
	values,
};

#[derive(Subcommand, Debug)]
pub enum PractitionerCommand {
	/// Attest a practitioner in a role until an expiry, as the organization of the key file.
	#[command(
		after_help = "Example:\n  medchain practitioner attest did:medchain:… --role physician --days 365"
	)]
	Attest {
		/// The practitioner.
		#[arg(value_parser = values::subject)]
		practitioner: SubjectId,
		/// Their role: physician, nurse, pharmacist, lab, imaging, mental-health, emergency,
		/// administrative.
		#[arg(long, value_parser = values::role)]
		role: PractitionerRole,
		/// Days from now until the attestation expires.
		#[arg(long, default_value = "365", value_parser = values::days())]
		days: Duration,
		/// The license document: a salted hash goes on chain.
		#[arg(long)]
		license: Option<PathBuf>,
	},
	/// Revoke your organization's attestation of a practitioner.
	#[command(after_help = "Example:\n  medchain practitioner revoke did:medchain:…")]
	Revoke {
		/// The practitioner.
		#[arg(value_parser = values::subject)]
		practitioner: SubjectId,
	},
}

pub async fn run(ctx: &Ctx<'_>, command: &PractitionerCommand) -> Result<()> {
	let chain = ctx.chain().await?;
	let keys = ctx.keys()?;
	match command {
		PractitionerCommand::Attest { practitioner, role, days, license } => {
			let license = commitment_of(license.as_deref())?;
			let expires_at = values::from_now(*days);
			let call = runtime::transactions().identity().attest_practitioner(
				Static(*practitioner),
				Static(*role),
				license.map(|c| c.hash).unwrap_or_default(),
				expires_at,
			);
			ctx.submit(&chain, &keys, &call, "attest").await?;
			ctx.print(
				&json!({ "practitioner": practitioner.to_did(), "role": codes::role_name(*role), "expires_at": expires_at, "license": commitment_json(&license) }),
				|| format!("attested {} as {} until {}", practitioner.to_did(), codes::role_name(*role), time(expires_at)),
			);
		},
		PractitionerCommand::Revoke { practitioner } => {
			let call = runtime::transactions().identity().revoke_attestation(Static(*practitioner));
			ctx.submit(&chain, &keys, &call, "revoke attestation").await?;
			ctx.print(&json!({ "revoked": practitioner.to_did() }), || {
				format!("your attestation of {} is revoked", practitioner.to_did())
			});
		},
	}
	Ok(())
}

//! `medchain org`: admit organizations (through governance) and register their gateways.

use std::path::PathBuf;

use clap::Subcommand;
use medchain_client::chain::{runtime, AccountId32};
use medchain_primitives::identity::KeyAgreementKey;
use serde_json::json;

use crate::{
	context::{commitment_json, commitment_of, Ctx, Failure, Result},
	values,
};

#[derive(Subcommand, Debug)]
pub enum OrgCommand {
	/// Admit an organization, through governance (today the chain's sudo key: run it with the
	/// sudo key file, `//Alice` on a dev chain).
	#[command(
		after_help = "Example:\n  medchain --key-file sudo.json org admit --controller 5F… --key-agreement 0x…"
	)]
	Admit {
		/// The organization's signing account (SS58).
		#[arg(long, value_parser = values::account)]
		controller: AccountId32,
		/// The organization's X25519 key-agreement key, 32 bytes hex (`keys show` prints it).
		#[arg(long, value_parser = values::key_agreement)]
		key_agreement: KeyAgreementKey,
		/// The organization's off-chain profile: a salted hash goes on chain.
		#[arg(long)]
		profile: Option<PathBuf>,
	},
	/// Register a gateway of your organization (run with the organization's key file); the
	/// gateway then runs with its own key file (`medchain-gateway --key-file`).
	#[command(
		after_help = "Example:\n  medchain --key-file org.json org add-gateway --controller 5F… --key-agreement 0x…"
	)]
	AddGateway {
		/// The gateway's signing account (SS58): `keys show` on the gateway's key file.
		#[arg(long, value_parser = values::account)]
		controller: AccountId32,
		/// The gateway's X25519 key, 32 bytes hex.
		#[arg(long, value_parser = values::key_agreement)]
		key_agreement: KeyAgreementKey,
		/// The gateway's off-chain description (its address, operator): a salted hash goes on chain.
		#[arg(long)]
		profile: Option<PathBuf>,
	},
}

pub async fn run(ctx: &Ctx<'_>, command: &OrgCommand) -> Result<()> {
	let chain = ctx.chain().await?;
	let keys = ctx.keys()?;
	match command {
		OrgCommand::Admit { controller, key_agreement, profile } => {
			let profile = commitment_of(profile.as_deref())?;
			use runtime::runtime_types::{
				medchain_runtime::RuntimeCall, pallet_patient_identity::pallet::Call,
			};
			let admit = RuntimeCall::Identity(Call::admit_organization {
				controller: *controller,
				key_agreement: *key_agreement,
				profile_hash: profile.map(|c| c.hash).unwrap_or_default(),
			});
			let call = runtime::transactions().sudo().sudo(admit);
			let included = ctx.submit(&chain, &keys, &call, "admit organization").await?;
			// Sudo reports the inner call's failure as an event, not as the extrinsic's.
			if let Some(Ok(done)) = included.events.find_first::<runtime::sudo::events::Sudid>() {
				if let Err(error) = done.sudo_result {
					return Err(Failure::new(format!("the admission failed: {error:?}")));
				}
			}
			let id = chain
				.subject_of(controller)
				.await?
				.ok_or_else(|| Failure::new("the organization was not admitted"))?;
			ctx.print(&json!({ "id": id.to_did(), "controller": controller.to_string(), "profile": commitment_json(&profile) }), || {
				format!("admitted organization {} (controller {controller})", id.to_did())
			});
		},
		OrgCommand::AddGateway { controller, key_agreement, profile } => {
			let profile = commitment_of(profile.as_deref())?;
			let call = runtime::transactions().identity().register_gateway(
				*controller,
				*key_agreement,
				profile.map(|c| c.hash).unwrap_or_default(),
			);
			ctx.submit(&chain, &keys, &call, "register gateway").await?;
			let id = chain
				.subject_of(controller)
				.await?
				.ok_or_else(|| Failure::new("the gateway was not registered"))?;
			ctx.print(&json!({ "id": id.to_did(), "controller": controller.to_string(), "profile": commitment_json(&profile) }), || {
				format!("registered gateway {} (controller {controller})", id.to_did())
			});
		},
	}
	Ok(())
}

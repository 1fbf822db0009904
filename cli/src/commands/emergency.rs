//! `medchain emergency`: break the glass, and end it.

use std::{io::Read, path::PathBuf, time::Duration};

use clap::Subcommand;
use medchain_client::{
	chain::{runtime, Static},
	commitment::Commitment,
};
use medchain_primitives::{consent::EmergencyId, identity::SubjectId};
use serde_json::json;

use crate::{
	context::{hex0x, time, Ctx, Failure, Result},
	values,
};

#[derive(Subcommand, Debug)]
pub enum EmergencyCommand {
	/// Break the glass: read access to a patient's data for emergency treatment (ETREAT), for a
	/// limited time, with a justification kept off chain (its salted hash goes on chain). The
	/// patient is alerted. The justification is read from a file or stdin, never the command
	/// line (it may name a condition, and other users see command lines).
	#[command(
		after_help = "Example:\n  echo 'unconscious, allergy check' | medchain emergency open --patient did:… --minutes 60"
	)]
	Open {
		/// The patient.
		#[arg(long, value_parser = values::subject)]
		patient: SubjectId,
		/// Minutes of access.
		#[arg(long, default_value = "60", value_parser = values::minutes())]
		minutes: Duration,
		/// The file holding the justification (default: stdin).
		#[arg(long)]
		justification_file: Option<PathBuf>,
	},
	/// End an emergency access before its time.
	#[command(after_help = "Example:\n  medchain emergency end 3")]
	End {
		/// The emergency grant's number.
		#[arg(value_parser = values::emergency_id())]
		id: EmergencyId,
	},
}

pub async fn run(ctx: &Ctx<'_>, command: &EmergencyCommand) -> Result<()> {
	let chain = ctx.chain().await?;
	let keys = ctx.keys()?;
	match command {
		EmergencyCommand::Open { patient, minutes, justification_file } => {
			let justification = match justification_file {
				Some(path) => std::fs::read(path)
					.map_err(|e| Failure::new(format!("cannot read {}: {e}", path.display())))?,
				None => {
					let mut text = Vec::new();
					std::io::stdin()
						.read_to_end(&mut text)
						.map_err(|e| Failure::new(format!("cannot read the justification: {e}")))?;
					text
				},
			};
			if justification.iter().all(u8::is_ascii_whitespace) {
				return Err(Failure::new(
					"the justification is empty: say why the glass is broken",
				));
			}
			let commitment = Commitment::new(&justification);
			let call = runtime::transactions().consent().open_emergency_access(
				Static(*patient),
				values::millis(*minutes),
				commitment.hash,
			);
			let included = ctx.submit(&chain, &keys, &call, "open emergency access").await?;
			let opened = included
				.events
				.find_first::<runtime::consent::events::EmergencyAccessOpened>()
				.and_then(|e| e.ok())
				.ok_or_else(|| Failure::new("the chain reported no EmergencyAccessOpened event"))?;
			ctx.print(
				&json!({ "id": opened.id.0 .0, "expires_at": opened.expires_at, "justification": { "hash": hex0x(commitment.hash.as_bytes()), "salt": hex0x(&commitment.salt) } }),
				|| format!("emergency access {} open until {}; keep the justification and its salt {}", opened.id.0 .0, time(opened.expires_at), hex0x(&commitment.salt)),
			);
		},
		EmergencyCommand::End { id } => {
			let call = runtime::transactions().consent().end_emergency_access(Static(*id));
			ctx.submit(&chain, &keys, &call, "end emergency access").await?;
			ctx.print(&json!({ "ended": id.0 }), || format!("emergency access {} ended", id.0));
		},
	}
	Ok(())
}

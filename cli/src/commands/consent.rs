//! `medchain consent`: grant, revoke, list and check consents.

use std::time::Duration;

use clap::{Args, Subcommand};
use medchain_client::{
	chain::{runtime, Static},
	codes,
};
use medchain_primitives::{
	consent::{
		AccessDecision, AccessTarget, ActionSet, ConsentAction, ConsentId, ConsentRecord,
		ConsentStatus, DataClass, DataClassSet, Grantee, PermitBasis, PurposeOfUse, PurposeSet,
		RecordId,
	},
	identity::SubjectId,
};
use serde_json::{json, Value};

use crate::{
	context::{hex0x, table, time, Ctx, Failure, Result},
	values::{self, RecordIds},
};

/// What a consent covers.
#[derive(Args, Debug)]
pub struct Coverage {
	/// Data classes covered, comma-separated (labs, imaging, medications, …).
	#[arg(long, default_value = "", value_parser = values::data_classes)]
	pub classes: DataClassSet,
	/// Records covered by identifier (0x…), comma-separated.
	#[arg(long, default_value = "", value_parser = values::records)]
	pub records: RecordIds,
	/// Classes excluded even where covered otherwise, comma-separated.
	#[arg(long, default_value = "", value_parser = values::data_classes)]
	pub exclude: DataClassSet,
}

#[derive(Subcommand, Debug)]
pub enum ConsentCommand {
	/// Grant a practitioner (or a whole organization) access to your data.
	#[command(
		after_help = "Example:\n  medchain consent grant --to did:medchain:… --classes labs --actions read --purposes TREAT --days 30"
	)]
	Grant {
		/// The grantee: a practitioner, or with --organization an organization.
		#[arg(long, value_parser = values::subject)]
		to: SubjectId,
		/// The grantee is an organization: all its attested practitioners.
		#[arg(long)]
		organization: bool,
		/// The patient (default: you; a delegate guardian names the patient).
		#[arg(long, value_parser = values::subject)]
		patient: Option<SubjectId>,
		#[command(flatten)]
		coverage: Coverage,
		/// Actions allowed, comma-separated: read, create, share.
		#[arg(long, default_value = "read", value_parser = values::actions)]
		actions: ActionSet,
		/// Purposes of use allowed, comma-separated: TREAT, ETREAT, HPAYMT, HOPERAT, HRESCH, PUBHLTH.
		#[arg(long, default_value = "TREAT", value_parser = values::purposes)]
		purposes: PurposeSet,
		/// Days the consent lasts (default: until revoked).
		#[arg(long, value_parser = values::days())]
		days: Option<Duration>,
	},
	/// Revoke a consent: it stops counting from the next block.
	#[command(after_help = "Example:\n  medchain consent revoke 7")]
	Revoke {
		/// The consent's number.
		#[arg(value_parser = values::consent_id())]
		id: ConsentId,
	},
	/// List a patient's consents, newest first (default: yours).
	#[command(after_help = "Example:\n  medchain consent list --json")]
	List {
		/// The patient.
		#[arg(long, value_parser = values::subject)]
		patient: Option<SubjectId>,
	},
	/// Ask the access rule: may this accessor do this? Prints Permit with its basis, or Deny
	/// with the reason. Exits 0 either way; 3 on Deny with --require-permit.
	#[command(
		after_help = "Example:\n  medchain consent check --patient did:… --accessor did:… --class labs"
	)]
	Check {
		/// The patient (default: you).
		#[arg(long, value_parser = values::subject)]
		patient: Option<SubjectId>,
		/// Who would access (default: you).
		#[arg(long, value_parser = values::subject)]
		accessor: Option<SubjectId>,
		/// The action: read, create, share.
		#[arg(long, default_value = "read", value_parser = values::action)]
		action: ConsentAction,
		/// A data class.
		#[arg(
			long,
			conflicts_with = "record",
			required_unless_present = "record",
			value_parser = values::data_class
		)]
		class: Option<DataClass>,
		/// A record (its anchor gives the class).
		#[arg(long, value_parser = values::record)]
		record: Option<RecordId>,
		/// The purpose of use.
		#[arg(long, default_value = "TREAT", value_parser = values::purpose)]
		purpose: PurposeOfUse,
		/// Exit 3 when the answer is Deny.
		#[arg(long)]
		require_permit: bool,
	},
}

pub async fn run(ctx: &Ctx<'_>, command: &ConsentCommand) -> Result<()> {
	let chain = ctx.chain().await?;
	match command {
		ConsentCommand::Grant { to, organization, patient, coverage, actions, purposes, days } => {
			let keys = ctx.keys()?;
			let patient = ctx.subject_or_me(*patient, &chain, &keys).await?;
			let grantee =
				if *organization { Grantee::Organization(*to) } else { Grantee::Practitioner(*to) };
			let terms = runtime::runtime_types::pallet_consent::types::ConsentTerms {
				grantee: Static(grantee),
				actions: Static(*actions),
				classes: Static(coverage.classes),
				records: coverage.records.0.iter().copied().map(Static).collect(),
				excluded: Static(coverage.exclude),
				purposes: Static(*purposes),
				valid_from: 0,
				valid_until: days.map(values::from_now),
			};
			let call = runtime::transactions().consent().grant(Static(patient), terms);
			let included = ctx.submit(&chain, &keys, &call, "grant consent").await?;
			let granted = included
				.events
				.find_first::<runtime::consent::events::ConsentGranted>()
				.and_then(|e| e.ok())
				.ok_or_else(|| Failure::new("the chain reported no ConsentGranted event"))?;
			let record = chain.consent(granted.id.0).await?;
			let value =
				record.as_ref().map(consent_json).unwrap_or(json!({ "id": granted.id.0 .0 }));
			ctx.print(&value, || format!("granted consent {} to {}", granted.id.0 .0, to.to_did()));
		},
		ConsentCommand::Revoke { id } => {
			let keys = ctx.keys()?;
			let call = runtime::transactions().consent().revoke(Static(*id));
			ctx.submit(&chain, &keys, &call, "revoke consent").await?;
			ctx.print(&json!({ "revoked": id.0 }), || format!("consent {} is revoked", id.0));
		},
		ConsentCommand::List { patient } => {
			let patient = ctx.subject_or_mine(*patient, &chain).await?;
			// Every page: a patient may have granted more than one call returns.
			let consents = chain.consents_of_patient(patient).await?;
			let values: Vec<Value> = consents.iter().map(consent_json).collect();
			ctx.print(&Value::Array(values.clone()), || consent_rows(&values));
		},
		ConsentCommand::Check {
			patient,
			accessor,
			action,
			class,
			record,
			purpose,
			require_permit,
		} => {
			// The key file is opened only when one of them is "you".
			let (patient, accessor) = match (*patient, *accessor) {
				(Some(patient), Some(accessor)) => (patient, accessor),
				(patient, accessor) => {
					let keys = ctx.keys()?;
					let me = ctx.me(&chain, &keys).await?;
					(patient.unwrap_or(me), accessor.unwrap_or(me))
				},
			};
			let target = match (class, record) {
				(_, Some(record)) => AccessTarget::Record(*record),
				(Some(class), None) => AccessTarget::Class(*class),
				(None, None) => return Err(Failure::new("name a --class or a --record")),
			};
			let decision = chain.check_access(patient, accessor, *action, target, *purpose).await?;
			let value = decision_json(&decision);
			ctx.print(&value, || match &decision {
				AccessDecision::Permit(_) => format!("PERMIT ({})", value["basis"]),
				AccessDecision::Deny(reason) => format!("DENY: {}", reason.code()),
			});
			if *require_permit && !decision.is_permit() {
				return Err(Failure::with_code(
					format!("access denied: {}", value["reason"].as_str().unwrap_or("")),
					3,
				));
			}
		},
	}
	Ok(())
}

fn consent_json(c: &ConsentRecord) -> Value {
	let (grantee_kind, grantee) = match c.grantee {
		Grantee::Practitioner(s) => ("practitioner", s),
		Grantee::Organization(s) => ("organization", s),
	};
	json!({
		"id": c.id.0,
		"patient": c.patient.to_did(),
		"grantor": c.grantor.to_did(),
		"grantee": grantee.to_did(),
		"grantee_kind": grantee_kind,
		"actions": c.actions.iter().map(codes::action_name).collect::<Vec<_>>(),
		"classes": c.classes.iter().map(|x| x.code()).collect::<Vec<_>>(),
		"records": c.records.iter().map(|r| hex0x(&r.0)).collect::<Vec<_>>(),
		"excluded": c.excluded.iter().map(|x| x.code()).collect::<Vec<_>>(),
		"purposes": c.purposes.iter().map(|x| x.code()).collect::<Vec<_>>(),
		"valid_from": c.valid_from,
		"valid_until": c.valid_until,
		"status": match c.status { ConsentStatus::Active => "active", ConsentStatus::Revoked { .. } => "revoked" },
		"granted_at": c.granted_at,
	})
}

/// Consents (as [`consent_json`] writes them) as a table.
fn consent_rows(consents: &[Value]) -> String {
	table(
		&["id", "grantee", "actions", "classes / records", "purposes", "until", "status"],
		consents
			.iter()
			.map(|c| {
				let list = |key: &str| {
					c[key]
						.as_array()
						.map(|a| a.iter().filter_map(|v| v.as_str()).collect::<Vec<_>>().join(","))
						.unwrap_or_default()
				};
				vec![
					c["id"].to_string(),
					format!(
						"{} {}",
						c["grantee_kind"].as_str().unwrap_or(""),
						c["grantee"].as_str().unwrap_or("")
					),
					list("actions"),
					format!("{} {}", list("classes"), list("records")),
					list("purposes"),
					c["valid_until"]
						.as_u64()
						.map(time)
						.unwrap_or_else(|| "revoked by patient".into()),
					c["status"].as_str().unwrap_or("").into(),
				]
			})
			.collect(),
	)
}

fn decision_json(decision: &AccessDecision) -> Value {
	match decision {
		AccessDecision::Permit(basis) => {
			let basis = match basis {
				PermitBasis::OwnData => json!({ "own_data": true }),
				PermitBasis::Consent(id) => json!({ "consent": id.0 }),
				PermitBasis::Emergency(id) => json!({ "emergency": id.0 }),
			};
			json!({ "decision": "permit", "basis": basis })
		},
		AccessDecision::Deny(reason) => json!({ "decision": "deny", "reason": reason.code() }),
	}
}

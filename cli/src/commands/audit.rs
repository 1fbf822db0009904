//! `medchain audit`: a patient's trail, shown, verified, exported as FHIR.

use std::path::PathBuf;

use clap::Subcommand;
use medchain_client::{
	chain::{verify_locally, H256},
	fhir,
};
use medchain_primitives::{audit::AuditEntry, identity::SubjectId, Code};
use serde_json::{json, Value};

use crate::{
	context::{hex0x, table, time, Ctx, Failure, Result},
	values,
};

#[derive(Subcommand, Debug)]
pub enum AuditCommand {
	/// A patient's trail as a timeline, oldest first, in the order things happened (default:
	/// yours). `#` is an entry's place in the hash chain, which is the order entries were
	/// recorded: a gateway's reads and denials are recorded a few seconds after they happened.
	#[command(after_help = "Example:\n  medchain audit show --patient did:…")]
	Show {
		/// The patient.
		#[arg(long, value_parser = values::subject)]
		patient: Option<SubjectId>,
	},
	/// Re-hash a patient's whole trail here (trusting no node) and on the node; exits 2 when
	/// a link is broken.
	#[command(after_help = "Example:\n  medchain audit verify")]
	Verify {
		/// The patient.
		#[arg(long, value_parser = values::subject)]
		patient: Option<SubjectId>,
	},
	/// A patient's trail as a FHIR R4 Bundle of AuditEvent resources.
	#[command(after_help = "Example:\n  medchain audit export-fhir --out trail.json")]
	ExportFhir {
		/// The patient.
		#[arg(long, value_parser = values::subject)]
		patient: Option<SubjectId>,
		/// Write to this file instead of stdout.
		#[arg(long)]
		out: Option<PathBuf>,
	},
}

pub async fn run(ctx: &Ctx<'_>, command: &AuditCommand) -> Result<()> {
	let chain = ctx.chain().await?;
	let patient = match command {
		AuditCommand::Show { patient }
		| AuditCommand::Verify { patient }
		| AuditCommand::ExportFhir { patient, .. } => *patient,
	};
	let patient = ctx.subject_or_mine(patient, &chain).await?;
	// The whole trail, page by page, however long.
	let entries = chain.trail(patient).await?;
	match command {
		AuditCommand::Show { .. } => {
			let mut timeline = entries;
			as_they_happened(&mut timeline);
			let values: Vec<Value> = timeline.iter().map(entry_json).collect();
			ctx.print(&Value::Array(values), || entry_rows(&timeline));
		},
		AuditCommand::Verify { .. } => {
			let genesis: H256 = chain.genesis_hash();
			let head = chain.trail_head(patient).await?;
			let local = verify_locally(&genesis, &patient, &entries);
			let remote = chain.verify_trail(patient).await?;
			let head_matches = entries.last().map_or(H256::zero(), |e| e.hash) == head.hash
				&& head.count == entries.len() as u64;
			let ok = local.is_ok() && remote.first_bad.is_none() && head_matches;
			let value = json!({
				"patient": patient.to_did(),
				"entries": entries.len(),
				"verified": ok,
				"local_first_bad": local.err(),
				"node_first_bad": remote.first_bad,
				"head_matches": head_matches,
				"head": hex0x(head.hash.as_bytes()),
			});
			ctx.print(&value, || {
				if ok {
					format!(
						"trail of {} verified: {} entries, head {}",
						patient.to_did(),
						entries.len(),
						hex0x(head.hash.as_bytes())
					)
				} else {
					format!("trail of {} does NOT verify: {value}", patient.to_did())
				}
			});
			if !ok {
				return Err(Failure::with_code("the audit trail does not verify", 2));
			}
		},
		AuditCommand::ExportFhir { out, .. } => {
			let bundle =
				fhir::bundle(entries.iter().map(|e| fhir::audit_event(&patient, e)).collect());
			let text = serde_json::to_string_pretty(&bundle).expect("JSON serializes");
			match out {
				Some(path) => {
					std::fs::write(path, text).map_err(|e| {
						Failure::new(format!("cannot write {}: {e}", path.display()))
					})?;
					if !ctx.json() {
						println!(
							"wrote {} AuditEvent resources to {}",
							entries.len(),
							path.display()
						);
					} else {
						println!("{}", json!({ "out": path, "entries": entries.len() }));
					}
				},
				None => println!("{text}"),
			}
		},
	}
	Ok(())
}

/// Orders a trail as its events happened: by the time each writer gives (`occurred`), then by
/// place in the hash chain.
///
/// The hash chain (`seq`) is the order entries were recorded, which is not always the order of
/// the events. The runtime records its own events (grants, record writes, emergency access opened
/// and ended) while their call executes, dated by that block. A gateway records a read or a
/// denial only when the batch carrying it is executed, in a later block than the one whose
/// `check_access` decided it (the batch leaves within a quarter of a second of the answer), and
/// dates it by that deciding block. So a break-glass read made just before `emergency end` is
/// recorded after the end whenever both land in one block and the end comes first in it (the
/// block's order is the pool's, by priority, not by arrival), or the batch lands in a later
/// block. The chain cannot put it back in place: each entry hashes the one before it, and nothing
/// is known of a read before its batch arrives. The timeline can.
fn as_they_happened(entries: &mut [AuditEntry]) {
	entries.sort_by_key(|e| (e.record.occurred, e.seq));
}

fn entry_json(e: &AuditEntry) -> Value {
	let r = &e.record;
	json!({
		"seq": e.seq,
		"type": r.event_type.code(),
		"action": r.action.code(),
		"outcome": r.outcome.code(),
		"actor": r.actor.to_did(),
		"policy": r.policy.map(|p| format!("{p:?}")),
		"deny_reason": r.deny_reason.map(|d| d.code()),
		"record": r.entity.map(|x| hex0x(&x.record.0)),
		"purpose": r.purpose.map(|p| p.code()),
		"occurred": r.occurred,
		"recorded": e.recorded,
		"block": e.block,
		"hash": hex0x(e.hash.as_bytes()),
	})
}

/// A trail (ordered by [`as_they_happened`]) as a timeline table, each code by its name: the
/// event, the action and outcome as FHIR's labels (`Read`, `Minor failure`, not `R` and `4`), the
/// purpose as the CLI takes it (`ETREAT`), a denial's reason and how often it was repeated.
fn entry_rows(entries: &[AuditEntry]) -> String {
	table(
		&["#", "when", "event", "action", "outcome", "actor", "purpose", "record / reason"],
		entries
			.iter()
			.map(|e| {
				let r = &e.record;
				let reason = r.deny_reason.map(|d| match r.repeats {
					Some(repeats) => {
						format!("{} (×{}, last {})", d.name(), repeats.count, time(repeats.last))
					},
					None => d.name().to_owned(),
				});
				vec![
					e.seq.to_string(),
					time(r.occurred),
					r.event_type.name().into(),
					r.action.label().into(),
					r.outcome.label().into(),
					r.actor.to_did(),
					r.purpose.map(|p| p.name()).unwrap_or_default().into(),
					reason.or_else(|| r.entity.map(|x| hex0x(&x.record.0))).unwrap_or_default(),
				]
			})
			.collect(),
	)
}

#[cfg(test)]
mod tests {
	use medchain_primitives::{
		audit::{
			AuditAction, AuditEntity, AuditEventType, AuditOutcome, AuditPolicy, AuditRecord,
			AuditSource,
		},
		consent::{DenyReason, EmergencyId, PurposeOfUse, RecordId},
		Hash,
	};

	use super::*;

	const DOCTOR: SubjectId = SubjectId([2; 32]);
	const GATEWAY: SubjectId = SubjectId([3; 32]);

	/// An entry at `seq`, recorded in a block at `recorded`, of `record`.
	fn entry(seq: u64, recorded: u64, record: AuditRecord, source: AuditSource) -> AuditEntry {
		AuditEntry {
			seq,
			record,
			source,
			recorded,
			block: u32::try_from(recorded / 6_000).unwrap(),
			prev_hash: Hash::zero(),
			hash: Hash::repeat_byte(u8::try_from(seq).unwrap()),
		}
	}

	/// A break-glass session whose read reached the chain in the block of its end: opened at 60 s,
	/// the read decided at 66 s, ended (and the read's batch landing) at 72 s.
	fn break_glass() -> Vec<AuditEntry> {
		let emergency = Some(AuditPolicy::Emergency(EmergencyId(0)));
		let etreat = Some(PurposeOfUse::EmergencyTreat);
		let open = AuditRecord::runtime_change(
			AuditEventType::EmergencyAccess,
			AuditAction::Execute,
			DOCTOR,
			emergency,
			etreat,
			60_000,
		);
		let end = AuditRecord::runtime_change(
			AuditEventType::EmergencyEnded,
			AuditAction::Execute,
			DOCTOR,
			emergency,
			etreat,
			72_000,
		);
		let read = AuditRecord {
			entity: Some(AuditEntity { record: RecordId([9; 32]), hash: None }),
			..AuditRecord::runtime_change(
				AuditEventType::RecordRead,
				AuditAction::Read,
				DOCTOR,
				emergency,
				etreat,
				66_000,
			)
		};
		vec![
			entry(0, 60_000, open, AuditSource::Runtime),
			entry(1, 72_000, end, AuditSource::Runtime),
			entry(2, 72_000, read, AuditSource::Gateway(GATEWAY)),
		]
	}

	#[test]
	fn a_read_recorded_after_the_end_of_its_emergency_is_shown_before_it() {
		let mut timeline = break_glass();
		as_they_happened(&mut timeline);
		let order: Vec<_> = timeline.iter().map(|e| (e.seq, e.record.event_type)).collect();
		assert_eq!(
			order,
			[
				(0, AuditEventType::EmergencyAccess),
				(2, AuditEventType::RecordRead),
				(1, AuditEventType::EmergencyEnded),
			]
		);
	}

	#[test]
	fn events_of_one_moment_keep_their_place_in_the_hash_chain() {
		let mut timeline = break_glass();
		for e in &mut timeline {
			e.record.occurred = 60_000;
		}
		as_they_happened(&mut timeline);
		assert_eq!(timeline.iter().map(|e| e.seq).collect::<Vec<_>>(), [0, 1, 2]);
	}

	#[test]
	fn the_timeline_names_every_code_and_shows_the_purpose() {
		let mut timeline = break_glass();
		let denied = AuditRecord {
			event_type: AuditEventType::AccessDenied,
			outcome: AuditOutcome::MinorFailure,
			deny_reason: Some(DenyReason::NoConsent),
			policy: None,
			purpose: Some(PurposeOfUse::Treat),
			..timeline[2].record
		};
		timeline.push(entry(3, 78_000, denied, AuditSource::Gateway(GATEWAY)));
		let text = entry_rows(&timeline);
		// A row's cells: #, when, event, action, outcome, actor, purpose, record / reason.
		let row = |event: &str| -> Vec<String> {
			let line = text.lines().find(|line| line.contains(event)).expect(event);
			let cells: Vec<String> =
				line.split(['│', '┆']).map(|cell| cell.trim().to_owned()).collect();
			// Outside the first and last border: nothing.
			cells[1..cells.len() - 1].to_vec()
		};
		let header = row("record / reason");
		assert_eq!(header[4], "outcome");
		assert_eq!(header[6], "purpose");
		let read = row("record-read");
		assert_eq!(read[3..5], ["Read", "Success"]);
		assert_eq!(read[6], "ETREAT");
		assert_eq!(read[7], format!("0x{}", "09".repeat(32)));
		let denial = row("access-denied");
		assert_eq!(denial[3..5], ["Read", "Minor failure"]);
		assert_eq!(denial[6..], ["TREAT", "no-consent"]);
		let open = row("emergency-access");
		assert_eq!(open[3..5], ["Execute", "Success"]);
		assert_eq!(open[7], "", "no record, no reason");
	}
}

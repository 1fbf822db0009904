//! `medchain record`: seal and anchor records, keep them at a gateway, list, show, open, fetch and
//! erase them. The workflows (sealing, the gateway check, envelope storage, verified decryption)
//! are the client library's (`medchain_client::records`); here they get a spinner, a progress bar
//! and output.
//!
//! Two paths lead to a kept record, for a first version and for a new one alike: through the
//! custodian's gateway (`put`, `amend`: checked on chain, anchored, wrapped for the patient and the
//! gateway, uploaded; files kept for `upload` only if the upload fails) and offline (`anchor`,
//! `amend --offline`: the files written for the custodian, wrapped for the patient, the custodian
//! and each of its gateways, so that `upload` can send them to any of those later).

use std::path::{Path, PathBuf};

use clap::Subcommand;
use medchain_client::{
	chain::{self, runtime, Chain, Static},
	envelope::Envelope,
	gateway::{Gateway, GatewayError, GatewayInfo},
	keys::Keys,
	records::{self, Destination, Fetching, RecordDir, SealedBlob},
};
use medchain_primitives::{
	consent::{DataClass, PurposeOfUse, RecordId},
	identity::SubjectId,
	records::{RecordAnchor, RecordFilter, RecordStatus},
};
use serde_json::{json, Value};

use crate::{
	context::{hex0x, table, time, Ctx, Failure, Result},
	values,
};

#[derive(Subcommand, Debug)]
pub enum RecordCommand {
	/// Encrypt a file as a new record of a patient and anchor it on chain, offline: the ciphertext
	/// and the envelopes (for the patient, the custodian and each of the custodian's gateways as
	/// the chain registers them) are written to --out, for the custodian; `record upload` sends
	/// them to any of those gateways later. `record put` does both at once.
	#[command(
		after_help = "Example:\n  medchain record anchor --file labs.pdf --class labs --custodian did:medchain:…\n  medchain record upload 0x… --dir medchain-records"
	)]
	Anchor {
		/// The file to encrypt.
		#[arg(long)]
		file: PathBuf,
		/// Its data class.
		#[arg(long, value_parser = values::data_class)]
		class: DataClass,
		/// The patient (default: you).
		#[arg(long, value_parser = values::subject)]
		patient: Option<SubjectId>,
		/// The custodian organization (default: your attesting organization).
		#[arg(long, value_parser = values::subject)]
		custodian: Option<SubjectId>,
		/// The purpose of use.
		#[arg(long, default_value = "TREAT", value_parser = values::purpose)]
		purpose: PurposeOfUse,
		/// Where the ciphertext and envelopes go.
		#[arg(long, default_value = "medchain-records")]
		out: PathBuf,
		/// The custodian is the organization of the gateway at --gateway (checked on chain first),
		/// instead of --custodian; the data key is wrapped for that gateway too.
		#[arg(long)]
		for_gateway: bool,
	},
	/// Encrypt a file as a new version of a record (which it supersedes) and keep it as `record
	/// put` does: at the custodian's gateway at --gateway (checked on chain first), anchored,
	/// with the data key wrapped for the patient and the gateway, uploaded with a progress bar.
	/// With --offline, as `record anchor` does: the files are written to --out instead.
	#[command(
		after_help = "Example:\n  medchain --gateway https://gw.hospital.example record amend 0x… --file labs-v2.pdf\n  medchain record amend 0x… --file labs-v2.pdf --offline --out medchain-records"
	)]
	Amend {
		/// The record it supersedes (its latest version).
		#[arg(value_parser = values::record)]
		predecessor: RecordId,
		/// The file to encrypt.
		#[arg(long)]
		file: PathBuf,
		/// The custodian organization (default: the predecessor's, if you may use it); through a
		/// gateway, it must be the gateway's organization.
		#[arg(long, value_parser = values::subject)]
		custodian: Option<SubjectId>,
		/// The purpose of use.
		#[arg(long, default_value = "TREAT", value_parser = values::purpose)]
		purpose: PurposeOfUse,
		/// Do not upload: write the ciphertext and envelopes (for the patient, the custodian and
		/// its gateways) to --out, as `record anchor` does, for `record upload` later.
		#[arg(long)]
		offline: bool,
		/// Where the ciphertext and envelopes go (with --offline, or if the upload fails).
		#[arg(long, default_value = "medchain-records")]
		out: PathBuf,
	},
	/// List a patient's records, newest first (default: yours).
	#[command(after_help = "Example:\n  medchain record list --class labs --status active")]
	List {
		/// The patient.
		#[arg(long, value_parser = values::subject)]
		patient: Option<SubjectId>,
		/// Only this class.
		#[arg(long, value_parser = values::data_class)]
		class: Option<DataClass>,
		/// Only this status: active, superseded, erased.
		#[arg(long, value_parser = values::record_status)]
		status: Option<RecordStatus>,
		/// At most this many.
		#[arg(long, default_value_t = 100)]
		limit: u32,
	},
	/// Show a record's anchor.
	#[command(after_help = "Example:\n  medchain record show 0x…")]
	Show {
		/// The record.
		#[arg(value_parser = values::record)]
		id: RecordId,
	},
	/// Decrypt a record from the files `anchor` wrote, after checking them against the anchor's
	/// hash, with your envelope.
	#[command(after_help = "Example:\n  medchain record open 0x… --out labs.pdf")]
	Open {
		/// The record.
		#[arg(value_parser = values::record)]
		id: RecordId,
		/// Where `anchor` wrote the ciphertext and envelopes.
		#[arg(long, default_value = "medchain-records")]
		dir: PathBuf,
		/// Where the plaintext goes: a new file, unless --force.
		#[arg(long)]
		out: PathBuf,
		/// Replace the file at --out if there is one.
		#[arg(long)]
		force: bool,
	},
	/// Encrypt a file, anchor it with the gateway's organization as custodian, and upload the
	/// ciphertext with envelopes for the patient and the gateway (the gateway is checked on chain
	/// first).
	#[command(
		after_help = "Example:\n  medchain --gateway https://gw.hospital.example record put --file labs.pdf --class labs --patient did:medchain:…"
	)]
	Put {
		/// The file to encrypt.
		#[arg(long)]
		file: PathBuf,
		/// Its data class.
		#[arg(long, value_parser = values::data_class)]
		class: DataClass,
		/// The patient (default: you).
		#[arg(long, value_parser = values::subject)]
		patient: Option<SubjectId>,
		/// The purpose of use.
		#[arg(long, default_value = "TREAT", value_parser = values::purpose)]
		purpose: PurposeOfUse,
		/// Where the ciphertext and envelopes are kept if the upload fails (to retry with
		/// `record upload`).
		#[arg(long, default_value = "medchain-records")]
		out: PathBuf,
	},
	/// Upload an anchored record's ciphertext and envelopes from files (`record anchor`'s,
	/// `record amend --offline`'s, or a failed `record put`'s) to the gateway at --gateway, which
	/// must be a gateway of the record's custodian. The files hold an envelope for each gateway
	/// the chain registered for the custodian when they were written; for a gateway registered
	/// later, the record's patient uploads them (their envelope lets them add one).
	#[command(after_help = "Example:\n  medchain record upload 0x… --dir medchain-records")]
	Upload {
		/// The record.
		#[arg(value_parser = values::record)]
		id: RecordId,
		/// Where the ciphertext and envelopes are.
		#[arg(long, default_value = "medchain-records")]
		dir: PathBuf,
	},
	/// Fetch a record from its custodian's gateway, with a progress bar: the chain decides; the
	/// ciphertext is checked against the anchor's hash, then decrypted with the key the gateway
	/// wrapped for you.
	#[command(after_help = "Example:\n  medchain record get 0x… --out labs.pdf --purpose TREAT")]
	Get {
		/// The record.
		#[arg(value_parser = values::record)]
		id: RecordId,
		/// Where the plaintext goes: a new file, unless --force (refused before anything is
		/// fetched).
		#[arg(long)]
		out: PathBuf,
		/// The purpose of use.
		#[arg(long, default_value = "TREAT", value_parser = values::purpose)]
		purpose: PurposeOfUse,
		/// Replace the file at --out if there is one.
		#[arg(long)]
		force: bool,
	},
	/// Erase a record and every earlier version: the custodian deletes the ciphertext; only the
	/// hashes stay on chain. Patients and delegate guardians only.
	#[command(after_help = "Example:\n  medchain record erase 0x…")]
	Erase {
		/// The record.
		#[arg(value_parser = values::record)]
		id: RecordId,
	},
}

pub async fn run(ctx: &Ctx<'_>, command: &RecordCommand) -> Result<()> {
	let chain = ctx.chain().await?;
	match command {
		RecordCommand::Anchor { file, class, patient, custodian, purpose, out, for_gateway } => {
			let keys = ctx.keys()?;
			let patient = ctx.subject_or_me(*patient, &chain, &keys).await?;
			let (custodian, gateway_key) = if *for_gateway {
				let info = records::verified_gateway(&chain, &ctx.gateway()?).await?;
				(Some(records::custodian_for(&info, *custodian)?), Some(info.key_agreement))
			} else {
				(*custodian, None)
			};
			let dir = RecordDir::new(out);
			let blob = SealedBlob::seal_file(file, &dir)?;
			let call = runtime::transactions().records().anchor(
				Static(patient),
				Static(*class),
				blob.content_hash(),
				blob.size(),
				custodian.map(Static),
				Static(*purpose),
			);
			let included = ctx.submit(&chain, &keys, &call, "anchor record").await;
			let included = included.map_err(|e| blob.anchor_failed(e))?;
			stored(ctx, &chain, &included, &dir, blob, gateway_key).await?;
		},
		RecordCommand::Amend { predecessor, file, custodian, purpose, offline, out } => {
			let keys = ctx.keys()?;
			let dir = RecordDir::new(out);
			// Through the gateway: everything it needs is checked before anything is written.
			let through = if *offline {
				None
			} else {
				let keeper = Keeper::at(ctx, &chain).await.map_err(|failure| {
					Failure::new(format!(
						"{failure} (`record amend` keeps the new version at the custodian's gateway named by --gateway; with --offline it writes its files to --out instead)"
					))
				})?;
				let previous = records::anchor_of(&chain, *predecessor).await?;
				let named = custodian.unwrap_or(previous.custodian);
				let custodian = records::custodian_for(&keeper.info, Some(named))?;
				let patient_key = records::key_agreement(&chain, previous.patient).await?;
				Some((keeper, custodian, patient_key))
			};
			let custodian = match &through {
				Some((_, custodian, _)) => Some(*custodian),
				None => *custodian,
			};
			let blob = SealedBlob::seal_file(file, &dir)?;
			let call = runtime::transactions().records().amend(
				Static(*predecessor),
				blob.content_hash(),
				blob.size(),
				custodian.map(Static),
				Static(*purpose),
			);
			// The gateway reads anchors at the finalized block: wait for it whatever --wait says.
			let wait = if through.is_some() { chain::Wait::Finalized } else { ctx.wait() };
			let included =
				ctx.submit_waiting(&chain, &keys, &call, "anchor new version", wait).await;
			let included = included.map_err(|e| blob.anchor_failed(e))?;
			match through {
				Some((keeper, _, patient_key)) => {
					let anchor = records::anchored(&included)?;
					keep_at_gateway(ctx, &keeper, &keys, blob, &anchor, patient_key, &dir).await?;
				},
				None => stored(ctx, &chain, &included, &dir, blob, None).await?,
			}
		},
		RecordCommand::List { patient, class, status, limit } => {
			let patient = ctx.subject_or_mine(*patient, &chain).await?;
			let filter = RecordFilter { class: *class, status: *status };
			let limit = usize::try_from(*limit).unwrap_or(usize::MAX);
			let records = chain.records_of(patient, filter, limit).await?;
			let values: Vec<Value> = records.iter().map(anchor_json).collect();
			ctx.print(&Value::Array(values), || {
				table(
					&["id", "class", "version", "status", "size", "custodian", "created"],
					records
						.iter()
						.map(|a| {
							vec![
								hex0x(&a.id.0),
								a.class.code().into(),
								a.version.to_string(),
								a.status.code().into(),
								a.size.to_string(),
								a.custodian.to_did(),
								time(a.created),
							]
						})
						.collect(),
				)
			});
		},
		RecordCommand::Show { id } => {
			let anchor = records::anchor_of(&chain, *id).await?;
			ctx.print(&anchor_json(&anchor), || anchor_rows(&anchor));
		},
		RecordCommand::Open { id, dir, out, force } => {
			let to = Destination { path: out, replace: *force };
			to.check()?;
			let keys = ctx.keys()?;
			let anchor = records::anchor_of(&chain, *id).await?;
			let bar = ctx.progress_bar(anchor.size, "decrypting");
			let progress = |bytes: u64| {
				if let Some(bar) = &bar {
					bar.set_position(bytes);
				}
			};
			let written = records::open_stored(&keys, &RecordDir::new(dir), &anchor, to, &progress);
			if let Some(bar) = &bar {
				bar.finish_and_clear();
			}
			let written = written?;
			ctx.print(&json!({ "id": hex0x(&id.0), "out": out, "size": written }), || {
				format!("decrypted record {} ({written} bytes) to {}", hex0x(&id.0), out.display())
			});
		},
		RecordCommand::Put { file, class, patient, purpose, out } => {
			let keys = ctx.keys()?;
			let keeper = Keeper::at(ctx, &chain).await?;
			let patient = ctx.subject_or_me(*patient, &chain, &keys).await?;
			let patient_key = records::key_agreement(&chain, patient).await?;
			let dir = RecordDir::new(out);
			let blob = SealedBlob::seal_file(file, &dir)?;
			let call = runtime::transactions().records().anchor(
				Static(patient),
				Static(*class),
				blob.content_hash(),
				blob.size(),
				Some(Static(keeper.info.organization)),
				Static(*purpose),
			);
			// The gateway reads anchors at the finalized block: wait for it whatever --wait says.
			let included = ctx
				.submit_waiting(&chain, &keys, &call, "anchor record", chain::Wait::Finalized)
				.await;
			let included = included.map_err(|e| blob.anchor_failed(e))?;
			let anchor = records::anchored(&included)?;
			keep_at_gateway(ctx, &keeper, &keys, blob, &anchor, patient_key, &dir).await?;
		},
		RecordCommand::Upload { id, dir } => {
			let dir = RecordDir::new(dir);
			// A wrong identifier or directory is named before the key file is opened.
			dir.stored(id)?;
			let keys = ctx.keys()?;
			let keeper = Keeper::at(ctx, &chain).await?;
			let files = dir.for_upload(id, &keeper.info, &keys)?;
			upload_with_progress(ctx, &keeper.gateway, &keys, id, &files.blob, &files.envelopes)
				.await?;
			let gateway = keeper.info.gateway.to_did();
			ctx.print(
				&json!({ "id": hex0x(&id.0), "envelopes": files.envelopes.len(), "gateway": gateway }),
				|| {
					format!(
						"uploaded record {} with {} envelopes to gateway {gateway}",
						hex0x(&id.0),
						files.envelopes.len()
					)
				},
			);
		},
		RecordCommand::Get { id, out, purpose, force } => {
			// An existing file is refused before the key file, the chain or the gateway is asked.
			let to = Destination { path: out, replace: *force };
			to.check()?;
			let keys = ctx.keys()?;
			let gateway = ctx.gateway()?;
			let anchor = records::anchor_of(&chain, *id).await?;
			// Bytes of the anchored ciphertext: received, then checked and decrypted.
			let bar = ctx.progress_bar(anchor.size, "fetching");
			let fetched = records::fetch(&gateway, &keys, &anchor, *purpose, to, |step| {
				if let Some(bar) = &bar {
					match step {
						Fetching::Received(bytes) => bar.set_position(bytes),
						Fetching::Decrypted(bytes) => {
							bar.set_message("decrypting");
							bar.set_position(bytes);
						},
					}
				}
			})
			.await;
			if let Some(bar) = bar {
				bar.finish_and_clear();
			}
			let written = fetched?;
			ctx.print(
				&json!({ "id": hex0x(&id.0), "out": out, "size": written, "purpose": purpose.code() }),
				|| {
					format!(
						"fetched and decrypted record {} ({written} bytes) to {}",
						hex0x(&id.0),
						out.display()
					)
				},
			);
		},
		RecordCommand::Erase { id } => {
			let keys = ctx.keys()?;
			let call = runtime::transactions().records().erase(Static(*id));
			let included = ctx.submit(&chain, &keys, &call, "erase record").await?;
			let erased: Vec<String> = included
				.events
				.find::<runtime::records::events::RecordErased>()
				.filter_map(|e| e.ok())
				.map(|e| hex0x(&e.id.0 .0))
				.collect();
			ctx.print(&json!({ "erased": erased }), || format!("erased {}", erased.join(", ")));
		},
	}
	Ok(())
}

/// After an offline anchor or amend call: the blob kept under its record's name with envelopes for
/// the patient, the custodian, each of the custodian's gateways and (when given) the gateway
/// checked at --gateway; then the anchor and the files printed.
async fn stored(
	ctx: &Ctx<'_>,
	chain: &Chain,
	included: &chain::Included,
	dir: &RecordDir,
	blob: SealedBlob,
	gateway_key: Option<[u8; 32]>,
) -> Result<()> {
	let anchor = records::anchored(included)?;
	let files = blob.store_anchored(chain, dir, &anchor, gateway_key).await?;
	let mut value = anchor_json(&anchor);
	// The event does not carry the chain time: not printed rather than printed as 0.
	if let Some(fields) = value.as_object_mut() {
		fields.remove("created");
	}
	value["files"] = json!(files);
	ctx.print(&value, || {
		format!(
			"anchored record {} (version {}, {} bytes of ciphertext) at {}\nfor the custodian: {}",
			hex0x(&anchor.id.0),
			anchor.version,
			anchor.size,
			anchor.custodian.to_did(),
			files.iter().map(|f| f.display().to_string()).collect::<Vec<_>>().join(", ")
		)
	});
	Ok(())
}

/// The custodian's gateway named by --gateway, checked on chain: where `record put` and `record
/// amend` keep a record.
struct Keeper {
	gateway: Gateway,
	info: GatewayInfo,
}

impl Keeper {
	/// The gateway at --gateway, believed only as the chain describes it.
	async fn at(ctx: &Ctx<'_>, chain: &Chain) -> Result<Self> {
		let gateway = ctx.gateway()?;
		let info = records::verified_gateway(chain, &gateway).await?;
		Ok(Self { gateway, info })
	}
}

/// What `record put` and `record amend` do once the anchor is final: the data key wrapped for the
/// patient and the gateway, the ciphertext uploaded with a progress bar, the anchor printed. When
/// the upload fails the files are kept in `dir`, and the failure says how to send them again.
async fn keep_at_gateway(
	ctx: &Ctx<'_>,
	keeper: &Keeper,
	keys: &Keys,
	blob: SealedBlob,
	anchor: &RecordAnchor,
	patient_key: [u8; 32],
	dir: &RecordDir,
) -> Result<()> {
	let id = anchor.id;
	let envelopes = blob.wrap_for(&id, &[patient_key, keeper.info.key_agreement])?;
	let uploaded =
		upload_with_progress(ctx, &keeper.gateway, keys, &id, blob.path(), &envelopes).await;
	if let Err(error) = uploaded {
		// Keep what a retry needs: `record upload` sends these files.
		blob.store(dir, &id, &envelopes)?;
		return Err(Failure::new(format!(
			"record {} is anchored but the upload failed: {error}; retry with `medchain record upload {} --dir {}`",
			hex0x(&id.0),
			hex0x(&id.0),
			dir.path().display()
		)));
	}
	blob.discard();
	let mut value = anchor_json(anchor);
	// The event does not carry the chain time: not printed rather than printed as 0.
	if let Some(fields) = value.as_object_mut() {
		fields.remove("created");
	}
	value["gateway"] = json!(keeper.info.gateway.to_did());
	ctx.print(&value, || {
		format!(
			"stored record {} (version {}, {} bytes of ciphertext) at gateway {} of {}",
			hex0x(&id.0),
			anchor.version,
			anchor.size,
			keeper.info.gateway.to_did(),
			keeper.info.organization.to_did()
		)
	});
	Ok(())
}

/// Uploads with a progress bar on a terminal.
async fn upload_with_progress(
	ctx: &Ctx<'_>,
	gateway: &Gateway,
	keys: &Keys,
	id: &RecordId,
	blob: &Path,
	envelopes: &[Envelope],
) -> std::result::Result<(), GatewayError> {
	let size = std::fs::metadata(blob)?.len();
	let bar = ctx.progress_bar(size, "uploading");
	let ticker = bar.clone();
	let result = gateway
		.put(keys, id, blob, envelopes, move |sent| {
			if let Some(bar) = &ticker {
				bar.set_position(sent);
			}
		})
		.await;
	if let Some(bar) = bar {
		bar.finish_and_clear();
	}
	result
}

fn anchor_json(a: &RecordAnchor) -> Value {
	json!({
		"id": hex0x(&a.id.0),
		"patient": a.patient.to_did(),
		"author": a.author.to_did(),
		"custodian": a.custodian.to_did(),
		"class": a.class.code(),
		"content_hash": hex0x(a.content_hash.as_bytes()),
		"size": a.size,
		"created": a.created,
		"predecessor": a.predecessor.map(|p| hex0x(&p.0)),
		"version": a.version,
		"status": a.status.code(),
	})
}

fn anchor_rows(a: &RecordAnchor) -> String {
	table(
		&["field", "value"],
		vec![
			vec!["id".into(), hex0x(&a.id.0)],
			vec!["patient".into(), a.patient.to_did()],
			vec!["author".into(), a.author.to_did()],
			vec!["custodian".into(), a.custodian.to_did()],
			vec!["class".into(), a.class.code().into()],
			vec!["version".into(), a.version.to_string()],
			vec!["status".into(), a.status.code().into()],
			vec!["size".into(), format!("{} bytes", a.size)],
			vec!["content hash".into(), hex0x(a.content_hash.as_bytes())],
			vec!["created".into(), time(a.created)],
		],
	)
}

//! # medchain-load
//!
//! MedChain's load generator. It sets up its own world on a development chain (an admitted
//! organization, attested practitioners, gateways, funded and registered patients; Alice pays and
//! sudo admits), pre-signs every transaction across many senders, submits them at bounded
//! concurrency and measures, from the blocks themselves:
//!
//! - `transfer`: `Balances::transfer_keep_alive`, the reference;
//! - `grant`: `Consent::grant` (a patient's consent to a practitioner);
//! - `anchor`: `Records::anchor` (a patient's own record, kept by the organization);
//! - `audit-batch`: `AuditLog::submit_batch` (a gateway's batch of access events);
//! - `check-access`: `ConsentApi_check_access` runtime-API calls per second;
//! - and, as its own subcommand `reads`, sustained audited reads through a gateway ([`reads`]).
//!
//! Patients' calls carry a tip of one, which makes them paid calls: the free lane (a governance
//! share of each block) would otherwise bound them, and the point is the chain's capacity.
//!
//! ```text
//! medchain-load --url ws://127.0.0.1:9944 run --modes transfer,grant --duration 60 --out results/throughput.json
//! ```

mod load;
mod reads;
mod report;
mod world;

use std::{path::PathBuf, time::Duration};

use clap::{Parser, Subcommand, ValueEnum};
use codec::{Decode, Encode};
use medchain_client::chain::{runtime, Chain, MultiAddress, Static, H256};
use medchain_primitives::{
	audit::{AuditAction, AuditEventType, AuditOutcome, AuditRecord},
	consent::{AccessDecision, AccessTarget, ConsentAction, DataClass, DenyReason, PurposeOfUse},
};
use serde_json::json;

use load::{Settings, Tx};
use world::{sign, World};

/// The legacy RPC methods over one connection.
pub type Rpc =
	subxt::rpcs::LegacyRpcMethods<subxt::config::RpcConfigFor<subxt::config::PolkadotConfig>>;

/// What can stop a run.
#[derive(Debug, thiserror::Error)]
pub enum Error {
	/// The node could not be reached or answered wrongly.
	#[error("{0}")]
	Client(String),
	/// Setting up the world failed.
	#[error("setup failed: {0}")]
	Setup(String),
	/// The arguments do not make a run.
	#[error("{0}")]
	Usage(String),
}

impl Error {
	fn client(error: impl std::fmt::Display) -> Self {
		Self::Client(error.to_string())
	}
}

#[derive(Parser)]
#[command(name = "medchain-load", version, about = "MedChain's load generator")]
struct Cli {
	/// The node's WebSocket RPC address.
	#[arg(long, default_value = "ws://127.0.0.1:9944", global = true)]
	url: String,
	/// Connections used to submit (and to call the runtime API).
	#[arg(long, default_value_t = 4, global = true)]
	connections: usize,
	/// Names the run's accounts (default: the current time), so runs on one chain never share one.
	#[arg(long, global = true)]
	tag: Option<String>,
	#[command(subcommand)]
	command: Command,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum Mode {
	Transfer,
	Grant,
	Anchor,
	AuditBatch,
	CheckAccess,
}

impl Mode {
	fn name(self) -> &'static str {
		match self {
			Self::Transfer => "transfer",
			Self::Grant => "grant",
			Self::Anchor => "anchor",
			Self::AuditBatch => "audit-batch",
			Self::CheckAccess => "check-access",
		}
	}
}

#[derive(Subcommand)]
enum Command {
	/// Sets up the world, then runs each mode in turn and writes one JSON report and charts.
	Run {
		/// Modes, in order.
		#[arg(long, value_delimiter = ',', default_value = "transfer,grant")]
		modes: Vec<Mode>,
		/// Seconds to submit for, per mode.
		#[arg(long, default_value_t = 60)]
		duration: u64,
		/// Seconds of chain time left out of the sustained rate at the start.
		#[arg(long, default_value_t = 10)]
		warmup: u64,
		/// Transactions to pre-sign per mode (default: 3,000 a second of duration; with `--rate`,
		/// rate × duration).
		#[arg(long)]
		count: Option<usize>,
		/// Patients sending transfers, grants and anchors.
		#[arg(long, default_value_t = 1000)]
		senders: usize,
		/// Gateways sending audit batches (at most 16).
		#[arg(long, default_value_t = 4)]
		gateways: usize,
		/// Events per audit batch.
		#[arg(long, default_value_t = 64)]
		batch: usize,
		/// Closed loop: transactions submitted and not yet in a block, at most.
		#[arg(long, default_value_t = 12_000)]
		window: usize,
		/// Open loop: submit this many transactions a second instead.
		#[arg(long)]
		rate: Option<f64>,
		/// Submissions (or runtime-API calls) in flight at once.
		#[arg(long, default_value_t = 64)]
		concurrency: usize,
		/// Seconds of `check-access` calls.
		#[arg(long, default_value_t = 20)]
		call_duration: u64,
		/// The JSON report; charts are written beside it (`.svg`, `-latency.svg`).
		#[arg(long)]
		out: Option<PathBuf>,
		/// Fail unless every accepted transaction was finalized and none was refused (for the
		/// smoke test).
		#[arg(long)]
		strict: bool,
	},
	/// Sustained audited reads of one record through a gateway: open loop at `--rate`, each
	/// request signed as it is sent, the gateway's audit lag and queue sampled every second,
	/// then the drain; a JSON report and a chart (`.svg`) beside it.
	Reads {
		/// The gateway's base URL.
		#[arg(long)]
		gateway: String,
		/// The reader's key file (passphrase in MEDCHAIN_PASSPHRASE); it must be permitted.
		#[arg(long)]
		key_file: PathBuf,
		/// The record to read, 0x hex.
		#[arg(long)]
		record: String,
		/// Reads per second.
		#[arg(long, default_value_t = 2000.0)]
		rate: f64,
		/// Seconds of load.
		#[arg(long, default_value_t = 300)]
		duration: u64,
		/// Reads in flight at most.
		#[arg(long, default_value_t = 64)]
		concurrency: usize,
		/// Seconds to wait for the gateway's queue to drain after the load.
		#[arg(long, default_value_t = 300)]
		drain: u64,
		/// The JSON report.
		#[arg(long)]
		out: Option<PathBuf>,
	},
}

/// The `reads` subcommand: runs the plan and reports.
async fn sustained_reads(command: Command) -> Result<(), Error> {
	let Command::Reads { gateway, key_file, record, rate, duration, concurrency, drain, out } =
		command
	else {
		return Err(Error::Usage("not the reads subcommand".into()));
	};
	if rate <= 0.0 || concurrency == 0 || duration == 0 {
		return Err(Error::Usage("--rate, --duration and --concurrency must be above 0".into()));
	}
	let passphrase = std::env::var("MEDCHAIN_PASSPHRASE")
		.map_err(|_| Error::Usage("set MEDCHAIN_PASSPHRASE to open the key file".into()))?;
	let text = std::fs::read_to_string(&key_file)
		.map_err(|e| Error::Usage(format!("{}: {e}", key_file.display())))?;
	let keys = medchain_client::keys::KeyFile::from_json(&text)
		.and_then(|file| file.open(&passphrase))
		.map_err(|e| Error::Usage(format!("{}: {e}", key_file.display())))?;
	let plan = reads::Plan {
		gateway: gateway.trim_end_matches('/').to_owned(),
		path: format!("/records/{record}"),
		rate,
		duration,
		concurrency,
		drain,
	};
	println!("== audited reads: {rate:.0}/s for {duration} s, at most {concurrency} in flight");
	let figures = reads::run(&plan, std::sync::Arc::new(keys)).await?;
	println!(
		"  served {:.0} reads/s ({} served, {} refused 503, {} failed, {} sent late)",
		figures.served_per_second, figures.served, figures.refused, figures.failed, figures.late
	);
	println!(
		"  audit entries finalized {:.0}/s; lag read → finalized p50 {:.2} s p99 {:.2} s (worst seen {:.1} s); drained {}",
		figures.finalized_per_second,
		figures.lag_p50_s,
		figures.lag_p99_s,
		figures.lag_max_s,
		figures.drain_s.map_or("not within the drain time".into(), |s| format!("{s:.0} s after the load"))
	);
	if let Some(out) = out {
		if let Some(dir) = out.parent() {
			std::fs::create_dir_all(dir).map_err(Error::client)?;
		}
		std::fs::write(&out, serde_json::to_string_pretty(&figures).map_err(Error::client)?)
			.map_err(Error::client)?;
		let chart = out.with_extension("svg");
		reads::chart(&chart, &figures).map_err(Error::client)?;
		println!("wrote {} and {}", out.display(), chart.display());
	}
	Ok(())
}

#[tokio::main]
async fn main() {
	let cli = Cli::parse();
	if let Err(e) = run(cli).await {
		eprintln!("medchain-load: {e}");
		std::process::exit(1);
	}
}

async fn connect(url: &str) -> Result<Rpc, Error> {
	let client = subxt::rpcs::RpcClient::from_insecure_url(url)
		.await
		.map_err(|e| Error::Client(format!("cannot reach {url}: {e}")))?;
	Ok(Rpc::new(client))
}

async fn run(cli: Cli) -> Result<(), Error> {
	if matches!(cli.command, Command::Reads { .. }) {
		return sustained_reads(cli.command).await;
	}
	let Command::Run {
		modes,
		duration,
		warmup,
		count,
		senders,
		gateways,
		batch,
		window,
		rate,
		concurrency,
		call_duration,
		out,
		strict,
	} = cli.command
	else {
		return Err(Error::Usage("not the run subcommand".into()));
	};
	if senders == 0 || cli.connections == 0 || concurrency == 0 {
		return Err(Error::Usage(
			"--senders, --connections and --concurrency must be at least 1".into(),
		));
	}
	if !(1..=16).contains(&gateways) {
		return Err(Error::Usage(
			"--gateways must be 1 to 16 (the runtime's limit per organization)".into(),
		));
	}
	if !(1..=256).contains(&batch) {
		return Err(Error::Usage("--batch must be 1 to 256 (the runtime's MaxBatch)".into()));
	}
	let count = count.unwrap_or_else(|| match rate {
		Some(rate) => (rate * duration as f64).ceil() as usize,
		None => 3_000 * duration as usize,
	});
	let settings = Settings {
		duration: Duration::from_secs(duration),
		warmup: Duration::from_secs(warmup),
		window,
		rate,
		concurrency,
	};
	let tag = cli.tag.unwrap_or_else(|| {
		std::time::SystemTime::now()
			.duration_since(std::time::UNIX_EPOCH)
			.map(|d| d.as_millis().to_string())
			.unwrap_or_default()
	});

	let chain = Chain::connect(&cli.url).await.map_err(Error::client)?;
	let mut connections = Vec::new();
	for _ in 0..cli.connections {
		connections.push(connect(&cli.url).await?);
	}
	// Each patient grants at most 16 consents to one practitioner (MaxConsentsPerPair).
	let per_sender = count.div_ceil(senders);
	let practitioners =
		if modes.contains(&Mode::Grant) { per_sender.div_ceil(16).max(1) } else { 1 };
	println!(
		"setting up {senders} patients, {practitioners} practitioners, {gateways} gateways (tag {tag})"
	);
	let world = world::build(
		&chain,
		&connections[0],
		&tag,
		&world::Sizes { patients: senders, practitioners, gateways },
	)
	.await?;

	let mut runs = serde_json::Map::new();
	let mut figures = Vec::new();
	for mode in &modes {
		println!("== {}", mode.name());
		if *mode == Mode::CheckAccess {
			let calls =
				Settings { duration: Duration::from_secs(call_duration), ..settings.clone() };
			let result = check_access(&chain, &connections, &world, &calls).await?;
			println!(
				"  {} answers in {:.1} s: {:.0}/s (p50 {:.2} ms, p99 {:.2} ms), {} permits, {} failed",
				result.calls,
				result.seconds,
				result.per_second,
				result.latency.p50,
				result.latency.p99,
				result.permits,
				result.failed
			);
			if result.calls == 0 || result.permits != result.calls {
				return Err(Error::Client(format!(
					"check_access answered {} permits of {} calls ({} failed): the setup's consent should permit every call",
					result.permits, result.calls, result.failed
				)));
			}
			runs.insert(mode.name().into(), json!(result));
			continue;
		}
		let txs = prepare(&chain, &connections[0], &world, *mode, count, batch, &tag).await?;
		let follow = (connect(&cli.url).await?, connect(&cli.url).await?);
		let result = load::run(&connections, follow, txs, &settings).await?;
		let unit = if *mode == Mode::AuditBatch { batch as f64 } else { 1.0 };
		println!(
			"  sustained {:.0} tx/s over {} blocks ({:.0} s){}; per block mean {:.0}, max {}",
			result.sustained_per_second,
			result.sustained_blocks,
			result.sustained_seconds,
			if unit > 1.0 {
				format!(" = {:.0} audit entries/s", result.sustained_per_second * unit)
			} else {
				String::new()
			},
			result.per_block_mean,
			result.per_block_max
		);
		println!(
			"  submit → in block p50 {:.0} ms p99 {:.0} ms; → finalized p50 {:.0} ms p99 {:.0} ms",
			result.in_block_latency.p50,
			result.in_block_latency.p99,
			result.finalized_latency.p50,
			result.finalized_latency.p99
		);
		println!(
			"  accepted {}, in blocks {}, finalized {}, refused {}{}, retried {}",
			result.submitted,
			result.in_block,
			result.finalized,
			result.refused,
			result
				.first_refusal
				.as_deref()
				.map(|r| format!(" (first: {r})"))
				.unwrap_or_default(),
			result.retries
		);
		if strict
			&& (result.refused > 0 || result.finalized < result.submitted || result.submitted == 0)
		{
			return Err(Error::Client(format!(
				"{}: {} accepted, {} finalized, {} refused{}",
				mode.name(),
				result.submitted,
				result.finalized,
				result.refused,
				result.first_refusal.map(|r| format!(" (first: {r})")).unwrap_or_default()
			)));
		}
		let mut value = json!(result);
		if unit > 1.0 {
			value["events_per_batch"] = json!(batch);
			value["sustained_entries_per_second"] = json!(result.sustained_per_second * unit);
		}
		runs.insert(mode.name().into(), value);
		figures.push((mode.name(), result));
	}

	let ratio = match (runs.get("grant"), runs.get("transfer")) {
		(Some(g), Some(t)) => {
			let (g, t) = (
				g["sustained_per_second"].as_f64().unwrap_or(0.0),
				t["sustained_per_second"].as_f64().unwrap_or(0.0),
			);
			(t > 0.0).then(|| g / t)
		},
		_ => None,
	};
	if let Some(ratio) = ratio {
		println!("grants/s ÷ transfers/s = {ratio:.2}");
	}
	if let Some(out) = out {
		let version = connections[0].system_version().await.map_err(Error::client)?;
		let chain_name = connections[0].system_chain().await.map_err(Error::client)?;
		let report = json!({
			"node": { "url": cli.url, "version": version, "chain": chain_name },
			"settings": {
				"duration_s": duration, "warmup_s": warmup, "count": count, "senders": senders,
				"window": window, "rate": rate, "concurrency": concurrency, "call_duration_s": call_duration,
				"connections": cli.connections, "batch": batch,
			},
			"runs": runs,
			"grant_to_transfer": ratio,
		});
		if let Some(dir) = out.parent() {
			std::fs::create_dir_all(dir).map_err(Error::client)?;
		}
		std::fs::write(&out, serde_json::to_string_pretty(&report).map_err(Error::client)?)
			.map_err(Error::client)?;
		if !figures.is_empty() {
			let throughput = out.with_extension("svg");
			let latency = out.with_file_name(format!(
				"{}-latency.svg",
				out.file_stem().and_then(|s| s.to_str()).unwrap_or("load")
			));
			report::throughput_chart(&throughput, &figures).map_err(Error::client)?;
			report::latency_chart(&latency, &figures).map_err(Error::client)?;
			println!("wrote {}, {} and {}", out.display(), throughput.display(), latency.display());
		} else {
			println!("wrote {}", out.display());
		}
	}
	Ok(())
}

/// Pre-signs `count` transactions of `mode`, round-robin across the senders (so consecutive
/// transactions come from different accounts), on all cores.
async fn prepare(
	chain: &Chain,
	rpc: &Rpc,
	world: &World,
	mode: Mode,
	count: usize,
	batch: usize,
	tag: &str,
) -> Result<Vec<Tx>, Error> {
	let senders: Vec<&world::Member> = match mode {
		Mode::AuditBatch => world.gateways.iter().collect(),
		_ => world.patients.iter().collect(),
	};
	let mut nonces = Vec::with_capacity(senders.len());
	for sender in &senders {
		nonces.push(world::next_nonce(rpc, &sender.key).await?);
	}
	let at = chain.api().at_current_block().await.map_err(Error::client)?;
	// A gateway numbers its audit events: each sender's batches continue its sequence.
	let mut sequences = vec![0u64; senders.len()];
	if mode == Mode::AuditBatch {
		let storage = runtime::storage().audit_log().gateway_sequence();
		let entry = at.storage().entry(storage).map_err(Error::client)?;
		for (s, sender) in senders.iter().enumerate() {
			let value = entry.fetch((Static(sender.subject),)).await.map_err(Error::client)?;
			sequences[s] = value.decode().map_err(Error::client)?;
		}
	}
	let now_ms = std::time::SystemTime::now()
		.duration_since(std::time::UNIX_EPOCH)
		.map(|d| d.as_millis() as u64)
		.unwrap_or_default();
	let started = std::time::Instant::now();
	let threads = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1);
	let one = |k: usize| -> Result<Tx, Error> {
		let s = k % senders.len();
		let j = k / senders.len();
		let (sender, nonce) = (senders[s], nonces[s] + j as u64);
		let bytes = match mode {
			Mode::Transfer => {
				let to = world.patients[(s + 1) % world.patients.len()].account();
				let call = runtime::transactions()
					.balances()
					.transfer_keep_alive(MultiAddress::Id(to), 1_000_000_000);
				sign(&at, &call, &sender.key, nonce)?
			},
			Mode::Grant => {
				let grantee = &world.practitioners[(j / 16) % world.practitioners.len()];
				let call = runtime::transactions()
					.consent()
					.grant(Static(sender.subject), world::terms(grantee.subject));
				sign(&at, &call, &sender.key, nonce)?
			},
			Mode::Anchor => {
				let content = sp_crypto_hashing::blake2_256(format!("{tag}/record/{k}").as_bytes());
				let call = runtime::transactions().records().anchor(
					Static(sender.subject),
					Static(DataClass::Labs),
					H256(content),
					4096,
					Some(Static(world.organization.subject)),
					Static(PurposeOfUse::Treat),
				);
				sign(&at, &call, &sender.key, nonce)?
			},
			Mode::AuditBatch => {
				let events = (0..batch)
					.map(|e| runtime::runtime_types::pallet_audit_log::GatewayEvent {
						patient: Static(
							world.patients[(k * batch + e) % world.patients.len()].subject,
						),
						record: Static(AuditRecord {
							event_type: AuditEventType::AccessDenied,
							action: AuditAction::Read,
							outcome: AuditOutcome::MinorFailure,
							actor: world.practitioners[e % world.practitioners.len()].subject,
							requestor: true,
							policy: None,
							deny_reason: Some(DenyReason::NoConsent),
							entity: None,
							purpose: Some(PurposeOfUse::Treat),
							occurred: now_ms - 1_000,
							repeats: None,
						}),
					})
					.collect();
				let first = sequences[s] + (j * batch) as u64;
				let call = runtime::transactions().audit_log().submit_batch(first, events);
				sign(&at, &call, &sender.key, nonce)?
			},
			Mode::CheckAccess => unreachable!("check-access submits no transactions"),
		};
		Ok(Tx::new(bytes))
	};
	let chunk = count.div_ceil(threads).max(1);
	let txs: Vec<Tx> = std::thread::scope(|scope| {
		let handles: Vec<_> = (0..count)
			.step_by(chunk)
			.map(|from| {
				let one = &one;
				scope.spawn(move || {
					(from..(from + chunk).min(count)).map(one).collect::<Result<Vec<_>, _>>()
				})
			})
			.collect();
		handles
			.into_iter()
			.map(|h| h.join().expect("a signing thread panicked"))
			.collect::<Result<Vec<_>, _>>()
	})?
	.into_iter()
	.flatten()
	.collect();
	println!(
		"  pre-signed {} from {} senders in {:.1} s",
		txs.len(),
		senders.len(),
		started.elapsed().as_secs_f64()
	);
	Ok(txs)
}

/// Grants the first patient's consent to the first practitioner (if not granted yet), then calls
/// `check_access` for it as fast as `settings.concurrency` callers can.
async fn check_access(
	chain: &Chain,
	connections: &[Rpc],
	world: &World,
	settings: &Settings,
) -> Result<load::CallFigures, Error> {
	let (patient, reader) = (&world.patients[0], &world.practitioners[0]);
	let rpc = &connections[0];
	let at = chain.api().at_current_block().await.map_err(Error::client)?;
	let grant = runtime::transactions()
		.consent()
		.grant(Static(patient.subject), world::terms(reader.subject));
	let nonce = world::next_nonce(rpc, &patient.key).await?;
	// Refused with TooManyConsents if the grant mode already filled this pair: either way a
	// consent is in force.
	world::submit_all(rpc, vec![sign(&at, &grant, &patient.key, nonce)?], "grant for check_access")
		.await?;
	let block = rpc
		.chain_get_block_hash(None)
		.await
		.map_err(Error::client)?
		.ok_or_else(|| Error::Client("the node has no best block".into()))?;
	let args = (
		patient.subject,
		reader.subject,
		ConsentAction::Read,
		AccessTarget::Class(DataClass::Labs),
		PurposeOfUse::Treat,
	)
		.encode();
	load::calls(
		connections,
		"ConsentApi_check_access",
		args,
		block,
		settings.duration,
		settings.concurrency,
		|answer| matches!(AccessDecision::decode(&mut &answer[..]), Ok(AccessDecision::Permit(_))),
	)
	.await
}

//! `medchain-gateway-bench`: requests/s and latency of an authorized read through a running
//! gateway, next to the same HTTP stack (axum, the gateway's layers) serving the same bytes with
//! no checks, and what each part of a read costs. `scripts/bench-gateway.sh` sets up a dev chain
//! and a gateway and runs it; see docs/gateway.md ("Performance").

use std::{
	path::PathBuf,
	sync::Arc,
	time::{Duration, Instant, SystemTime, UNIX_EPOCH},
};

use axum::{routing::get, Router};
use clap::Parser;
use medchain_client::{
	chain::{runtime, Chain, Static},
	envelope, httpsig,
	keys::{KeyFile, Keys},
};
use medchain_gateway::{
	audit::{
		journal::{Journal, Pending, Write},
		AuditEvent,
	},
	store::Store,
};
use medchain_primitives::{
	audit::{AuditAction, AuditEntity, AuditEventType, AuditOutcome, AuditPolicy, AuditRecord},
	consent::{AccessTarget, ConsentAction, PurposeOfUse, RecordId},
	identity::SubjectId,
};
use serde_json::json;

#[derive(Parser)]
struct Args {
	/// The gateway under test.
	#[arg(long)]
	gateway: String,
	/// The node the gateway asks.
	#[arg(long)]
	node: String,
	/// The reader's key file (MEDCHAIN_PASSPHRASE).
	#[arg(long)]
	key_file: PathBuf,
	/// The record to read (0x hex); the reader must be permitted.
	#[arg(long)]
	record: String,
	/// The record's patient (did:medchain:…), for the cost of `check_access`.
	#[arg(long)]
	patient: String,
	/// Seconds of load per run.
	#[arg(long, default_value_t = 10)]
	seconds: u64,
	/// Requests in flight.
	#[arg(long, default_value_t = 16)]
	concurrency: usize,
	/// Where to write the figures as JSON.
	#[arg(long)]
	json: Option<PathBuf>,
}

struct Run {
	requests: usize,
	seconds: f64,
	p50_ms: f64,
	p99_ms: f64,
}

impl Run {
	fn rate(&self) -> f64 {
		self.requests as f64 / self.seconds
	}
}

/// Sends the prepared requests with `concurrency` in flight for `seconds`; every answer must be
/// 200 with `size` bytes.
async fn load(
	client: &reqwest::Client,
	requests: Vec<(String, Vec<(String, String)>)>,
	concurrency: usize,
	seconds: u64,
	size: usize,
) -> Run {
	let requests = Arc::new(std::sync::Mutex::new(requests.into_iter()));
	let deadline = Instant::now() + Duration::from_secs(seconds);
	let started = Instant::now();
	let mut workers = Vec::new();
	for _ in 0..concurrency {
		let requests = requests.clone();
		let client = client.clone();
		workers.push(tokio::spawn(async move {
			let mut latencies = Vec::new();
			while Instant::now() < deadline {
				let Some((url, headers)) = requests.lock().expect("lock").next() else { break };
				let mut request = client.get(&url);
				for (name, value) in headers {
					request = request.header(name, value);
				}
				let sent = Instant::now();
				let response = request.send().await.expect("the server answers");
				let status = response.status();
				let body = response.bytes().await.expect("a body");
				assert!(
					status.is_success() && body.len() == size,
					"a read failed: {status} {} bytes",
					body.len()
				);
				latencies.push(sent.elapsed());
			}
			latencies
		}));
	}
	let mut latencies = Vec::new();
	for worker in workers {
		latencies.extend(worker.await.expect("a worker"));
	}
	let seconds = started.elapsed().as_secs_f64();
	latencies.sort();
	let at = |q: f64| latencies[((latencies.len() as f64 * q) as usize).min(latencies.len() - 1)];
	Run {
		requests: latencies.len(),
		seconds,
		p50_ms: at(0.50).as_secs_f64() * 1e3,
		p99_ms: at(0.99).as_secs_f64() * 1e3,
	}
}

/// Signed GETs of `path` on `base`, one fresh nonce each.
fn signed(
	keys: &Keys,
	base: &str,
	path: &str,
	count: usize,
) -> Vec<(String, Vec<(String, String)>)> {
	let digest = httpsig::content_digest(b"");
	let now = SystemTime::now().duration_since(UNIX_EPOCH).expect("a clock").as_secs();
	(0..count)
		.map(|_| {
			let h = httpsig::sign(
				keys.signer(),
				"GET",
				path,
				"purpose=TREAT",
				&[("content-digest", &digest)],
				now,
				&httpsig::nonce(),
			);
			let headers = vec![
				("content-digest".to_owned(), digest.clone()),
				("signature-input".to_owned(), h.signature_input),
				("signature".to_owned(), h.signature),
			];
			(format!("{base}{path}?purpose=TREAT"), headers)
		})
		.collect()
}

/// Mean time of `f` over `n` runs, µs.
fn micros(n: u32, mut f: impl FnMut()) -> f64 {
	let started = Instant::now();
	for _ in 0..n {
		f();
	}
	started.elapsed().as_secs_f64() * 1e6 / f64::from(n)
}

#[tokio::main]
async fn main() {
	let args = Args::parse();
	let passphrase = std::env::var("MEDCHAIN_PASSPHRASE").expect("MEDCHAIN_PASSPHRASE");
	let keys = KeyFile::from_json(&std::fs::read_to_string(&args.key_file).expect("the key file"))
		.and_then(|f| f.open(&passphrase))
		.expect("the key file opens");
	let record = RecordId(
		hex::decode(args.record.trim_start_matches("0x"))
			.ok()
			.and_then(|b| b.try_into().ok())
			.expect("a record id"),
	);
	let patient: SubjectId = args.patient.parse().expect("a patient DID");
	let path = format!("/records/0x{}", hex::encode(record.0));
	let client = reqwest::Client::builder()
		.pool_max_idle_per_host(args.concurrency)
		.build()
		.expect("a client");

	// One read through the gateway: the body every run must return.
	let first = signed(&keys, &args.gateway, &path, 1).pop().expect("one request");
	let mut request = client.get(&first.0);
	for (name, value) in first.1 {
		request = request.header(name, value);
	}
	let blob = request
		.send()
		.await
		.expect("the gateway answers")
		.bytes()
		.await
		.expect("a body");
	assert!(!blob.is_empty(), "the reader is not permitted, or the record is not held");
	let size = blob.len();

	// The same bytes from the same HTTP stack without checks.
	let body = blob.clone();
	let plain = Router::new()
		.route(
			"/records/{id}",
			get(move || {
				let body = body.clone();
				async move { body }
			}),
		)
		.layer(tower_http::limit::RequestBodyLimitLayer::new(256 * 1024 * 1024))
		.layer(tower::limit::ConcurrencyLimitLayer::new(256));
	let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("a port");
	let plain_url = format!("http://{}", listener.local_addr().expect("an address"));
	tokio::spawn(async move { axum::serve(listener, plain).await });

	// What the parts of a read cost, one at a time.
	let digest = httpsig::content_digest(b"");
	let h = httpsig::sign(
		keys.signer(),
		"GET",
		&path,
		"purpose=TREAT",
		&[("content-digest", &digest)],
		1,
		"n",
	);
	let verify = micros(2_000, || {
		httpsig::verify("GET", &path, "purpose=TREAT", &h.signature_input, &h.signature, |_| {
			Some(digest.clone())
		})
		.expect("verifies");
	});
	let reader = Keys::generate();
	let custodian = Keys::generate();
	let sealed_key = envelope::DataKey([7; 32]);
	let wrapped =
		envelope::wrap(&sealed_key, &record, &custodian.agreement_public()).expect("wraps");
	let rewrap = micros(1_000, || {
		envelope::rewrap(&wrapped, &record, custodian.agreement(), &reader.agreement_public())
			.expect("rewraps");
	});
	let dir = tempfile::tempdir().expect("a temp dir");
	std::fs::write(dir.path().join("blob"), &blob).expect("writes");
	let read = micros(2_000, || {
		std::fs::read(dir.path().join("blob")).expect("reads");
	});
	let store = Store::open(dir.path()).expect("a store");
	let journal = Journal::open(store.database()).expect("a journal");
	let event = AuditEvent {
		patient,
		record: AuditRecord {
			event_type: AuditEventType::RecordRead,
			action: AuditAction::Read,
			outcome: AuditOutcome::Success,
			actor: patient,
			requestor: true,
			policy: Some(AuditPolicy::OwnData),
			deny_reason: None,
			entity: Some(AuditEntity { record, hash: None }),
			purpose: Some(PurposeOfUse::Treat),
			occurred: 0,
			repeats: None,
		},
	};
	let commit = micros(100, || {
		let pending = Pending { queued_at: 0, event: event.clone() };
		journal.write(&[Write::Add(pending)]).expect("commits");
	});
	// One `check_access` runtime call at a fixed block: what the gateway pays once per question
	// per finalized block (its view is pinned to a block; answers are cached for that block).
	let chain = Chain::connect(&args.node).await.expect("the node");
	let reader_subject =
		chain.subject_of(&keys.account()).await.expect("a subject").expect("registered");
	let at = chain.api().at_current_block().await.expect("a finalized block");
	let calls = 200;
	let started = Instant::now();
	for _ in 0..calls {
		let call = runtime::runtime_apis().consent_api().check_access(
			Static(patient),
			Static(reader_subject),
			Static(ConsentAction::Read),
			Static(AccessTarget::Record(record)),
			Static(PurposeOfUse::Treat),
		);
		at.runtime_apis().call(call).await.expect("an answer");
	}
	let check = started.elapsed().as_secs_f64() * 1e6 / f64::from(calls);

	// The loads last: each read queues an audit event, and the node works through them during
	// and after the run (on the same two cores), which would slow the measurements above.
	let budget = 8_000 * args.seconds as usize;
	eprintln!("signing {budget} requests per run…");
	// The baseline first, on a quiet machine; then the gateway.
	let plain_run = load(
		&client,
		signed(&keys, &plain_url, &path, budget),
		args.concurrency,
		args.seconds,
		size,
	)
	.await;
	let gateway_run = load(
		&client,
		signed(&keys, &args.gateway, &path, budget),
		args.concurrency,
		args.seconds,
		size,
	)
	.await;

	let ratio = gateway_run.rate() / plain_run.rate();
	println!(
		"authorized {} KiB read, {} in flight, {} s per run (loopback, this machine)",
		size / 1024,
		args.concurrency,
		args.seconds
	);
	println!(
		"  gateway     {:>8.0} req/s   p50 {:>6.2} ms   p99 {:>6.2} ms",
		gateway_run.rate(),
		gateway_run.p50_ms,
		gateway_run.p99_ms
	);
	println!(
		"  no checks   {:>8.0} req/s   p50 {:>6.2} ms   p99 {:>6.2} ms",
		plain_run.rate(),
		plain_run.p50_ms,
		plain_run.p99_ms
	);
	println!("  ratio       {ratio:>8.2}");
	println!("parts of a read, one at a time:");
	println!("  signature check (RFC 9421, sr25519)       {verify:>9.1} µs");
	println!("  check_access at the node (state_call)     {check:>9.1} µs   (once per question per finalized block: cached)");
	println!("  re-wrap (HPKE open + seal)                {rewrap:>9.1} µs");
	println!("  store read ({} KiB, page cache)            {read:>9.1} µs", size / 1024);
	println!("  audit queue commit (redb, fsync)          {commit:>9.1} µs   (group-committed: one per burst)");
	if let Some(path) = args.json {
		let figures = json!({
			"size_bytes": size,
			"concurrency": args.concurrency,
			"seconds": args.seconds,
			"gateway": { "requests_per_second": gateway_run.rate(), "p50_ms": gateway_run.p50_ms, "p99_ms": gateway_run.p99_ms, "requests": gateway_run.requests },
			"no_checks": { "requests_per_second": plain_run.rate(), "p50_ms": plain_run.p50_ms, "p99_ms": plain_run.p99_ms, "requests": plain_run.requests },
			"ratio": ratio,
			"parts_us": { "signature_check": verify, "check_access": check, "rewrap": rewrap, "store_read": read, "audit_commit": commit },
		});
		std::fs::write(path, serde_json::to_string_pretty(&figures).expect("JSON"))
			.expect("writes the figures");
	}
}

//! The engine: submits pre-signed transactions at bounded concurrency, follows the best and the
//! finalized chain, and times each transaction from its submission to the block that holds it.
//!
//! - **Submission.** `author_submitExtrinsic` over several connections, at most `concurrency` in
//!   flight. Either *closed loop* (`window`: at most that many submitted and not yet in a block,
//!   which keeps the pool full and measures capacity) or *open loop* (`rate`: a steady rate, which
//!   measures latency under a known load). A pool that is full is retried, not counted as a
//!   failure.
//! - **Inclusion.** Every new best block's body is hashed extrinsic by extrinsic and matched
//!   against the transactions sent; its `Timestamp::Now` dates it. Gaps and forks are filled by
//!   walking parent hashes.
//! - **Finality.** Every finalized head finalizes the blocks between it and the previous one.
//! - **Latency.** submit → in-block is the moment this client saw the best block; submit →
//!   finalized the moment it saw the finalized head. Both include the RPC notification path, as a
//!   dApp would see it.

use std::{
	collections::{HashMap, HashSet},
	sync::{
		atomic::{AtomicU64, AtomicUsize, Ordering},
		Arc, Mutex,
	},
	time::{Duration, Instant},
};

use codec::{Decode, Encode};
use medchain_client::chain::H256;
use serde::Serialize;
use tokio::sync::Semaphore;

use crate::{Error, Rpc};

/// One pre-signed transaction.
pub struct Tx {
	/// blake2-256 of its encoding: how it is found in a block.
	pub hash: H256,
	/// Its encoding.
	pub bytes: Vec<u8>,
}

impl Tx {
	/// Wraps an encoded transaction.
	pub fn new(bytes: Vec<u8>) -> Self {
		Self { hash: H256(sp_crypto_hashing::blake2_256(&bytes)), bytes }
	}
}

/// How to submit.
#[derive(Clone, Debug)]
pub struct Settings {
	/// Stop submitting after this long.
	pub duration: Duration,
	/// Blocks in the first `warmup` of chain time are left out of the sustained rate.
	pub warmup: Duration,
	/// Closed loop: at most this many submitted and not yet seen in a block.
	pub window: usize,
	/// Open loop: this many transactions a second (overrides `window`).
	pub rate: Option<f64>,
	/// Submissions in flight at once.
	pub concurrency: usize,
}

/// A block of the finalized chain during the run.
#[derive(Clone, Debug, Serialize)]
pub struct BlockFigures {
	/// Its number.
	pub number: u64,
	/// Its `Timestamp::Now`, ms since the Unix epoch.
	pub timestamp: u64,
	/// Extrinsics it holds (inherents included).
	pub extrinsics: usize,
	/// The run's transactions it holds.
	pub ours: usize,
}

/// Percentiles of a latency distribution, in milliseconds.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Latency {
	/// Transactions measured.
	pub count: usize,
	/// Median.
	pub p50: f64,
	/// 90th percentile.
	pub p90: f64,
	/// 99th percentile.
	pub p99: f64,
	/// Slowest.
	pub max: f64,
	/// Mean.
	pub mean: f64,
}

impl Latency {
	fn of(mut samples: Vec<f64>) -> Self {
		samples.sort_by(f64::total_cmp);
		Self::of_sorted(&samples)
	}

	fn of_sorted(samples: &[f64]) -> Self {
		if samples.is_empty() {
			return Self::default();
		}
		let at = |q: f64| {
			samples[((samples.len() as f64 * q).ceil() as usize).clamp(1, samples.len()) - 1]
		};
		Self {
			count: samples.len(),
			p50: at(0.50),
			p90: at(0.90),
			p99: at(0.99),
			max: samples[samples.len() - 1],
			mean: samples.iter().sum::<f64>() / samples.len() as f64,
		}
	}
}

/// What one run measured.
#[derive(Clone, Debug, Serialize)]
pub struct Figures {
	/// Transactions prepared.
	pub prepared: usize,
	/// Transactions the pool accepted.
	pub submitted: usize,
	/// Submissions the pool refused for good (invalid), with the first reason.
	pub refused: usize,
	/// The first refusal's message.
	pub first_refusal: Option<String>,
	/// Submissions retried because the pool was full.
	pub retries: usize,
	/// Accepted transactions seen in a best block.
	pub in_block: usize,
	/// Accepted transactions seen finalized.
	pub finalized: usize,
	/// Seconds spent submitting.
	pub submit_seconds: f64,
	/// Transactions per second of chain time over the sustained window (after warm-up, while
	/// submitting): what the chain carried.
	pub sustained_per_second: f64,
	/// Blocks in the sustained window.
	pub sustained_blocks: usize,
	/// Chain-time seconds the sustained window covers.
	pub sustained_seconds: f64,
	/// The run's transactions per block in the sustained window: mean.
	pub per_block_mean: f64,
	/// … and most.
	pub per_block_max: usize,
	/// submit → seen in a best block.
	pub in_block_latency: Latency,
	/// submit → seen finalized.
	pub finalized_latency: Latency,
	/// The finalized blocks of the run, in order.
	pub blocks: Vec<BlockFigures>,
	/// submit → in-block samples, ms, sorted (for the chart).
	#[serde(skip)]
	pub in_block_samples: Vec<f64>,
	/// submit → finalized samples, ms, sorted (for the chart).
	#[serde(skip)]
	pub finalized_samples: Vec<f64>,
}

struct BlockSeen {
	number: u64,
	parent: H256,
	timestamp: u64,
	extrinsics: usize,
	ours: Vec<usize>,
}

/// The run's shared state: per transaction, microseconds since the run's start (0: not yet).
struct State {
	start: Instant,
	index: HashMap<H256, usize>,
	submitted_at: Vec<AtomicU64>,
	in_block_at: Vec<AtomicU64>,
	finalized_at: Vec<AtomicU64>,
	accepted: AtomicUsize,
	included: AtomicUsize,
	finalized: AtomicUsize,
	refused: AtomicUsize,
	retries: AtomicUsize,
	first_refusal: Mutex<Option<String>>,
	blocks: Mutex<HashMap<H256, BlockSeen>>,
	finalized_chain: Mutex<Vec<H256>>,
}

impl State {
	fn micros(&self) -> u64 {
		(self.start.elapsed().as_micros() as u64).max(1)
	}
}

fn hash_header(header: &subxt::config::substrate::SubstrateHeader<H256>) -> H256 {
	H256(sp_crypto_hashing::blake2_256(&header.encode()))
}

/// `Timestamp::Now` at `block`, number `number`; the genesis block (which a young chain's ancestor
/// walk reaches) has none and dates as 0, any other block without one is an error.
async fn timestamp(rpc: &Rpc, block: H256, number: u64) -> Result<u64, Error> {
	let key =
		[sp_crypto_hashing::twox_128(b"Timestamp"), sp_crypto_hashing::twox_128(b"Now")].concat();
	let value = rpc.state_get_storage(&key, Some(block)).await.map_err(Error::client)?;
	match value.and_then(|v| u64::decode(&mut &v[..]).ok()) {
		Some(now) => Ok(now),
		None if number == 0 => Ok(0),
		None => Err(Error::Client(format!("block #{number} ({block:?}) has no timestamp"))),
	}
}

/// Reads `block` (unless already seen), matches its extrinsics against the run's, and records it.
async fn see_block(rpc: &Rpc, state: &State, hash: H256, seen_at: u64) -> Result<(), Error> {
	if state.blocks.lock().unwrap().contains_key(&hash) {
		return Ok(());
	}
	let details = rpc
		.chain_get_block(Some(hash))
		.await
		.map_err(Error::client)?
		.ok_or_else(|| Error::Client(format!("block {hash:?} is gone")))?;
	let mut ours = Vec::new();
	for extrinsic in &details.block.extrinsics {
		let h = H256(sp_crypto_hashing::blake2_256(&extrinsic.0));
		if let Some(&i) = state.index.get(&h) {
			if state.in_block_at[i]
				.compare_exchange(0, seen_at, Ordering::SeqCst, Ordering::SeqCst)
				.is_ok()
			{
				state.included.fetch_add(1, Ordering::SeqCst);
			}
			ours.push(i);
		}
	}
	let seen = BlockSeen {
		number: details.block.header.number,
		parent: details.block.header.parent_hash,
		timestamp: timestamp(rpc, hash, details.block.header.number).await?,
		extrinsics: details.block.extrinsics.len(),
		ours,
	};
	state.blocks.lock().unwrap().insert(hash, seen);
	Ok(())
}

/// Follows best blocks: each new head and any ancestors not yet seen.
async fn follow_best(rpc: Rpc, state: Arc<State>) -> Result<(), Error> {
	let mut heads = rpc.chain_subscribe_new_heads().await.map_err(Error::client)?;
	while let Some(header) = heads.next().await {
		let header = header.map_err(Error::client)?;
		let seen_at = state.micros();
		// Ancestors this client missed (a burst of imports, a reorganisation), oldest first.
		let mut missing = vec![hash_header(&header)];
		let mut parent = header.parent_hash;
		for _ in 0..16 {
			if state.blocks.lock().unwrap().contains_key(&parent) {
				break;
			}
			let Some(h) = rpc.chain_get_header(Some(parent)).await.map_err(Error::client)? else {
				break;
			};
			missing.push(parent);
			parent = h.parent_hash;
		}
		for hash in missing.into_iter().rev() {
			see_block(&rpc, &state, hash, seen_at).await?;
		}
	}
	Ok(())
}

/// Follows finality from `base` (the finalized head when the run began).
async fn follow_finalized(rpc: Rpc, state: Arc<State>, base: H256) -> Result<(), Error> {
	let mut heads = rpc.chain_subscribe_finalized_heads().await.map_err(Error::client)?;
	let mut last = base;
	while let Some(header) = heads.next().await {
		let header = header.map_err(Error::client)?;
		let seen_at = state.micros();
		let head = hash_header(&header);
		// The newly finalized blocks, newest first, down to the previous finalized head.
		let mut newly = Vec::new();
		let mut cursor = head;
		while cursor != last && newly.len() < 4096 {
			see_block(&rpc, &state, cursor, seen_at).await?;
			let parent = state.blocks.lock().unwrap()[&cursor].parent;
			newly.push(cursor);
			cursor = parent;
		}
		last = head;
		for hash in newly.into_iter().rev() {
			let ours = state.blocks.lock().unwrap()[&hash].ours.clone();
			for i in ours {
				if state.finalized_at[i]
					.compare_exchange(0, seen_at, Ordering::SeqCst, Ordering::SeqCst)
					.is_ok()
				{
					state.finalized.fetch_add(1, Ordering::SeqCst);
				}
			}
			state.finalized_chain.lock().unwrap().push(hash);
		}
	}
	Ok(())
}

/// Whether a submission error means "the pool is full, try again" rather than "invalid": the
/// pool's JSON-RPC codes 1014 (priority too low to replace) and 1016 (immediately dropped), and
/// nothing else (an invalid transaction's message may well mention limits or balances).
fn pool_busy(message: &str) -> bool {
	let m = message.to_ascii_lowercase();
	["(1014)", "(1016)", "code: 1014", "code: 1016", "immediately dropped", "priority is too low"]
		.iter()
		.any(|needle| m.contains(needle))
}

/// How long one transaction is retried against a full pool before it counts as refused.
const BUSY_RETRY_LIMIT: Duration = Duration::from_secs(10);

/// Submits `txs` as `settings` say over `connections`, following blocks on `follow` (two
/// connections of their own), and returns the figures.
pub async fn run(
	connections: &[Rpc],
	follow: (Rpc, Rpc),
	txs: Vec<Tx>,
	settings: &Settings,
) -> Result<Figures, Error> {
	let prepared = txs.len();
	let state = Arc::new(State {
		start: Instant::now(),
		index: txs.iter().enumerate().map(|(i, tx)| (tx.hash, i)).collect(),
		submitted_at: (0..prepared).map(|_| AtomicU64::new(0)).collect(),
		in_block_at: (0..prepared).map(|_| AtomicU64::new(0)).collect(),
		finalized_at: (0..prepared).map(|_| AtomicU64::new(0)).collect(),
		accepted: AtomicUsize::new(0),
		included: AtomicUsize::new(0),
		finalized: AtomicUsize::new(0),
		refused: AtomicUsize::new(0),
		retries: AtomicUsize::new(0),
		first_refusal: Mutex::new(None),
		blocks: Mutex::new(HashMap::new()),
		finalized_chain: Mutex::new(Vec::new()),
	});
	// The finalized head when the run begins: the first block of the run's finalized chain,
	// which dates the block after it.
	let base = follow.1.chain_get_finalized_head().await.map_err(Error::client)?;
	see_block(&follow.1, &state, base, 1).await?;
	state.finalized_chain.lock().unwrap().push(base);
	let best = tokio::spawn(follow_best(follow.0, state.clone()));
	let finality = tokio::spawn(follow_finalized(follow.1, state.clone(), base));

	let permits = Arc::new(Semaphore::new(settings.concurrency));
	let started = Instant::now();
	let bytes: Vec<Arc<Vec<u8>>> = txs.into_iter().map(|tx| Arc::new(tx.bytes)).collect();
	for (i, tx) in bytes.iter().cloned().enumerate() {
		if started.elapsed() >= settings.duration {
			break;
		}
		match settings.rate {
			Some(rate) => {
				tokio::time::sleep_until(
					(started + Duration::from_secs_f64(i as f64 / rate)).into(),
				)
				.await
			},
			None => {
				// Refused transactions leave the window too; a follower that stopped ends the wait
				// (its error is reported below).
				while i
					.saturating_sub(state.included.load(Ordering::SeqCst))
					.saturating_sub(state.refused.load(Ordering::SeqCst))
					>= settings.window
					&& started.elapsed() < settings.duration
					&& !best.is_finished()
				{
					tokio::time::sleep(Duration::from_millis(2)).await;
				}
			},
		}
		// Latency counts from here: the moment this transaction was due (open loop) or allowed in
		// (closed loop), so a wait for a submission slot or a full pool's retries are part of it.
		let at = state.micros();
		let permit = permits.clone().acquire_owned().await.expect("the semaphore is never closed");
		let rpc = connections[i % connections.len()].clone();
		let state = state.clone();
		tokio::spawn(async move {
			let _permit = permit;
			let first_try = Instant::now();
			loop {
				match rpc.author_submit_extrinsic(&tx).await {
					Ok(_) => {
						state.submitted_at[i].store(at, Ordering::SeqCst);
						state.accepted.fetch_add(1, Ordering::SeqCst);
						break;
					},
					Err(e)
						if pool_busy(&e.to_string()) && first_try.elapsed() < BUSY_RETRY_LIMIT =>
					{
						state.retries.fetch_add(1, Ordering::SeqCst);
						tokio::time::sleep(Duration::from_millis(20)).await;
					},
					Err(e) => {
						state.refused.fetch_add(1, Ordering::SeqCst);
						state.first_refusal.lock().unwrap().get_or_insert(e.to_string());
						break;
					},
				}
			}
		});
	}
	// Every submission answered.
	let _ = permits.acquire_many(settings.concurrency as u32).await;
	let submit_seconds = started.elapsed().as_secs_f64();
	let submit_end = state.micros();
	let accepted = state.accepted.load(Ordering::SeqCst);
	println!(
		"  submitted {accepted} of {prepared} in {submit_seconds:.1} s; waiting for the rest to be finalized"
	);

	// Wait for the stragglers: all in blocks and finalized, or 30 s without progress.
	let mut last = (0, 0, Instant::now());
	loop {
		let now = (state.included.load(Ordering::SeqCst), state.finalized.load(Ordering::SeqCst));
		if now.1 >= accepted {
			break;
		}
		if (now.0, now.1) != (last.0, last.1) {
			last = (now.0, now.1, Instant::now());
		} else if last.2.elapsed() > Duration::from_secs(30) {
			println!("  no progress for 30 s: {} in blocks, {} finalized", now.0, now.1);
			// What the pool says now of the first accepted transaction no block holds.
			let stuck = (0..prepared).find(|&i| {
				state.submitted_at[i].load(Ordering::SeqCst) != 0
					&& state.in_block_at[i].load(Ordering::SeqCst) == 0
			});
			if let Some(i) = stuck {
				let verdict = match connections[0].author_submit_extrinsic(&bytes[i]).await {
					Ok(_) => "accepted again".to_owned(),
					Err(e) => e.to_string(),
				};
				println!(
					"  transaction {i} was accepted but is in no block; resubmitted: {verdict}"
				);
				*state.first_refusal.lock().unwrap() =
					Some(format!("dropped from the pool: {verdict}"));
			}
			break;
		}
		if best.is_finished() || finality.is_finished() {
			break;
		}
		tokio::time::sleep(Duration::from_millis(100)).await;
	}
	// A follower that stopped on an error would leave the figures partial: report it instead.
	for follower in [best, finality] {
		if follower.is_finished() {
			follower.await.map_err(|e| Error::Client(format!("block follower: {e}")))??;
			return Err(Error::Client("a block follower's subscription ended".into()));
		}
		follower.abort();
	}
	Ok(figures(&state, prepared, submit_seconds, submit_end, settings))
}

fn figures(
	state: &State,
	prepared: usize,
	submit_seconds: f64,
	submit_end: u64,
	settings: &Settings,
) -> Figures {
	let blocks = state.blocks.lock().unwrap();
	let chain: Vec<&BlockSeen> =
		state.finalized_chain.lock().unwrap().iter().map(|h| &blocks[h]).collect();
	// The sustained window: from the first block holding the run's transactions plus the warm-up,
	// to the last block this client saw while it was still submitting, counting only blocks
	// the chain finalized.
	let seen_before_end: HashSet<u64> = {
		let mut numbers = HashSet::new();
		for (i, at) in state.in_block_at.iter().enumerate() {
			let at = at.load(Ordering::SeqCst);
			if at != 0 && at <= submit_end {
				numbers.insert(i);
			}
		}
		chain
			.iter()
			.filter(|b| b.ours.iter().any(|i| numbers.contains(i)))
			.map(|b| b.number)
			.collect()
	};
	// A run too short to see a block before it stopped submitting: all its blocks.
	let last_number = seen_before_end
		.iter()
		.max()
		.copied()
		.or_else(|| chain.iter().filter(|b| !b.ours.is_empty()).map(|b| b.number).max());
	// The base block (index 0) holds none of the run's transactions.
	let first = chain.iter().position(|b| !b.ours.is_empty()).filter(|f| *f > 0);
	let (mut carried, mut blocks_in, mut from_ts, mut to_ts, mut max) =
		(0usize, 0usize, 0u64, 0u64, 0usize);
	if let (Some(first), Some(last_number)) = (first, last_number) {
		let start_ts = chain[first].timestamp + settings.warmup.as_millis() as u64;
		for (k, b) in chain.iter().enumerate().skip(first) {
			if b.timestamp < start_ts || b.number > last_number {
				continue;
			}
			if blocks_in == 0 {
				from_ts = chain[k - 1].timestamp;
			}
			blocks_in += 1;
			carried += b.ours.len();
			max = max.max(b.ours.len());
			to_ts = b.timestamp;
		}
	}
	let seconds = (to_ts.saturating_sub(from_ts)) as f64 / 1000.0;
	let samples = |of: &[AtomicU64]| {
		let mut samples: Vec<f64> = of
			.iter()
			.zip(&state.submitted_at)
			.filter_map(|(done, sent)| {
				let (done, sent) = (done.load(Ordering::SeqCst), sent.load(Ordering::SeqCst));
				(done != 0 && sent != 0).then(|| done.saturating_sub(sent) as f64 / 1000.0)
			})
			.collect();
		samples.sort_by(f64::total_cmp);
		samples
	};
	let (in_block_samples, finalized_samples) =
		(samples(&state.in_block_at), samples(&state.finalized_at));
	Figures {
		prepared,
		submitted: state.accepted.load(Ordering::SeqCst),
		refused: state.refused.load(Ordering::SeqCst),
		first_refusal: state.first_refusal.lock().unwrap().clone(),
		retries: state.retries.load(Ordering::SeqCst),
		in_block: state.included.load(Ordering::SeqCst),
		finalized: state.finalized.load(Ordering::SeqCst),
		submit_seconds,
		sustained_per_second: if seconds > 0.0 { carried as f64 / seconds } else { 0.0 },
		sustained_blocks: blocks_in,
		sustained_seconds: seconds,
		per_block_mean: if blocks_in > 0 { carried as f64 / blocks_in as f64 } else { 0.0 },
		per_block_max: max,
		in_block_latency: Latency::of_sorted(&in_block_samples),
		finalized_latency: Latency::of_sorted(&finalized_samples),
		blocks: chain
			.iter()
			.map(|b| BlockFigures {
				number: b.number,
				timestamp: b.timestamp,
				extrinsics: b.extrinsics,
				ours: b.ours.len(),
			})
			.collect(),
		in_block_samples,
		finalized_samples,
	}
}

/// What the `check_access` runtime API answered.
#[derive(Clone, Debug, Serialize)]
pub struct CallFigures {
	/// Calls answered.
	pub calls: usize,
	/// Calls that failed (RPC errors).
	pub failed: usize,
	/// Answers that were a permit (the setup grants one).
	pub permits: usize,
	/// Seconds measured.
	pub seconds: f64,
	/// Answers per second.
	pub per_second: f64,
	/// Per-call latency.
	pub latency: Latency,
}

/// Calls `method` with `args` at `block` for `duration`, `concurrency` at once over `connections`.
pub async fn calls(
	connections: &[Rpc],
	method: &'static str,
	args: Vec<u8>,
	block: H256,
	duration: Duration,
	concurrency: usize,
	permit: impl Fn(&[u8]) -> bool + Send + Sync + 'static,
) -> Result<CallFigures, Error> {
	let args = Arc::new(args);
	let permit = Arc::new(permit);
	let started = Instant::now();
	let workers: Vec<_> = (0..concurrency)
		.map(|w| {
			let rpc = connections[w % connections.len()].clone();
			let (args, permit) = (args.clone(), permit.clone());
			tokio::spawn(async move {
				let (mut ok, mut failed, mut permits, mut samples) = (0, 0, 0, Vec::new());
				while started.elapsed() < duration {
					let t = Instant::now();
					match rpc.state_call(method, Some(&args), Some(block)).await {
						Ok(answer) => {
							ok += 1;
							permits += usize::from(permit(&answer));
							samples.push(t.elapsed().as_secs_f64() * 1000.0);
						},
						Err(_) => failed += 1,
					}
				}
				(ok, failed, permits, samples)
			})
		})
		.collect();
	let (mut calls, mut failed, mut permits, mut samples) = (0, 0, 0, Vec::new());
	for worker in workers {
		let (o, f, p, s) = worker.await.map_err(Error::client)?;
		calls += o;
		failed += f;
		permits += p;
		samples.extend(s);
	}
	let seconds = started.elapsed().as_secs_f64();
	Ok(CallFigures {
		calls,
		failed,
		permits,
		seconds,
		per_second: calls as f64 / seconds,
		latency: Latency::of(samples),
	})
}

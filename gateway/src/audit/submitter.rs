//! Sends the journal's events to the chain: numbered batches, several in flight at once, each
//! followed to finality.
//!
//! Each round starts from the chain: the count of this gateway's events a finalized block has
//! taken (`AuditLog::GatewaySequence`) settles what the journal still holds below it, and the
//! pool's next nonce numbers the transactions. Then batches go out without waiting for each
//! other: first the events numbered in an earlier round and not yet taken (sent again, with the
//! same numbers), then new ones, reads before denials. A batch holds whatever waits, up to
//! `batch` events, so batches grow with the load; a new one goes out when the one before is full,
//! when nothing is in flight, or when the oldest waiting event has waited [`GATHER_MS`].
//!
//! A finalized batch settles its events: the ones the chain refused (its `BatchAppended` event
//! lists them with their errors) are kept aside for the operator. A transaction that is dropped,
//! invalid, refused as a whole or not finalized within [`FINALITY_TIMEOUT`] ends the round: no new
//! batch goes out, the batches in flight get [`DRAIN_TIMEOUT`] to land, and the next round
//! starts again from the chain. Nothing is lost (the journal keeps it) and nothing is appended
//! twice (the chain skips numbers it has taken).

use std::{
	pin::Pin,
	sync::Arc,
	time::{Duration, Instant},
};

use futures::{stream::FuturesUnordered, Future, StreamExt};
use medchain_client::{
	chain::{runtime, ChainError, Included, Static, Wait},
	keys::Keys,
};
use medchain_primitives::identity::SubjectId;
use tokio::sync::Notify;

use super::{
	journal::{Journal, Pending},
	now_ms, AuditState, Pipeline,
};
use crate::{chain::NodeView, metrics::Metrics};

/// How long the oldest waiting event may wait for a batch to fill, ms.
pub const GATHER_MS: u64 = 250;
/// How long a batch may take from submission to a finalized block.
pub const FINALITY_TIMEOUT: Duration = Duration::from_secs(90);
/// How often, at most, the journal's counts are published to the handlers and `/metrics`
/// (besides after every finalized batch).
pub const REFRESH: Duration = Duration::from_millis(100);
/// How long the batches in flight get to land once a round ends.
pub const DRAIN_TIMEOUT: Duration = Duration::from_secs(20);

/// A batch in flight: its first number, its length, whether it holds denials only, and how it
/// landed.
type Landing = Pin<Box<dyn Future<Output = (u64, u64, bool, Result<Included, ChainError>)> + Send>>;

/// Most batches of denials only in flight at once: they hold nonces ahead of later batches, so a
/// flood of denials must not fill the pipeline before the reads behind it.
pub const MAX_DENIAL_BATCHES: usize = 2;

/// Why a round ended.
enum Trouble {
	/// The chain refuses this gateway itself: every batch would fail alike.
	Gateway(ChainError),
	/// A batch did not land (dropped, invalid, refused whole, or too slow).
	Batch(ChainError),
	/// The node cannot be asked.
	Chain(ChainError),
}

/// The submitter task's parts.
pub struct Submitter {
	/// The journal.
	pub journal: Journal,
	/// The chain.
	pub view: Arc<NodeView>,
	/// The gateway's keys (signs the batches).
	pub keys: Arc<Keys>,
	/// The gateway's subject.
	pub me: SubjectId,
	/// Batch size and batches in flight.
	pub pipeline: Pipeline,
	/// Metrics.
	pub metrics: Arc<Metrics>,
	/// What the handlers see.
	pub state: Arc<AuditState>,
	/// Rung by the writer when events were queued.
	pub wake: Arc<Notify>,
}

/// Whether the chain refused the gateway itself (deactivated, its organization removed, its key
/// rotated away): no event is at fault, every batch would fail alike.
fn refuses_the_gateway(error: &ChainError) -> bool {
	matches!(error, ChainError::Pallet { pallet, error, .. }
		if pallet == "AuditLog" && ["UnregisteredWriter", "NotAGateway", "GatewayInactive"].contains(&error.as_str()))
		|| matches!(error, ChainError::Dispatch(e) if e.contains("BadOrigin"))
}

/// The name of a dispatch error the chain reports for a refused event (`AuditLog::UnknownRecord`).
fn error_name(
	metadata: &subxt::Metadata,
	error: &runtime::runtime_types::sp_runtime::DispatchError,
) -> String {
	use runtime::runtime_types::sp_runtime::DispatchError;
	if let DispatchError::Module(module) = error {
		if let Some(pallet) = metadata.pallet_by_error_index(module.index) {
			if let Some(variant) = pallet.error_variant_by_index(module.error[0]) {
				return format!("{}::{}", pallet.name(), variant.name);
			}
		}
	}
	format!("{error:?}")
}

impl Submitter {
	/// Runs round after round, for ever.
	pub async fn run(self) {
		let mut backoff = Duration::from_millis(500);
		loop {
			let trouble = self.round().await;
			self.refresh();
			match trouble {
				Trouble::Gateway(error) => {
					tracing::error!(%error, "the chain no longer accepts this gateway's audit: reads are refused until it does");
					self.state.suspended.store(true, std::sync::atomic::Ordering::SeqCst);
					tokio::time::sleep(Duration::from_secs(10)).await;
				},
				Trouble::Batch(error) => {
					tracing::warn!(%error, "an audit batch did not land: sending again from the chain's count");
					self.metrics.audit_resyncs.inc();
					tokio::time::sleep(backoff).await;
					backoff = (backoff * 2).min(Duration::from_secs(10));
				},
				Trouble::Chain(error) => {
					tracing::warn!(%error, retry_in = ?backoff, "cannot reach the chain for the audit trail");
					tokio::time::sleep(backoff).await;
					backoff = (backoff * 2).min(Duration::from_secs(10));
				},
			}
		}
	}

	/// Publishes the journal's counts to the handlers and `/metrics`.
	fn refresh(&self) {
		match self.journal.backlog() {
			Ok(backlog) => {
				self.metrics.audit_queued.set((backlog.reads + backlog.denials) as i64);
				self.metrics.audit_in_flight.set(backlog.numbered as i64);
				self.metrics.audit_rejected.set(backlog.rejected as i64);
				self.state.set_backlog(backlog);
				let lag = self.state.lag_ms(now_ms());
				self.metrics.audit_lag.set(lag as f64 / 1000.0);
			},
			Err(error) => tracing::error!(%error, "cannot read the audit journal"),
		}
	}

	/// The chain's count of this gateway's events taken in finalized blocks.
	async fn taken(&self) -> Result<u64, ChainError> {
		self.view.gateway_sequence(self.me).await
	}

	/// One round: from the chain's count, batches in flight until something goes wrong.
	async fn round(&self) -> Trouble {
		let taken = match self.taken().await {
			Ok(taken) => taken,
			Err(error) => return Trouble::Chain(error),
		};
		match self.journal.taken_below(taken) {
			Ok(0) => {},
			Ok(settled) => {
				tracing::info!(settled, "audit events found on chain from before");
				self.metrics.audit_included.inc_by(settled);
			},
			Err(error) => return Trouble::Chain(ChainError::Client(error.to_string())),
		}
		let account = self.keys.signer().public_key().to_account_id();
		let mut nonce = match self.view.chain().next_nonce(&account).await {
			Ok(nonce) => nonce,
			Err(error) => return Trouble::Chain(error),
		};
		// Numbered events from `taken` on were sent in an earlier round (or never): they go
		// first, with their numbers.
		let mut resend_from = taken;
		let mut in_flight: FuturesUnordered<Landing> = FuturesUnordered::new();
		let mut trouble: Option<Trouble> = None;
		let mut ticker = tokio::time::interval(Duration::from_millis(GATHER_MS));
		let mut refreshed = Instant::now();
		let mut denial_batches = 0usize;
		loop {
			while trouble.is_none() && in_flight.len() < self.pipeline.in_flight {
				let denials_allowed = denial_batches < MAX_DENIAL_BATCHES;
				let batch = match self.next_batch(
					&mut resend_from,
					in_flight.is_empty(),
					denials_allowed,
				) {
					Ok(Some(batch)) => batch,
					Ok(None) => break,
					Err(error) => {
						trouble = Some(Trouble::Chain(error));
						break;
					},
				};
				let only_denials = batch.1.iter().all(|p| !p.is_read());
				denial_batches += usize::from(only_denials);
				in_flight.push(self.send(batch, only_denials, nonce));
				nonce += 1;
			}
			if refreshed.elapsed() >= REFRESH {
				self.refresh();
				refreshed = Instant::now();
			}
			if in_flight.is_empty() {
				if let Some(trouble) = trouble {
					return trouble;
				}
				tokio::select! {
					_ = self.wake.notified() => {},
					_ = ticker.tick() => {},
				}
				continue;
			}
			let landed = if trouble.is_some() {
				match tokio::time::timeout(DRAIN_TIMEOUT, in_flight.next()).await {
					Ok(landed) => landed,
					// Abandoned: the next round asks the chain what was taken.
					Err(_) => {
						return trouble.unwrap_or(Trouble::Batch(ChainError::Transaction(
							"the batches in flight did not land".into(),
						)))
					},
				}
			} else {
				tokio::select! {
					landed = in_flight.next() => landed,
					_ = self.wake.notified() => continue,
					_ = ticker.tick() => continue,
				}
			};
			let Some((first, count, only_denials, result)) = landed else { continue };
			denial_batches -= usize::from(only_denials);
			match result {
				Ok(included) => {
					if let Err(error) = self.settle(first, count, &included) {
						trouble.get_or_insert(Trouble::Chain(error));
					}
					self.refresh();
					refreshed = Instant::now();
				},
				Err(error) if refuses_the_gateway(&error) => {
					trouble.get_or_insert(Trouble::Gateway(error));
				},
				Err(error) => {
					trouble.get_or_insert(Trouble::Batch(error));
				},
			}
		}
	}

	/// The next batch to send, if one should go now: events numbered before and not yet sent
	/// in this round, else new ones when enough wait (or nothing is in flight, or the oldest has
	/// waited long enough).
	fn next_batch(
		&self,
		resend_from: &mut u64,
		idle: bool,
		denials_allowed: bool,
	) -> Result<Option<(u64, Vec<Pending>)>, ChainError> {
		let store = |e: crate::store::StoreError| ChainError::Client(e.to_string());
		let again = self.journal.numbered_from(*resend_from, self.pipeline.batch).map_err(store)?;
		if let Some((first, _)) = again.first() {
			let first = *first;
			*resend_from = first + again.len() as u64;
			return Ok(Some((first, again.into_iter().map(|(_, p)| p).collect())));
		}
		let waiting = self.journal.waiting().map_err(store)?;
		let count = waiting.reads + if denials_allowed { waiting.denials } else { 0 };
		if count == 0 {
			return Ok(None);
		}
		let full = count >= self.pipeline.batch as u64;
		let overdue = waiting.oldest.is_some_and(|t| now_ms().saturating_sub(t) >= GATHER_MS);
		if !(idle || full || overdue) {
			return Ok(None);
		}
		let (first, events) = self.journal.number(self.pipeline.batch).map_err(store)?;
		if events.is_empty() {
			return Ok(None);
		}
		*resend_from = first + events.len() as u64;
		Ok(Some((first, events)))
	}

	/// Signs and submits a batch at `nonce`; the future resolves when it is finalized or lost.
	fn send(
		&self,
		(first, events): (u64, Vec<Pending>),
		only_denials: bool,
		nonce: u64,
	) -> Landing {
		let count = events.len() as u64;
		let events = events
			.into_iter()
			.map(|p| runtime::runtime_types::pallet_audit_log::GatewayEvent {
				patient: Static(p.event.patient),
				record: Static(p.event.record),
			})
			.collect();
		let call = runtime::transactions().audit_log().submit_batch(first, events);
		let chain = self.view.chain().clone();
		let keys = self.keys.clone();
		tracing::debug!(first, count, nonce, "audit batch sent");
		Box::pin(async move {
			let landing =
				chain.submit_with_nonce(&call, keys.signer(), nonce, Wait::Finalized, |_| {});
			let result = match tokio::time::timeout(FINALITY_TIMEOUT, landing).await {
				Ok(result) => result,
				Err(_) => Err(ChainError::Transaction(format!(
					"not finalized within {} s",
					FINALITY_TIMEOUT.as_secs()
				))),
			};
			(first, count, only_denials, result)
		})
	}

	/// A finalized batch: its events are taken; the refused ones are kept aside.
	fn settle(&self, first: u64, count: u64, included: &Included) -> Result<(), ChainError> {
		let appended = included
			.events
			.find_first::<runtime::audit_log::events::BatchAppended>()
			.ok_or_else(|| ChainError::Client("a finalized batch without BatchAppended".into()))?
			.map_err(|e| ChainError::Client(e.to_string()))?;
		let metadata = self.view.metadata();
		let refused: Vec<(u32, String)> =
			appended.refused.iter().map(|(i, e)| (*i, error_name(&metadata, e))).collect();
		for (index, error) in &refused {
			tracing::error!(seq = first + u64::from(*index), %error, "audit event refused by the chain: kept aside");
		}
		let reads = self
			.journal
			.settle(first, count, &refused)
			.map_err(|e| ChainError::Client(e.to_string()))?;
		let now = now_ms();
		self.state.settled(count, now);
		for queued_at in reads {
			self.metrics
				.audit_read_lag
				.observe(now.saturating_sub(queued_at) as f64 / 1000.0);
		}
		self.state.suspended.store(false, std::sync::atomic::Ordering::SeqCst);
		self.metrics.audit_included.inc_by(u64::from(appended.appended));
		tracing::debug!(
			first,
			count,
			appended = appended.appended,
			duplicates = appended.duplicates,
			refused = refused.len(),
			"audit batch finalized"
		);
		Ok(())
	}
}

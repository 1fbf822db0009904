//! Every read and every denial on the patient's trail: queued durably before the response is
//! sent, submitted in batches (`Audit::submit_batch`, signed by the gateway's key) and retried
//! until a finalized block includes them.
//!
//! - **Durable first.** A handler calls [`AuditQueue::record`] and answers only once the event
//!   is committed to the store (fsynced). Commits are grouped: every event waiting when the
//!   writer wakes goes into one redb transaction, so one fsync serves a burst of reads.
//! - **Then on chain.** The submitter takes the oldest events (up to `audit_batch`), submits
//!   them and waits for finality, then removes them. Node down or transaction dropped: retried
//!   with backoff. A batch the runtime refuses is split and the events sent one by one; an event
//!   refused alone (its policy did not allow the read, it waited past `MaxBacklog`) is moved
//!   aside with the error, counted in `/metrics` and logged, and the queue goes on.
//! - A crash loses nothing: what was acknowledged is in the queue, and the submitter resumes
//!   from it at the next start.

use std::{
	sync::{
		atomic::{AtomicBool, Ordering},
		Arc,
	},
	time::Duration,
};

use codec::{Decode, Encode};
use medchain_client::chain::{runtime, ChainError, Static, Wait};
use medchain_client::keys::Keys;
use medchain_primitives::{audit::AuditRecord, identity::SubjectId};
use tokio::sync::{mpsc, oneshot, Notify};

use crate::{chain::ChainView, metrics::Metrics, store::Store};

/// One event for a patient's trail: the runtime's `GatewayEvent`, field for field.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
pub struct AuditEvent {
	/// Whose data.
	pub patient: SubjectId,
	/// What happened.
	pub record: AuditRecord,
}

type Ack = oneshot::Sender<Result<(), String>>;

/// The handlers' side of the queue.
#[derive(Clone)]
pub struct AuditQueue {
	sender: mpsc::Sender<(Vec<u8>, Ack)>,
}

impl AuditQueue {
	/// Starts the writer and the submitter.
	pub fn start(
		store: Store,
		view: Arc<ChainView>,
		keys: Arc<Keys>,
		batch: usize,
		metrics: Arc<Metrics>,
		suspended: Arc<AtomicBool>,
	) -> Self {
		let (sender, receiver) = mpsc::channel(16 * 1024);
		let wake = Arc::new(Notify::new());
		tokio::spawn(write(store.clone(), receiver, wake.clone(), metrics.clone()));
		tokio::spawn(submit(store, view, keys, batch, wake, metrics, suspended));
		Self { sender }
	}

	/// Queues `event` durably; returns once it would survive a crash.
	pub async fn record(&self, event: &AuditEvent) -> Result<(), String> {
		let (ack, done) = oneshot::channel();
		self.sender
			.send((event.encode(), ack))
			.await
			.map_err(|_| "the audit writer stopped".to_owned())?;
		done.await.map_err(|_| "the audit writer stopped".to_owned())?
	}
}

/// Group commit: all events waiting are written in one transaction, then all are acknowledged.
async fn write(
	store: Store,
	mut receiver: mpsc::Receiver<(Vec<u8>, Ack)>,
	wake: Arc<Notify>,
	metrics: Arc<Metrics>,
) {
	while let Some(first) = receiver.recv().await {
		let mut waiting = vec![first];
		while waiting.len() < 4096 {
			match receiver.try_recv() {
				Ok(next) => waiting.push(next),
				Err(_) => break,
			}
		}
		let events: Vec<Vec<u8>> = waiting.iter().map(|(e, _)| e.clone()).collect();
		let count = events.len() as i64;
		let store = store.clone();
		let written = tokio::task::spawn_blocking(move || store.enqueue(&events))
			.await
			.map_err(|e| e.to_string())
			.and_then(|r| r.map_err(|e| e.to_string()));
		if written.is_ok() {
			metrics.audit_queued.add(count);
			wake.notify_one();
		} else {
			tracing::error!(error = ?written, "cannot queue audit events: the reads are refused");
		}
		for (_, ack) in waiting {
			let _ = ack.send(written.clone());
		}
	}
}

/// Whether the chain refused the call itself (not a transport failure): retrying the same
/// batch cannot help.
fn refused(error: &ChainError) -> bool {
	matches!(error, ChainError::Pallet { .. } | ChainError::Dispatch(_))
}

/// Whether the chain refused the gateway itself (deactivated, its organization removed, its key
/// rotated away): no event is at fault, every batch would fail alike.
fn refuses_the_gateway(error: &ChainError) -> bool {
	matches!(error, ChainError::Pallet { pallet, error, .. }
		if pallet == "AuditLog" && ["UnregisteredWriter", "NotAGateway", "GatewayInactive"].contains(&error.as_str()))
		|| matches!(error, ChainError::Dispatch(e) if e.contains("BadOrigin"))
}

async fn submit(
	store: Store,
	view: Arc<ChainView>,
	keys: Arc<Keys>,
	batch: usize,
	wake: Arc<Notify>,
	metrics: Arc<Metrics>,
	suspended: Arc<AtomicBool>,
) {
	let mut backoff = Duration::from_millis(500);
	// After a refused batch: how many events to send one by one to find the culprit.
	let mut isolate = 0usize;
	if let Ok(rejected) = store.rejected_len() {
		metrics.audit_rejected.set(rejected as i64);
	}
	loop {
		let limit = if isolate > 0 { 1 } else { batch };
		let queued = match store.queued(limit) {
			Ok(queued) => queued,
			Err(e) => {
				tracing::error!(error = %e, "cannot read the audit queue");
				tokio::time::sleep(backoff).await;
				continue;
			},
		};
		if let Ok(len) = store.queue_len() {
			metrics.audit_queued.set(len as i64);
		}
		if queued.is_empty() {
			let _ = tokio::time::timeout(Duration::from_secs(2), wake.notified()).await;
			continue;
		}
		let mut events = Vec::with_capacity(queued.len());
		for (position, bytes) in &queued {
			match AuditEvent::decode(&mut &bytes[..]) {
				Ok(event) => events.push(runtime::runtime_types::pallet_audit_log::GatewayEvent {
					patient: Static(event.patient),
					record: Static(event.record),
				}),
				Err(e) => {
					let _ = store.reject(*position, &format!("does not decode: {e}"));
				},
			}
		}
		if events.len() != queued.len() {
			continue;
		}
		let call = runtime::transactions().audit_log().submit_batch(events);
		let result = view.chain().submit(&call, keys.signer(), Wait::Finalized, |_| {}).await;
		let positions: Vec<u64> = queued.iter().map(|(p, _)| *p).collect();
		match result {
			Ok(_) => {
				suspended.store(false, Ordering::SeqCst);
				backoff = Duration::from_millis(500);
				isolate = isolate.saturating_sub(1);
				if let Err(e) = store.dequeue(&positions) {
					tracing::error!(error = %e, "cannot remove included audit events");
				}
				metrics.audit_included.inc_by(positions.len() as u64);
				tracing::debug!(count = positions.len(), "audit events finalized");
			},
			Err(error) if refuses_the_gateway(&error) => {
				// Keep every event; stop serving reads until the chain takes them again.
				tracing::error!(%error, "the chain no longer accepts this gateway's audit: reads are refused until it does");
				suspended.store(true, Ordering::SeqCst);
				tokio::time::sleep(Duration::from_secs(10)).await;
			},
			Err(error) if refused(&error) && positions.len() > 1 => {
				tracing::warn!(%error, count = positions.len(), "audit batch refused: sending its events one by one");
				isolate = positions.len();
			},
			Err(error) if refused(&error) => {
				tracing::error!(%error, position = positions[0], "audit event refused by the chain: kept aside");
				if store.reject(positions[0], &error.to_string()).is_ok() {
					metrics.audit_rejected.inc();
				}
				isolate = isolate.saturating_sub(1);
			},
			Err(error) => {
				tracing::warn!(%error, retry_in = ?backoff, "audit batch not included: retrying");
				tokio::time::sleep(backoff).await;
				backoff = (backoff * 2).min(Duration::from_secs(30));
			},
		}
	}
}

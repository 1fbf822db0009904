//! Following finalized blocks: the view moves to each, and every record erased in it is
//! crypto-shredded here (envelopes and metadata, then the ciphertext).
//!
//! At start the records held are checked against their anchors once, so an erasure finalized
//! while the gateway was down is carried out before it serves anything.

use std::{sync::Arc, time::Duration};

use medchain_client::chain::runtime;
use medchain_primitives::{identity::SubjectId, records::RecordStatus};

use crate::{
	audit::now_ms,
	chain::{ChainView, NodeView},
	metrics::Metrics,
	store::Store,
};

/// Erases every held record whose anchor is erased at the view's block.
pub async fn reconcile(
	view: &dyn ChainView,
	store: &Store,
	metrics: &Metrics,
) -> Result<usize, String> {
	let mut erased = 0;
	for record in store.held_records().map_err(|e| e.to_string())? {
		let anchor = view.anchor(record).await.map_err(|e| e.to_string())?;
		if anchor.is_some_and(|a| a.status == RecordStatus::Erased) {
			store.erase(&record, now_ms()).map_err(|e| e.to_string())?;
			metrics.erased.inc();
			erased += 1;
		}
	}
	Ok(erased)
}

/// Follows finalized blocks for ever, reconnecting the stream when it breaks. Erasures are
/// carried out for records of `organization` only. After any gap (a reconnection, a block that
/// could not be read) every held record is checked against its anchor again, so no erasure is
/// missed.
pub async fn follow(
	view: Arc<NodeView>,
	store: Store,
	metrics: Arc<Metrics>,
	organization: SubjectId,
) {
	// Blocks finalized between the start's reconciliation and the subscription count as a gap.
	let mut gap = true;
	loop {
		let mut blocks = match view.chain().api().stream_blocks().await {
			Ok(blocks) => blocks,
			Err(error) => {
				tracing::warn!(%error, "cannot follow finalized blocks: retrying");
				tokio::time::sleep(Duration::from_secs(2)).await;
				continue;
			},
		};
		while let Some(block) = blocks.next().await {
			let block = match block {
				Ok(block) => block,
				Err(error) => {
					tracing::warn!(%error, "finalized block stream broke");
					break;
				},
			};
			let at = match block.at().await {
				Ok(at) => at,
				Err(error) => {
					tracing::warn!(%error, "cannot read a finalized block");
					gap = true;
					continue;
				},
			};
			match at.events().fetch().await {
				Ok(events) => {
					for erased in events.find::<runtime::records::events::RecordErased>() {
						let Ok(erased) = erased else {
							gap = true;
							continue;
						};
						if erased.custodian.0 != organization {
							continue;
						}
						let record = erased.id.0;
						match store.erase(&record, now_ms()) {
							Ok(true) => {
								metrics.erased.inc();
								tracing::info!(record = %hex::encode(record.0), block = block.number(), "record erased: ciphertext and envelopes deleted");
							},
							Ok(false) => {},
							Err(error) => tracing::error!(%error, "cannot erase a record"),
						}
					}
				},
				Err(error) => {
					tracing::warn!(%error, "cannot read a finalized block's events");
					gap = true;
				},
			}
			match view.advance(at).await {
				Ok(()) => metrics.finalized.set(block.number() as i64),
				Err(error) => {
					tracing::warn!(%error, "cannot move to a finalized block");
					gap = true;
					continue;
				},
			}
			if gap {
				// The view is at this block now: whatever was erased up to it is found.
				match reconcile(&*view, &store, &metrics).await {
					Ok(_) => gap = false,
					Err(error) => tracing::warn!(%error, "cannot check held records after a gap"),
				}
			}
		}
		gap = true;
		tokio::time::sleep(Duration::from_secs(1)).await;
	}
}

//! Following finalized blocks: the view moves to each, and every record erased in it is
//! crypto-shredded here (envelopes and metadata, then the ciphertext).
//!
//! At start the records held are checked against their anchors once, so an erasure finalized
//! while the gateway was down is carried out before it serves anything.

use std::{sync::Arc, time::Duration};

use medchain_client::chain::runtime;
use medchain_primitives::records::RecordStatus;

use crate::{chain::ChainView, metrics::Metrics, store::Store};

fn now_ms() -> u64 {
	std::time::SystemTime::now()
		.duration_since(std::time::UNIX_EPOCH)
		.map(|d| d.as_millis() as u64)
		.unwrap_or(0)
}

/// Erases every held record whose anchor is erased at the view's block.
pub async fn reconcile(view: &ChainView, store: &Store, metrics: &Metrics) -> Result<usize, String> {
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

/// Follows finalized blocks for ever, reconnecting the stream when it breaks.
pub async fn follow(view: Arc<ChainView>, store: Store, metrics: Arc<Metrics>) {
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
					continue;
				},
			};
			match at.events().fetch().await {
				Ok(events) => {
					for erased in events.find::<runtime::records::events::RecordErased>() {
						let Ok(erased) = erased else { continue };
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
				Err(error) => tracing::warn!(%error, "cannot read a finalized block's events"),
			}
			metrics.finalized.set(block.number() as i64);
			view.advance(at);
		}
		tokio::time::sleep(Duration::from_secs(1)).await;
	}
}

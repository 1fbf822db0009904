//! The chain as the gateway sees it: every question asked at the latest **finalized** block,
//! which every node of the consortium agrees on and no reorganisation takes back.
//!
//! - [`ChainView`] is what the HTTP handlers ask of the chain: the seam beside
//!   [`crate::store::BlobStore`] that lets them be tested without a node.
//! - [`NodeView`] asks a node. Answers are cached for the view's block only: the same question at
//!   the same block has the same answer, so a burst of reads of one record asks the node once.
//!   When a new block is finalized the caches are emptied; an answer computed at an older block
//!   is never stored after that (each insert checks the block it was asked at is still the
//!   current one).

use std::{
	collections::HashMap,
	hash::Hash,
	sync::{Arc, Mutex, RwLock},
};

use futures::future::BoxFuture;
use medchain_client::chain::{runtime, Chain, ChainError, Static, H256};
use medchain_primitives::{
	audit::{AuditEntry, AuditQueryError},
	consent::{AccessDecision, AccessTarget, ConsentAction, ConsentRecord, PurposeOfUse, RecordId},
	identity::{IdentityDocument, SubjectId},
	records::RecordAnchor,
	AccountId,
};
use subxt::{client::OnlineClientAtBlock, config::PolkadotConfig};

type At = OnlineClientAtBlock<PolkadotConfig>;

/// How long a question to the node may take before the request that asked it fails.
pub const CALL_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);
/// A subject's identity document, as the runtime API answers it.
pub type Document = IdentityDocument<AccountId>;
/// (patient, reader, record, purpose code): the primitives' record and purpose types are not
/// `Hash`.
type DecisionKey = (SubjectId, SubjectId, [u8; 32], u8);

struct Cache<K, V>(Mutex<HashMap<K, V>>);

impl<K: Eq + Hash, V: Clone> Cache<K, V> {
	fn new() -> Self {
		Self(Mutex::new(HashMap::new()))
	}
	fn get(&self, key: &K) -> Option<V> {
		self.0.lock().expect("cache lock").get(key).cloned()
	}
	fn put(&self, key: K, value: V) {
		let mut map = self.0.lock().expect("cache lock");
		// Bounded: a flood of distinct questions within one block empties it rather than grows it.
		if map.len() >= 100_000 {
			map.clear();
		}
		map.insert(key, value);
	}
	fn clear(&self) {
		self.0.lock().expect("cache lock").clear();
	}
}

/// One page of a list the chain keeps newest first, and where the page after it starts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Page<T> {
	/// The items, newest first.
	pub items: Vec<T>,
	/// The `before` of the next (older) page; `None` when this page reaches the oldest item.
	pub next: Option<u64>,
}

/// Why a page cannot be read.
#[derive(Debug, thiserror::Error)]
pub enum PageError {
	/// `before` lies past the end of the list: not a position the list has (yet).
	#[error("`before` {before} is past the end of the list, which holds {count}")]
	OutOfRange {
		/// The position asked for.
		before: u64,
		/// How many items the list holds.
		count: u64,
	},
	/// The chain cannot answer.
	#[error(transparent)]
	Chain(#[from] ChainError),
}

/// The `before` of the page after one whose oldest item sits at position `oldest`: none when
/// that is the list's first item, or the page is empty.
fn next_before(oldest: Option<u64>) -> Option<u64> {
	oldest.filter(|&position| position > 0)
}

/// The `before` of the page after `returned` items read before position `end` of a list whose
/// every position holds an item (the page holds positions `end - returned .. end`).
fn listing_next(end: u32, returned: usize) -> Option<u64> {
	let returned = u64::try_from(returned).unwrap_or(u64::MAX);
	if returned == 0 {
		return None;
	}
	next_before(Some(u64::from(end).saturating_sub(returned)))
}

/// The block answers are read at: its hash, its timestamp (ms), a client at it.
#[derive(Clone)]
struct Current {
	hash: H256,
	time: u64,
	at: At,
}

/// What the gateway's handlers ask of the chain, every answer read at one finalized block.
///
/// [`NodeView`] asks a node; a handler test answers from a table. Only the handlers' questions
/// are here: the follower and the audit submitter, which move the view and write to the chain,
/// hold a [`NodeView`].
pub trait ChainView: Send + Sync + 'static {
	/// The hash of the finalized block every answer is read at.
	fn block(&self) -> H256;

	/// That block's timestamp, ms since the Unix epoch: how current every answer is.
	fn block_time(&self) -> u64;

	/// The chain's genesis hash.
	fn genesis(&self) -> H256;

	/// The subject an account controls.
	fn subject_of(&self, account: [u8; 32])
		-> BoxFuture<'_, Result<Option<SubjectId>, ChainError>>;

	/// A subject's identity document.
	fn identity(&self, subject: SubjectId) -> BoxFuture<'_, Result<Option<Document>, ChainError>>;

	/// A record's anchor.
	fn anchor(&self, record: RecordId) -> BoxFuture<'_, Result<Option<RecordAnchor>, ChainError>>;

	/// THE access rule, for a read of `record` of `patient` by `reader` for `purpose`, with the
	/// timestamp of the block it was decided at (the time the audit entry carries: the policy
	/// is judged on chain at that time, as the rule judged it).
	fn may_read(
		&self,
		patient: SubjectId,
		reader: SubjectId,
		record: RecordId,
		purpose: PurposeOfUse,
	) -> BoxFuture<'_, Result<(AccessDecision, u64), ChainError>>;

	/// A page of `patient`'s audit trail: up to `limit` entries (at most `MAX_AUDIT_PAGE`),
	/// newest first, before sequence number `before` (exclusive; `None`: from the newest).
	fn trail_page(
		&self,
		patient: SubjectId,
		before: Option<u64>,
		limit: u32,
	) -> BoxFuture<'_, Result<Page<AuditEntry>, PageError>>;

	/// A page of `patient`'s consents, active and past: up to `limit` (at most the runtime's
	/// `MAX_LISTING_PAGE`), newest first, before index `before` of the patient's list (exclusive;
	/// `None`: from the newest).
	fn consents_of_patient(
		&self,
		patient: SubjectId,
		before: Option<u32>,
		limit: u32,
	) -> BoxFuture<'_, Result<Page<ConsentRecord>, PageError>>;
}

/// The chain at the latest finalized block, asked through a node, with per-block caches.
pub struct NodeView {
	chain: Chain,
	at: RwLock<Current>,
	subjects: Cache<[u8; 32], Option<SubjectId>>,
	documents: Cache<SubjectId, Option<Document>>,
	anchors: Cache<[u8; 32], Option<RecordAnchor>>,
	decisions: Cache<DecisionKey, (AccessDecision, u64)>,
}

fn client(e: impl std::fmt::Display) -> ChainError {
	ChainError::Client(e.to_string())
}

/// `Timestamp::Now` at a block.
async fn block_time(at: &At) -> Result<u64, ChainError> {
	let entry = at.storage().entry(runtime::storage().timestamp().now()).map_err(client)?;
	entry.fetch(()).await.map_err(client)?.decode().map_err(client)
}

/// `Consent::PatientConsentCount` of `patient` at a block: the length of the patient's list of
/// consents, which the runtime API does not tell.
async fn consent_count(at: &At, patient: SubjectId) -> Result<u32, ChainError> {
	let entry = at
		.storage()
		.entry(runtime::storage().consent().patient_consent_count())
		.map_err(client)?;
	entry.fetch((Static(patient),)).await.map_err(client)?.decode().map_err(client)
}

impl NodeView {
	/// The view at the node's latest finalized block.
	pub async fn new(chain: Chain) -> Result<Arc<Self>, ChainError> {
		let at = chain.api().at_current_block().await.map_err(client)?;
		let time = block_time(&at).await?;
		Ok(Arc::new(Self {
			chain,
			at: RwLock::new(Current { hash: at.block_hash(), time, at }),
			subjects: Cache::new(),
			documents: Cache::new(),
			anchors: Cache::new(),
			decisions: Cache::new(),
		}))
	}

	/// The connection, for writes.
	pub fn chain(&self) -> &Chain {
		&self.chain
	}

	/// Moves the view to a newly finalized block and forgets every cached answer.
	pub async fn advance(&self, at: At) -> Result<(), ChainError> {
		let time = block_time(&at).await?;
		let mut current = self.at.write().expect("view lock");
		*current = Current { hash: at.block_hash(), time, at };
		self.subjects.clear();
		self.documents.clear();
		self.anchors.clear();
		self.decisions.clear();
		Ok(())
	}

	fn current(&self) -> (H256, At) {
		let current = self.at.read().expect("view lock");
		(current.hash, current.at.clone())
	}

	/// Stores `value` only if the view has not moved past `block` meanwhile.
	fn remember<K: Eq + Hash, V: Clone>(&self, cache: &Cache<K, V>, block: H256, key: K, value: V) {
		let current = self.at.read().expect("view lock");
		if current.hash == block {
			cache.put(key, value);
		}
	}

	/// A runtime API call at `at`, given up after [`CALL_TIMEOUT`]: a node that stops answering
	/// (paused, overloaded) makes a request fail with 503, not hang.
	async fn call<P: subxt::runtime_apis::Payload>(
		at: &At,
		payload: P,
	) -> Result<P::ReturnType, ChainError> {
		tokio::time::timeout(CALL_TIMEOUT, at.runtime_apis().call(payload))
			.await
			.map_err(|_| client(format!("no answer within {} s", CALL_TIMEOUT.as_secs())))?
			.map_err(client)
	}

	/// How many of `gateway`'s audit events the chain has taken (appended or refused), at the
	/// latest finalized block: where its next batch starts. Not cached.
	pub async fn gateway_sequence(&self, gateway: SubjectId) -> Result<u64, ChainError> {
		let (_, at) = self.current();
		let entry = at
			.storage()
			.entry(runtime::storage().audit_log().gateway_sequence())
			.map_err(client)?;
		entry.fetch((Static(gateway),)).await.map_err(client)?.decode().map_err(client)
	}

	/// The runtime's metadata at the view's block (names of pallet errors).
	pub fn metadata(&self) -> subxt::ArcMetadata {
		self.current().1.metadata()
	}
}

impl ChainView for NodeView {
	fn block(&self) -> H256 {
		self.at.read().expect("view lock").hash
	}

	fn block_time(&self) -> u64 {
		self.at.read().expect("view lock").time
	}

	fn genesis(&self) -> H256 {
		self.chain.genesis_hash()
	}

	fn subject_of(
		&self,
		account: [u8; 32],
	) -> BoxFuture<'_, Result<Option<SubjectId>, ChainError>> {
		Box::pin(async move {
			if let Some(hit) = self.subjects.get(&account) {
				return Ok(hit);
			}
			let (block, at) = self.current();
			let call = runtime::runtime_apis().identity_api().subject_of(account.into());
			let subject = Self::call(&at, call).await?.map(|s| s.0);
			self.remember(&self.subjects, block, account, subject);
			Ok(subject)
		})
	}

	fn identity(&self, subject: SubjectId) -> BoxFuture<'_, Result<Option<Document>, ChainError>> {
		Box::pin(async move {
			if let Some(hit) = self.documents.get(&subject) {
				return Ok(hit);
			}
			let (block, at) = self.current();
			let call = runtime::runtime_apis().identity_api().identity(Static(subject));
			let document = Self::call(&at, call).await?.map(|d| d.0);
			self.remember(&self.documents, block, subject, document.clone());
			Ok(document)
		})
	}

	fn anchor(&self, record: RecordId) -> BoxFuture<'_, Result<Option<RecordAnchor>, ChainError>> {
		Box::pin(async move {
			if let Some(hit) = self.anchors.get(&record.0) {
				return Ok(hit);
			}
			let (block, at) = self.current();
			let call = runtime::runtime_apis().records_api().record(Static(record));
			let anchor = Self::call(&at, call).await?.map(|a| a.0);
			self.remember(&self.anchors, block, record.0, anchor);
			Ok(anchor)
		})
	}

	fn may_read(
		&self,
		patient: SubjectId,
		reader: SubjectId,
		record: RecordId,
		purpose: PurposeOfUse,
	) -> BoxFuture<'_, Result<(AccessDecision, u64), ChainError>> {
		Box::pin(async move {
			let key = (patient, reader, record.0, purpose as u8);
			if let Some(hit) = self.decisions.get(&key) {
				return Ok(hit);
			}
			let (block, at, time) = {
				let current = self.at.read().expect("view lock");
				(current.hash, current.at.clone(), current.time)
			};
			let call = runtime::runtime_apis().consent_api().check_access(
				Static(patient),
				Static(reader),
				Static(ConsentAction::Read),
				Static(AccessTarget::Record(record)),
				Static(purpose),
			);
			let decision = Self::call(&at, call).await?.0;
			self.remember(&self.decisions, block, key, (decision, time));
			Ok((decision, time))
		})
	}

	/// Not cached: FHIR searches are rare.
	fn trail_page(
		&self,
		patient: SubjectId,
		before: Option<u64>,
		limit: u32,
	) -> BoxFuture<'_, Result<Page<AuditEntry>, PageError>> {
		Box::pin(async move {
			let (_, at) = self.current();
			let call = runtime::runtime_apis().audit_api().entries(Static(patient), before, limit);
			let items: Vec<AuditEntry> = match Self::call(&at, call).await? {
				Ok(entries) => entries.into_iter().map(|e| e.0).collect(),
				Err(Static(AuditQueryError::OutOfRange { count })) => {
					return Err(PageError::OutOfRange { before: before.unwrap_or(count), count })
				},
				Err(Static(other)) => {
					return Err(ChainError::Client(format!("audit query refused: {other:?}")).into())
				},
			};
			let next = next_before(items.last().map(|e| e.seq));
			Ok(Page { items, next })
		})
	}

	/// Not cached: FHIR searches are rare.
	fn consents_of_patient(
		&self,
		patient: SubjectId,
		before: Option<u32>,
		limit: u32,
	) -> BoxFuture<'_, Result<Page<ConsentRecord>, PageError>> {
		Box::pin(async move {
			let (_, at) = self.current();
			let call = runtime::runtime_apis().consent_api().consents_of_patient(
				Static(patient),
				before,
				limit,
			);
			// The list's length at the same block: where a first page starts, and whether
			// `before` is a position the list has.
			let (count, consents) =
				futures::try_join!(consent_count(&at, patient), Self::call(&at, call))?;
			let end = match before {
				Some(before) if before > count => {
					return Err(PageError::OutOfRange {
						before: u64::from(before),
						count: u64::from(count),
					})
				},
				Some(before) => before,
				None => count,
			};
			let items: Vec<ConsentRecord> = consents.into_iter().map(|c| c.0).collect();
			let next = listing_next(end, items.len());
			Ok(Page { items, next })
		})
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn a_page_that_reaches_the_first_item_is_the_last() {
		assert_eq!(next_before(Some(7)), Some(7));
		assert_eq!(next_before(Some(0)), None);
		assert_eq!(next_before(None), None);
	}

	#[test]
	fn the_next_listing_page_starts_where_this_one_ends() {
		// 10 consents, pages of 4: positions 6..10, 2..6, 0..2.
		assert_eq!(listing_next(10, 4), Some(6));
		assert_eq!(listing_next(6, 4), Some(2));
		assert_eq!(listing_next(2, 2), None);
		// An empty list, or a page that got nothing, never points back at itself.
		assert_eq!(listing_next(0, 0), None);
		assert_eq!(listing_next(3, 0), None);
	}
}

//! The chain as the gateway sees it: every question asked at the latest **finalized** block,
//! which every node of the consortium agrees on and no reorganisation takes back.
//!
//! Answers are cached for that block only: the same question at the same block has the same
//! answer, so a burst of reads of one record asks the node once. When a new block is finalized
//! the caches are emptied; an answer computed at an older block is never stored after that
//! (each insert checks the block it was asked at is still the current one).

use std::{
	collections::HashMap,
	hash::Hash,
	sync::{Arc, Mutex, RwLock},
};

use medchain_client::chain::{runtime, Chain, ChainError, Static, H256};
use medchain_primitives::{
	consent::{AccessDecision, AccessTarget, ConsentAction, ConsentRecord, PurposeOfUse, RecordId},
	identity::{IdentityDocument, SubjectId},
	records::RecordAnchor,
	AccountId,
};
use subxt::{client::OnlineClientAtBlock, config::PolkadotConfig};

type At = OnlineClientAtBlock<PolkadotConfig>;
type Document = IdentityDocument<AccountId>;
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

/// The block answers are read at: its hash, its timestamp (ms), a client at it.
#[derive(Clone)]
struct Current {
	hash: H256,
	time: u64,
	at: At,
}

/// The chain at the latest finalized block, with per-block caches.
pub struct ChainView {
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

impl ChainView {
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

	/// The block the view answers at.
	pub fn block(&self) -> H256 {
		self.at.read().expect("view lock").hash
	}

	/// The timestamp of the block the view answers at, ms since the Unix epoch: how current
	/// every answer is.
	pub fn block_time(&self) -> u64 {
		self.at.read().expect("view lock").time
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

	async fn call<P: subxt::runtime_apis::Payload>(
		at: &At,
		payload: P,
	) -> Result<P::ReturnType, ChainError> {
		at.runtime_apis().call(payload).await.map_err(client)
	}

	/// The subject an account controls.
	pub async fn subject_of(&self, account: [u8; 32]) -> Result<Option<SubjectId>, ChainError> {
		if let Some(hit) = self.subjects.get(&account) {
			return Ok(hit);
		}
		let (block, at) = self.current();
		let call = runtime::runtime_apis().identity_api().subject_of(account.into());
		let subject = Self::call(&at, call).await?.map(|s| s.0);
		self.remember(&self.subjects, block, account, subject);
		Ok(subject)
	}

	/// A subject's identity document.
	pub async fn identity(&self, subject: SubjectId) -> Result<Option<Document>, ChainError> {
		if let Some(hit) = self.documents.get(&subject) {
			return Ok(hit);
		}
		let (block, at) = self.current();
		let call = runtime::runtime_apis().identity_api().identity(Static(subject));
		let document = Self::call(&at, call).await?.map(|d| d.0);
		self.remember(&self.documents, block, subject, document.clone());
		Ok(document)
	}

	/// A record's anchor.
	pub async fn anchor(&self, record: RecordId) -> Result<Option<RecordAnchor>, ChainError> {
		if let Some(hit) = self.anchors.get(&record.0) {
			return Ok(hit);
		}
		let (block, at) = self.current();
		let call = runtime::runtime_apis().records_api().record(Static(record));
		let anchor = Self::call(&at, call).await?.map(|a| a.0);
		self.remember(&self.anchors, block, record.0, anchor);
		Ok(anchor)
	}

	/// THE access rule, for a read of `record` of `patient` by `reader` for `purpose`, with the
	/// timestamp of the block it was decided at (the time the audit entry carries: the policy
	/// is judged on chain at that time, as the rule judged it).
	pub async fn may_read(
		&self,
		patient: SubjectId,
		reader: SubjectId,
		record: RecordId,
		purpose: PurposeOfUse,
	) -> Result<(AccessDecision, u64), ChainError> {
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
	}

	/// A patient's consents, newest first (not cached: FHIR searches are rare).
	pub async fn consents_of_patient(
		&self,
		patient: SubjectId,
	) -> Result<Vec<ConsentRecord>, ChainError> {
		let (_, at) = self.current();
		let call =
			runtime::runtime_apis()
				.consent_api()
				.consents_of_patient(Static(patient), None, 1000);
		Ok(Self::call(&at, call).await?.into_iter().map(|c| c.0).collect())
	}
}

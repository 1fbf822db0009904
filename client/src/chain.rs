//! Chain access on subxt, through an interface generated from the runtime's metadata
//! ([`runtime`], from `client/metadata/medchain.scale`; `scripts/refresh-metadata.sh` refreshes
//! it and the runtime's `metadata` test fails while it is stale).
//!
//! MedChain's own types (subjects, codes, records, audit entries, access decisions) are not
//! regenerated: the interface uses `medchain_primitives`' types, wrapped in [`Static`] (SCALE
//! encoding), so a value read from the chain is the very type the runtime wrote.
//!
//! Reads are made at the latest finalized block: what every node of the consortium agrees on.
//! Writes wait for inclusion in a block or for finality ([`Wait`]); a pallet error comes back as
//! [`ChainError::Pallet`] with its name and its documentation line.
//!
//! ```no_run
//! # async fn example() -> Result<(), medchain_client::chain::ChainError> {
//! use medchain_client::{chain::{runtime, Chain, Static, Wait}, keys::Keys};
//! use medchain_primitives::identity::SubjectKind;
//!
//! let chain = Chain::connect("ws://127.0.0.1:9944").await?;
//! let keys = Keys::generate();
//! let register = runtime::transactions().identity().register(
//!     Static(SubjectKind::Patient),
//!     keys.agreement_public(),
//!     Default::default(),
//! );
//! let included = chain.submit(&register, keys.signer(), Wait::Finalized, |_| {}).await?;
//! println!("in block {:?}", included.block_hash);
//! let me = chain.subject_of(&keys.account()).await?;
//! # Ok(()) }
//! ```

use subxt::{
	config::PolkadotConfig,
	transactions::{Payload, TransactionStatus},
	OnlineClient,
};
pub use subxt::{
	transactions::Payload as TxPayload,
	utils::{AccountId32, MultiAddress, Static, H256},
};
use subxt_signer::sr25519::Keypair;

use medchain_primitives::{
	audit::{AuditEntry, ChainVerification, TrailHead, MAX_AUDIT_PAGE},
	consent::{
		AccessDecision, AccessTarget, ConsentAction, ConsentId, ConsentRecord, PurposeOfUse,
		RecordId,
	},
	identity::{IdentityDocument, RotationPayload, SubjectId},
	records::{RecordAnchor, RecordFilter, MAX_RECORD_PAGE},
	AccountId,
};

use crate::paging::{self, Page};

/// Most consents `ConsentApi::consents_of_patient` returns in one call (the consent pallet's
/// `MAX_LISTING_PAGE`, which primitives does not export): a larger limit is clamped by the
/// runtime, so asking for more would not save a call.
pub const CONSENT_PAGE: u32 = 1000;

/// The interface generated from MedChain's runtime metadata.
#[subxt::subxt(
	runtime_metadata_path = "metadata/medchain.scale",
	substitute_type(
		path = "medchain_primitives::identity::SubjectId",
		with = "::subxt::utils::Static<::medchain_primitives::identity::SubjectId>"
	),
	substitute_type(
		path = "medchain_primitives::identity::SubjectKind",
		with = "::subxt::utils::Static<::medchain_primitives::identity::SubjectKind>"
	),
	substitute_type(
		path = "medchain_primitives::identity::IdentityDocument",
		with = "::subxt::utils::Static<::medchain_primitives::identity::IdentityDocument<::medchain_primitives::AccountId>>"
	),
	substitute_type(
		path = "medchain_primitives::identity::RotationPayload",
		with = "::subxt::utils::Static<::medchain_primitives::identity::RotationPayload>"
	),
	substitute_type(
		path = "medchain_primitives::identity::PractitionerRole",
		with = "::subxt::utils::Static<::medchain_primitives::identity::PractitionerRole>"
	),
	substitute_type(
		path = "medchain_primitives::identity::GuardianRights",
		with = "::subxt::utils::Static<::medchain_primitives::identity::GuardianRights>"
	),
	substitute_type(
		path = "medchain_primitives::consent::DataClass",
		with = "::subxt::utils::Static<::medchain_primitives::consent::DataClass>"
	),
	substitute_type(
		path = "medchain_primitives::consent::DataClassSet",
		with = "::subxt::utils::Static<::medchain_primitives::consent::DataClassSet>"
	),
	substitute_type(
		path = "medchain_primitives::consent::PurposeOfUse",
		with = "::subxt::utils::Static<::medchain_primitives::consent::PurposeOfUse>"
	),
	substitute_type(
		path = "medchain_primitives::consent::PurposeSet",
		with = "::subxt::utils::Static<::medchain_primitives::consent::PurposeSet>"
	),
	substitute_type(
		path = "medchain_primitives::consent::ConsentAction",
		with = "::subxt::utils::Static<::medchain_primitives::consent::ConsentAction>"
	),
	substitute_type(
		path = "medchain_primitives::consent::ActionSet",
		with = "::subxt::utils::Static<::medchain_primitives::consent::ActionSet>"
	),
	substitute_type(
		path = "medchain_primitives::consent::RecordId",
		with = "::subxt::utils::Static<::medchain_primitives::consent::RecordId>"
	),
	substitute_type(
		path = "medchain_primitives::consent::ConsentId",
		with = "::subxt::utils::Static<::medchain_primitives::consent::ConsentId>"
	),
	substitute_type(
		path = "medchain_primitives::consent::EmergencyId",
		with = "::subxt::utils::Static<::medchain_primitives::consent::EmergencyId>"
	),
	substitute_type(
		path = "medchain_primitives::consent::Grantee",
		with = "::subxt::utils::Static<::medchain_primitives::consent::Grantee>"
	),
	substitute_type(
		path = "medchain_primitives::consent::AccessTarget",
		with = "::subxt::utils::Static<::medchain_primitives::consent::AccessTarget>"
	),
	substitute_type(
		path = "medchain_primitives::consent::AccessDecision",
		with = "::subxt::utils::Static<::medchain_primitives::consent::AccessDecision>"
	),
	substitute_type(
		path = "medchain_primitives::consent::ConsentRecord",
		with = "::subxt::utils::Static<::medchain_primitives::consent::ConsentRecord>"
	),
	substitute_type(
		path = "medchain_primitives::consent::EmergencyGrant",
		with = "::subxt::utils::Static<::medchain_primitives::consent::EmergencyGrant>"
	),
	substitute_type(
		path = "medchain_primitives::records::RecordAnchor",
		with = "::subxt::utils::Static<::medchain_primitives::records::RecordAnchor>"
	),
	substitute_type(
		path = "medchain_primitives::records::RecordFilter",
		with = "::subxt::utils::Static<::medchain_primitives::records::RecordFilter>"
	),
	substitute_type(
		path = "medchain_primitives::records::RecordPage",
		with = "::subxt::utils::Static<::medchain_primitives::records::RecordPage>"
	),
	substitute_type(
		path = "medchain_primitives::audit::AuditRecord",
		with = "::subxt::utils::Static<::medchain_primitives::audit::AuditRecord>"
	),
	substitute_type(
		path = "medchain_primitives::audit::AuditEntry",
		with = "::subxt::utils::Static<::medchain_primitives::audit::AuditEntry>"
	),
	substitute_type(
		path = "medchain_primitives::audit::ChainVerification",
		with = "::subxt::utils::Static<::medchain_primitives::audit::ChainVerification>"
	),
	substitute_type(
		path = "medchain_primitives::audit::TrailHead",
		with = "::subxt::utils::Static<::medchain_primitives::audit::TrailHead>"
	),
	substitute_type(
		path = "medchain_primitives::audit::AuditQueryError",
		with = "::subxt::utils::Static<::medchain_primitives::audit::AuditQueryError>"
	)
)]
pub mod runtime {}

/// What a write waits for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Wait {
	/// Included in a block on the best chain (may still be reorganised away).
	InBlock,
	/// In a block GRANDPA has finalized: permanent.
	Finalized,
}

/// How far a submitted transaction has come, for a spinner.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Progress {
	/// Signed and sent to the node.
	Submitted,
	/// Included in a best block.
	InBlock,
	/// Finalized.
	Finalized,
}

/// What can go wrong talking to the chain.
#[derive(Debug, thiserror::Error)]
pub enum ChainError {
	/// The node cannot be reached, or the connection failed.
	#[error("cannot reach the node at {url}: {reason}")]
	Connect {
		/// The node's address.
		url: String,
		/// Why.
		reason: String,
	},
	/// A pallet refused the call.
	#[error("{pallet}::{error}: {doc}")]
	Pallet {
		/// The pallet's name in the runtime (`Identity`, `Consent`, `Records`, …).
		pallet: String,
		/// The error's name.
		error: String,
		/// The first line of the error's documentation.
		doc: String,
	},
	/// The runtime refused the call for a reason that is not a pallet's (bad origin, …).
	#[error("the call failed: {0}")]
	Dispatch(String),
	/// The transaction pool refused the transaction, or it was dropped.
	#[error("the transaction was not included: {0}")]
	Transaction(String),
	/// Any other failure of the client (RPC, decoding).
	#[error("{0}")]
	Client(String),
}

impl ChainError {
	fn client(error: impl std::fmt::Display) -> Self {
		Self::Client(error.to_string())
	}
}

/// The dispatch error of a failed transaction, as a [`ChainError`].
fn dispatch_error(error: subxt::error::DispatchError) -> ChainError {
	if let subxt::error::DispatchError::Module(module) = &error {
		if let Ok(details) = module.details() {
			let doc = details.variant.docs.first().map(|d| d.trim().to_owned()).unwrap_or_default();
			return ChainError::Pallet {
				pallet: details.pallet.name().to_owned(),
				error: details.variant.name.clone(),
				doc,
			};
		}
	}
	ChainError::Dispatch(error.to_string())
}

/// A transaction in a block.
#[derive(Debug)]
pub struct Included {
	/// The block it is in.
	pub block_hash: H256,
	/// Its events.
	pub events: subxt::extrinsics::ExtrinsicEvents<PolkadotConfig>,
}

type Rpc = subxt::rpcs::LegacyRpcMethods<subxt::config::RpcConfigFor<PolkadotConfig>>;

/// A connection to a MedChain node.
#[derive(Clone)]
pub struct Chain {
	api: OnlineClient<PolkadotConfig>,
	rpc: Rpc,
}

impl Chain {
	/// Connects to the node at `url` (`ws://` or `wss://`).
	pub async fn connect(url: &str) -> Result<Self, ChainError> {
		let connect = |e: &dyn std::fmt::Display| ChainError::Connect {
			url: url.to_owned(),
			reason: e.to_string(),
		};
		let client =
			subxt::rpcs::RpcClient::from_insecure_url(url).await.map_err(|e| connect(&e))?;
		// The legacy RPC methods (`state_call`, `author_submitAndWatchExtrinsic`, …): subxt's
		// default backend tries `archive_v1_call` and the chainHead subscription first, measured
		// at 44 ms a runtime call against this node (docs/gateway.md, "Performance").
		let backend =
			subxt::backend::LegacyBackend::<PolkadotConfig>::builder().build(client.clone());
		let api = OnlineClient::<PolkadotConfig>::from_backend(std::sync::Arc::new(backend))
			.await
			.map_err(|e| connect(&e))?;
		Ok(Self { api, rpc: Rpc::new(client) })
	}

	/// The subxt client, for anything this API does not cover.
	pub fn api(&self) -> &OnlineClient<PolkadotConfig> {
		&self.api
	}

	/// Signs `call` with `signer`, submits it and waits as `wait` says, reporting progress. A
	/// failed call is an error naming the pallet error.
	pub async fn submit<Call: Payload>(
		&self,
		call: &Call,
		signer: &Keypair,
		wait: Wait,
		progress: impl FnMut(Progress),
	) -> Result<Included, ChainError> {
		// The pool's next nonce, not the finalized block's: a write right after another (in a
		// best block, or still in the pool) gets the nonce after it.
		let nonce = self.next_nonce(&signer.public_key().to_account_id()).await?;
		self.submit_with_nonce(call, signer, nonce, wait, progress).await
	}

	/// The next nonce of `account` as the node's pool sees it (its transactions still in the pool
	/// counted), for a writer that keeps several transactions in flight and numbers them itself.
	pub async fn next_nonce(&self, account: &AccountId32) -> Result<u64, ChainError> {
		self.rpc.system_account_next_index(account).await.map_err(ChainError::client)
	}

	/// Signs `call` with `signer` at `nonce`, submits it and waits as `wait` says, reporting
	/// progress. A failed call is an error naming the pallet error; a transaction the pool
	/// refuses or drops is a [`ChainError::Transaction`].
	pub async fn submit_with_nonce<Call: Payload>(
		&self,
		call: &Call,
		signer: &Keypair,
		nonce: u64,
		wait: Wait,
		mut progress: impl FnMut(Progress),
	) -> Result<Included, ChainError> {
		let at = self.api.at_current_block().await.map_err(ChainError::client)?;
		let params = subxt::config::PolkadotExtrinsicParamsBuilder::<PolkadotConfig>::new()
			.nonce(nonce)
			.build();
		let mut watch = at
			.transactions()
			.sign_and_submit_then_watch(call, signer, params)
			.await
			.map_err(|e| ChainError::Transaction(e.to_string()))?;
		progress(Progress::Submitted);
		while let Some(status) = watch.next().await {
			let status = status.map_err(ChainError::client)?;
			let in_block = match status {
				TransactionStatus::InBestBlock(block) => {
					progress(Progress::InBlock);
					if wait == Wait::Finalized {
						continue;
					}
					block
				},
				TransactionStatus::InFinalizedBlock(block) => {
					progress(Progress::Finalized);
					block
				},
				TransactionStatus::Error { message }
				| TransactionStatus::Invalid { message }
				| TransactionStatus::Dropped { message } => return Err(ChainError::Transaction(message)),
				_ => continue,
			};
			let events = in_block.wait_for_success().await.map_err(|e| match e {
				subxt::error::TransactionEventsError::ExtrinsicFailed(error) => {
					dispatch_error(error)
				},
				other => ChainError::client(other),
			})?;
			return Ok(Included { block_hash: in_block.block_hash(), events });
		}
		Err(ChainError::Transaction("the node stopped reporting on the transaction".into()))
	}

	/// Calls a runtime API at the latest finalized block.
	pub async fn call<P: subxt::runtime_apis::Payload>(
		&self,
		payload: P,
	) -> Result<P::ReturnType, ChainError> {
		let at = self.api.at_current_block().await.map_err(ChainError::client)?;
		at.runtime_apis().call(payload).await.map_err(ChainError::client)
	}

	/// The subject `account` controls, if any.
	pub async fn subject_of(&self, account: &AccountId32) -> Result<Option<SubjectId>, ChainError> {
		let call = runtime::runtime_apis().identity_api().subject_of(*account);
		Ok(self.call(call).await?.map(|s| s.0))
	}

	/// An account's free balance, in the smallest unit (0 for an account that does not exist).
	pub async fn free_balance(&self, account: &AccountId32) -> Result<u128, ChainError> {
		let at = self.api.at_current_block().await.map_err(ChainError::client)?;
		let entry = at
			.storage()
			.entry(runtime::storage().system().account())
			.map_err(ChainError::client)?;
		let info = entry.fetch((*account,)).await.map_err(ChainError::client)?;
		Ok(info.decode().map_err(ChainError::client)?.data.free)
	}

	/// A subject's identity document.
	pub async fn identity(
		&self,
		subject: SubjectId,
	) -> Result<Option<IdentityDocument<AccountId>>, ChainError> {
		let call = runtime::runtime_apis().identity_api().identity(Static(subject));
		Ok(self.call(call).await?.map(|d| d.0))
	}

	/// The subject `account` controlled before its identity was moved to other keys (a key
	/// rotation or a recovery), if it was: such an account never controls an identity again, and
	/// the chain refuses it even a registration.
	pub async fn retired_account(
		&self,
		account: &AccountId32,
	) -> Result<Option<SubjectId>, ChainError> {
		// No runtime API answers this: the identity pallet's `RetiredAccounts`, read at the
		// finalized block as every other read.
		let at = self.api.at_current_block().await.map_err(ChainError::client)?;
		let entry = at
			.storage()
			.entry(runtime::storage().identity().retired_accounts())
			.map_err(ChainError::client)?;
		let value = entry.try_fetch((*account,)).await.map_err(ChainError::client)?;
		value
			.map(|value| value.decode().map(|subject| subject.0).map_err(ChainError::client))
			.transpose()
	}

	/// The gateways the chain lists for `organization` (at most the runtime's
	/// `MaxGatewaysPerOrganization`). A gateway leaves the list when it is removed or deactivated,
	/// and with its organization; whoever trusts one of them reads its identity document too.
	pub async fn gateways_of(&self, organization: SubjectId) -> Result<Vec<SubjectId>, ChainError> {
		// No runtime API lists an organization's gateways: the identity pallet's
		// `OrganizationGateways` entries under it do, read at the finalized block as every other
		// read.
		let at = self.api.at_current_block().await.map_err(ChainError::client)?;
		let entry = at
			.storage()
			.entry(runtime::storage().identity().organization_gateways())
			.map_err(ChainError::client)?;
		let mut entries = entry.iter((Static(organization),)).await.map_err(ChainError::client)?;
		let mut gateways = Vec::new();
		while let Some(pair) = entries.next().await {
			let pair = pair.map_err(ChainError::client)?;
			let (_, gateway) =
				pair.key().map_err(ChainError::client)?.decode().map_err(ChainError::client)?;
			gateways.push(gateway.0);
		}
		Ok(gateways)
	}

	/// The bytes `new_controller` must sign to take over `subject`.
	pub async fn rotation_payload(
		&self,
		subject: SubjectId,
		new_controller: &AccountId32,
	) -> Result<Option<RotationPayload>, ChainError> {
		let call = runtime::runtime_apis()
			.identity_api()
			.rotation_payload(Static(subject), *new_controller);
		Ok(self.call(call).await?.map(|p| p.0))
	}

	/// THE access rule: may `accessor` take `action` on `target` of `patient` for `purpose`?
	pub async fn check_access(
		&self,
		patient: SubjectId,
		accessor: SubjectId,
		action: ConsentAction,
		target: AccessTarget,
		purpose: PurposeOfUse,
	) -> Result<AccessDecision, ChainError> {
		let call = runtime::runtime_apis().consent_api().check_access(
			Static(patient),
			Static(accessor),
			Static(action),
			Static(target),
			Static(purpose),
		);
		Ok(self.call(call).await?.0)
	}

	/// One consent.
	pub async fn consent(&self, id: ConsentId) -> Result<Option<ConsentRecord>, ChainError> {
		let call = runtime::runtime_apis().consent_api().consent(Static(id));
		Ok(self.call(call).await?.map(|c| c.0))
	}

	/// A page of `patient`'s consents, active and past: up to `limit` (at most [`CONSENT_PAGE`]),
	/// newest first, before index `before` of the patient's list (exclusive; `None`: from the
	/// newest), with the cursor of the page after it.
	///
	/// The runtime API answers the consents alone; the list's length, read from storage at the
	/// same block, says where the first page starts and so where each page ends. A patient's
	/// consents are never removed, so every index holds one and a page of `n` read before `end`
	/// holds indices `end - n .. end` ([`paging::listing_next`]).
	pub async fn consents_page(
		&self,
		patient: SubjectId,
		before: Option<u64>,
		limit: u32,
	) -> Result<Page<ConsentRecord>, ChainError> {
		let at = self.api.at_current_block().await.map_err(ChainError::client)?;
		let entry = at
			.storage()
			.entry(runtime::storage().consent().patient_consent_count())
			.map_err(ChainError::client)?;
		let count: u32 = entry
			.fetch((Static(patient),))
			.await
			.map_err(ChainError::client)?
			.decode()
			.map_err(ChainError::client)?;
		let end = paging::listing_end(before, u64::from(count));
		// At most `count`: a u32.
		let before = u32::try_from(end).unwrap_or(count);
		let call = runtime::runtime_apis().consent_api().consents_of_patient(
			Static(patient),
			Some(before),
			limit,
		);
		let consents = at.runtime_apis().call(call).await.map_err(ChainError::client)?;
		let items: Vec<ConsentRecord> = consents.into_iter().map(|c| c.0).collect();
		let next = paging::listing_next(end, items.len());
		Ok(Page { items, next })
	}

	/// Every consent of `patient`, active and past, newest first: page after page, however many.
	pub async fn consents_of_patient(
		&self,
		patient: SubjectId,
	) -> Result<Vec<ConsentRecord>, ChainError> {
		paging::collect(move |before| self.consents_page(patient, before, CONSENT_PAGE), None).await
	}

	/// One record's anchor.
	pub async fn record(&self, id: RecordId) -> Result<Option<RecordAnchor>, ChainError> {
		let call = runtime::runtime_apis().records_api().record(Static(id));
		Ok(self.call(call).await?.map(|a| a.0))
	}

	/// A page of `patient`'s records that pass `filter`: up to `limit` (at most
	/// `MAX_RECORD_PAGE`), newest first, before index `before` of the patient's list (exclusive;
	/// `None`: from the newest), with the cursor of the page after it. A page may hold none and
	/// still have a next one: the runtime looks at a bounded number of records a call.
	pub async fn records_page(
		&self,
		patient: SubjectId,
		filter: RecordFilter,
		before: Option<u64>,
		limit: u32,
	) -> Result<Page<RecordAnchor>, ChainError> {
		// Indices are u32: a cursor past them is past the list's end, which the runtime clamps.
		let before = before.map(|before| u32::try_from(before).unwrap_or(u32::MAX));
		let call = runtime::runtime_apis().records_api().records_of(
			Static(patient),
			Static(filter),
			before,
			limit,
		);
		let page = self.call(call).await?.0;
		Ok(Page { items: page.records, next: page.next.map(u64::from) })
	}

	/// The newest `limit` of `patient`'s records that pass `filter`, newest first, read in as
	/// many pages as it takes.
	pub async fn records_of(
		&self,
		patient: SubjectId,
		filter: RecordFilter,
		limit: usize,
	) -> Result<Vec<RecordAnchor>, ChainError> {
		let page = u32::try_from(limit).unwrap_or(u32::MAX).min(MAX_RECORD_PAGE);
		paging::collect(move |before| self.records_page(patient, filter, before, page), Some(limit))
			.await
	}

	/// The head of a patient's audit trail.
	pub async fn trail_head(&self, patient: SubjectId) -> Result<TrailHead, ChainError> {
		let call = runtime::runtime_apis().audit_api().head(Static(patient));
		Ok(self.call(call).await?.0)
	}

	/// A page of `patient`'s audit trail: up to `limit` entries (at most `MAX_AUDIT_PAGE`),
	/// newest first, before sequence number `before` (exclusive; `None`: from the newest), with
	/// the cursor of the page after it.
	pub async fn trail_page(
		&self,
		patient: SubjectId,
		before: Option<u64>,
		limit: u32,
	) -> Result<Page<AuditEntry>, ChainError> {
		let call = runtime::runtime_apis().audit_api().entries(Static(patient), before, limit);
		let entries = self
			.call(call)
			.await?
			.map_err(|e| ChainError::Client(format!("audit query refused: {:?}", e.0)))?;
		let items: Vec<AuditEntry> = entries.into_iter().map(|e| e.0).collect();
		let next = paging::next_before(items.last().map(|e| e.seq));
		Ok(Page { items, next })
	}

	/// A patient's whole audit trail, oldest first, read in pages.
	pub async fn trail(&self, patient: SubjectId) -> Result<Vec<AuditEntry>, ChainError> {
		let mut entries =
			paging::collect(move |before| self.trail_page(patient, before, MAX_AUDIT_PAGE), None)
				.await?;
		entries.reverse();
		Ok(entries)
	}

	/// Re-hashes a patient's whole trail on the node, page by page.
	pub async fn verify_trail(&self, patient: SubjectId) -> Result<ChainVerification, ChainError> {
		let mut from = 0;
		let mut checked = 0;
		loop {
			let call = runtime::runtime_apis().audit_api().verify(
				Static(patient),
				from,
				medchain_primitives::audit::MAX_VERIFY_PAGE,
			);
			let mut page = self.call(call).await?.0;
			checked += page.checked;
			match page.next {
				Some(next) if page.first_bad.is_none() => from = next,
				_ => {
					page.checked = checked;
					return Ok(page);
				},
			}
		}
	}

	/// The chain's genesis hash: part of every audit entry's hash.
	pub fn genesis_hash(&self) -> H256 {
		self.api.genesis_hash()
	}
}

/// Re-hashes a whole trail (oldest first) here, trusting no node: each entry's hash must be
/// `entry_hash(genesis, patient, entry)` and link to the previous one. `Ok(entries checked)`, or
/// `Err(sequence number of the first bad entry)`.
pub fn verify_locally(
	genesis: &H256,
	patient: &SubjectId,
	entries: &[AuditEntry],
) -> Result<u64, u64> {
	let mut prev = H256::zero();
	for (i, entry) in entries.iter().enumerate() {
		let expected = medchain_primitives::audit::entry_hash(genesis, patient, entry);
		if entry.seq != i as u64 || entry.prev_hash != prev || entry.hash != expected {
			return Err(i as u64);
		}
		prev = entry.hash;
	}
	Ok(entries.len() as u64)
}

//! The accounts a load run needs, set up on a development chain through sudo: an admitted
//! organization, attested practitioners, registered gateways and funded, registered patients.
//!
//! Every key is derived from the run's tag, so two runs on one chain never share an account (a
//! grant's per-pair limit, a record's per-author limit and the patients' allowance start fresh).

use std::{sync::Arc, time::Duration};

use futures::{stream, StreamExt, TryStreamExt};
use medchain_client::chain::{runtime, AccountId32, Chain, MultiAddress, Static, H256};
use medchain_primitives::{
	consent::{
		ActionSet, ConsentAction, DataClass, DataClassSet, Grantee, PurposeOfUse, PurposeSet,
	},
	identity::{PractitionerRole, SubjectId, SubjectKind},
};
use subxt::{config::PolkadotExtrinsicParamsBuilder as Params, transactions::Payload};
use subxt_signer::sr25519::{dev, Keypair};

use crate::{Error, Rpc};

/// Balance each funded account receives: fees for thousands of calls.
const FUNDING: u128 = 100 * 1_000_000_000_000;

/// One subject of the world: its key and, once registered, its identifier.
#[derive(Clone)]
pub struct Member {
	/// The controller key.
	pub key: Keypair,
	/// The subject it controls.
	pub subject: SubjectId,
}

impl Member {
	/// The controller's account.
	pub fn account(&self) -> AccountId32 {
		self.key.public_key().to_account_id()
	}
}

/// Who takes part in a run.
pub struct World {
	/// The organization that attests the practitioners and runs the gateways.
	pub organization: Member,
	/// Attested practitioners: the grantees of consents and the actors of audit events.
	pub practitioners: Vec<Member>,
	/// The organization's gateways: the senders of audit batches.
	pub gateways: Vec<Member>,
	/// Funded, registered patients: the senders of transfers, grants and anchors.
	pub patients: Vec<Member>,
}

/// How many of each the run needs.
pub struct Sizes {
	/// Patients (senders).
	pub patients: usize,
	/// Practitioners.
	pub practitioners: usize,
	/// Gateways (at most the runtime's 16 per organization).
	pub gateways: usize,
}

/// A deterministic key: `blake2-256("medchain-load/<tag>/<role>/<index>")` as the secret.
pub fn key(tag: &str, role: &str, index: usize) -> Keypair {
	let seed =
		sp_crypto_hashing::blake2_256(format!("medchain-load/{tag}/{role}/{index}").as_bytes());
	Keypair::from_secret_key(seed).expect("every 32-byte seed is a valid mini secret key")
}

/// A stand-in X25519 key-agreement key (the bench never decrypts anything).
fn agreement(key: &Keypair) -> [u8; 32] {
	sp_crypto_hashing::blake2_256(&key.public_key().0)
}

/// Signs `call` from `signer` with `nonce` (and a tip of one, so a patient's call is paid and
/// outside the free lane), for the chain's current runtime.
pub fn sign<C: Payload>(
	at: &Block,
	call: &C,
	signer: &Keypair,
	nonce: u64,
) -> Result<Vec<u8>, Error> {
	let params = Params::new().nonce(nonce).tip(1).build();
	let mut signable =
		at.transactions().create_signable_offline(call, params).map_err(Error::client)?;
	Ok(signable.sign(signer).map_err(Error::client)?.into_encoded())
}

/// The client at one block, for signing offline.
pub type Block = subxt::client::ClientAtBlock<
	subxt::config::PolkadotConfig,
	subxt::client::OnlineClientAtBlockImpl<subxt::config::PolkadotConfig>,
>;

/// Submits `txs` (256 at once) and waits until each is finalized; an
/// invalid or dropped transaction is an error naming `what`.
pub async fn submit_all(rpc: &Rpc, txs: Vec<Vec<u8>>, what: &str) -> Result<(), Error> {
	let count = txs.len();
	stream::iter(txs)
		.map(|tx| async move {
			let mut watch = rpc
				.author_submit_and_watch_extrinsic(&tx)
				.await
				.map_err(|e| Error::Setup(format!("{what}: {e}")))?;
			while let Some(status) = watch.next().await {
				use subxt::rpcs::methods::legacy::TransactionStatus as S;
				match status.map_err(|e| Error::Setup(format!("{what}: {e}")))? {
					// Finalized, not just in a block: the pool validates the next step's
					// transactions against its view of the best block, which can trail the
					// in-block notice (an account funded there would not yet be funded).
					S::Finalized(_) => return Ok(()),
					S::Dropped | S::Invalid | S::Usurped(_) => {
						return Err(Error::Setup(format!("{what}: the pool dropped a transaction")))
					},
					_ => {},
				}
			}
			Err(Error::Setup(format!("{what}: the node stopped reporting")))
		})
		.buffer_unordered(256)
		.try_collect::<Vec<()>>()
		.await?;
	println!("  {what}: {count} finalized");
	Ok(())
}

/// The subject `account` controls, waiting a few blocks for it to appear.
async fn subject_of(chain: &Chain, account: &AccountId32, what: &str) -> Result<SubjectId, Error> {
	for _ in 0..20 {
		if let Some(subject) = chain.subject_of(account).await.map_err(Error::client)? {
			return Ok(subject);
		}
		tokio::time::sleep(Duration::from_millis(500)).await;
	}
	Err(Error::Setup(format!("{what} {account} controls no subject: the call failed on chain")))
}

/// Subjects of many accounts, read concurrently.
async fn subjects(chain: &Chain, keys: Vec<Keypair>, what: &str) -> Result<Vec<Member>, Error> {
	stream::iter(keys)
		.map(|key| async move {
			let subject = subject_of(chain, &key.public_key().to_account_id(), what).await?;
			Ok::<_, Error>(Member { key, subject })
		})
		.buffered(64)
		.try_collect()
		.await
}

/// Funds, registers, admits and attests everyone a run needs. Alice (the dev chain's sudo key
/// and richest account) pays for it.
pub async fn build(chain: &Chain, rpc: &Rpc, tag: &str, sizes: &Sizes) -> Result<World, Error> {
	let alice = dev::alice();
	let at = Arc::new(chain.api().at_current_block().await.map_err(Error::client)?);
	let organization = key(tag, "organization", 0);
	let practitioners: Vec<Keypair> =
		(0..sizes.practitioners).map(|i| key(tag, "practitioner", i)).collect();
	let gateways: Vec<Keypair> = (0..sizes.gateways).map(|i| key(tag, "gateway", i)).collect();
	let patients: Vec<Keypair> = (0..sizes.patients).map(|i| key(tag, "patient", i)).collect();

	// 1. Alice funds the organization, the practitioners and the patients (gateways pay no fee
	// to be registered; they are funded to send batches).
	let mut nonce = next_nonce(rpc, &alice).await?;
	let funded: Vec<&Keypair> = std::iter::once(&organization)
		.chain(&practitioners)
		.chain(&gateways)
		.chain(&patients)
		.collect();
	let mut txs = Vec::with_capacity(funded.len());
	for who in funded {
		let call = runtime::transactions()
			.balances()
			.transfer_keep_alive(MultiAddress::Id(who.public_key().to_account_id()), FUNDING);
		txs.push(sign(&at, &call, &alice, nonce)?);
		nonce += 1;
	}
	submit_all(rpc, txs, "fund accounts").await?;

	// 2. Sudo admits the organization; practitioners and patients register themselves.
	let mut txs = Vec::new();
	let admit = runtime::runtime_types::medchain_runtime::RuntimeCall::Identity(
		runtime::runtime_types::pallet_patient_identity::pallet::Call::admit_organization {
			controller: organization.public_key().to_account_id(),
			key_agreement: agreement(&organization),
			profile_hash: H256::zero(),
		},
	);
	txs.push(sign(&at, &runtime::transactions().sudo().sudo(admit), &alice, nonce)?);
	for (kind, keys) in
		[(SubjectKind::Practitioner, &practitioners), (SubjectKind::Patient, &patients)]
	{
		for who in keys {
			let call = runtime::transactions().identity().register(
				Static(kind),
				agreement(who),
				H256::zero(),
			);
			txs.push(sign(&at, &call, who, 0)?);
		}
	}
	submit_all(rpc, txs, "admit the organization, register practitioners and patients").await?;
	let organization = Member {
		subject: subject_of(chain, &organization.public_key().to_account_id(), "organization")
			.await?,
		key: organization,
	};
	let practitioners = subjects(chain, practitioners, "practitioner").await?;

	// 3. The organization attests its practitioners and registers its gateways.
	let mut txs = Vec::new();
	let mut nonce = next_nonce(rpc, &organization.key).await?;
	for practitioner in &practitioners {
		let call = runtime::transactions().identity().attest_practitioner(
			Static(practitioner.subject),
			Static(PractitionerRole::Physician),
			H256::zero(),
			u64::MAX,
		);
		txs.push(sign(&at, &call, &organization.key, nonce)?);
		nonce += 1;
	}
	for gateway in &gateways {
		let call = runtime::transactions().identity().register_gateway(
			gateway.public_key().to_account_id(),
			agreement(gateway),
			H256::zero(),
		);
		txs.push(sign(&at, &call, &organization.key, nonce)?);
		nonce += 1;
	}
	submit_all(rpc, txs, "attest practitioners, register gateways").await?;
	let gateways = subjects(chain, gateways, "gateway").await?;
	let patients = subjects(chain, patients, "patient").await?;
	Ok(World { organization, practitioners, gateways, patients })
}

/// The consent terms the bench grants: labs, read, for treatment, open-ended.
pub fn terms(
	grantee: SubjectId,
) -> runtime::runtime_types::pallet_consent::types::ConsentTerms<
	Vec<Static<medchain_primitives::consent::RecordId>>,
> {
	runtime::runtime_types::pallet_consent::types::ConsentTerms {
		grantee: Static(Grantee::Practitioner(grantee)),
		actions: Static(ActionSet::of(&[ConsentAction::Read])),
		classes: Static(DataClassSet::of(&[DataClass::Labs])),
		records: Vec::new(),
		excluded: Static(DataClassSet::of(&[])),
		purposes: Static(PurposeSet::of(&[PurposeOfUse::Treat])),
		valid_from: 0,
		valid_until: None,
	}
}

/// The pool's next nonce for `key`.
pub async fn next_nonce(rpc: &Rpc, key: &Keypair) -> Result<u64, Error> {
	rpc.system_account_next_index(&key.public_key().to_account_id())
		.await
		.map_err(Error::client)
}

//! The node's JSON-RPC: Substrate's standard methods plus MedChain's own.
//!
//! `create_full` merges the modules: `system_*` and `payment_*` from Substrate, and MedChain's
//! `audit_*` and `consent_*` ([`medchain`]).

pub mod medchain;

use std::sync::Arc;

use jsonrpsee::RpcModule;
use medchain_primitives::{AccountId, Balance, Nonce};
use medchain_runtime::opaque::Block;
use sc_transaction_pool_api::TransactionPool;
use sp_api::ProvideRuntimeApi;
use sp_block_builder::BlockBuilder;
use sp_blockchain::{Error as BlockChainError, HeaderBackend, HeaderMetadata};

/// What the RPC handlers need from the node.
pub struct FullDeps<C, P> {
	/// The client, for state and runtime-API calls.
	pub client: Arc<C>,
	/// The transaction pool, for `system_accountNextIndex`.
	pub pool: Arc<P>,
}

/// Builds the RPC methods MedChain adds to the standard set.
pub fn create_full<C, P>(
	deps: FullDeps<C, P>,
) -> Result<RpcModule<()>, Box<dyn std::error::Error + Send + Sync>>
where
	C: ProvideRuntimeApi<Block>
		+ HeaderBackend<Block>
		+ HeaderMetadata<Block, Error = BlockChainError>
		+ Send
		+ Sync
		+ 'static,
	C::Api: substrate_frame_rpc_system::AccountNonceApi<Block, AccountId, Nonce>,
	C::Api: pallet_transaction_payment_rpc::TransactionPaymentRuntimeApi<Block, Balance>,
	C::Api: BlockBuilder<Block>,
	C::Api: medchain_primitives::runtime_api::AuditApi<Block>,
	C::Api: medchain_primitives::runtime_api::ConsentApi<Block>,
	P: TransactionPool + 'static,
{
	use pallet_transaction_payment_rpc::{TransactionPayment, TransactionPaymentApiServer};
	use substrate_frame_rpc_system::{System, SystemApiServer};

	let mut module = RpcModule::new(());
	let FullDeps { client, pool } = deps;

	module.merge(System::new(client.clone(), pool).into_rpc())?;
	module.merge(TransactionPayment::new(client.clone()).into_rpc())?;
	module.merge(medchain::MedchainApiServer::into_rpc(medchain::Medchain::new(client)))?;

	Ok(module)
}

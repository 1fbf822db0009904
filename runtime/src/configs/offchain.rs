//! Transactions the runtime builds itself, off chain: how a call becomes an extrinsic. GRANDPA's
//! equivocation reports are the only ones, sent unsigned (bare).

use crate::{Runtime, RuntimeCall, UncheckedExtrinsic};

impl<LocalCall> frame_system::offchain::CreateTransactionBase<LocalCall> for Runtime
where
	RuntimeCall: From<LocalCall>,
{
	type Extrinsic = UncheckedExtrinsic;
	type RuntimeCall = RuntimeCall;
}

/// Unsigned extrinsics built on chain: GRANDPA's equivocation reports.
impl<LocalCall> frame_system::offchain::CreateBare<LocalCall> for Runtime
where
	RuntimeCall: From<LocalCall>,
{
	fn create_bare(call: RuntimeCall) -> UncheckedExtrinsic {
		UncheckedExtrinsic::new_bare(call)
	}
}

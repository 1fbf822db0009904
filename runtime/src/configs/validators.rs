//! The validator set and the permissioned network: the consortium pallet choosing the set by
//! motion, pallet-session handing it to Aura and GRANDPA, historical sessions and pallet-offences
//! for equivocation reports, block authorship, and which nodes may connect at all
//! (pallet-node-authorization).

use frame_support::traits::{ConstU128, ConstU32, ConstU64};
use sp_runtime::traits::{ConvertInto, OpaqueKeys};

use super::council::Governance;
use crate::{
	AccountId, Aura, Balances, Consortium, Historical, Offences, Runtime, RuntimeEvent, Session,
	SessionKeys, HOURS,
};

/// Session keys as pallet-session holds them: what a motion checks before adding a validator.
pub struct SessionKeysOf;
impl pallet_consortium::ValidatorKeys<AccountId> for SessionKeysOf {
	fn has_keys(who: &AccountId) -> bool {
		pallet_session::NextKeys::<Runtime>::contains_key(who)
	}

	#[cfg(feature = "runtime-benchmarks")]
	fn set_benchmark_keys(who: &AccountId) {
		let keys = SessionKeys {
			aura: sp_core::sr25519::Public::from_raw([7; 32]).into(),
			grandpa: sp_core::ed25519::Public::from_raw([7; 32]).into(),
		};
		let _ = <pallet_session::Pallet<Runtime> as pallet_session::SessionInterface>::set_keys(
			who, keys,
		);
	}
}

impl pallet_consortium::Config for Runtime {
	type GovernanceOrigin = Governance;
	type Keys = SessionKeysOf;
	/// pallet-session with its historical part: an offender is disabled there, at once and again
	/// as each session starts while it is still in the set, and historical roots no equivocation
	/// report can name any more are pruned there.
	type Session = Session;
	/// GRANDPA's: the historical roots a report is checked against outlive it.
	type ReportLongevity = ReportLongevity;
	/// Aura's and GRANDPA's own bound.
	type MaxValidators = ConstU32<32>;
	/// Below three validators GRANDPA tolerates no fault at all.
	type MinValidators = ConstU32<3>;
	/// Ten blocks (20 s): short enough for a local network's tests, and no governance mistake
	/// can make sessions rotate every block.
	type MinSessionLength = ConstU32<10>;
	type WeightInfo = pallet_consortium::weights::SubstrateWeight<Runtime>;
}

impl pallet_session::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type ValidatorId = AccountId;
	type ValidatorIdOf = ConvertInto;
	type ShouldEndSession = Consortium;
	type NextSessionRotation = Consortium;
	/// The consortium pallet hands over the set, noting each session's historical root.
	type SessionManager = pallet_session::historical::NoteHistoricalRoot<Runtime, Consortium>;
	type SessionHandler = <SessionKeys as OpaqueKeys>::KeyTypeIdProviders;
	type Keys = SessionKeys;
	/// At most a third of the validators are disabled at once, as GRANDPA needs.
	type DisablingStrategy = pallet_session::disabling::UpToLimitDisablingStrategy;
	type WeightInfo = pallet_session::weights::SubstrateWeight<Runtime>;
	type Currency = Balances;
	/// Validators are admitted organizations added by motion: no deposit for their keys.
	type KeyDeposit = ConstU128<0>;
}

/// A validator is identified by its account alone: there is no stake behind it.
pub struct Unidentified;
impl sp_runtime::traits::Convert<AccountId, Option<()>> for Unidentified {
	fn convert(_: AccountId) -> Option<()> {
		Some(())
	}
}

impl pallet_session::historical::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type FullIdentification = ();
	type FullIdentificationOf = Unidentified;
}

impl pallet_offences::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type IdentificationTuple = pallet_session::historical::IdentificationTuple<Self>;
	/// An equivocating validator is disabled at once (pallet-session's disabling strategy, at
	/// most a third of the set; a disabled validator's blocks are refused) and removed from the
	/// set at the next session boundary, by the consortium pallet.
	type OnOffenceHandler = Consortium;
}

impl pallet_authorship::Config for Runtime {
	type FindAuthor = pallet_session::FindAccountFromAuthorIndex<Self, Aura>;
	type EventHandler = ();
}

/// Equivocation reports stay valid in the pool for an hour (in blocks); the consortium pallet
/// keeps the historical session roots they are checked against for as long.
pub type ReportLongevity = ConstU64<{ HOURS as u64 }>;

/// GRANDPA's equivocation report system: reports proven against historical sessions, to
/// pallet-offences.
pub type GrandpaEquivocations =
	pallet_grandpa::EquivocationReportSystem<Runtime, Offences, Historical, ReportLongevity>;

impl pallet_node_authorization::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	/// One or two nodes per member hospital.
	type MaxWellKnownNodes = ConstU32<64>;
	/// An encoded libp2p peer id is 38 bytes for ed25519 keys; room for other key types.
	type MaxPeerIdLength = ConstU32<128>;
	type AddOrigin = Governance;
	type RemoveOrigin = Governance;
	type SwapOrigin = Governance;
	type ResetOrigin = Governance;
	type WeightInfo = ();
}

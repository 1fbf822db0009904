//! The consortium council and what it decides with: pallet-collective and pallet-membership (one
//! seat per member hospital), the motion origin every `GovernanceOrigin` of the runtime is, the
//! runtime parameters a motion sets (pallet-parameters), and the call filter that keeps a
//! proposal from closing below the threshold and a validator from leaving without a motion.

use frame_support::{
	dynamic_params::{dynamic_pallet_params, dynamic_params},
	parameter_types,
	traits::{AsEnsureOriginWithArg, ConstU32, EitherOfDiverse, EnsureOrigin, Get},
	weights::Weight,
};
use frame_system::EnsureRoot;
use sp_runtime::Perbill;

use super::RuntimeBlockWeights;
use crate::{
	AccountId, BlockNumber, Council, Runtime, RuntimeCall, RuntimeEvent, RuntimeOrigin, DAYS,
};

/// Runtime parameters a council motion sets (`Parameters::set_parameter`), read where they apply.
#[dynamic_params(RuntimeParameters, pallet_parameters::Parameters::<Runtime>)]
pub mod dynamic_params {
	use super::*;

	/// How the council decides.
	#[dynamic_pallet_params]
	#[codec(index = 0)]
	pub mod council {
		/// The share of all council seats that must vote aye for a motion to act, as
		/// (numerator, denominator): two thirds. A value that is not more than half, or not less
		/// than one (unanimity), is ignored in favour of two thirds.
		#[codec(index = 0)]
		pub static MotionThreshold: (u32, u32) = (2, 3);
	}

	/// The patients' fee-free allowance (pallet-patient-allowance).
	#[dynamic_pallet_params]
	#[codec(index = 1)]
	pub mod patients {
		/// Free calls per patient per period: registering, a few consents and revocations, a
		/// guardian, a record or two, with room to spare.
		#[codec(index = 0)]
		pub static CallsPerPeriod: u32 = 50;

		/// The period, in blocks: a day.
		#[codec(index = 1)]
		pub static Period: BlockNumber = DAYS;

		/// New patients that may register free in one period, consortium-wide: what bounds the
		/// state fresh keys can add for free. Past it, registration waits or is paid.
		#[codec(index = 2)]
		pub static RegistrationsPerPeriod: u32 = 1_000;

		/// The share of a block's normal weight and length free calls may fill; paid calls keep
		/// the rest.
		#[codec(index = 3)]
		pub static FreeBlockShare: Perbill = Perbill::from_percent(20);
	}
}

#[cfg(feature = "runtime-benchmarks")]
impl Default for RuntimeParameters {
	fn default() -> Self {
		RuntimeParameters::Patients(dynamic_params::patients::Parameters::CallsPerPeriod(
			dynamic_params::patients::CallsPerPeriod,
			Some(50),
		))
	}
}

/// The council's motion origin: a motion that at least [`dynamic_params::council::MotionThreshold`]
/// of all seats voted aye for.
pub struct CouncilMotion;

impl CouncilMotion {
	/// The threshold in force: the parameter, unless it is not above one half or above one.
	fn threshold() -> (u64, u64) {
		let (num, den) = dynamic_params::council::MotionThreshold::get();
		let (num, den) = (u64::from(num), u64::from(den));
		// More than half, less than all: unanimity would let one lost key freeze governance.
		if num < den && num.saturating_mul(2) > den {
			(num, den)
		} else {
			(2, 3)
		}
	}

	/// Whether `ayes` of `seats` meet the threshold.
	pub fn passes(ayes: u32, seats: u32) -> bool {
		let (num, den) = Self::threshold();
		seats > 0 && u64::from(ayes).saturating_mul(den) >= u64::from(seats).saturating_mul(num)
	}

	/// The fewest ayes of `seats` that meet the threshold.
	pub fn required_ayes(seats: u32) -> u32 {
		let (num, den) = Self::threshold();
		let required = u64::from(seats).saturating_mul(num).div_ceil(den);
		u32::try_from(required).unwrap_or(u32::MAX)
	}
}

/// A member who does not vote by the end of a motion counts as voting nay: silence never adds
/// ayes (the default, `PrimeDefaultVote`, would let a prime member's lone aye pass a motion).
pub struct AbstainIsNay;
impl pallet_collective::DefaultVote for AbstainIsNay {
	fn default_vote(_prime: Option<bool>, _yes: u32, _no: u32, _len: u32) -> bool {
		false
	}
}

/// Calls refused before they run, whoever sends them:
/// - a council proposal whose early-closing threshold is below the motion threshold, so no member
///   can close a motion (and use it up) before enough members agreed;
/// - `Session::purge_keys`, so a validator cannot drop out of the set without a motion (which
///   checks the minimum and the one-third rule).
pub struct ConsortiumCallFilter;
impl frame_support::traits::Contains<RuntimeCall> for ConsortiumCallFilter {
	fn contains(call: &RuntimeCall) -> bool {
		match call {
			RuntimeCall::Council(pallet_collective::Call::propose { threshold, .. }) => {
				let seats = pallet_collective::Members::<Runtime, CouncilInstance>::decode_len()
					.unwrap_or(0);
				*threshold >= CouncilMotion::required_ayes(seats as u32)
			},
			RuntimeCall::Session(pallet_session::Call::purge_keys {}) => false,
			_ => true,
		}
	}
}

impl EnsureOrigin<RuntimeOrigin> for CouncilMotion {
	type Success = ();

	fn try_origin(origin: RuntimeOrigin) -> Result<(), RuntimeOrigin> {
		match origin.clone().into() {
			Ok(pallet_collective::RawOrigin::<AccountId, CouncilInstance>::Members(
				ayes,
				seats,
			)) if Self::passes(ayes, seats) => Ok(()),
			_ => Err(origin),
		}
	}

	#[cfg(feature = "runtime-benchmarks")]
	fn try_successful_origin() -> Result<RuntimeOrigin, ()> {
		Ok(pallet_collective::RawOrigin::<AccountId, CouncilInstance>::Members(1, 1).into())
	}
}

/// Governance: a council motion, or Root (reachable only through sudo, which the consortium
/// preset does not configure; dev and local chains keep it for convenience).
pub type Governance = EitherOfDiverse<EnsureRoot<AccountId>, CouncilMotion>;

/// The council's instance of pallet-collective and pallet-membership.
pub type CouncilInstance = pallet_collective::Instance1;

parameter_types! {
	/// A motion open for three days is closed (and fails unless the threshold was met).
	pub const CouncilMotionDuration: BlockNumber = 3 * DAYS;
	/// A motion may dispatch at most half a block.
	pub MaxProposalWeight: Weight = Perbill::from_percent(50) * RuntimeBlockWeights::get().max_block;
}

impl pallet_collective::Config<CouncilInstance> for Runtime {
	type RuntimeOrigin = RuntimeOrigin;
	type Proposal = RuntimeCall;
	type RuntimeEvent = RuntimeEvent;
	type MotionDuration = CouncilMotionDuration;
	/// A consortium has a handful of motions open at once; a hundred is generous.
	type MaxProposals = ConstU32<100>;
	/// One seat per member hospital; as many as validators.
	type MaxMembers = ConstU32<32>;
	/// A member who does not vote counts as nay.
	type DefaultVote = AbstainIsNay;
	type WeightInfo = pallet_collective::weights::SubstrateWeight<Runtime>;
	/// Seats change through pallet-membership (by motion), not directly.
	type SetMembersOrigin = EnsureRoot<AccountId>;
	type MaxProposalWeight = MaxProposalWeight;
	type DisapproveOrigin = Governance;
	type KillOrigin = Governance;
	/// Members propose without a deposit: they are admitted organizations.
	type Consideration = ();
}

impl pallet_membership::Config<CouncilInstance> for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type AddOrigin = Governance;
	type RemoveOrigin = Governance;
	type SwapOrigin = Governance;
	type ResetOrigin = Governance;
	type PrimeOrigin = Governance;
	type MembershipInitialized = Council;
	type MembershipChanged = Council;
	type MaxMembers = ConstU32<32>;
	type WeightInfo = pallet_membership::weights::SubstrateWeight<Runtime>;
}

impl pallet_parameters::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type RuntimeParameters = RuntimeParameters;
	type AdminOrigin = AsEnsureOriginWithArg<Governance>;
	type WeightInfo = ();
}

//! Consortium governance and the permissioned network: the council and its membership, runtime
//! parameters, the validator set through sessions, equivocation reports, node authorization, and
//! the patients' fee allowance.

use alloc::vec::Vec;
use frame_support::{
	dynamic_params::{dynamic_pallet_params, dynamic_params},
	parameter_types,
	traits::{
		AsEnsureOriginWithArg, ConstU128, ConstU32, ConstU64, EitherOfDiverse, EnsureOrigin, Get,
	},
	weights::Weight,
};
use frame_system::EnsureRoot;
use sp_runtime::{
	traits::{ConvertInto, OpaqueKeys},
	Perbill,
};

use medchain_primitives::{
	identity::{SubjectId, SubjectKind},
	traits::SubjectRegistry,
};
use pallet_patient_allowance::{ClassifyCall, FreeCall};
use sp_staking::offence::{OffenceDetails, OffenceSeverity, OnOffenceHandler};

use super::RuntimeBlockWeights;
use crate::{
	AccountId, Aura, Balances, BlockNumber, Consortium, Council, Historical, Identity, Offences,
	Runtime, RuntimeCall, RuntimeEvent, RuntimeOrigin, SessionKeys, DAYS, HOURS,
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
	/// Aura's and GRANDPA's own bound.
	type MaxValidators = ConstU32<32>;
	/// Below three validators GRANDPA tolerates no fault at all.
	type MinValidators = ConstU32<3>;
	/// Ten blocks (20 s): short enough for a local network's tests, and no governance mistake
	/// can make sessions rotate every block.
	type MinSessionLength = ConstU32<10>;
	type WeightInfo = pallet_consortium::weights::SubstrateWeight<Runtime>;
}

/// The consortium pallet as the session manager, pruning historical session roots as it goes:
/// it keeps as many sessions as an equivocation report may need ([`ReportLongevity`] blocks,
/// whatever the session length governance chose), plus one.
pub struct ConsortiumSessions;
impl pallet_session::SessionManager<AccountId> for ConsortiumSessions {
	fn new_session(index: u32) -> Option<Vec<AccountId>> {
		let length = pallet_consortium::SessionLength::<Runtime>::get().max(1);
		let depth = (HOURS.div_ceil(length)).saturating_add(1);
		if let Some(oldest) = index.checked_sub(depth) {
			Historical::prune_up_to(oldest);
		}
		<Consortium as pallet_session::SessionManager<AccountId>>::new_session(index)
	}
	fn new_session_genesis(index: u32) -> Option<Vec<AccountId>> {
		<Consortium as pallet_session::SessionManager<AccountId>>::new_session_genesis(index)
	}
	fn end_session(index: u32) {
		<Consortium as pallet_session::SessionManager<AccountId>>::end_session(index)
	}
	fn start_session(index: u32) {
		// pallet-session forgets disabled validators when the set changes; an offender still
		// in this session's set (it leaves only from the next) stays disabled.
		for offender in pallet_consortium::Offenders::<Runtime>::get() {
			pallet_session::Pallet::<Runtime>::report_offence(
				offender,
				OffenceSeverity(Perbill::one()),
			);
		}
		<Consortium as pallet_session::SessionManager<AccountId>>::start_session(index)
	}
}
impl pallet_session::historical::SessionManager<AccountId, ()> for ConsortiumSessions {
	fn new_session(index: u32) -> Option<Vec<(AccountId, ())>> {
		<Self as pallet_session::SessionManager<AccountId>>::new_session(index)
			.map(|set| set.into_iter().map(|v| (v, ())).collect())
	}
	fn new_session_genesis(index: u32) -> Option<Vec<(AccountId, ())>> {
		<Self as pallet_session::SessionManager<AccountId>>::new_session_genesis(index)
			.map(|set| set.into_iter().map(|v| (v, ())).collect())
	}
	fn start_session(index: u32) {
		<Self as pallet_session::SessionManager<AccountId>>::start_session(index)
	}
	fn end_session(index: u32) {
		<Self as pallet_session::SessionManager<AccountId>>::end_session(index)
	}
}

impl pallet_session::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type ValidatorId = AccountId;
	type ValidatorIdOf = ConvertInto;
	type ShouldEndSession = Consortium;
	type NextSessionRotation = Consortium;
	type SessionManager =
		pallet_session::historical::NoteHistoricalRoot<Runtime, ConsortiumSessions>;
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

/// What happens to an equivocating validator: disabled at once (pallet-session's disabling
/// strategy, at most a third of the set; a disabled validator's blocks are refused), and removed
/// from the set at the next session boundary by the consortium pallet.
pub struct OnOffence;
impl OnOffenceHandler<AccountId, pallet_session::historical::IdentificationTuple<Runtime>, Weight>
	for OnOffence
{
	fn on_offence(
		offenders: &[OffenceDetails<
			AccountId,
			pallet_session::historical::IdentificationTuple<Runtime>,
		>],
		slash_fraction: &[Perbill],
		session: u32,
	) -> Weight {
		for (details, fraction) in offenders.iter().zip(slash_fraction) {
			pallet_session::Pallet::<Runtime>::report_offence(
				details.offender.0.clone(),
				OffenceSeverity(*fraction),
			);
		}
		let disabling = <Runtime as frame_system::Config>::DbWeight::get()
			.reads_writes(2, 1)
			.saturating_mul(offenders.len() as u64);
		<Consortium as OnOffenceHandler<_, _, Weight>>::on_offence(
			offenders,
			slash_fraction,
			session,
		)
		.saturating_add(disabling)
	}
}

impl pallet_offences::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type IdentificationTuple = pallet_session::historical::IdentificationTuple<Self>;
	type OnOffenceHandler = OnOffence;
}

impl pallet_authorship::Config for Runtime {
	type FindAuthor = pallet_session::FindAccountFromAuthorIndex<Self, Aura>;
	type EventHandler = ();
}

/// Equivocation reports stay valid in the pool for an hour.
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

/// A patient's own calls: identity, consent and records calls by the controller of an active
/// patient (counted against that patient, whatever they are), and a patient registration from an
/// account that has never controlled an identity and is not reserved by a recovery (so it will not
/// fail on its account).
pub struct PatientCalls;
impl ClassifyCall<AccountId, RuntimeCall, SubjectId> for PatientCalls {
	fn classify(who: &AccountId, call: &RuntimeCall) -> Option<FreeCall<SubjectId>> {
		if !matches!(
			call,
			RuntimeCall::Identity(_) | RuntimeCall::Consent(_) | RuntimeCall::Records(_)
		) {
			return None;
		}
		if let Some(subject) = Identity::subject_of(who) {
			return (Identity::active_kind(&subject) == Some(SubjectKind::Patient))
				.then_some(FreeCall::Patient(subject));
		}
		let registers_a_patient = matches!(
			call,
			RuntimeCall::Identity(pallet_patient_identity::Call::register {
				kind: SubjectKind::Patient,
				..
			})
		);
		// `subject_of` is None for a deactivated identity's controller, still in `Controllers`.
		let fresh = !pallet_patient_identity::Controllers::<Runtime>::contains_key(who)
			&& !pallet_patient_identity::RetiredAccounts::<Runtime>::contains_key(who)
			&& !pallet_patient_identity::PendingControllers::<Runtime>::contains_key(who);
		(registers_a_patient && fresh).then_some(FreeCall::NewPatient)
	}
}

impl pallet_patient_allowance::Config for Runtime {
	type PatientId = SubjectId;
	type Classifier = PatientCalls;
	type CallsPerPeriod = dynamic_params::patients::CallsPerPeriod;
	type Period = dynamic_params::patients::Period;
	type RegistrationsPerPeriod = dynamic_params::patients::RegistrationsPerPeriod;
	type FreeBlockShare = dynamic_params::patients::FreeBlockShare;
	/// A grant naming its full 64 records, with room; an anchor or a revocation is far shorter.
	type MaxFreeLength = ConstU32<4096>;
}

impl<LocalCall> frame_system::offchain::CreateTransactionBase<LocalCall> for Runtime
where
	RuntimeCall: From<LocalCall>,
{
	type Extrinsic = crate::UncheckedExtrinsic;
	type RuntimeCall = RuntimeCall;
}

/// Unsigned extrinsics built on chain: GRANDPA's equivocation reports.
impl<LocalCall> frame_system::offchain::CreateBare<LocalCall> for Runtime
where
	RuntimeCall: From<LocalCall>,
{
	fn create_bare(call: RuntimeCall) -> crate::UncheckedExtrinsic {
		crate::UncheckedExtrinsic::new_bare(call)
	}
}

//! One `impl Config` per pallet: the knobs of the chain, each with the reason for its value. The
//! core and MedChain's own pallets are here; the rest, one theme a module: [`council`] (the
//! council, its motion origin, runtime parameters, the call filter), [`validators`] (the validator
//! set through sessions, equivocation reports, node authorization), [`patient_fees`] (which calls
//! are a patient's own, and free) and [`offchain`] (transactions the runtime builds itself).

pub mod council;
pub mod offchain;
pub mod patient_fees;
pub mod validators;

use frame_support::{
	derive_impl,
	dispatch::DispatchClass,
	parameter_types,
	traits::{ConstBool, ConstU128, ConstU32, ConstU64, ConstU8, VariantCountOf},
	weights::{constants::WEIGHT_REF_TIME_PER_SECOND, IdentityFee, Weight},
};
use frame_system::limits::{BlockLength, BlockWeights};
use pallet_transaction_payment::{ConstFeeMultiplier, FungibleAdapter, Multiplier};
use sp_consensus_aura::sr25519::AuthorityId as AuraId;
use sp_runtime::{
	traits::{One, Verify},
	Perbill,
};
use sp_version::RuntimeVersion;

use super::{
	weights::{BlockExecutionWeight, ExtrinsicBaseWeight, ParityDbWeight},
	AccountId, AuditLog, Aura, Balance, Balances, Block, BlockNumber, Consent, Hash, Identity,
	Nonce, PalletInfo, Records, Runtime, RuntimeCall, RuntimeEvent, RuntimeFreezeReason,
	RuntimeHoldReason, RuntimeOrigin, RuntimeTask, Session, Signature, System, Timestamp, DAYS,
	EXISTENTIAL_DEPOSIT, SLOT_DURATION, VERSION,
};

/// Normal extrinsics may fill 75% of a block; the rest is kept for operational ones (governance).
const NORMAL_DISPATCH_RATIO: Perbill = Perbill::from_percent(75);

/// A block may use a third of its 2 s slot for execution: the author builds it in at most that
/// (of the two thirds of the slot Aura gives it), and every other validator imports it in about
/// as long, which leaves the next author time to build on it. A larger share lets a full block's
/// import run into the next slot, and the next author then builds a fork on the grandparent.
const MAXIMUM_BLOCK_WEIGHT: Weight =
	Weight::from_parts(WEIGHT_REF_TIME_PER_SECOND * 2 / 3, u64::MAX);

parameter_types! {
	/// Keep a day of block hashes for mortal transactions at 2 s blocks.
	pub const BlockHashCount: BlockNumber = 2400;
	pub const Version: RuntimeVersion = VERSION;

	/// The block's budget, with the cost of an empty block and of each extrinsic's base measured
	/// on the production node (`runtime/src/weights/`, `scripts/bench-weights.sh`).
	pub RuntimeBlockWeights: BlockWeights = BlockWeights::builder()
		.base_block(BlockExecutionWeight::get())
		.for_class(DispatchClass::all(), |class| class.base_extrinsic = ExtrinsicBaseWeight::get())
		.for_class(DispatchClass::Normal, |class| {
			class.max_total = Some(NORMAL_DISPATCH_RATIO * MAXIMUM_BLOCK_WEIGHT)
		})
		.for_class(DispatchClass::Operational, |class| {
			class.max_total = Some(MAXIMUM_BLOCK_WEIGHT);
			// Operational calls (council motions) always find room, whatever normal ones took.
			class.reserved = Some(MAXIMUM_BLOCK_WEIGHT - NORMAL_DISPATCH_RATIO * MAXIMUM_BLOCK_WEIGHT);
		})
		.avg_block_initialization(Perbill::from_percent(10))
		.build_or_panic();
	pub RuntimeBlockLength: BlockLength = BlockLength::builder()
		.max_length(5 * 1024 * 1024)
		.modify_max_length_for_class(DispatchClass::Normal, |max| *max = NORMAL_DISPATCH_RATIO * *max)
		.build();
	pub const SS58Prefix: u8 = 42;
}

#[derive_impl(frame_system::config_preludes::SolochainDefaultConfig)]
impl frame_system::Config for Runtime {
	type Block = Block;
	type BlockWeights = RuntimeBlockWeights;
	type BlockLength = RuntimeBlockLength;
	type AccountId = AccountId;
	type Nonce = Nonce;
	type Hash = Hash;
	type BlockHashCount = BlockHashCount;
	/// The node stores state in ParityDB only; its read and write costs are measured.
	type DbWeight = ParityDbWeight;
	type SystemWeightInfo = crate::weights::frame_system::WeightInfo<Runtime>;
	/// The signed-transaction checks (genesis, era, nonce, weight, reclaim): Substrate's
	/// reference compute with this chain's database costs. `()` would price their 4 reads and
	/// 2 writes at RocksDB's constants, ≈ 228 µs more on every transaction (docs/performance.md).
	type ExtensionsWeightInfo = frame_system::SubstrateExtensionsWeight<Runtime>;
	type Version = Version;
	type AccountData = pallet_balances::AccountData<Balance>;
	type SS58Prefix = SS58Prefix;
	type MaxConsumers = ConstU32<16>;
	/// Council proposals below the motion threshold and validators dropping their keys are refused.
	type BaseCallFilter = council::ConsortiumCallFilter;
}

impl pallet_aura::Config for Runtime {
	type AuthorityId = AuraId;
	/// A validator disabled for an offence does not author.
	type DisabledValidators = Session;
	/// A consortium has at most a few dozen member hospitals running validators.
	type MaxAuthorities = ConstU32<32>;
	type AllowMultipleBlocksPerSlot = ConstBool<false>;
	type SlotDuration = pallet_aura::MinimumPeriodTimesTwo<Runtime>;
}

impl pallet_grandpa::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type WeightInfo = ();
	type MaxAuthorities = ConstU32<32>;
	type MaxNominators = ConstU32<0>;
	/// Set ids mapped to sessions, to check equivocation proofs against: with the consortium's
	/// hourly sessions, over a month.
	type MaxSetIdSessionEntries = ConstU64<1000>;
	type KeyOwnerProof = sp_session::MembershipProof;
	/// Equivocations are proven against historical sessions and reported to pallet-offences.
	type EquivocationReportSystem = validators::GrandpaEquivocations;
}

impl pallet_timestamp::Config for Runtime {
	/// A timestamp: milliseconds since the unix epoch.
	type Moment = u64;
	type OnTimestampSet = Aura;
	type MinimumPeriod = ConstU64<{ SLOT_DURATION / 2 }>;
	type WeightInfo = crate::weights::pallet_timestamp::WeightInfo<Runtime>;
}

impl pallet_balances::Config for Runtime {
	type MaxLocks = ConstU32<50>;
	type MaxReserves = ();
	type ReserveIdentifier = [u8; 8];
	type Balance = Balance;
	type RuntimeEvent = RuntimeEvent;
	type DustRemoval = ();
	type ExistentialDeposit = ConstU128<EXISTENTIAL_DEPOSIT>;
	type AccountStore = System;
	type WeightInfo = crate::weights::pallet_balances::WeightInfo<Runtime>;
	type FreezeIdentifier = RuntimeFreezeReason;
	type MaxFreezes = VariantCountOf<RuntimeFreezeReason>;
	type RuntimeHoldReason = RuntimeHoldReason;
	type RuntimeFreezeReason = RuntimeFreezeReason;
	type DoneSlashHandler = ();
}

parameter_types! {
	pub FeeMultiplier: Multiplier = Multiplier::one();
}

impl pallet_transaction_payment::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type OnChargeTransaction = FungibleAdapter<Balances, ()>;
	type OperationalFeeMultiplier = ConstU8<5>;
	type WeightToFee = IdentityFee<Balance>;
	type LengthToFee = IdentityFee<Balance>;
	type FeeMultiplierUpdate = ConstFeeMultiplier<FeeMultiplier>;
	type WeightInfo = pallet_transaction_payment::weights::SubstrateWeight<Runtime>;
}

impl pallet_sudo::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type RuntimeCall = RuntimeCall;
	type WeightInfo = crate::weights::pallet_sudo::WeightInfo<Runtime>;
}

impl pallet_patient_identity::Config for Runtime {
	/// A council motion (or Root on dev chains).
	type GovernanceOrigin = council::Governance;
	type Time = Timestamp;
	type OffchainSignature = Signature;
	type SigningPublicKey = <Signature as Verify>::Signer;
	/// A practitioner working for a handful of hospitals at once is common; dozens is not.
	type MaxAttestations = ConstU32<8>;
	/// Parents, carers and recovery contacts: eight covers a family and a couple of friends.
	type MaxGuardians = ConstU32<8>;
	/// A day to notice a recovery one did not ask for and cancel it.
	type MinRecoveryDelay = ConstU32<DAYS>;
	/// A month at most: long enough for any patient's caution, short enough to finish.
	type MaxRecoveryDelay = ConstU32<{ 30 * DAYS }>;
	/// A recovery not completed within two months lapses and may be started afresh.
	type RecoveryExpiry = ConstU32<{ 60 * DAYS }>;
	/// A hospital runs a gateway or two per site; sixteen covers a multi-site group.
	type MaxGatewaysPerOrganization = ConstU32<16>;
	/// The audit log's `MaxBacklog` plus its `MaxClockSkew` (below): every read the audit log may
	/// still accept can be judged against the attestations and guardians of its moment.
	type HistoryRetention = ConstU64<{ 24 * 60 * 60 * 1000 + 5 * 60 * 1000 }>;
	type Audit = AuditLog;
	type WeightInfo = pallet_patient_identity::weights::SubstrateWeight<Runtime>;
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = pallet_patient_identity::Sr25519BenchmarkHelper;
}

impl pallet_audit_log::Config for Runtime {
	type Identity = Identity;
	type SubjectOrigin = pallet_patient_identity::EnsureSubject<Runtime>;
	type Policies = Consent;
	type Time = Timestamp;
	/// A gateway flushes its access events every few seconds; 256 covers a busy hospital.
	type MaxBatch = ConstU32<256>;
	/// Five minutes of clock skew between a gateway and the chain.
	type MaxClockSkew = ConstU64<{ 5 * 60 * 1000 }>;
	/// A day: a gateway offline overnight still flushes its queue; nothing older is accepted.
	type MaxBacklog = ConstU64<{ 24 * 60 * 60 * 1000 }>;
	type WeightInfo = pallet_audit_log::weights::SubstrateWeight<Runtime>;
}

impl pallet_consent::Config for Runtime {
	type Identity = Identity;
	type SubjectOrigin = pallet_patient_identity::EnsureSubject<Runtime>;
	type Audit = AuditLog;
	type Records = Records;
	type Time = Timestamp;
	/// A council motion (or Root on dev chains).
	type GovernanceOrigin = council::Governance;
	/// A consent naming more than 64 records should name a data class instead.
	type MaxRecordsPerConsent = ConstU32<64>;
	/// Separate consents per purpose or period for one grantee; 16 is generous.
	type MaxConsentsPerPair = ConstU32<16>;
	/// Eight hours: a shift. Governance can change it.
	type DefaultMaxEmergencyDuration = ConstU64<{ 8 * 60 * 60 * 1000 }>;
	/// An hour between one practitioner's emergency accesses to one patient.
	type EmergencyCooldown = ConstU64<{ 60 * 60 * 1000 }>;
	/// The audit log's `MaxBacklog` plus its `MaxClockSkew` (above): every emergency read the audit
	/// log may still accept is judged by the classes closed to emergency at its moment.
	type HistoryRetention = ConstU64<{ 24 * 60 * 60 * 1000 + 5 * 60 * 1000 }>;
	type WeightInfo = pallet_consent::weights::SubstrateWeight<Runtime>;
}

impl pallet_medical_records::Config for Runtime {
	type Identity = Identity;
	type SubjectOrigin = pallet_patient_identity::EnsureSubject<Runtime>;
	type Access = Consent;
	type Audit = AuditLog;
	type Time = Timestamp;
	/// A lifetime of care, versions included, not counting erased records (erasing frees room).
	type MaxRecordsPerPatient = ConstU32<100_000>;
	/// A thousand live records for one patient is more than any one clinician writes; it takes
	/// a hundred colluding practitioners to fill a patient's room.
	type MaxRecordsPerAuthor = ConstU32<1_000>;
	/// Corrections and addenda of one record; a record amended more often is a new record.
	type MaxVersions = ConstU32<64>;
	type WeightInfo = pallet_medical_records::weights::SubstrateWeight<Runtime>;
}

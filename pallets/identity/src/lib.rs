//! # Patient identity pallet
//!
//! The "who" of MedChain: every consent, record anchor and audit entry names a subject made here.
//!
//! ## Overview
//!
//! A subject has a stable identifier (`did:medchain:<hex>`) that outlives key changes. One signing
//! account controls it at a time, and [`Controllers`] maps that account back to the subject, so
//! every other pallet turns a signed origin into a subject ([`EnsureSubject`], and the
//! [`SubjectRegistry`](medchain_primitives::traits::SubjectRegistry) trait they are written
//! against). Each subject also registers an X25519
//! key-agreement key that record keys are wrapped for off chain; both keys rotate.
//!
//! Patients and practitioners register themselves. Organizations are admitted by governance;
//! an organization attests its practitioners (role, license hash, expiry) and registers its
//! gateways. A practitioner is a practitioner for access decisions only while an active
//! organization's attestation is live. Patients name guardians who may act for them and, past a
//! threshold and a delay the patient can cancel, re-bind a lost signing key.
//!
//! Deactivation leaves a tombstone: the identifier and every account that ever controlled it stay
//! reserved, so nothing can later pose as a subject that once existed.
//!
//! Identity also keeps some history, so that a read a gateway reports is judged as of the moment
//! it happened: when each attestation was issued, the attestations that ended
//! ([`EndedAttestations`]), when each subject was deactivated ([`DeactivatedAt`]) and when each
//! guardian held the delegate right ([`DelegatePeriods`]). Ended periods are kept for
//! [`Config::HistoryRetention`], and only the latest per practitioner and organization, or per
//! patient and guardian.
//!
//! ## Terminology
//!
//! - **Subject**: a patient, practitioner, organization or gateway known to the chain.
//! - **Controller**: the one account whose signature acts for a subject now.
//! - **Key-agreement key**: the subject's X25519 public key; record keys are wrapped for it.
//! - **Attestation**: an organization's statement that a practitioner holds a role until a date.
//! - **Live attestation**: unexpired on the chain clock, from an active organization.
//! - **Held attestation** (at a moment): issued by then, neither expired nor revoked by then,
//!   its organization not removed by then; what a past read is judged by.
//! - **Delegate period**: from when a guardian was given the delegate right until it was taken
//!   away.
//! - **Guardian**: a subject a patient names to act for them (delegate) or to recover their key.
//! - **Tombstone**: a deactivated subject; its identifier and accounts are never reused.
//!
//! ## Calls
//!
//! For patients and practitioners: [`Pallet::register`], [`Pallet::rotate_controller`],
//! [`Pallet::rotate_key_agreement`], [`Pallet::deactivate`].
//!
//! For patients: [`Pallet::add_guardian`], [`Pallet::remove_guardian`], [`Pallet::set_recovery`],
//! [`Pallet::cancel_recovery`].
//!
//! For guardians: [`Pallet::initiate_recovery`], [`Pallet::approve_recovery`],
//! [`Pallet::complete_recovery`] (the last by anyone once approved and due).
//!
//! For organizations: [`Pallet::attest_practitioner`], [`Pallet::revoke_attestation`],
//! [`Pallet::register_gateway`], [`Pallet::remove_gateway`].
//!
//! For governance: [`Pallet::admit_organization`], [`Pallet::remove_organization`].
//!
//! ## Assumptions
//!
//! - No PHI reaches this pallet: profiles and licenses are committed to by hash only.
//! - The chain clock (`Config::Time`) is the block timestamp; attestation expiry is read against it.
//! - Accounts are sr25519 (or any [`Config::OffchainSignature`] scheme); the proof of a new
//!   controller is a signature by the new account over [`Pallet::rotation_payload`].

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

#[cfg(feature = "runtime-benchmarks")]
#[allow(clippy::arithmetic_side_effects)] // test and benchmark set-up, not dispatch
mod benchmarking;
mod did;
mod functions;
#[cfg(any(test, feature = "mock"))]
#[allow(clippy::arithmetic_side_effects)] // test and benchmark set-up, not dispatch
pub mod mock;
mod registry;
#[cfg(test)]
#[allow(clippy::arithmetic_side_effects)] // test and benchmark set-up, not dispatch
mod tests;
#[cfg(any(feature = "try-runtime", feature = "mock", test))]
#[allow(clippy::arithmetic_side_effects)] // invariant checks count what exists, off dispatch
pub mod try_state;
pub mod types;
pub mod weights;

#[cfg(feature = "runtime-benchmarks")]
pub use did::Sr25519BenchmarkHelper;
pub use did::ROTATION_CONTEXT;
pub use pallet::*;
pub use registry::EnsureSubject;
pub use types::*;
pub use weights::WeightInfo;

use frame_support::traits::{EnsureOrigin, Get, Time};
use medchain_primitives::audit::AuditAction;
use sp_core::H256;
use sp_runtime::{
	traits::{IdentifyAccount, Verify},
	Saturating,
};

/// A subject record as this runtime stores it.
pub type SubjectOf<T> = Subject<
	<T as frame_system::Config>::AccountId,
	frame_system::pallet_prelude::BlockNumberFor<T>,
>;
/// A recovery under way as this runtime stores it.
pub type ActiveRecoveryOf<T> = ActiveRecovery<
	<T as frame_system::Config>::AccountId,
	frame_system::pallet_prelude::BlockNumberFor<T>,
	<T as Config>::MaxGuardians,
>;
/// An attestation as this runtime stores it.
pub type AttestationOf<T> = Attestation<frame_system::pallet_prelude::BlockNumberFor<T>>;

/// Helps the benchmarks make keys and signatures the runtime's signature scheme accepts.
#[cfg(feature = "runtime-benchmarks")]
pub trait BenchmarkHelper<Public, Signature> {
	/// A fresh key pair in the benchmark keystore; its public key.
	fn new_key() -> Public;
	/// The signature of `public`'s key over `message`.
	fn sign(public: &Public, message: &[u8]) -> Signature;
}

#[frame_support::pallet]
pub mod pallet {
	use super::*;
	use frame_support::pallet_prelude::*;
	use frame_system::pallet_prelude::*;
	use medchain_primitives::traits::AuditSink;

	/// The in-code storage version.
	const STORAGE_VERSION: StorageVersion = StorageVersion::new(1);

	#[pallet::pallet]
	#[pallet::storage_version(STORAGE_VERSION)]
	pub struct Pallet<T>(_);

	#[pallet::config(with_default)]
	pub trait Config: frame_system::Config<RuntimeEvent: From<Event<Self>>> {
		/// Admits and removes organizations: the consortium council (Root until it lands).
		#[pallet::no_default]
		type GovernanceOrigin: EnsureOrigin<Self::RuntimeOrigin>;

		/// The chain clock, milliseconds since the Unix epoch.
		#[pallet::no_default]
		type Time: Time<Moment = Moment>;

		/// Signature by which a new controller proves it holds its key.
		#[pallet::no_default_bounds]
		type OffchainSignature: Verify<Signer = Self::SigningPublicKey> + Parameter;

		/// The public key behind [`Config::OffchainSignature`]; it names an account.
		#[pallet::no_default_bounds]
		type SigningPublicKey: IdentifyAccount<AccountId = Self::AccountId> + Clone;

		/// Most organizations that may attest one practitioner at once.
		#[pallet::constant]
		type MaxAttestations: Get<u32>;

		/// Most guardians a patient may name.
		#[pallet::constant]
		type MaxGuardians: Get<u32>;

		/// Shortest recovery delay a patient may choose, in blocks: time to notice and cancel.
		#[pallet::constant]
		#[pallet::no_default_bounds]
		type MinRecoveryDelay: Get<BlockNumberFor<Self>>;

		/// Longest recovery delay a patient may choose, in blocks: a recovery must be able to
		/// complete in the chain's lifetime, and block arithmetic must never overflow.
		#[pallet::constant]
		#[pallet::no_default_bounds]
		type MaxRecoveryDelay: Get<BlockNumberFor<Self>>;

		/// Blocks after which a recovery under way lapses and the recovery guardians may start
		/// another: a recovery started with a bogus key cannot block the honest ones for ever.
		#[pallet::constant]
		#[pallet::no_default_bounds]
		type RecoveryExpiry: Get<BlockNumberFor<Self>>;

		/// Most gateways one organization may run (removing the organization removes them all).
		#[pallet::constant]
		type MaxGatewaysPerOrganization: Get<u32>;

		/// How long (ms, chain clock) ended attestations, removal times and guardians' delegate
		/// periods are kept after they end, so that past reads can be judged: the runtime sets it
		/// to the audit log's `MaxBacklog` plus its clock skew, the oldest read it still accepts.
		#[pallet::constant]
		type HistoryRetention: Get<Moment>;

		/// Where changes to a patient's identity (keys, guardians, recovery) are audited.
		#[pallet::no_default]
		type Audit: AuditSink;

		/// Weights of this pallet's calls, from its benchmarks.
		type WeightInfo: WeightInfo;

		/// Signs rotation payloads in the benchmarks.
		#[cfg(feature = "runtime-benchmarks")]
		#[pallet::no_default]
		type BenchmarkHelper: BenchmarkHelper<Self::SigningPublicKey, Self::OffchainSignature>;
	}

	/// Default implementations of [`DefaultConfig`], which can be used to implement [`Config`].
	pub mod config_preludes {
		use super::*;
		use frame_support::{derive_impl, traits::ConstU64};

		/// The test runtimes' identity configuration: small bounds so tests reach them, sr25519
		/// multi-signatures as on the real chain. Runtimes name `GovernanceOrigin`, `Time` and
		/// `Audit` themselves, since those are other pallets of theirs.
		pub struct TestDefaultConfig;

		#[derive_impl(frame_system::config_preludes::TestDefaultConfig, no_aggregated_types)]
		impl frame_system::DefaultConfig for TestDefaultConfig {}

		#[frame_support::register_default_impl(TestDefaultConfig)]
		impl DefaultConfig for TestDefaultConfig {
			type OffchainSignature = sp_runtime::MultiSignature;
			type SigningPublicKey = sp_runtime::MultiSigner;
			type MaxAttestations = ConstU32<4>;
			type MaxGuardians = ConstU32<4>;
			type MinRecoveryDelay = ConstU64<10>;
			type MaxRecoveryDelay = ConstU64<1_000>;
			type RecoveryExpiry = ConstU64<2_000>;
			type MaxGatewaysPerOrganization = ConstU32<3>;
			type HistoryRetention = ConstU64<86_400_000>;
			type WeightInfo = ();
		}
	}

	/// Every subject ever registered, tombstones included.
	///
	/// Blake2_128Concat: identifiers are hashes a caller cannot choose, and the hasher keeps
	/// iteration safe even so.
	#[pallet::storage]
	pub type Subjects<T: Config> =
		StorageMap<_, Blake2_128Concat, SubjectId, SubjectOf<T>, OptionQuery>;

	/// The subject each account controls now (a tombstone's last controller stays here too).
	///
	/// Blake2_128Concat: accounts are chosen by users.
	#[pallet::storage]
	pub type Controllers<T: Config> =
		StorageMap<_, Blake2_128Concat, T::AccountId, SubjectId, OptionQuery>;

	/// Accounts that controlled a subject before a rotation or recovery: never usable again.
	#[pallet::storage]
	pub type RetiredAccounts<T: Config> =
		StorageMap<_, Blake2_128Concat, T::AccountId, SubjectId, OptionQuery>;

	/// How many subjects were ever registered; feeds the identifier derivation.
	#[pallet::storage]
	pub type SubjectCount<T: Config> = StorageValue<_, u64, ValueQuery>;

	/// Attestations: (practitioner, organization) → attestation.
	#[pallet::storage]
	pub type Attestations<T: Config> = StorageDoubleMap<
		_,
		Blake2_128Concat,
		SubjectId,
		Blake2_128Concat,
		SubjectId,
		Attestation<BlockNumberFor<T>>,
		OptionQuery,
	>;

	/// Number of attestations each practitioner holds; bounded by [`Config::MaxAttestations`].
	#[pallet::storage]
	pub type AttestationCount<T: Config> =
		StorageMap<_, Blake2_128Concat, SubjectId, u32, ValueQuery>;

	/// Attestations that ended (revoked, lapsed, or cleaned up once their organization left):
	/// (practitioner, organization) → the period it held. History for judging past reads, the
	/// latest period per pair only: a later one overwrites it.
	///
	/// Bounded: one entry per organization that attested the practitioner, and organizations
	/// are admitted by governance. A practitioner's periods that ended more than
	/// [`Config::HistoryRetention`] ago are dropped whenever an organization attests them or
	/// revokes an attestation, which walks this prefix. Blake2_128Concat: identifiers are hashes
	/// a caller cannot choose.
	#[pallet::storage]
	pub type EndedAttestations<T: Config> = StorageDoubleMap<
		_,
		Blake2_128Concat,
		SubjectId,
		Blake2_128Concat,
		SubjectId,
		AttestationPeriod,
		OptionQuery,
	>;

	/// When each deactivated subject was deactivated (ms, chain clock): an organization's
	/// attestations count only before it, and so does a guardian's delegate right.
	///
	/// One entry per tombstone, never pruned: tombstones are kept for ever anyway.
	/// Blake2_128Concat: identifiers are hashes a caller cannot choose.
	#[pallet::storage]
	pub type DeactivatedAt<T: Config> =
		StorageMap<_, Blake2_128Concat, SubjectId, Moment, OptionQuery>;

	/// Guardians: (patient, guardian) → what the guardian may do.
	#[pallet::storage]
	pub type Guardians<T: Config> = StorageDoubleMap<
		_,
		Blake2_128Concat,
		SubjectId,
		Blake2_128Concat,
		SubjectId,
		GuardianRights,
		OptionQuery,
	>;

	/// Number of guardians each patient has; bounded by [`Config::MaxGuardians`].
	#[pallet::storage]
	pub type GuardianCount<T: Config> = StorageMap<_, Blake2_128Concat, SubjectId, u32, ValueQuery>;

	/// When each guardian held the delegate right for a patient: (patient, guardian) → period,
	/// open (`until: None`) while the guardian holds it. History for judging past reads: only
	/// the latest period per pair is kept, so giving the right again overwrites a closed one.
	///
	/// Bounded per patient by twice [`Config::MaxGuardians`] ([`DelegatePeriodCount`]): at most
	/// `MaxGuardians` are open, and closed ones are dropped once they ended more than
	/// [`Config::HistoryRetention`] ago (whenever the patient adds or removes a guardian) or,
	/// when the bound is reached, the one that closed first. Blake2_128Concat: identifiers are
	/// hashes a caller cannot choose.
	#[pallet::storage]
	pub type DelegatePeriods<T: Config> = StorageDoubleMap<
		_,
		Blake2_128Concat,
		SubjectId,
		Blake2_128Concat,
		SubjectId,
		DelegatePeriod,
		OptionQuery,
	>;

	/// Number of delegate periods kept for each patient; at most twice [`Config::MaxGuardians`].
	#[pallet::storage]
	pub type DelegatePeriodCount<T: Config> =
		StorageMap<_, Blake2_128Concat, SubjectId, u32, ValueQuery>;

	/// Number of each patient's guardians holding the recovery right.
	#[pallet::storage]
	pub type RecoveryGuardianCount<T: Config> =
		StorageMap<_, Blake2_128Concat, SubjectId, u32, ValueQuery>;

	/// Each patient's recovery settings.
	#[pallet::storage]
	pub type RecoveryConfigs<T: Config> =
		StorageMap<_, Blake2_128Concat, SubjectId, RecoveryConfig<BlockNumberFor<T>>, OptionQuery>;

	/// Accounts proposed as new controllers by a recovery under way: reserved for that patient
	/// until the recovery completes, is cancelled or lapses, so nobody can take them meanwhile.
	///
	/// Blake2_128Concat: accounts are chosen by users.
	#[pallet::storage]
	pub type PendingControllers<T: Config> =
		StorageMap<_, Blake2_128Concat, T::AccountId, SubjectId, OptionQuery>;

	/// Each organization's gateways: (organization, gateway) → (). Bounded by
	/// [`Config::MaxGatewaysPerOrganization`] through [`GatewayCount`].
	#[pallet::storage]
	pub type OrganizationGateways<T: Config> = StorageDoubleMap<
		_,
		Blake2_128Concat,
		SubjectId,
		Blake2_128Concat,
		SubjectId,
		(),
		OptionQuery,
	>;

	/// How many active gateways each organization runs.
	#[pallet::storage]
	pub type GatewayCount<T: Config> = StorageMap<_, Blake2_128Concat, SubjectId, u32, ValueQuery>;

	/// Recoveries under way, by patient.
	#[pallet::storage]
	pub type Recoveries<T: Config> = StorageMap<
		_,
		Blake2_128Concat,
		SubjectId,
		ActiveRecovery<T::AccountId, BlockNumberFor<T>, T::MaxGuardians>,
		OptionQuery,
	>;

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// A patient or practitioner registered.
		Registered { subject: SubjectId, kind: SubjectKind, controller: T::AccountId },
		/// Governance admitted an organization to the consortium.
		OrganizationAdmitted { organization: SubjectId, controller: T::AccountId },
		/// Governance removed an organization; its attestations and gateways stop counting.
		OrganizationRemoved { organization: SubjectId },
		/// An organization attested (or renewed) a practitioner.
		PractitionerAttested {
			practitioner: SubjectId,
			organization: SubjectId,
			role: PractitionerRole,
			expires_at: Moment,
		},
		/// An organization revoked its attestation of a practitioner.
		AttestationRevoked { practitioner: SubjectId, organization: SubjectId },
		/// An organization registered a gateway.
		GatewayRegistered { gateway: SubjectId, organization: SubjectId, controller: T::AccountId },
		/// An organization removed one of its gateways.
		GatewayRemoved { gateway: SubjectId, organization: SubjectId },
		/// A subject's signing account changed; the old one no longer works.
		ControllerRotated { subject: SubjectId, old: T::AccountId, new: T::AccountId },
		/// A subject's key-agreement key changed.
		KeyAgreementRotated { subject: SubjectId, key_agreement: KeyAgreementKey },
		/// A patient named a guardian or changed what they may do.
		GuardianSet { patient: SubjectId, guardian: SubjectId, rights: GuardianRights },
		/// A patient removed a guardian.
		GuardianRemoved { patient: SubjectId, guardian: SubjectId },
		/// A patient set how their key may be recovered.
		RecoveryConfigured { patient: SubjectId, threshold: u32, delay: BlockNumberFor<T> },
		/// A guardian started recovering a patient's key.
		RecoveryInitiated { patient: SubjectId, guardian: SubjectId, new_controller: T::AccountId },
		/// A guardian approved a recovery under way.
		RecoveryApproved { patient: SubjectId, guardian: SubjectId, approvals: u32 },
		/// A recovery completed: the patient's controller is the proposed account.
		RecoveryCompleted { patient: SubjectId, old: T::AccountId, new: T::AccountId },
		/// The patient cancelled a recovery with their current key.
		RecoveryCancelled { patient: SubjectId },
		/// A subject was deactivated and is now a tombstone.
		Deactivated { subject: SubjectId },
	}

	#[pallet::error]
	pub enum Error<T> {
		/// This account already controls an identity; one account controls one identity.
		AlreadyRegistered,
		/// This account controlled an identity before and can never be used again; use a fresh one.
		AccountRetired,
		/// That account already controls, or once controlled, an identity.
		AccountInUse,
		/// Only patients and practitioners register themselves; organizations are admitted by
		/// governance and gateways registered by their organization.
		KindNotSelfRegistrable,
		/// The signing account controls no identity.
		NotRegistered,
		/// No identity has that identifier.
		SubjectNotFound,
		/// That identity is deactivated (a tombstone) and cannot act or be acted on.
		SubjectDeactivated,
		/// Only an organization can do this.
		NotAnOrganization,
		/// The subject is not a practitioner.
		NotAPractitioner,
		/// The attestation's expiry is not in the future.
		ExpiryInPast,
		/// The practitioner already holds the most attestations allowed.
		TooManyAttestations,
		/// This organization does not attest that practitioner.
		NotAttested,
		/// The subject is not a gateway of the calling organization.
		NotOwnGateway,
		/// The new controller's signature over the rotation payload does not verify.
		BadRotationProof,
		/// Only a patient can do this.
		NotAPatient,
		/// A guardian must be an active patient or practitioner.
		GuardianNotEligible,
		/// A patient cannot be their own guardian.
		CannotGuardSelf,
		/// The patient already has the most guardians allowed.
		TooManyGuardians,
		/// A guardian must be given at least one right (delegate or recovery).
		NoGuardianRights,
		/// The subject is not a guardian of that patient.
		NotAGuardian,
		/// The threshold is more than the patient's recovery guardians could ever meet.
		ThresholdUnreachable,
		/// A recovery threshold must be at least one.
		ZeroThreshold,
		/// The recovery delay is shorter than the chain allows.
		RecoveryDelayTooShort,
		/// The patient has not set up recovery.
		RecoveryNotConfigured,
		/// Only a guardian with the recovery right can do this.
		NotARecoveryGuardian,
		/// A recovery for this patient is already under way.
		RecoveryAlreadyActive,
		/// No recovery is under way for this patient.
		NoActiveRecovery,
		/// This guardian has already approved.
		AlreadyApproved,
		/// Fewer guardians than the threshold have approved.
		NotEnoughApprovals,
		/// The recovery delay has not passed yet.
		RecoveryDelayNotElapsed,
		/// The recovery delay is longer than the chain allows.
		RecoveryDelayTooLong,
		/// The recovery under way proposes a different new controller than the one approved.
		WrongNewController,
		/// The recovery under way has lapsed; a recovery guardian may start a new one.
		RecoveryExpired,
		/// The organization already runs the most gateways allowed.
		TooManyGateways,
		/// The chain has registered the most identities it can.
		IdentifiersExhausted,
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		#[cfg(feature = "try-runtime")]
		fn try_state(_n: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
			crate::try_state::do_try_state::<T>()
		}
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Register the signing account as a new patient or practitioner.
		///
		/// The dispatch origin for this call must be _Signed_ by an account that has never
		/// controlled an identity.
		///
		/// - `kind`: `Patient` or `Practitioner`.
		/// - `key_agreement`: the subject's X25519 public key.
		/// - `profile_hash`: blake2-256 of the off-chain profile document.
		///
		/// Emits `Registered`. Errors: `KindNotSelfRegistrable`, `AlreadyRegistered`,
		/// `AccountRetired`, `AccountInUse` (reserved by a recovery under way),
		/// `IdentifiersExhausted`.
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::register())]
		pub fn register(
			origin: OriginFor<T>,
			kind: SubjectKind,
			key_agreement: KeyAgreementKey,
			profile_hash: H256,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			ensure!(
				matches!(kind, SubjectKind::Patient | SubjectKind::Practitioner),
				Error::<T>::KindNotSelfRegistrable
			);
			ensure!(!Controllers::<T>::contains_key(&who), Error::<T>::AlreadyRegistered);
			ensure!(!RetiredAccounts::<T>::contains_key(&who), Error::<T>::AccountRetired);
			Self::ensure_account_unused(&who)?;

			let subject =
				Self::create_subject(kind, who.clone(), key_agreement, profile_hash, None)?;
			Self::audit(&subject, subject, AuditAction::Create);
			Self::deposit_event(Event::Registered { subject, kind, controller: who });
			Ok(())
		}

		/// Admit an organization to the consortium, controlled by `controller`.
		///
		/// The dispatch origin for this call must be [`Config::GovernanceOrigin`].
		///
		/// - `controller`: the organization's signing account; never used by an identity before.
		/// - `key_agreement`: the organization's X25519 public key (its custodian key).
		/// - `profile_hash`: blake2-256 of the organization's off-chain profile.
		///
		/// Emits `OrganizationAdmitted`. Errors: `AccountInUse`.
		#[pallet::call_index(1)]
		#[pallet::weight(T::WeightInfo::admit_organization())]
		pub fn admit_organization(
			origin: OriginFor<T>,
			controller: T::AccountId,
			key_agreement: KeyAgreementKey,
			profile_hash: H256,
		) -> DispatchResult {
			T::GovernanceOrigin::ensure_origin(origin)?;
			Self::ensure_account_unused(&controller)?;

			let organization = Self::create_subject(
				SubjectKind::Organization,
				controller.clone(),
				key_agreement,
				profile_hash,
				None,
			)?;
			Self::deposit_event(Event::OrganizationAdmitted { organization, controller });
			Ok(())
		}

		/// Remove an organization from the consortium. It becomes a tombstone, and so does each of
		/// its gateways; its attestations stop counting at once, and a read judged later counts
		/// them only before this moment ([`DeactivatedAt`]).
		///
		/// The dispatch origin for this call must be [`Config::GovernanceOrigin`].
		///
		/// - `organization`: the organization to remove.
		///
		/// Emits `OrganizationRemoved`. Errors: `SubjectNotFound`, `NotAnOrganization`,
		/// `SubjectDeactivated`.
		#[pallet::call_index(2)]
		#[pallet::weight(T::WeightInfo::remove_organization().saturating_add(
			T::WeightInfo::remove_gateway()
				.saturating_mul(u64::from(T::MaxGatewaysPerOrganization::get()))
		))]
		pub fn remove_organization(
			origin: OriginFor<T>,
			organization: SubjectId,
		) -> DispatchResult {
			T::GovernanceOrigin::ensure_origin(origin)?;
			let subject = Subjects::<T>::get(organization).ok_or(Error::<T>::SubjectNotFound)?;
			ensure!(subject.kind == SubjectKind::Organization, Error::<T>::NotAnOrganization);
			ensure!(subject.is_active(), Error::<T>::SubjectDeactivated);

			Self::tombstone(organization, subject);
			for gateway in Self::remove_gateways_of(&organization) {
				Self::deposit_event(Event::GatewayRemoved { gateway, organization });
			}
			Self::deposit_event(Event::OrganizationRemoved { organization });
			Ok(())
		}

		/// Attest, or renew the attestation of, a practitioner. A renewal while the attestation
		/// is live keeps the time it was issued (the practitioner held it without a break); an
		/// attestation that lapsed is kept as history and a new one starts now. The
		/// practitioner's ended attestations older than [`Config::HistoryRetention`] are dropped.
		///
		/// The dispatch origin for this call must be _Signed_ by an active organization.
		///
		/// - `practitioner`: an active practitioner.
		/// - `role`: the role vouched for.
		/// - `license_hash`: blake2-256 of the license document.
		/// - `expires_at`: end of validity, ms since the Unix epoch; must be in the future.
		///
		/// Emits `PractitionerAttested`. Errors: `NotRegistered`, `SubjectDeactivated`,
		/// `NotAnOrganization`, `SubjectNotFound`, `NotAPractitioner`, `ExpiryInPast`,
		/// `TooManyAttestations`.
		#[pallet::call_index(3)]
		#[pallet::weight(T::WeightInfo::attest_practitioner())]
		pub fn attest_practitioner(
			origin: OriginFor<T>,
			practitioner: SubjectId,
			role: PractitionerRole,
			license_hash: H256,
			expires_at: Moment,
		) -> DispatchResult {
			let (organization, _) = Self::ensure_kind(origin, SubjectKind::Organization)?;
			let target = Self::active_subject(&practitioner)?;
			ensure!(target.kind == SubjectKind::Practitioner, Error::<T>::NotAPractitioner);
			let now = T::Time::now();
			ensure!(expires_at > now, Error::<T>::ExpiryInPast);
			let previous = Attestations::<T>::get(practitioner, organization);
			if previous.is_none() {
				if AttestationCount::<T>::get(practitioner) >= T::MaxAttestations::get() {
					// Expired attestations and those of removed organizations hold no rights;
					// they give up their slots before a live one is refused.
					Self::prune_dead_attestations(&practitioner, now);
				}
				ensure!(
					AttestationCount::<T>::get(practitioner) < T::MaxAttestations::get(),
					Error::<T>::TooManyAttestations
				);
				AttestationCount::<T>::mutate(practitioner, |n| *n = n.saturating_add(1));
			}
			// A renewal in the same role continues the attestation; a new role starts a new one
			// (the old role held until now), so a role is never backdated.
			let issued = match previous {
				Some(held)
					if Self::attestation_live(&organization, &held, now) && held.role == role =>
				{
					held.issued
				},
				Some(lapsed) => {
					Self::end_attestation(&practitioner, &organization, &lapsed, now);
					now
				},
				None => now,
			};
			Self::prune_ended_attestations(&practitioner, now);
			Attestations::<T>::insert(
				practitioner,
				organization,
				Attestation {
					role,
					license_hash,
					expires_at,
					issued,
					issued_at: frame_system::Pallet::<T>::block_number(),
				},
			);
			Self::deposit_event(Event::PractitionerAttested {
				practitioner,
				organization,
				role,
				expires_at,
			});
			Ok(())
		}

		/// Revoke the calling organization's attestation of a practitioner. If it was their
		/// last live one, they are no longer a practitioner for any access decision. Its period
		/// is kept as history ([`EndedAttestations`]), so reads served before the revocation
		/// stay justified; the practitioner's ended attestations older than
		/// [`Config::HistoryRetention`] are dropped.
		///
		/// The dispatch origin for this call must be _Signed_ by an active organization.
		///
		/// - `practitioner`: the practitioner the organization attests.
		///
		/// Emits `AttestationRevoked`. Errors: `NotRegistered`, `SubjectDeactivated`,
		/// `NotAnOrganization`, `NotAttested`.
		#[pallet::call_index(4)]
		#[pallet::weight(T::WeightInfo::revoke_attestation())]
		pub fn revoke_attestation(origin: OriginFor<T>, practitioner: SubjectId) -> DispatchResult {
			let (organization, _) = Self::ensure_kind(origin, SubjectKind::Organization)?;
			let attestation = Attestations::<T>::get(practitioner, organization)
				.ok_or(Error::<T>::NotAttested)?;

			let now = T::Time::now();
			Attestations::<T>::remove(practitioner, organization);
			AttestationCount::<T>::mutate_exists(practitioner, |n| {
				*n = n.and_then(|n| n.checked_sub(1)).filter(|n| *n > 0)
			});
			Self::end_attestation(&practitioner, &organization, &attestation, now);
			Self::prune_ended_attestations(&practitioner, now);
			Self::deposit_event(Event::AttestationRevoked { practitioner, organization });
			Ok(())
		}

		/// Register a gateway of the calling organization.
		///
		/// The dispatch origin for this call must be _Signed_ by an active organization.
		///
		/// - `controller`: the gateway's signing account; never used by an identity before.
		/// - `key_agreement`: the gateway's X25519 public key.
		/// - `profile_hash`: blake2-256 of the gateway's off-chain description (endpoint etc.).
		///
		/// Emits `GatewayRegistered`. Errors: `NotRegistered`, `SubjectDeactivated`,
		/// `NotAnOrganization`, `AccountInUse`, `TooManyGateways`, `IdentifiersExhausted`.
		#[pallet::call_index(5)]
		#[pallet::weight(T::WeightInfo::register_gateway())]
		pub fn register_gateway(
			origin: OriginFor<T>,
			controller: T::AccountId,
			key_agreement: KeyAgreementKey,
			profile_hash: H256,
		) -> DispatchResult {
			let (organization, _) = Self::ensure_kind(origin, SubjectKind::Organization)?;
			Self::ensure_account_unused(&controller)?;
			let gateways = GatewayCount::<T>::get(organization);
			ensure!(gateways < T::MaxGatewaysPerOrganization::get(), Error::<T>::TooManyGateways);

			let gateway = Self::create_subject(
				SubjectKind::Gateway,
				controller.clone(),
				key_agreement,
				profile_hash,
				Some(organization),
			)?;
			OrganizationGateways::<T>::insert(organization, gateway, ());
			GatewayCount::<T>::insert(organization, gateways.saturating_add(1));
			Self::deposit_event(Event::GatewayRegistered { gateway, organization, controller });
			Ok(())
		}

		/// Remove one of the calling organization's gateways; it becomes a tombstone.
		///
		/// The dispatch origin for this call must be _Signed_ by an active organization.
		///
		/// - `gateway`: an active gateway this organization registered.
		///
		/// Emits `GatewayRemoved`. Errors: `NotRegistered`, `SubjectDeactivated`,
		/// `NotAnOrganization`, `SubjectNotFound`, `NotOwnGateway`.
		#[pallet::call_index(6)]
		#[pallet::weight(T::WeightInfo::remove_gateway())]
		pub fn remove_gateway(origin: OriginFor<T>, gateway: SubjectId) -> DispatchResult {
			let (organization, _) = Self::ensure_kind(origin, SubjectKind::Organization)?;
			let subject = Self::active_subject(&gateway)?;
			ensure!(
				subject.kind == SubjectKind::Gateway && subject.organization == Some(organization),
				Error::<T>::NotOwnGateway
			);
			Self::tombstone(gateway, subject);
			Self::forget_gateway(&organization, &gateway);
			Self::deposit_event(Event::GatewayRemoved { gateway, organization });
			Ok(())
		}

		/// Hand control of the caller's identity to a new signing account. The old account stops
		/// working at once and can never be used again.
		///
		/// The dispatch origin for this call must be _Signed_ by the identity's controller.
		///
		/// - `new_controller`: an account that has never controlled an identity.
		/// - `proof`: `new_controller`'s signature over [`Pallet::rotation_payload`] (also the
		///   `IdentityApi::rotation_payload` runtime API), proving it holds the new key.
		///
		/// Emits `ControllerRotated`. Errors: `NotRegistered`, `SubjectDeactivated`,
		/// `AccountInUse`, `BadRotationProof`.
		#[pallet::call_index(7)]
		#[pallet::weight(T::WeightInfo::rotate_controller())]
		pub fn rotate_controller(
			origin: OriginFor<T>,
			new_controller: T::AccountId,
			proof: T::OffchainSignature,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let (id, subject) = Self::subject_controlled_by(&who)?;
			Self::ensure_account_unused(&new_controller)?;
			let payload = Self::rotation_payload_for(&id, &subject, &new_controller);
			ensure!(proof.verify(&payload[..], &new_controller), Error::<T>::BadRotationProof);

			Self::rebind_controller(id, subject, new_controller.clone());
			// The subject holds a working key again: a recovery under way has no purpose left and
			// must not later replace the key just chosen.
			Self::end_recovery(&id);
			Self::audit(&id, id, AuditAction::Update);
			Self::deposit_event(Event::ControllerRotated {
				subject: id,
				old: who,
				new: new_controller,
			});
			Ok(())
		}

		/// Replace the caller's X25519 key-agreement key. Records wrapped for the old key stay
		/// readable only where the holder re-wraps them; new wraps use the new key.
		///
		/// The dispatch origin for this call must be _Signed_ by an active identity's controller.
		///
		/// - `key_agreement`: the new X25519 public key.
		///
		/// Emits `KeyAgreementRotated`. Errors: `NotRegistered`, `SubjectDeactivated`.
		#[pallet::call_index(8)]
		#[pallet::weight(T::WeightInfo::rotate_key_agreement())]
		pub fn rotate_key_agreement(
			origin: OriginFor<T>,
			key_agreement: KeyAgreementKey,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let (id, mut subject) = Self::subject_controlled_by(&who)?;
			subject.key_agreement = key_agreement;
			Subjects::<T>::insert(id, subject);
			Self::audit(&id, id, AuditAction::Update);
			Self::deposit_event(Event::KeyAgreementRotated { subject: id, key_agreement });
			Ok(())
		}

		/// Name a guardian, or change what an existing guardian may do. Giving the delegate
		/// right opens a delegate period ([`DelegatePeriods`]), taking it away closes it; the
		/// patient's delegate periods that closed more than [`Config::HistoryRetention`] ago are
		/// dropped.
		///
		/// The dispatch origin for this call must be _Signed_ by an active patient.
		///
		/// - `guardian`: an active patient or practitioner other than the caller.
		/// - `rights`: `delegate` (act in consent calls) and/or `recovery` (recover the key).
		///
		/// Emits `GuardianSet`. Errors: `NotRegistered`, `SubjectDeactivated`, `NotAPatient`,
		/// `NoGuardianRights`, `CannotGuardSelf`, `SubjectNotFound`, `GuardianNotEligible`,
		/// `TooManyGuardians`, `ThresholdUnreachable` (when removing the recovery right).
		#[pallet::call_index(9)]
		#[pallet::weight(T::WeightInfo::add_guardian())]
		pub fn add_guardian(
			origin: OriginFor<T>,
			guardian: SubjectId,
			rights: GuardianRights,
		) -> DispatchResult {
			let (patient, _) = Self::ensure_kind(origin, SubjectKind::Patient)?;
			ensure!(rights.delegate || rights.recovery, Error::<T>::NoGuardianRights);
			ensure!(guardian != patient, Error::<T>::CannotGuardSelf);
			let target = Self::active_subject(&guardian)?;
			ensure!(
				matches!(target.kind, SubjectKind::Patient | SubjectKind::Practitioner),
				Error::<T>::GuardianNotEligible
			);
			let previous = Guardians::<T>::get(patient, guardian);
			if previous.is_none() {
				ensure!(
					GuardianCount::<T>::get(patient) < T::MaxGuardians::get(),
					Error::<T>::TooManyGuardians
				);
			}
			let was_recovery = previous.is_some_and(|r| r.recovery);
			let recovery_count = RecoveryGuardianCount::<T>::get(patient);
			let new_recovery_count = match (was_recovery, rights.recovery) {
				(false, true) => recovery_count.saturating_add(1),
				(true, false) => recovery_count.saturating_sub(1),
				_ => recovery_count,
			};
			Self::ensure_threshold_reachable(&patient, new_recovery_count)?;

			let now = T::Time::now();
			if previous.is_none() {
				GuardianCount::<T>::mutate(patient, |n| *n = n.saturating_add(1));
			}
			RecoveryGuardianCount::<T>::insert(patient, new_recovery_count);
			Guardians::<T>::insert(patient, guardian, rights);
			Self::prune_delegate_periods(&patient, now);
			match (previous.is_some_and(|r| r.delegate), rights.delegate) {
				(false, true) => Self::open_delegate_period(&patient, &guardian, now),
				(true, false) => Self::close_delegate_period(&patient, &guardian, now),
				_ => {},
			}
			Self::audit(&patient, patient, AuditAction::Update);
			Self::deposit_event(Event::GuardianSet { patient, guardian, rights });
			Ok(())
		}

		/// Remove a guardian. A recovery guardian cannot be removed while that would leave fewer
		/// recovery guardians than the recovery threshold: lower the threshold first. A delegate
		/// guardian's delegate period closes now and is kept as history; the patient's delegate
		/// periods that closed more than [`Config::HistoryRetention`] ago are dropped.
		///
		/// The dispatch origin for this call must be _Signed_ by an active patient.
		///
		/// - `guardian`: one of the patient's guardians.
		///
		/// Emits `GuardianRemoved`. Errors: `NotRegistered`, `SubjectDeactivated`, `NotAPatient`,
		/// `NotAGuardian`, `ThresholdUnreachable`.
		#[pallet::call_index(10)]
		#[pallet::weight(T::WeightInfo::remove_guardian())]
		pub fn remove_guardian(origin: OriginFor<T>, guardian: SubjectId) -> DispatchResult {
			let (patient, _) = Self::ensure_kind(origin, SubjectKind::Patient)?;
			let rights = Guardians::<T>::get(patient, guardian).ok_or(Error::<T>::NotAGuardian)?;
			let recovery_count = RecoveryGuardianCount::<T>::get(patient)
				.saturating_sub(if rights.recovery { 1 } else { 0 });
			Self::ensure_threshold_reachable(&patient, recovery_count)?;

			let now = T::Time::now();
			Guardians::<T>::remove(patient, guardian);
			Self::prune_delegate_periods(&patient, now);
			if rights.delegate {
				Self::close_delegate_period(&patient, &guardian, now);
			}
			GuardianCount::<T>::mutate_exists(patient, |n| {
				*n = n.and_then(|n| n.checked_sub(1)).filter(|n| *n > 0)
			});
			if recovery_count == 0 {
				RecoveryGuardianCount::<T>::remove(patient);
			} else {
				RecoveryGuardianCount::<T>::insert(patient, recovery_count);
			}
			Self::audit(&patient, patient, AuditAction::Update);
			Self::deposit_event(Event::GuardianRemoved { patient, guardian });
			Ok(())
		}

		/// Set how the caller's signing key can be recovered by their guardians.
		///
		/// The dispatch origin for this call must be _Signed_ by an active patient.
		///
		/// - `threshold`: how many recovery guardians must approve; at least 1, at most the
		///   number of recovery guardians the patient has.
		/// - `delay`: blocks from the first approval to completion; at least
		///   [`Config::MinRecoveryDelay`]. The patient can cancel during it.
		///
		/// Emits `RecoveryConfigured`. Errors: `NotRegistered`, `SubjectDeactivated`,
		/// `NotAPatient`, `ZeroThreshold`, `ThresholdUnreachable`, `RecoveryDelayTooShort`.
		#[pallet::call_index(11)]
		#[pallet::weight(T::WeightInfo::set_recovery())]
		pub fn set_recovery(
			origin: OriginFor<T>,
			threshold: u32,
			delay: BlockNumberFor<T>,
		) -> DispatchResult {
			let (patient, _) = Self::ensure_kind(origin, SubjectKind::Patient)?;
			ensure!(threshold > 0, Error::<T>::ZeroThreshold);
			ensure!(
				threshold <= RecoveryGuardianCount::<T>::get(patient),
				Error::<T>::ThresholdUnreachable
			);
			ensure!(delay >= T::MinRecoveryDelay::get(), Error::<T>::RecoveryDelayTooShort);
			ensure!(delay <= T::MaxRecoveryDelay::get(), Error::<T>::RecoveryDelayTooLong);

			RecoveryConfigs::<T>::insert(patient, RecoveryConfig { threshold, delay });
			Self::audit(&patient, patient, AuditAction::Update);
			Self::deposit_event(Event::RecoveryConfigured { patient, threshold, delay });
			Ok(())
		}

		/// Start recovering a patient's lost signing key: propose the account that will control
		/// the patient. The initiator's approval counts, and the proposed account is reserved
		/// (nobody can register with it) until the recovery completes, is cancelled or lapses.
		///
		/// A recovery under way is replaced by this one when it has lapsed
		/// ([`Config::RecoveryExpiry`]), or when this guardian did not start it and it has fewer
		/// approvals than the threshold: a rogue guardian's bogus proposal cannot block the
		/// honest ones, who displace it and approve theirs.
		///
		/// The dispatch origin for this call must be _Signed_ by a recovery guardian of `patient`.
		///
		/// - `patient`: the patient whose key is lost.
		/// - `new_controller`: an account that has never controlled an identity.
		/// - `proof`: `new_controller`'s signature over [`Pallet::rotation_payload`] for the
		///   patient, proving the proposed key exists and agrees (the patient's new device signs).
		///
		/// Emits `RecoveryInitiated`. Errors: `NotRegistered`, `SubjectDeactivated`,
		/// `SubjectNotFound`, `NotARecoveryGuardian`, `RecoveryNotConfigured`,
		/// `RecoveryAlreadyActive`, `AccountInUse`, `BadRotationProof`.
		#[pallet::call_index(12)]
		#[pallet::weight(T::WeightInfo::initiate_recovery())]
		pub fn initiate_recovery(
			origin: OriginFor<T>,
			patient: SubjectId,
			new_controller: T::AccountId,
			proof: T::OffchainSignature,
		) -> DispatchResult {
			let guardian = Self::ensure_recovery_guardian(origin, &patient)?;
			let subject = Self::active_subject(&patient)?;
			let config =
				RecoveryConfigs::<T>::get(patient).ok_or(Error::<T>::RecoveryNotConfigured)?;
			if let Some(pending) = Recoveries::<T>::get(patient) {
				// A pending recovery gives way when it has lapsed, or when another guardian
				// proposes instead and it has not yet gathered its threshold: one guardian alone
				// cannot hold the door shut.
				let displaceable = pending.approvals.first() != Some(&guardian)
					&& Self::valid_approvals(&patient, &pending) < config.threshold;
				ensure!(
					Self::recovery_lapsed(&pending) || displaceable,
					Error::<T>::RecoveryAlreadyActive
				);
				Self::end_recovery(&patient);
			}
			Self::ensure_account_unused(&new_controller)?;
			// The proposed key consents to taking the patient over, as in a rotation: nobody can
			// name (and so reserve) an account whose key they do not hold.
			let payload = Self::rotation_payload_for(&patient, &subject, &new_controller);
			ensure!(proof.verify(&payload[..], &new_controller), Error::<T>::BadRotationProof);

			let approvals = BoundedVec::truncate_from(alloc::vec![guardian]);
			PendingControllers::<T>::insert(&new_controller, patient);
			Recoveries::<T>::insert(
				patient,
				ActiveRecovery {
					new_controller: new_controller.clone(),
					initiated_at: frame_system::Pallet::<T>::block_number(),
					approvals,
				},
			);
			Self::audit(&patient, guardian, AuditAction::Update);
			Self::deposit_event(Event::RecoveryInitiated { patient, guardian, new_controller });
			Ok(())
		}

		/// Approve the recovery under way for a patient, for the account it proposes.
		///
		/// The dispatch origin for this call must be _Signed_ by a recovery guardian of `patient`.
		///
		/// - `patient`: the patient being recovered.
		/// - `new_controller`: the account the guardian approves; it must be the one the recovery
		///   proposes, so an approval never counts for another account.
		///
		/// Emits `RecoveryApproved`. Errors: `NotRegistered`, `SubjectDeactivated`,
		/// `SubjectNotFound`, `NotARecoveryGuardian`, `NoActiveRecovery`, `RecoveryExpired`,
		/// `WrongNewController`, `AlreadyApproved`.
		#[pallet::call_index(13)]
		#[pallet::weight(T::WeightInfo::approve_recovery())]
		pub fn approve_recovery(
			origin: OriginFor<T>,
			patient: SubjectId,
			new_controller: T::AccountId,
		) -> DispatchResult {
			let guardian = Self::ensure_recovery_guardian(origin, &patient)?;
			let mut recovery = Recoveries::<T>::get(patient).ok_or(Error::<T>::NoActiveRecovery)?;
			ensure!(!Self::recovery_lapsed(&recovery), Error::<T>::RecoveryExpired);
			ensure!(recovery.new_controller == new_controller, Error::<T>::WrongNewController);
			ensure!(!recovery.approvals.contains(&guardian), Error::<T>::AlreadyApproved);
			// Every approver is a distinct guardian, so this holds while MaxGuardians bounds them.
			recovery
				.approvals
				.try_push(guardian)
				.map_err(|_| Error::<T>::TooManyGuardians)?;
			let approvals = u32::try_from(recovery.approvals.len()).unwrap_or(u32::MAX);
			Recoveries::<T>::insert(patient, recovery);
			Self::audit(&patient, guardian, AuditAction::Update);
			Self::deposit_event(Event::RecoveryApproved { patient, guardian, approvals });
			Ok(())
		}

		/// Complete an approved recovery once its delay has passed: the proposed account becomes
		/// the patient's controller and the lost one is retired. Approvals count only from
		/// guardians who still hold the recovery right and are still active.
		///
		/// The dispatch origin for this call must be _Signed_ (by anyone: the rules are checked,
		/// not the caller).
		///
		/// - `patient`: the patient being recovered.
		///
		/// The weight charged is for the approvals the recovery holds, not for the most it could
		/// hold (`MaxGuardians`): the rest is refunded.
		///
		/// Emits `RecoveryCompleted`. Errors: `NoActiveRecovery`, `SubjectNotFound`,
		/// `SubjectDeactivated`, `RecoveryExpired`, `RecoveryNotConfigured`,
		/// `NotEnoughApprovals`, `RecoveryDelayNotElapsed`, `AccountInUse`.
		#[pallet::call_index(14)]
		#[pallet::weight(T::WeightInfo::complete_recovery(T::MaxGuardians::get()))]
		pub fn complete_recovery(
			origin: OriginFor<T>,
			patient: SubjectId,
		) -> DispatchResultWithPostInfo {
			ensure_signed(origin)?;
			let recovery = Recoveries::<T>::get(patient).ok_or(Error::<T>::NoActiveRecovery)?;
			let subject = Self::active_subject(&patient)?;
			ensure!(!Self::recovery_lapsed(&recovery), Error::<T>::RecoveryExpired);
			let config =
				RecoveryConfigs::<T>::get(patient).ok_or(Error::<T>::RecoveryNotConfigured)?;
			// Approvals from guardians since removed, deactivated, or who lost the recovery right,
			// do not count.
			ensure!(
				Self::valid_approvals(&patient, &recovery) >= config.threshold,
				Error::<T>::NotEnoughApprovals
			);
			ensure!(
				frame_system::Pallet::<T>::block_number()
					>= recovery.initiated_at.saturating_add(config.delay),
				Error::<T>::RecoveryDelayNotElapsed
			);
			// The proposed account is reserved for this recovery; it must not have been taken
			// any other way.
			ensure!(
				!Controllers::<T>::contains_key(&recovery.new_controller)
					&& !RetiredAccounts::<T>::contains_key(&recovery.new_controller),
				Error::<T>::AccountInUse
			);

			let old = subject.controller.clone();
			let initiator = recovery.approvals.first().copied().unwrap_or(patient);
			// What the call cost grows with the approvals it checked (the benchmark's `g`).
			let approvals = u32::try_from(recovery.approvals.len()).unwrap_or(u32::MAX);
			Self::end_recovery(&patient);
			Self::audit(&patient, initiator, AuditAction::Update);
			Self::rebind_controller(patient, subject, recovery.new_controller.clone());
			Self::deposit_event(Event::RecoveryCompleted {
				patient,
				old,
				new: recovery.new_controller,
			});
			Ok(Some(T::WeightInfo::complete_recovery(approvals)).into())
		}

		/// Cancel the recovery under way: the patient still holds their key.
		///
		/// The dispatch origin for this call must be _Signed_ by the patient's current controller.
		///
		/// Emits `RecoveryCancelled`. Errors: `NotRegistered`, `SubjectDeactivated`,
		/// `NotAPatient`, `NoActiveRecovery`.
		#[pallet::call_index(15)]
		#[pallet::weight(T::WeightInfo::cancel_recovery())]
		pub fn cancel_recovery(origin: OriginFor<T>) -> DispatchResult {
			let (patient, _) = Self::ensure_kind(origin, SubjectKind::Patient)?;
			ensure!(Recoveries::<T>::contains_key(patient), Error::<T>::NoActiveRecovery);
			Self::end_recovery(&patient);
			Self::audit(&patient, patient, AuditAction::Update);
			Self::deposit_event(Event::RecoveryCancelled { patient });
			Ok(())
		}

		/// Deactivate the caller's identity for good. It becomes a tombstone: its identifier and
		/// account are never reused, and no consent, record or access can name it as acting. An
		/// organization's gateways become tombstones with it. The moment is kept
		/// ([`DeactivatedAt`]): an organization's attestations and a guardian's delegate right
		/// count, for reads judged later, only before it.
		///
		/// The dispatch origin for this call must be _Signed_ by an active identity's controller.
		///
		/// The weight charged covers the gateways this call removes (an organization's, or a
		/// gateway's own entry in its organization's list), not the most an organization may run
		/// (`MaxGatewaysPerOrganization`): the rest is refunded.
		///
		/// Emits `Deactivated` (and `GatewayRemoved` for each gateway of an organization).
		/// Errors: `NotRegistered`, `SubjectDeactivated`.
		#[pallet::call_index(16)]
		#[pallet::weight(T::WeightInfo::deactivate().saturating_add(
			T::WeightInfo::remove_gateway()
				.saturating_mul(u64::from(T::MaxGatewaysPerOrganization::get()))
		))]
		pub fn deactivate(origin: OriginFor<T>) -> DispatchResultWithPostInfo {
			let who = ensure_signed(origin)?;
			let (id, subject) = Self::subject_controlled_by(&who)?;
			let kind = subject.kind;
			let organization = subject.organization;
			Self::tombstone(id, subject);
			// Gateways tombstoned or taken off an organization's list: each costs at most what
			// `remove_gateway` measures, on top of the patient's deactivation `deactivate` does.
			let gateways = match (kind, organization) {
				// An organization that leaves takes its gateways with it, as when it is removed.
				(SubjectKind::Organization, _) => {
					let removed = Self::remove_gateways_of(&id);
					for gateway in &removed {
						Self::deposit_event(Event::GatewayRemoved {
							gateway: *gateway,
							organization: id,
						});
					}
					removed.len()
				},
				(SubjectKind::Gateway, Some(organization)) => {
					Self::forget_gateway(&organization, &id);
					1
				},
				_ => 0,
			};
			let is_patient = kind == SubjectKind::Patient;
			if is_patient {
				Self::audit(&id, id, AuditAction::Delete);
			}
			Self::deposit_event(Event::Deactivated { subject: id });
			let gateways = u64::try_from(gateways).unwrap_or(u64::MAX);
			Ok(Some(
				T::WeightInfo::deactivate()
					.saturating_add(T::WeightInfo::remove_gateway().saturating_mul(gateways)),
			)
			.into())
		}
	}
}

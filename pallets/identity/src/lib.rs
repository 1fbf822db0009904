//! # Patient identity pallet
//!
//! The "who" of MedChain: every consent, record anchor and audit entry names a subject made here.
//!
//! ## Overview
//!
//! A subject has a stable identifier (`did:medchain:<hex>`) that outlives key changes. One signing
//! account controls it at a time, and [`Controllers`] maps that account back to the subject, so
//! every other pallet turns a signed origin into a subject ([`EnsureSubject`], and the
//! [`SubjectRegistry`] trait they are written against). Each subject also registers an X25519
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
//! ## Terminology
//!
//! - **Subject**: a patient, practitioner, organization or gateway known to the chain.
//! - **Controller**: the one account whose signature acts for a subject now.
//! - **Key-agreement key**: the subject's X25519 public key; record keys are wrapped for it.
//! - **Attestation**: an organization's statement that a practitioner holds a role until a date.
//! - **Live attestation**: unexpired on the chain clock, from an active organization.
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
mod benchmarking;
#[cfg(test)]
mod mock;
#[cfg(test)]
mod tests;
#[cfg(any(feature = "try-runtime", test))]
mod try_state;
pub mod types;
pub mod weights;

pub use pallet::*;
pub use types::*;
pub use weights::WeightInfo;

use alloc::vec::Vec;
use codec::Encode;
use frame_support::traits::{EnsureOrigin, Get, Time};
use medchain_primitives::{
	audit::{AuditAction, AuditEventType, AuditRecord, AuditSink},
	identity::SubjectRegistry,
};
use sp_core::H256;
use sp_runtime::traits::{IdentifyAccount, SaturatedConversion, Verify};

/// A subject record as this runtime stores it.
pub type SubjectOf<T> = Subject<
	<T as frame_system::Config>::AccountId,
	frame_system::pallet_prelude::BlockNumberFor<T>,
>;
/// An attestation as this runtime stores it.
pub type AttestationOf<T> = Attestation<frame_system::pallet_prelude::BlockNumberFor<T>>;

/// Domain separator of the identifier derivation.
const DID_CONTEXT: &[u8] = b"medchain:did";
/// Domain separator of the controller-rotation payload.
pub const ROTATION_CONTEXT: &[u8] = b"medchain:rotate-controller";

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

	/// The in-code storage version.
	const STORAGE_VERSION: StorageVersion = StorageVersion::new(1);

	#[pallet::pallet]
	#[pallet::storage_version(STORAGE_VERSION)]
	pub struct Pallet<T>(_);

	#[pallet::config]
	pub trait Config: frame_system::Config<RuntimeEvent: From<Event<Self>>> {
		/// Admits and removes organizations: the consortium council (Root until it lands).
		type GovernanceOrigin: EnsureOrigin<Self::RuntimeOrigin>;

		/// The chain clock, milliseconds since the Unix epoch.
		type Time: Time<Moment = Moment>;

		/// Signature by which a new controller proves it holds its key.
		type OffchainSignature: Verify<Signer = Self::SigningPublicKey> + Parameter;

		/// The public key behind [`Config::OffchainSignature`]; it names an account.
		type SigningPublicKey: IdentifyAccount<AccountId = Self::AccountId> + Clone;

		/// Most organizations that may attest one practitioner at once.
		#[pallet::constant]
		type MaxAttestations: Get<u32>;

		/// Most guardians a patient may name.
		#[pallet::constant]
		type MaxGuardians: Get<u32>;

		/// Shortest recovery delay a patient may choose, in blocks: time to notice and cancel.
		#[pallet::constant]
		type MinRecoveryDelay: Get<BlockNumberFor<Self>>;

		/// Where changes to a patient's identity (keys, guardians, recovery) are audited.
		type Audit: AuditSink;

		/// Weights of this pallet's calls, from its benchmarks.
		type WeightInfo: WeightInfo;

		/// Signs rotation payloads in the benchmarks.
		#[cfg(feature = "runtime-benchmarks")]
		type BenchmarkHelper: BenchmarkHelper<Self::SigningPublicKey, Self::OffchainSignature>;
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

	/// Number of each patient's guardians holding the recovery right.
	#[pallet::storage]
	pub type RecoveryGuardianCount<T: Config> =
		StorageMap<_, Blake2_128Concat, SubjectId, u32, ValueQuery>;

	/// Each patient's recovery settings.
	#[pallet::storage]
	pub type RecoveryConfigs<T: Config> =
		StorageMap<_, Blake2_128Concat, SubjectId, RecoveryConfig<BlockNumberFor<T>>, OptionQuery>;

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
		/// `AccountRetired`.
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

			let subject =
				Self::create_subject(kind, who.clone(), key_agreement, profile_hash, None);
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
			);
			Self::deposit_event(Event::OrganizationAdmitted { organization, controller });
			Ok(())
		}

		/// Remove an organization from the consortium. It becomes a tombstone: its attestations
		/// and gateways stop counting at once.
		///
		/// The dispatch origin for this call must be [`Config::GovernanceOrigin`].
		///
		/// - `organization`: the organization to remove.
		///
		/// Emits `OrganizationRemoved`. Errors: `SubjectNotFound`, `NotAnOrganization`,
		/// `SubjectDeactivated`.
		#[pallet::call_index(2)]
		#[pallet::weight(T::WeightInfo::remove_organization())]
		pub fn remove_organization(
			origin: OriginFor<T>,
			organization: SubjectId,
		) -> DispatchResult {
			T::GovernanceOrigin::ensure_origin(origin)?;
			let subject = Subjects::<T>::get(organization).ok_or(Error::<T>::SubjectNotFound)?;
			ensure!(subject.kind == SubjectKind::Organization, Error::<T>::NotAnOrganization);
			ensure!(subject.is_active(), Error::<T>::SubjectDeactivated);

			Self::tombstone(organization, subject);
			Self::deposit_event(Event::OrganizationRemoved { organization });
			Ok(())
		}

		/// Attest, or renew the attestation of, a practitioner.
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
			ensure!(expires_at > T::Time::now(), Error::<T>::ExpiryInPast);
			let renewal = Attestations::<T>::contains_key(practitioner, organization);
			if !renewal {
				ensure!(
					AttestationCount::<T>::get(practitioner) < T::MaxAttestations::get(),
					Error::<T>::TooManyAttestations
				);
				AttestationCount::<T>::mutate(practitioner, |n| *n += 1);
			}
			Attestations::<T>::insert(
				practitioner,
				organization,
				Attestation {
					role,
					license_hash,
					expires_at,
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
		/// last live one, they are no longer a practitioner for any access decision.
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
			ensure!(
				Attestations::<T>::contains_key(practitioner, organization),
				Error::<T>::NotAttested
			);
			Attestations::<T>::remove(practitioner, organization);
			AttestationCount::<T>::mutate_exists(practitioner, |n| {
				*n = n.and_then(|n| n.checked_sub(1)).filter(|n| *n > 0)
			});
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
		/// `NotAnOrganization`, `AccountInUse`.
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

			let gateway = Self::create_subject(
				SubjectKind::Gateway,
				controller.clone(),
				key_agreement,
				profile_hash,
				Some(organization),
			);
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

		/// Name a guardian, or change what an existing guardian may do.
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
				(false, true) => recovery_count + 1,
				(true, false) => recovery_count.saturating_sub(1),
				_ => recovery_count,
			};
			Self::ensure_threshold_reachable(&patient, new_recovery_count)?;

			if previous.is_none() {
				GuardianCount::<T>::mutate(patient, |n| *n += 1);
			}
			RecoveryGuardianCount::<T>::insert(patient, new_recovery_count);
			Guardians::<T>::insert(patient, guardian, rights);
			Self::audit(&patient, patient, AuditAction::Update);
			Self::deposit_event(Event::GuardianSet { patient, guardian, rights });
			Ok(())
		}

		/// Remove a guardian. A recovery guardian cannot be removed while that would leave fewer
		/// recovery guardians than the recovery threshold: lower the threshold first.
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

			Guardians::<T>::remove(patient, guardian);
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

			RecoveryConfigs::<T>::insert(patient, RecoveryConfig { threshold, delay });
			Self::audit(&patient, patient, AuditAction::Update);
			Self::deposit_event(Event::RecoveryConfigured { patient, threshold, delay });
			Ok(())
		}

		/// Start recovering a patient's lost signing key: propose the account that will control
		/// the patient. The initiator's approval counts.
		///
		/// The dispatch origin for this call must be _Signed_ by a recovery guardian of `patient`.
		///
		/// - `patient`: the patient whose key is lost.
		/// - `new_controller`: an account that has never controlled an identity.
		///
		/// Emits `RecoveryInitiated`. Errors: `NotRegistered`, `SubjectDeactivated`,
		/// `SubjectNotFound`, `NotARecoveryGuardian`, `RecoveryNotConfigured`,
		/// `RecoveryAlreadyActive`, `AccountInUse`.
		#[pallet::call_index(12)]
		#[pallet::weight(T::WeightInfo::initiate_recovery())]
		pub fn initiate_recovery(
			origin: OriginFor<T>,
			patient: SubjectId,
			new_controller: T::AccountId,
		) -> DispatchResult {
			let guardian = Self::ensure_recovery_guardian(origin, &patient)?;
			ensure!(RecoveryConfigs::<T>::contains_key(patient), Error::<T>::RecoveryNotConfigured);
			ensure!(!Recoveries::<T>::contains_key(patient), Error::<T>::RecoveryAlreadyActive);
			Self::ensure_account_unused(&new_controller)?;

			let approvals = BoundedVec::truncate_from(alloc::vec![guardian]);
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

		/// Approve the recovery under way for a patient.
		///
		/// The dispatch origin for this call must be _Signed_ by a recovery guardian of `patient`.
		///
		/// - `patient`: the patient being recovered.
		///
		/// Emits `RecoveryApproved`. Errors: `NotRegistered`, `SubjectDeactivated`,
		/// `SubjectNotFound`, `NotARecoveryGuardian`, `NoActiveRecovery`, `AlreadyApproved`.
		#[pallet::call_index(13)]
		#[pallet::weight(T::WeightInfo::approve_recovery())]
		pub fn approve_recovery(origin: OriginFor<T>, patient: SubjectId) -> DispatchResult {
			let guardian = Self::ensure_recovery_guardian(origin, &patient)?;
			let mut recovery = Recoveries::<T>::get(patient).ok_or(Error::<T>::NoActiveRecovery)?;
			ensure!(!recovery.approvals.contains(&guardian), Error::<T>::AlreadyApproved);
			// Every approver is a distinct guardian, so this holds while MaxGuardians bounds them.
			recovery
				.approvals
				.try_push(guardian)
				.map_err(|_| Error::<T>::TooManyGuardians)?;
			let approvals = recovery.approvals.len() as u32;
			Recoveries::<T>::insert(patient, recovery);
			Self::audit(&patient, guardian, AuditAction::Update);
			Self::deposit_event(Event::RecoveryApproved { patient, guardian, approvals });
			Ok(())
		}

		/// Complete an approved recovery once its delay has passed: the proposed account becomes
		/// the patient's controller and the lost one is retired.
		///
		/// The dispatch origin for this call must be _Signed_ (by anyone: the rules are checked,
		/// not the caller).
		///
		/// - `patient`: the patient being recovered.
		///
		/// Emits `RecoveryCompleted`. Errors: `NoActiveRecovery`, `SubjectNotFound`,
		/// `SubjectDeactivated`, `RecoveryNotConfigured`, `NotEnoughApprovals`,
		/// `RecoveryDelayNotElapsed`, `AccountInUse`.
		#[pallet::call_index(14)]
		#[pallet::weight(T::WeightInfo::complete_recovery(T::MaxGuardians::get()))]
		pub fn complete_recovery(origin: OriginFor<T>, patient: SubjectId) -> DispatchResult {
			ensure_signed(origin)?;
			let recovery = Recoveries::<T>::get(patient).ok_or(Error::<T>::NoActiveRecovery)?;
			let subject = Self::active_subject(&patient)?;
			let config =
				RecoveryConfigs::<T>::get(patient).ok_or(Error::<T>::RecoveryNotConfigured)?;
			// Approvals from guardians since removed, or who lost the recovery right, do not count.
			let valid = recovery
				.approvals
				.iter()
				.filter(|g| Guardians::<T>::get(patient, g).is_some_and(|r| r.recovery))
				.count() as u32;
			ensure!(valid >= config.threshold, Error::<T>::NotEnoughApprovals);
			ensure!(
				frame_system::Pallet::<T>::block_number() >= recovery.initiated_at + config.delay,
				Error::<T>::RecoveryDelayNotElapsed
			);
			Self::ensure_account_unused(&recovery.new_controller)?;

			let old = subject.controller.clone();
			let initiator = recovery.approvals.first().copied().unwrap_or(patient);
			Recoveries::<T>::remove(patient);
			Self::audit(&patient, initiator, AuditAction::Update);
			Self::rebind_controller(patient, subject, recovery.new_controller.clone());
			Self::deposit_event(Event::RecoveryCompleted {
				patient,
				old,
				new: recovery.new_controller,
			});
			Ok(())
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
			Recoveries::<T>::remove(patient);
			Self::audit(&patient, patient, AuditAction::Update);
			Self::deposit_event(Event::RecoveryCancelled { patient });
			Ok(())
		}

		/// Deactivate the caller's identity for good. It becomes a tombstone: its identifier and
		/// account are never reused, and no consent, record or access can name it as acting.
		///
		/// The dispatch origin for this call must be _Signed_ by an active identity's controller.
		///
		/// Emits `Deactivated`. Errors: `NotRegistered`, `SubjectDeactivated`.
		#[pallet::call_index(16)]
		#[pallet::weight(T::WeightInfo::deactivate())]
		pub fn deactivate(origin: OriginFor<T>) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let (id, subject) = Self::subject_controlled_by(&who)?;
			let is_patient = subject.kind == SubjectKind::Patient;
			Self::tombstone(id, subject);
			if is_patient {
				Self::audit(&id, id, AuditAction::Delete);
			}
			Self::deposit_event(Event::Deactivated { subject: id });
			Ok(())
		}
	}
}

impl<T: Config> Pallet<T> {
	/// The active subject `who` controls, with its record.
	pub fn subject_controlled_by(
		who: &T::AccountId,
	) -> Result<(SubjectId, SubjectOf<T>), Error<T>> {
		let id = Controllers::<T>::get(who).ok_or(Error::<T>::NotRegistered)?;
		let subject = Subjects::<T>::get(id).ok_or(Error::<T>::SubjectNotFound)?;
		if !subject.is_active() {
			return Err(Error::<T>::SubjectDeactivated);
		}
		Ok((id, subject))
	}

	/// Appends an `identity-changed` entry to `patient`'s audit trail, if `patient` is a patient
	/// (practitioners, organizations and gateways have no trail).
	fn audit(patient: &SubjectId, actor: SubjectId, action: AuditAction) {
		if Subjects::<T>::get(patient).is_some_and(|s| s.kind == SubjectKind::Patient) {
			T::Audit::append(
				patient,
				AuditRecord::runtime_change(
					AuditEventType::IdentityChanged,
					action,
					actor,
					None,
					None,
					T::Time::now(),
				),
			);
		}
	}

	/// The signed origin's active subject.
	pub fn ensure_subject(
		origin: frame_system::pallet_prelude::OriginFor<T>,
	) -> Result<SubjectId, sp_runtime::DispatchError> {
		let who = frame_system::ensure_signed(origin)?;
		Ok(Self::subject_controlled_by(&who)?.0)
	}

	/// The exact bytes `new_controller` signs to take over `subject` with `rotate_controller`:
	/// a context tag, the genesis hash (no replay on another chain), the subject, the new account
	/// and the subject's rotation count (no replay after a rotation).
	pub fn rotation_payload(subject: &SubjectId, new_controller: &T::AccountId) -> Option<Vec<u8>> {
		let record = Subjects::<T>::get(subject)?;
		Some(Self::rotation_payload_for(subject, &record, new_controller))
	}

	/// The identity document of `subject`, as the `IdentityApi` runtime API returns it.
	pub fn identity(subject: &SubjectId) -> Option<IdentityDocument<T::AccountId>> {
		let record = Subjects::<T>::get(subject)?;
		let now = T::Time::now();
		let attestations: Vec<AttestationView> = Attestations::<T>::iter_prefix(subject)
			.map(|(organization, a)| AttestationView {
				organization,
				role: a.role,
				license_hash: a.license_hash,
				expires_at: a.expires_at,
				live: Self::attestation_live(&organization, &a, now),
			})
			.collect();
		let is_practitioner = record.is_active()
			&& record.kind == SubjectKind::Practitioner
			&& attestations.iter().any(|a| a.live);
		Some(IdentityDocument {
			id: *subject,
			kind: record.kind,
			status: record.status,
			controller: record.controller,
			key_agreement: record.key_agreement,
			profile_hash: record.profile_hash,
			organization: record.organization,
			registered_at: record.registered_at.saturated_into(),
			attestations,
			is_practitioner,
			guardians: Guardians::<T>::iter_prefix(subject).collect(),
		})
	}

	fn rotation_payload_for(
		subject: &SubjectId,
		record: &SubjectOf<T>,
		new_controller: &T::AccountId,
	) -> Vec<u8> {
		let genesis = frame_system::Pallet::<T>::block_hash(
			frame_system::pallet_prelude::BlockNumberFor::<T>::default(),
		);
		let mut payload = ROTATION_CONTEXT.to_vec();
		(genesis, subject, new_controller, record.rotations).encode_to(&mut payload);
		payload
	}

	fn attestation_live(
		organization: &SubjectId,
		attestation: &AttestationOf<T>,
		now: Moment,
	) -> bool {
		now < attestation.expires_at
			&& Subjects::<T>::get(organization)
				.is_some_and(|o| o.is_active() && o.kind == SubjectKind::Organization)
	}

	fn create_subject(
		kind: SubjectKind,
		controller: T::AccountId,
		key_agreement: KeyAgreementKey,
		profile_hash: H256,
		organization: Option<SubjectId>,
	) -> SubjectId {
		let index = SubjectCount::<T>::mutate(|n| {
			*n += 1;
			*n
		});
		let id = SubjectId(sp_io::hashing::blake2_256(&(DID_CONTEXT, &controller, index).encode()));
		Subjects::<T>::insert(
			id,
			Subject {
				kind,
				status: SubjectStatus::Active,
				controller: controller.clone(),
				key_agreement,
				profile_hash,
				organization,
				registered_at: frame_system::Pallet::<T>::block_number(),
				rotations: 0,
			},
		);
		Controllers::<T>::insert(controller, id);
		id
	}

	fn rebind_controller(id: SubjectId, mut subject: SubjectOf<T>, new_controller: T::AccountId) {
		Controllers::<T>::remove(&subject.controller);
		RetiredAccounts::<T>::insert(&subject.controller, id);
		Controllers::<T>::insert(&new_controller, id);
		subject.controller = new_controller;
		subject.rotations = subject.rotations.saturating_add(1);
		Subjects::<T>::insert(id, subject);
	}

	fn tombstone(id: SubjectId, mut subject: SubjectOf<T>) {
		subject.status =
			SubjectStatus::Deactivated(frame_system::Pallet::<T>::block_number().saturated_into());
		Subjects::<T>::insert(id, subject);
		Recoveries::<T>::remove(id);
	}

	fn ensure_account_unused(account: &T::AccountId) -> Result<(), Error<T>> {
		if Controllers::<T>::contains_key(account) || RetiredAccounts::<T>::contains_key(account) {
			return Err(Error::<T>::AccountInUse);
		}
		Ok(())
	}

	fn active_subject(id: &SubjectId) -> Result<SubjectOf<T>, Error<T>> {
		let subject = Subjects::<T>::get(id).ok_or(Error::<T>::SubjectNotFound)?;
		if !subject.is_active() {
			return Err(Error::<T>::SubjectDeactivated);
		}
		Ok(subject)
	}

	/// The signed origin's active subject, which must be of `kind`.
	fn ensure_kind(
		origin: frame_system::pallet_prelude::OriginFor<T>,
		kind: SubjectKind,
	) -> Result<(SubjectId, T::AccountId), sp_runtime::DispatchError> {
		let who = frame_system::ensure_signed(origin)?;
		let (id, subject) = Self::subject_controlled_by(&who)?;
		if subject.kind != kind {
			return Err(match kind {
				SubjectKind::Organization => Error::<T>::NotAnOrganization,
				SubjectKind::Practitioner => Error::<T>::NotAPractitioner,
				_ => Error::<T>::NotAPatient,
			}
			.into());
		}
		Ok((id, who))
	}

	fn ensure_recovery_guardian(
		origin: frame_system::pallet_prelude::OriginFor<T>,
		patient: &SubjectId,
	) -> Result<SubjectId, sp_runtime::DispatchError> {
		let guardian = Self::ensure_subject(origin)?;
		Self::active_subject(patient)?;
		if !Guardians::<T>::get(patient, guardian).is_some_and(|r| r.recovery) {
			return Err(Error::<T>::NotARecoveryGuardian.into());
		}
		Ok(guardian)
	}

	fn ensure_threshold_reachable(
		patient: &SubjectId,
		recovery_guardians: u32,
	) -> Result<(), Error<T>> {
		if RecoveryConfigs::<T>::get(patient).is_some_and(|c| c.threshold > recovery_guardians) {
			return Err(Error::<T>::ThresholdUnreachable);
		}
		Ok(())
	}
}

impl<T: Config> SubjectRegistry<T::AccountId> for Pallet<T> {
	fn subject_of(account: &T::AccountId) -> Option<SubjectId> {
		Self::subject_controlled_by(account).ok().map(|(id, _)| id)
	}

	fn active_kind(subject: &SubjectId) -> Option<SubjectKind> {
		Subjects::<T>::get(subject).filter(|s| s.is_active()).map(|s| s.kind)
	}

	fn exists(subject: &SubjectId) -> bool {
		Subjects::<T>::contains_key(subject)
	}

	fn organizations_of(practitioner: &SubjectId, now: Moment) -> Vec<SubjectId> {
		if Self::active_kind(practitioner) != Some(SubjectKind::Practitioner) {
			return Vec::new();
		}
		Attestations::<T>::iter_prefix(practitioner)
			.filter(|(organization, a)| Self::attestation_live(organization, a, now))
			.map(|(organization, _)| organization)
			.collect()
	}

	fn is_practitioner(practitioner: &SubjectId, now: Moment) -> bool {
		Self::active_kind(practitioner) == Some(SubjectKind::Practitioner)
			&& Attestations::<T>::iter_prefix(practitioner)
				.any(|(organization, a)| Self::attestation_live(&organization, &a, now))
	}

	fn is_attested_by(practitioner: &SubjectId, organization: &SubjectId, now: Moment) -> bool {
		Self::active_kind(practitioner) == Some(SubjectKind::Practitioner)
			&& Attestations::<T>::get(practitioner, organization)
				.is_some_and(|a| Self::attestation_live(organization, &a, now))
	}

	fn is_delegate(patient: &SubjectId, guardian: &SubjectId) -> bool {
		Self::active_kind(guardian).is_some()
			&& Guardians::<T>::get(patient, guardian).is_some_and(|r| r.delegate)
	}

	fn gateway_organization(gateway: &SubjectId) -> Option<SubjectId> {
		let record = Subjects::<T>::get(gateway)
			.filter(|s| s.is_active() && s.kind == SubjectKind::Gateway)?;
		let organization = record.organization?;
		(Self::active_kind(&organization) == Some(SubjectKind::Organization))
			.then_some(organization)
	}
}

/// An origin check for other pallets: a signed origin whose account controls an active subject.
/// Succeeds with the subject's identifier.
pub struct EnsureSubject<T>(core::marker::PhantomData<T>);

impl<T: Config> EnsureOrigin<T::RuntimeOrigin> for EnsureSubject<T> {
	type Success = SubjectId;

	fn try_origin(o: T::RuntimeOrigin) -> Result<Self::Success, T::RuntimeOrigin> {
		let who = frame_system::EnsureSigned::<T::AccountId>::try_origin(o.clone())?;
		Pallet::<T>::subject_controlled_by(&who).map(|(id, _)| id).map_err(|_| o)
	}

	#[cfg(feature = "runtime-benchmarks")]
	fn try_successful_origin() -> Result<T::RuntimeOrigin, ()> {
		Err(())
	}
}

/// Benchmark signatures from an sr25519 key generated in the benchmark keystore.
#[cfg(feature = "runtime-benchmarks")]
pub struct Sr25519BenchmarkHelper;

#[cfg(feature = "runtime-benchmarks")]
impl BenchmarkHelper<sp_runtime::MultiSigner, sp_runtime::MultiSignature>
	for Sr25519BenchmarkHelper
{
	fn new_key() -> sp_runtime::MultiSigner {
		sp_io::crypto::sr25519_generate(BENCHMARK_KEY_TYPE, None).into()
	}

	fn sign(public: &sp_runtime::MultiSigner, message: &[u8]) -> sp_runtime::MultiSignature {
		let sp_runtime::MultiSigner::Sr25519(public) = public else {
			panic!("Sr25519BenchmarkHelper only makes sr25519 keys");
		};
		sp_io::crypto::sr25519_sign(BENCHMARK_KEY_TYPE, public, message)
			.expect("the key was generated in this keystore")
			.into()
	}
}

#[cfg(feature = "runtime-benchmarks")]
const BENCHMARK_KEY_TYPE: sp_core::crypto::KeyTypeId = sp_core::crypto::KeyTypeId(*b"mdid");

/// Subject creation for other pallets' benchmarks, which need patients, practitioners,
/// organizations and gateways without going through signed calls.
#[cfg(feature = "runtime-benchmarks")]
impl<T: Config> Pallet<T> {
	/// Registers `controller` as an active subject of `kind` (a gateway of `organization`).
	pub fn benchmark_subject(
		kind: SubjectKind,
		controller: T::AccountId,
		organization: Option<SubjectId>,
	) -> SubjectId {
		Self::create_subject(kind, controller, [0; 32], H256::zero(), organization)
	}

	/// Makes `organization` attest `practitioner` for a day from now.
	pub fn benchmark_attest(practitioner: SubjectId, organization: SubjectId) {
		if !Attestations::<T>::contains_key(practitioner, organization) {
			AttestationCount::<T>::mutate(practitioner, |n| *n += 1);
		}
		Attestations::<T>::insert(
			practitioner,
			organization,
			Attestation {
				role: PractitionerRole::Physician,
				license_hash: H256::zero(),
				expires_at: T::Time::now().saturating_add(86_400_000),
				issued_at: frame_system::Pallet::<T>::block_number(),
			},
		);
	}
}

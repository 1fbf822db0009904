//! # Consent pallet
//!
//! Patients (or their guardians) grant and revoke access to their data, and this pallet holds THE
//! access rule of MedChain: [`Pallet::check_access`], exposed as the `ConsentApi` runtime API,
//! which the gateway, the CLI, the portal and the node RPC all ask. Nobody re-implements it.
//!
//! ## Overview
//!
//! A consent is shaped like a FHIR R4 `Consent`: a grantor (the patient or a delegate guardian)
//! lets a grantee (one practitioner, or a whole organization's attested practitioners) take some
//! actions (read, create/append, share onward) on some data (classes from a fixed vocabulary
//! and/or named records, minus excluded classes) for some purposes of use (HL7 v3
//! PurposeOfUse) over a period on the chain clock. Revocation takes effect from the next block.
//!
//! Emergency ("break-glass") access lets an attested practitioner open time-boxed read access to
//! a patient without consent, for purpose ETREAT only, with the hash of an off-chain
//! justification. It raises a distinct event for the patient's alerts and ends by itself: the
//! rule compares its end with the clock, so no keeper has to close it.
//!
//! Every grant, revocation and emergency access is appended to the patient's audit trail.
//!
//! ## Terminology
//!
//! - **Grantor**: the patient, or a guardian with the delegate right, who grants or revokes.
//! - **Grantee**: the practitioner or organization a consent names.
//! - **Provision**: what a consent allows: actions, classes/records, exclusions, purposes, period.
//! - **Deny exception**: classes a consent excludes even where it would otherwise cover them.
//! - **Break-glass**: emergency access without consent, ETREAT only, time-boxed, audited.
//!
//! ## The rule, in order
//!
//! 1. The patient must be an active patient (`UnknownPatient`, `PatientDeactivated`).
//! 2. A patient always may act on their own data (`Permit(OwnData)`).
//! 3. The accessor must be an active subject (`UnknownAccessor`); a practitioner must hold a live
//!    attestation (`NotAnAttestedPractitioner`).
//! 4. An open emergency grant permits a read for ETREAT (`Permit(Emergency)`).
//! 5. The consents naming the accessor, or an organization that attests them now, are evaluated;
//!    one that passes every check permits (`Permit(Consent)`). Otherwise the reason is that of the
//!    consent that came furthest through the checks: `NotYetValid`, `Expired`,
//!    `ActionNotAllowed`, `PurposeNotAllowed`, `ClassExcluded`, `NotCovered`.
//! 6. With no consent at all: `EmergencyExpired` if an emergency grant has ended, `Revoked` if the
//!    last consent was revoked, else `NoConsent`.
//!
//! Periods are half-open: valid from `valid_from` inclusive to `valid_until` exclusive.
//!
//! ## Calls
//!
//! For patients and guardians: [`Pallet::grant`], [`Pallet::revoke`].
//!
//! For practitioners: [`Pallet::open_emergency_access`]. For patients, guardians and the
//! practitioner: [`Pallet::end_emergency_access`].
//!
//! For governance: [`Pallet::set_max_emergency_duration`].
//!
//! ## Assumptions
//!
//! - Identifiers, codes and hashes only: no PHI (the justification text stays off chain).
//! - The chain clock is the block timestamp.

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

mod access;
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
use frame_support::traits::{EnsureOrigin, Get, Time};
use medchain_primitives::{
	audit::{AuditAction, AuditEventType, AuditPolicy, AuditRecord, AuditSink},
	identity::{SubjectKind, SubjectRegistry},
};
use sp_core::H256;

/// Consent terms as this runtime bounds them.
pub type ConsentTermsOf<T> = ConsentTerms<<T as Config>::MaxRecordsPerConsent>;
/// A stored consent as this runtime bounds it.
pub type ConsentOf<T> = StoredConsent<<T as Config>::MaxRecordsPerConsent>;

/// Makes subjects for the benchmarks.
#[cfg(feature = "runtime-benchmarks")]
pub trait BenchmarkHelper<AccountId> {
	/// An active patient controlled by `who`.
	fn patient(who: &AccountId) -> SubjectId;
	/// An active practitioner controlled by `who`, attested by a fresh active organization;
	/// returns (practitioner, organization).
	fn attested_practitioner(who: &AccountId) -> (SubjectId, SubjectId);
}

#[frame_support::pallet]
pub mod pallet {
	use super::*;
	use frame_support::pallet_prelude::*;
	use frame_system::pallet_prelude::*;

	const STORAGE_VERSION: StorageVersion = StorageVersion::new(1);

	#[pallet::pallet]
	#[pallet::storage_version(STORAGE_VERSION)]
	pub struct Pallet<T>(_);

	#[pallet::config]
	pub trait Config: frame_system::Config<RuntimeEvent: From<Event<Self>>> {
		/// Who is who: patients, guardians, practitioners and their attestations.
		type Identity: SubjectRegistry<Self::AccountId>;

		/// Where grants, revocations and emergency access are audited.
		type Audit: AuditSink;

		/// The chain clock, milliseconds since the Unix epoch.
		type Time: Time<Moment = Moment>;

		/// Sets parameters such as the longest emergency access (Root until the council lands).
		type GovernanceOrigin: EnsureOrigin<Self::RuntimeOrigin>;

		/// Most records one consent may name.
		#[pallet::constant]
		type MaxRecordsPerConsent: Get<u32>;

		/// Most active consents between one patient and one grantee.
		#[pallet::constant]
		type MaxConsentsPerPair: Get<u32>;

		/// Longest emergency access until governance sets another, ms.
		#[pallet::constant]
		type DefaultMaxEmergencyDuration: Get<Moment>;

		/// Weights of this pallet's calls, from its benchmarks.
		type WeightInfo: WeightInfo;

		/// Makes subjects for the benchmarks.
		#[cfg(feature = "runtime-benchmarks")]
		type BenchmarkHelper: BenchmarkHelper<Self::AccountId>;
	}

	/// The next consent identifier.
	#[pallet::storage]
	pub type NextConsentId<T: Config> = StorageValue<_, u64, ValueQuery>;

	/// Every consent ever granted, revoked ones included. Twox64Concat: the runtime assigns ids.
	#[pallet::storage]
	pub type Consents<T: Config> =
		StorageMap<_, Twox64Concat, ConsentId, ConsentOf<T>, OptionQuery>;

	/// Each patient's consents in grant order: (patient, index) → consent.
	#[pallet::storage]
	pub type PatientConsents<T: Config> =
		StorageDoubleMap<_, Blake2_128Concat, SubjectId, Twox64Concat, u32, ConsentId, OptionQuery>;

	/// How many consents each patient has granted.
	#[pallet::storage]
	pub type PatientConsentCount<T: Config> =
		StorageMap<_, Blake2_128Concat, SubjectId, u32, ValueQuery>;

	/// Consents naming each grantee in grant order: (grantee, index) → consent.
	#[pallet::storage]
	pub type GranteeConsents<T: Config> =
		StorageDoubleMap<_, Blake2_128Concat, SubjectId, Twox64Concat, u32, ConsentId, OptionQuery>;

	/// How many consents name each grantee.
	#[pallet::storage]
	pub type GranteeConsentCount<T: Config> =
		StorageMap<_, Blake2_128Concat, SubjectId, u32, ValueQuery>;

	/// The active consents between a patient and a grantee: what the rule reads.
	/// Key: ((patient, grantee), consent). Bounded by [`Config::MaxConsentsPerPair`].
	#[pallet::storage]
	pub type ActiveConsents<T: Config> = StorageDoubleMap<
		_,
		Blake2_128Concat,
		(SubjectId, SubjectId),
		Twox64Concat,
		ConsentId,
		(),
		OptionQuery,
	>;

	/// How many consents [`ActiveConsents`] holds per (patient, grantee).
	#[pallet::storage]
	pub type ActiveConsentCount<T: Config> =
		StorageMap<_, Blake2_128Concat, (SubjectId, SubjectId), u32, ValueQuery>;

	/// The last consent revoked between a patient and a grantee, so a denial can say `Revoked`.
	#[pallet::storage]
	pub type LastRevoked<T: Config> =
		StorageMap<_, Blake2_128Concat, (SubjectId, SubjectId), ConsentId, OptionQuery>;

	/// The next emergency grant identifier.
	#[pallet::storage]
	pub type NextEmergencyId<T: Config> = StorageValue<_, u64, ValueQuery>;

	/// Every emergency grant.
	#[pallet::storage]
	pub type Emergencies<T: Config> =
		StorageMap<_, Twox64Concat, EmergencyId, EmergencyGrant, OptionQuery>;

	/// The latest emergency grant per (patient, practitioner); it counts while unexpired.
	#[pallet::storage]
	pub type LatestEmergency<T: Config> =
		StorageMap<_, Blake2_128Concat, (SubjectId, SubjectId), EmergencyId, OptionQuery>;

	#[pallet::type_value]
	pub fn DefaultMaxEmergency<T: Config>() -> Moment {
		T::DefaultMaxEmergencyDuration::get()
	}

	/// Longest emergency access a practitioner may open, ms. Set by governance.
	#[pallet::storage]
	pub type MaxEmergencyDuration<T: Config> =
		StorageValue<_, Moment, ValueQuery, DefaultMaxEmergency<T>>;

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// A consent was granted.
		ConsentGranted { id: ConsentId, patient: SubjectId, grantor: SubjectId, grantee: Grantee },
		/// A consent was revoked; it stops counting from the next block.
		ConsentRevoked { id: ConsentId, patient: SubjectId, by: SubjectId },
		/// ALERT: a practitioner opened emergency access to a patient's data without consent.
		EmergencyAccessOpened {
			id: EmergencyId,
			patient: SubjectId,
			practitioner: SubjectId,
			expires_at: Moment,
			justification: H256,
		},
		/// An emergency grant was ended before its time.
		EmergencyAccessEnded { id: EmergencyId, by: SubjectId },
		/// Governance set the longest emergency access.
		MaxEmergencyDurationSet { duration: Moment },
	}

	#[pallet::error]
	pub enum Error<T> {
		/// The signing account controls no active identity.
		NotRegistered,
		/// The subject named as patient is not an active patient.
		NotAPatient,
		/// Only the patient or a guardian with the delegate right may do this.
		NotAuthorizedGrantor,
		/// The grantee does not exist, is deactivated, or is not of the kind named.
		InvalidGrantee,
		/// A consent must allow at least one action.
		NoActions,
		/// A consent must allow at least one purpose of use.
		NoPurposes,
		/// A consent must cover at least one data class or record.
		NothingCovered,
		/// A class set or purpose set holds codes outside the vocabulary.
		UnknownCode,
		/// A class cannot be both covered and excluded.
		ClassBothCoveredAndExcluded,
		/// The period ends before (or when) it starts.
		InvalidPeriod,
		/// The period has already ended.
		PeriodInPast,
		/// This patient already has the most active consents allowed for this grantee.
		TooManyConsents,
		/// No consent has that identifier.
		ConsentNotFound,
		/// That consent is already revoked.
		AlreadyRevoked,
		/// Only a practitioner with a live attestation may open emergency access.
		NotAnAttestedPractitioner,
		/// An emergency access must last some time.
		ZeroDuration,
		/// The emergency access would last longer than the chain allows.
		EmergencyTooLong,
		/// An emergency access for this patient and practitioner is already open.
		EmergencyAlreadyOpen,
		/// No emergency grant has that identifier.
		EmergencyNotFound,
		/// That emergency access has already ended.
		EmergencyEnded,
		/// Only the patient, a delegate guardian or the practitioner may end emergency access.
		NotAuthorizedToEnd,
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
		/// Grant a consent over `patient`'s data.
		///
		/// The dispatch origin for this call must be _Signed_ by the patient or by one of their
		/// guardians with the delegate right.
		///
		/// - `patient`: the patient whose data is shared.
		/// - `terms`: grantee, actions, classes and/or records, excluded classes, purposes and the
		///   validity period.
		///
		/// Emits `ConsentGranted`; appends a `consent-granted` audit entry. Errors:
		/// `NotRegistered`, `NotAPatient`, `NotAuthorizedGrantor`, `InvalidGrantee`, `NoActions`,
		/// `NoPurposes`, `NothingCovered`, `UnknownCode`, `ClassBothCoveredAndExcluded`,
		/// `InvalidPeriod`, `PeriodInPast`, `TooManyConsents`.
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::grant(terms.records.len() as u32))]
		pub fn grant(
			origin: OriginFor<T>,
			patient: SubjectId,
			terms: ConsentTermsOf<T>,
		) -> DispatchResult {
			let grantor = Self::ensure_grantor(origin, &patient)?;
			Self::validate_terms(&terms)?;
			let grantee = terms.grantee.subject();
			let pair = (patient, grantee);
			ensure!(
				ActiveConsentCount::<T>::get(pair) < T::MaxConsentsPerPair::get(),
				Error::<T>::TooManyConsents
			);

			let id = ConsentId(NextConsentId::<T>::mutate(|n| {
				*n += 1;
				*n - 1
			}));
			let now = T::Time::now();
			let grantee_ref = terms.grantee;
			Consents::<T>::insert(
				id,
				StoredConsent {
					patient,
					grantor,
					terms,
					status: ConsentStatus::Active,
					granted_at: now,
				},
			);
			let index = PatientConsentCount::<T>::mutate(patient, |n| {
				*n += 1;
				*n - 1
			});
			PatientConsents::<T>::insert(patient, index, id);
			let index = GranteeConsentCount::<T>::mutate(grantee, |n| {
				*n += 1;
				*n - 1
			});
			GranteeConsents::<T>::insert(grantee, index, id);
			ActiveConsents::<T>::insert(pair, id, ());
			ActiveConsentCount::<T>::mutate(pair, |n| *n += 1);

			Self::audit(
				&patient,
				AuditEventType::ConsentGranted,
				AuditAction::Create,
				grantor,
				Some(AuditPolicy::Consent(id)),
				None,
				now,
			);
			Self::deposit_event(Event::ConsentGranted {
				id,
				patient,
				grantor,
				grantee: grantee_ref,
			});
			Ok(())
		}

		/// Revoke a consent. It stops counting from the next block; its record stays, marked
		/// revoked, in the patient's history.
		///
		/// The dispatch origin for this call must be _Signed_ by the patient or by one of their
		/// guardians with the delegate right.
		///
		/// - `id`: the consent.
		///
		/// Emits `ConsentRevoked`; appends a `consent-revoked` audit entry. Errors:
		/// `ConsentNotFound`, `NotRegistered`, `NotAPatient`, `NotAuthorizedGrantor`,
		/// `AlreadyRevoked`.
		#[pallet::call_index(1)]
		#[pallet::weight(T::WeightInfo::revoke())]
		pub fn revoke(origin: OriginFor<T>, id: ConsentId) -> DispatchResult {
			let mut consent = Consents::<T>::get(id).ok_or(Error::<T>::ConsentNotFound)?;
			let patient = consent.patient;
			let by = Self::ensure_grantor(origin, &patient)?;
			ensure!(consent.status == ConsentStatus::Active, Error::<T>::AlreadyRevoked);

			let now = T::Time::now();
			let pair = (patient, consent.terms.grantee.subject());
			consent.status = ConsentStatus::Revoked { at: now, by };
			Consents::<T>::insert(id, consent);
			ActiveConsents::<T>::remove(pair, id);
			ActiveConsentCount::<T>::mutate_exists(pair, |n| {
				*n = n.and_then(|n| n.checked_sub(1)).filter(|n| *n > 0)
			});
			LastRevoked::<T>::insert(pair, id);

			Self::audit(
				&patient,
				AuditEventType::ConsentRevoked,
				AuditAction::Delete,
				by,
				Some(AuditPolicy::Consent(id)),
				None,
				now,
			);
			Self::deposit_event(Event::ConsentRevoked { id, patient, by });
			Ok(())
		}

		/// Open emergency ("break-glass") read access to a patient without consent, for purpose
		/// ETREAT only. It ends by itself after `duration`.
		///
		/// The dispatch origin for this call must be _Signed_ by a practitioner with a live
		/// attestation.
		///
		/// - `patient`: the patient.
		/// - `duration`: how long, ms; at most [`MaxEmergencyDuration`].
		/// - `justification`: blake2-256 of the off-chain justification text.
		///
		/// Emits `EmergencyAccessOpened` (an alert for the patient's tools); appends an
		/// `emergency-access` audit entry. Errors: `NotRegistered`, `NotAnAttestedPractitioner`,
		/// `NotAPatient`, `ZeroDuration`, `EmergencyTooLong`, `EmergencyAlreadyOpen`.
		#[pallet::call_index(2)]
		#[pallet::weight(T::WeightInfo::open_emergency_access())]
		pub fn open_emergency_access(
			origin: OriginFor<T>,
			patient: SubjectId,
			duration: Moment,
			justification: H256,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let practitioner = T::Identity::subject_of(&who).ok_or(Error::<T>::NotRegistered)?;
			let now = T::Time::now();
			ensure!(
				T::Identity::is_practitioner(&practitioner, now),
				Error::<T>::NotAnAttestedPractitioner
			);
			ensure!(
				T::Identity::active_kind(&patient) == Some(SubjectKind::Patient),
				Error::<T>::NotAPatient
			);
			ensure!(duration > 0, Error::<T>::ZeroDuration);
			ensure!(duration <= MaxEmergencyDuration::<T>::get(), Error::<T>::EmergencyTooLong);
			let pair = (patient, practitioner);
			let open = LatestEmergency::<T>::get(pair)
				.and_then(Emergencies::<T>::get)
				.is_some_and(|e| now < e.expires_at);
			ensure!(!open, Error::<T>::EmergencyAlreadyOpen);

			let id = EmergencyId(NextEmergencyId::<T>::mutate(|n| {
				*n += 1;
				*n - 1
			}));
			let expires_at = now.saturating_add(duration);
			Emergencies::<T>::insert(
				id,
				EmergencyGrant { patient, practitioner, opened_at: now, expires_at, justification },
			);
			LatestEmergency::<T>::insert(pair, id);

			Self::audit(
				&patient,
				AuditEventType::EmergencyAccess,
				AuditAction::Execute,
				practitioner,
				Some(AuditPolicy::Emergency(id)),
				Some(PurposeOfUse::EmergencyTreat),
				now,
			);
			Self::deposit_event(Event::EmergencyAccessOpened {
				id,
				patient,
				practitioner,
				expires_at,
				justification,
			});
			Ok(())
		}

		/// End an emergency access before its time.
		///
		/// The dispatch origin for this call must be _Signed_ by the patient, a delegate guardian
		/// of the patient, or the practitioner who opened it.
		///
		/// - `id`: the emergency grant.
		///
		/// Emits `EmergencyAccessEnded`. Errors: `EmergencyNotFound`, `NotRegistered`,
		/// `EmergencyEnded`, `NotAuthorizedToEnd`.
		#[pallet::call_index(3)]
		#[pallet::weight(T::WeightInfo::end_emergency_access())]
		pub fn end_emergency_access(origin: OriginFor<T>, id: EmergencyId) -> DispatchResult {
			let mut grant = Emergencies::<T>::get(id).ok_or(Error::<T>::EmergencyNotFound)?;
			let who = ensure_signed(origin)?;
			let by = T::Identity::subject_of(&who).ok_or(Error::<T>::NotRegistered)?;
			let now = T::Time::now();
			ensure!(now < grant.expires_at, Error::<T>::EmergencyEnded);
			ensure!(
				by == grant.patient
					|| by == grant.practitioner
					|| T::Identity::is_delegate(&grant.patient, &by),
				Error::<T>::NotAuthorizedToEnd
			);
			grant.expires_at = now;
			Emergencies::<T>::insert(id, grant);
			Self::deposit_event(Event::EmergencyAccessEnded { id, by });
			Ok(())
		}

		/// Set the longest emergency access practitioners may open.
		///
		/// The dispatch origin for this call must be [`Config::GovernanceOrigin`].
		///
		/// - `duration`: ms; more than zero.
		///
		/// Emits `MaxEmergencyDurationSet`. Errors: `ZeroDuration`.
		#[pallet::call_index(4)]
		#[pallet::weight(T::WeightInfo::set_max_emergency_duration())]
		pub fn set_max_emergency_duration(
			origin: OriginFor<T>,
			duration: Moment,
		) -> DispatchResult {
			T::GovernanceOrigin::ensure_origin(origin)?;
			ensure!(duration > 0, Error::<T>::ZeroDuration);
			MaxEmergencyDuration::<T>::put(duration);
			Self::deposit_event(Event::MaxEmergencyDurationSet { duration });
			Ok(())
		}
	}
}

impl<T: Config> Pallet<T> {
	/// The signed origin's subject, which must be `patient` or one of their delegate guardians.
	fn ensure_grantor(
		origin: frame_system::pallet_prelude::OriginFor<T>,
		patient: &SubjectId,
	) -> Result<SubjectId, sp_runtime::DispatchError> {
		let who = frame_system::ensure_signed(origin)?;
		let grantor = T::Identity::subject_of(&who).ok_or(Error::<T>::NotRegistered)?;
		if T::Identity::active_kind(patient) != Some(SubjectKind::Patient) {
			return Err(Error::<T>::NotAPatient.into());
		}
		if grantor != *patient && !T::Identity::is_delegate(patient, &grantor) {
			return Err(Error::<T>::NotAuthorizedGrantor.into());
		}
		Ok(grantor)
	}

	fn validate_terms(terms: &ConsentTermsOf<T>) -> Result<(), Error<T>> {
		use frame_support::ensure;
		let kind = T::Identity::active_kind(&terms.grantee.subject());
		let kind_matches = match terms.grantee {
			Grantee::Practitioner(_) => kind == Some(SubjectKind::Practitioner),
			Grantee::Organization(_) => kind == Some(SubjectKind::Organization),
		};
		ensure!(kind_matches, Error::<T>::InvalidGrantee);
		ensure!(
			terms.actions.is_valid()
				&& terms.classes.is_valid()
				&& terms.excluded.is_valid()
				&& terms.purposes.is_valid(),
			Error::<T>::UnknownCode
		);
		ensure!(!terms.actions.is_empty(), Error::<T>::NoActions);
		ensure!(!terms.purposes.is_empty(), Error::<T>::NoPurposes);
		ensure!(!terms.classes.is_empty() || !terms.records.is_empty(), Error::<T>::NothingCovered);
		ensure!(terms.classes.0 & terms.excluded.0 == 0, Error::<T>::ClassBothCoveredAndExcluded);
		if let Some(until) = terms.valid_until {
			ensure!(until > terms.valid_from, Error::<T>::InvalidPeriod);
			ensure!(until > T::Time::now(), Error::<T>::PeriodInPast);
		}
		Ok(())
	}

	fn audit(
		patient: &SubjectId,
		event_type: AuditEventType,
		action: AuditAction,
		actor: SubjectId,
		policy: Option<AuditPolicy>,
		purpose: Option<PurposeOfUse>,
		now: Moment,
	) {
		T::Audit::append(
			patient,
			AuditRecord::runtime_change(event_type, action, actor, policy, purpose, now),
		);
	}

	/// One consent as the runtime API shows it.
	pub fn consent(id: ConsentId) -> Option<ConsentRecord> {
		Consents::<T>::get(id).map(|c| c.to_record(id))
	}

	/// `patient`'s consents, newest first, before index `before` (exclusive), at most `limit`.
	pub fn consents_of_patient(
		patient: &SubjectId,
		before: Option<u32>,
		limit: u32,
	) -> Vec<ConsentRecord> {
		let end = before.unwrap_or(u32::MAX).min(PatientConsentCount::<T>::get(patient));
		(0..end)
			.rev()
			.take(limit as usize)
			.filter_map(|i| PatientConsents::<T>::get(patient, i))
			.filter_map(Self::consent)
			.collect()
	}

	/// Consents naming `grantee`, newest first, before index `before` (exclusive), at most `limit`.
	pub fn consents_of_grantee(
		grantee: &SubjectId,
		before: Option<u32>,
		limit: u32,
	) -> Vec<ConsentRecord> {
		let end = before.unwrap_or(u32::MAX).min(GranteeConsentCount::<T>::get(grantee));
		(0..end)
			.rev()
			.take(limit as usize)
			.filter_map(|i| GranteeConsents::<T>::get(grantee, i))
			.filter_map(Self::consent)
			.collect()
	}
}

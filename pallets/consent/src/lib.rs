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
//! 1. The patient must be an active patient (`UnknownPatient`, `PatientDeactivated`). A record
//!    must be anchored for that patient (`UnknownRecord`) and not erased (`RecordErased`); its
//!    anchor gives the class the rest of the rule judges.
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
//! ## A read a gateway reports
//!
//! The audit log accepts a gateway's read entry only if the policy it names allowed that read
//! ([`ReadPolicies`](medchain_primitives::traits::ReadPolicies)), judged as of the moment the
//! read was decided (`occurred`, the time of the block whose `check_access` permitted it): the
//! record is the patient's, kept by the gateway's organization, not erased by then and of the
//! reported hash; and the policy is a consent that covered it then as the rule above would have
//! (coverage included), an emergency grant open then for a practitioner holding a break-glass
//! role then, of a class not closed to emergency then, or the patient's own data read by the
//! patient or a delegate of the moment. Identity, records and this pallet keep the history it
//! needs ([`ClosedToEmergencyHistory`] here) for [`Config::HistoryRetention`]; the break-glass
//! roles are judged as they are now.
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
#[allow(clippy::arithmetic_side_effects)] // test and benchmark set-up, not dispatch
mod benchmarking;
#[cfg(test)]
#[allow(clippy::arithmetic_side_effects)] // test and benchmark set-up, not dispatch
mod mock;
#[cfg(test)]
#[allow(clippy::arithmetic_side_effects)] // test and benchmark set-up, not dispatch
mod tests;
#[cfg(any(feature = "try-runtime", feature = "mock", test))]
#[allow(clippy::arithmetic_side_effects)] // invariant checks count what exists, off dispatch
pub mod try_state;
pub mod types;
pub mod weights;

pub use pallet::*;
pub use types::*;
pub use weights::WeightInfo;

use alloc::vec::Vec;
use frame_support::traits::{EnsureOrigin, Get, Time};
use medchain_primitives::{
	audit::{AuditAction, AuditEventType, AuditPolicy, AuditRecord},
	identity::{PractitionerRole, RoleSet, SubjectKind},
	traits::{AuditSink, SubjectRegistry},
};
use sp_core::H256;

/// Largest page the consent listings return; larger `limit`s are clamped to it.
pub const MAX_LISTING_PAGE: u32 = 1000;

/// Most changes of one patient's classes closed to emergency access kept as history: a patient
/// changes them rarely, and eight within the retention window is already unusual.
pub const MAX_CLOSURE_CHANGES: u32 = 8;

/// Consent terms as this runtime stores them, bounded.
pub type ConsentTermsOf<T> =
	ConsentTerms<frame_support::BoundedVec<RecordId, <T as Config>::MaxRecordsPerConsent>>;
/// A stored consent as this runtime bounds it.
pub type ConsentOf<T> = StoredConsent<<T as Config>::MaxRecordsPerConsent>;

#[frame_support::pallet]
pub mod pallet {
	use super::*;
	use frame_support::pallet_prelude::*;
	use frame_system::pallet_prelude::*;

	const STORAGE_VERSION: StorageVersion = StorageVersion::new(1);

	#[pallet::pallet]
	#[pallet::storage_version(STORAGE_VERSION)]
	pub struct Pallet<T>(_);

	#[pallet::config(with_default)]
	pub trait Config: frame_system::Config<RuntimeEvent: From<Event<Self>>> {
		/// Who is who: patients, guardians, practitioners and their attestations.
		#[pallet::no_default]
		type Identity: SubjectRegistry<Self::AccountId>;

		/// Turns a signed origin into the subject it controls (identity's `EnsureSubject`).
		#[pallet::no_default]
		type SubjectOrigin: EnsureOrigin<Self::RuntimeOrigin, Success = SubjectId>;

		/// Where grants, revocations and emergency access are audited.
		#[pallet::no_default]
		type Audit: AuditSink;

		/// Record anchors: a read of a record is judged by the class its anchor gives.
		#[pallet::no_default]
		type Records: medchain_primitives::traits::RecordRegistry;

		/// The chain clock, milliseconds since the Unix epoch.
		#[pallet::no_default]
		type Time: Time<Moment = Moment>;

		/// Sets parameters such as the longest emergency access (Root until the council lands).
		#[pallet::no_default]
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

		/// How long after an emergency access ends before the same practitioner may open another
		/// for the same patient, ms: break-glass is for an emergency, not a standing door.
		#[pallet::constant]
		type EmergencyCooldown: Get<Moment>;

		/// How long a change of the classes closed to emergency access is kept as history
		/// ([`ClosedToEmergencyHistory`]), ms: at least as far back as the audit log still accepts
		/// a gateway's read (its `MaxBacklog` plus `MaxClockSkew`), so that every read it accepts
		/// is judged by the set in force when it happened.
		#[pallet::constant]
		type HistoryRetention: Get<Moment>;

		/// Weights of this pallet's calls, from its benchmarks.
		type WeightInfo: WeightInfo;
	}

	/// Default implementations of [`DefaultConfig`], which can be used to implement [`Config`].
	pub mod config_preludes {
		use super::*;
		use frame_support::{derive_impl, traits::ConstU64};

		/// The test runtimes' consent configuration: bounds small enough for tests to reach.
		pub struct TestDefaultConfig;

		#[derive_impl(frame_system::config_preludes::TestDefaultConfig, no_aggregated_types)]
		impl frame_system::DefaultConfig for TestDefaultConfig {}

		#[frame_support::register_default_impl(TestDefaultConfig)]
		impl DefaultConfig for TestDefaultConfig {
			type MaxRecordsPerConsent = ConstU32<4>;
			type MaxConsentsPerPair = ConstU32<3>;
			/// Four hours.
			type DefaultMaxEmergencyDuration = ConstU64<14_400_000>;
			/// One hour.
			type EmergencyCooldown = ConstU64<3_600_000>;
			/// One day.
			type HistoryRetention = ConstU64<86_400_000>;
			type WeightInfo = ();
		}
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

	#[pallet::type_value]
	pub fn DefaultBreakGlassRoles() -> RoleSet {
		RoleSet::of(&[
			PractitionerRole::Physician,
			PractitionerRole::Nurse,
			PractitionerRole::Emergency,
		])
	}

	/// The practitioner roles that may break the glass: clinicians who treat emergencies. Default
	/// physicians, nurses and emergency staff; governance may change it.
	#[pallet::storage]
	pub type BreakGlassRoles<T: Config> =
		StorageValue<_, RoleSet, ValueQuery, DefaultBreakGlassRoles>;

	#[pallet::type_value]
	pub fn DefaultClosedToEmergency() -> DataClassSet {
		DataClassSet::of(&[DataClass::Genomics])
	}

	/// The classes break-glass access never opens, per patient. Default: genomic data only (no
	/// emergency needs it); a patient may close more classes, or open every one.
	#[pallet::storage]
	pub type ClosedToEmergency<T: Config> = StorageMap<
		_,
		Blake2_128Concat,
		SubjectId,
		DataClassSet,
		ValueQuery,
		DefaultClosedToEmergency,
	>;

	/// Each patient's recent changes of [`ClosedToEmergency`], oldest first: (when it changed,
	/// the set in force before the change). A reported emergency read is judged by the set in
	/// force when it happened ([`Pallet::closed_to_emergency_at`]): the set before the first
	/// change after it, or the current one.
	///
	/// Written by [`Pallet::set_closed_to_emergency`]. It drops the changes made more than
	/// [`Config::HistoryRetention`] ago: only reads from before them need them, and the audit
	/// log no longer accepts such reads. When [`MAX_CLOSURE_CHANGES`] changes are kept already,
	/// it drops the oldest and sets the `previous` of the next one to every class: what was in
	/// force before that change is no longer known, and an emergency read from then is refused
	/// as closed rather than vouched for on a guess. The safer side for the patient: the chain
	/// never accepts a read it cannot show was allowed. Blake2_128Concat: subject identifiers
	/// are hashes a caller cannot choose.
	#[pallet::storage]
	pub type ClosedToEmergencyHistory<T: Config> = StorageMap<
		_,
		Blake2_128Concat,
		SubjectId,
		BoundedVec<(Moment, DataClassSet), ConstU32<{ MAX_CLOSURE_CHANGES }>>,
		ValueQuery,
	>;

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
		/// Governance set the roles that may break the glass.
		BreakGlassRolesSet { roles: RoleSet },
		/// A patient (or delegate) set the classes break-glass access never opens.
		ClosedToEmergencySet { patient: SubjectId, classes: DataClassSet },
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
		/// A consent may name at most `MaxRecordsPerConsent` records; name a data class instead.
		TooManyRecords,
		/// None of the practitioner's live roles may break the glass (see `BreakGlassRoles`).
		RoleMayNotBreakGlass,
		/// Emergency access needs the hash of a written justification; this one is all zeroes.
		EmptyJustification,
		/// This practitioner's last emergency access to this patient ended too recently.
		EmergencyCooldown,
		/// Break-glass must be open to at least one clinical role.
		NoBreakGlassRoles,
		/// The chain has issued the most identifiers it can.
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
		/// `NotRegistered`, `NotAPatient`, `NotAuthorizedGrantor`, `TooManyRecords`,
		/// `InvalidGrantee`, `NoActions`, `NoPurposes`, `NothingCovered`, `UnknownCode`,
		/// `ClassBothCoveredAndExcluded`, `InvalidPeriod`, `PeriodInPast`, `TooManyConsents`.
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::grant(
			u32::try_from(terms.records.len())
				.unwrap_or(u32::MAX)
				.min(T::MaxRecordsPerConsent::get())
		))]
		pub fn grant(
			origin: OriginFor<T>,
			patient: SubjectId,
			terms: GrantTerms,
		) -> DispatchResult {
			let grantor = Self::ensure_grantor(origin, &patient)?;
			let terms = Self::bound_terms(terms)?;
			Self::validate_terms(&terms)?;
			let grantee = terms.grantee.subject();
			let pair = (patient, grantee);
			ensure!(
				ActiveConsentCount::<T>::get(pair) < T::MaxConsentsPerPair::get(),
				Error::<T>::TooManyConsents
			);

			let now = T::Time::now();
			let grantee_ref = terms.grantee;
			let id = Self::insert_consent(patient, grantor, terms, now)?;

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
		/// ETREAT only. It ends by itself after `duration`, and never opens the classes the
		/// patient closed to it ([`ClosedToEmergency`]).
		///
		/// The dispatch origin for this call must be _Signed_ by a practitioner with a live
		/// attestation in one of the [`BreakGlassRoles`].
		///
		/// - `patient`: the patient.
		/// - `duration`: how long, ms; at most [`MaxEmergencyDuration`].
		/// - `justification`: a salted commitment (blake2-256) to the off-chain justification.
		///
		/// One emergency access per practitioner and patient is open at a time, and a new one
		/// may open only [`Config::EmergencyCooldown`] after the last one ended.
		///
		/// Emits `EmergencyAccessOpened` (an alert for the patient's tools); appends an
		/// `emergency-access` audit entry. Errors: `NotRegistered`, `NotAnAttestedPractitioner`,
		/// `RoleMayNotBreakGlass`, `NotAPatient`, `ZeroDuration`, `EmergencyTooLong`,
		/// `EmptyJustification`, `EmergencyAlreadyOpen`, `EmergencyCooldown`.
		#[pallet::call_index(2)]
		#[pallet::weight(T::WeightInfo::open_emergency_access())]
		pub fn open_emergency_access(
			origin: OriginFor<T>,
			patient: SubjectId,
			duration: Moment,
			justification: H256,
		) -> DispatchResult {
			let practitioner = Self::ensure_subject(origin)?;
			let now = T::Time::now();
			ensure!(
				T::Identity::is_practitioner(&practitioner, now),
				Error::<T>::NotAnAttestedPractitioner
			);
			let roles = T::Identity::live_roles(&practitioner, now);
			ensure!(roles.0 & BreakGlassRoles::<T>::get().0 != 0, Error::<T>::RoleMayNotBreakGlass);
			ensure!(
				T::Identity::active_kind(&patient) == Some(SubjectKind::Patient),
				Error::<T>::NotAPatient
			);
			ensure!(duration > 0, Error::<T>::ZeroDuration);
			ensure!(duration <= MaxEmergencyDuration::<T>::get(), Error::<T>::EmergencyTooLong);
			ensure!(!justification.is_zero(), Error::<T>::EmptyJustification);
			let pair = (patient, practitioner);
			if let Some(last) = LatestEmergency::<T>::get(pair).and_then(Emergencies::<T>::get) {
				ensure!(now >= last.expires_at, Error::<T>::EmergencyAlreadyOpen);
				ensure!(
					now >= last.expires_at.saturating_add(T::EmergencyCooldown::get()),
					Error::<T>::EmergencyCooldown
				);
			}

			let id = EmergencyId(Self::next_id(NextEmergencyId::<T>::get())?);
			NextEmergencyId::<T>::put(id.0.saturating_add(1));
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
		/// Emits `EmergencyAccessEnded`; appends an `emergency-ended` audit entry. Errors:
		/// `EmergencyNotFound`, `NotRegistered`, `EmergencyEnded`, `NotAuthorizedToEnd`.
		#[pallet::call_index(3)]
		#[pallet::weight(T::WeightInfo::end_emergency_access())]
		pub fn end_emergency_access(origin: OriginFor<T>, id: EmergencyId) -> DispatchResult {
			let mut grant = Emergencies::<T>::get(id).ok_or(Error::<T>::EmergencyNotFound)?;
			let by = Self::ensure_subject(origin)?;
			let now = T::Time::now();
			ensure!(now < grant.expires_at, Error::<T>::EmergencyEnded);
			ensure!(
				by == grant.patient
					|| by == grant.practitioner
					|| T::Identity::is_delegate(&grant.patient, &by),
				Error::<T>::NotAuthorizedToEnd
			);
			grant.expires_at = now;
			let patient = grant.patient;
			Emergencies::<T>::insert(id, grant);
			Self::audit(
				&patient,
				AuditEventType::EmergencyEnded,
				AuditAction::Update,
				by,
				Some(AuditPolicy::Emergency(id)),
				Some(PurposeOfUse::EmergencyTreat),
				now,
			);
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

		/// Set the practitioner roles that may break the glass.
		///
		/// The dispatch origin for this call must be [`Config::GovernanceOrigin`].
		///
		/// - `roles`: a non-empty set of roles.
		///
		/// Emits `BreakGlassRolesSet`. Errors: `NoBreakGlassRoles`.
		#[pallet::call_index(5)]
		#[pallet::weight(T::WeightInfo::set_break_glass_roles())]
		pub fn set_break_glass_roles(origin: OriginFor<T>, roles: RoleSet) -> DispatchResult {
			T::GovernanceOrigin::ensure_origin(origin)?;
			ensure!(!roles.is_empty(), Error::<T>::NoBreakGlassRoles);
			BreakGlassRoles::<T>::put(roles);
			Self::deposit_event(Event::BreakGlassRolesSet { roles });
			Ok(())
		}

		/// Set the data classes break-glass access never opens for `patient` (replacing the
		/// default, genomic data only). An empty set lets emergencies open every class. The set it
		/// replaces is kept as history ([`ClosedToEmergencyHistory`]), so that an emergency read
		/// served before the change is still judged by it.
		///
		/// The dispatch origin for this call must be _Signed_ by the patient or by one of their
		/// guardians with the delegate right.
		///
		/// - `patient`: the patient.
		/// - `classes`: the classes to close to break-glass access.
		///
		/// Emits `ClosedToEmergencySet`; appends a `consent-granted` audit entry (the patient's
		/// standing instruction). Errors: `NotRegistered`, `NotAPatient`, `NotAuthorizedGrantor`,
		/// `UnknownCode`.
		#[pallet::call_index(6)]
		#[pallet::weight(T::WeightInfo::set_closed_to_emergency())]
		pub fn set_closed_to_emergency(
			origin: OriginFor<T>,
			patient: SubjectId,
			classes: DataClassSet,
		) -> DispatchResult {
			let by = Self::ensure_grantor(origin, &patient)?;
			ensure!(classes.is_valid(), Error::<T>::UnknownCode);
			let now = T::Time::now();
			let previous = ClosedToEmergency::<T>::get(patient);
			if previous != classes {
				Self::note_closed_to_emergency_change(&patient, previous, now);
			}
			ClosedToEmergency::<T>::insert(patient, classes);
			Self::audit(
				&patient,
				AuditEventType::ConsentGranted,
				AuditAction::Update,
				by,
				None,
				Some(PurposeOfUse::EmergencyTreat),
				now,
			);
			Self::deposit_event(Event::ClosedToEmergencySet { patient, classes });
			Ok(())
		}
	}
}

impl<T: Config> Pallet<T> {
	/// The subject the origin's account controls, through [`Config::SubjectOrigin`].
	fn ensure_subject(
		origin: frame_system::pallet_prelude::OriginFor<T>,
	) -> Result<SubjectId, Error<T>> {
		T::SubjectOrigin::try_origin(origin).map_err(|_| Error::<T>::NotRegistered)
	}

	/// The origin's subject, which must be `patient` or one of their delegate guardians.
	fn ensure_grantor(
		origin: frame_system::pallet_prelude::OriginFor<T>,
		patient: &SubjectId,
	) -> Result<SubjectId, sp_runtime::DispatchError> {
		let grantor = Self::ensure_subject(origin)?;
		if T::Identity::active_kind(patient) != Some(SubjectKind::Patient) {
			return Err(Error::<T>::NotAPatient.into());
		}
		if grantor != *patient && !T::Identity::is_delegate(patient, &grantor) {
			return Err(Error::<T>::NotAuthorizedGrantor.into());
		}
		Ok(grantor)
	}

	/// Keeps `previous`, the set of classes closed to emergency access that `patient` changed at
	/// `now`, in [`ClosedToEmergencyHistory`]: drops the changes older than
	/// [`Config::HistoryRetention`] and, if the history is still full, the oldest change, whose
	/// successor's `previous` then becomes every class (the time before it is no longer known).
	fn note_closed_to_emergency_change(patient: &SubjectId, previous: DataClassSet, now: Moment) {
		let retention = T::HistoryRetention::get();
		ClosedToEmergencyHistory::<T>::mutate(patient, |history| {
			history.retain(|(changed_at, _)| changed_at.saturating_add(retention) >= now);
			if history.is_full() {
				history.remove(0);
				if let Some((_, unknown)) = history.iter_mut().next() {
					*unknown = DataClassSet::of(&DataClass::ALL);
				}
			}
			// Room was made just above: the push cannot fail.
			let _ = history.try_push((now, previous));
		});
	}

	/// The next identifier from `counter`, refusing (never wrapping) at the end of the range.
	fn next_id(counter: u64) -> Result<u64, Error<T>> {
		counter.checked_add(1).map(|_| counter).ok_or(Error::<T>::IdentifiersExhausted)
	}

	/// Stores a new active consent and indexes it for the patient, the grantee and the rule.
	pub(crate) fn insert_consent(
		patient: SubjectId,
		grantor: SubjectId,
		terms: ConsentTermsOf<T>,
		now: Moment,
	) -> Result<ConsentId, Error<T>> {
		let id = ConsentId(Self::next_id(NextConsentId::<T>::get())?);
		let grantee = terms.grantee.subject();
		let pair = (patient, grantee);
		// Listing indices refuse rather than wrap: a wrapped index would overwrite an entry.
		let patient_index = PatientConsentCount::<T>::get(patient);
		let patient_next = patient_index.checked_add(1).ok_or(Error::<T>::IdentifiersExhausted)?;
		let grantee_index = GranteeConsentCount::<T>::get(grantee);
		let grantee_next = grantee_index.checked_add(1).ok_or(Error::<T>::IdentifiersExhausted)?;
		PatientConsents::<T>::insert(patient, patient_index, id);
		PatientConsentCount::<T>::insert(patient, patient_next);
		GranteeConsents::<T>::insert(grantee, grantee_index, id);
		GranteeConsentCount::<T>::insert(grantee, grantee_next);
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
		NextConsentId::<T>::put(id.0.saturating_add(1));
		ActiveConsents::<T>::insert(pair, id, ());
		ActiveConsentCount::<T>::mutate(pair, |n| *n = n.saturating_add(1));
		Ok(id)
	}

	/// The call's terms with their record list bounded as storage keeps it.
	fn bound_terms(terms: GrantTerms) -> Result<ConsentTermsOf<T>, Error<T>> {
		terms.try_map_records(|records| records.try_into().map_err(|_| Error::<T>::TooManyRecords))
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

	/// One emergency grant.
	pub fn emergency(id: EmergencyId) -> Option<EmergencyGrant> {
		Emergencies::<T>::get(id)
	}

	/// One consent as the runtime API shows it.
	pub fn consent(id: ConsentId) -> Option<ConsentRecord> {
		Consents::<T>::get(id).map(|c| c.to_record(id))
	}

	/// `patient`'s consents, newest first, before index `before` (exclusive), at most `limit`
	/// (and at most [`MAX_LISTING_PAGE`]).
	pub fn consents_of_patient(
		patient: &SubjectId,
		before: Option<u32>,
		limit: u32,
	) -> Vec<ConsentRecord> {
		let end = before.unwrap_or(u32::MAX).min(PatientConsentCount::<T>::get(patient));
		(0..end)
			.rev()
			.take(usize::try_from(limit.min(MAX_LISTING_PAGE)).unwrap_or(usize::MAX))
			.filter_map(|i| PatientConsents::<T>::get(patient, i))
			.filter_map(Self::consent)
			.collect()
	}

	/// Consents naming `grantee`, newest first, before index `before` (exclusive), at most
	/// `limit` (and at most [`MAX_LISTING_PAGE`]).
	pub fn consents_of_grantee(
		grantee: &SubjectId,
		before: Option<u32>,
		limit: u32,
	) -> Vec<ConsentRecord> {
		let end = before.unwrap_or(u32::MAX).min(GranteeConsentCount::<T>::get(grantee));
		(0..end)
			.rev()
			.take(usize::try_from(limit.min(MAX_LISTING_PAGE)).unwrap_or(usize::MAX))
			.filter_map(|i| GranteeConsents::<T>::get(grantee, i))
			.filter_map(Self::consent)
			.collect()
	}
}

//! # Medical records pallet
//!
//! The chain's side of a medical record: its anchor. The record itself is encrypted by the client
//! and kept off chain by its custodian organization's gateway; the anchor says whose record it is,
//! who wrote it, who keeps it, its data class, and the blake2-256 hash and byte size of the
//! ciphertext. A gateway serves a blob only if it hashes to its anchor, the access rule judges a
//! read of a record by the class its anchor gives, and an erasure here is what every gateway
//! follows to delete the bytes (crypto-shredding: only the hash remains).
//!
//! ## Terminology
//!
//! - **Anchor**: the on-chain facts of one record version ([`RecordAnchor`]).
//! - **Author**: who anchored it: the patient, a delegate guardian, or a practitioner whose
//!   `check_access` answer for `Create` is Permit.
//! - **Custodian**: the organization whose gateway keeps the ciphertext: the author's attesting
//!   organization, or the one the patient names.
//! - **Version chain**: a new version supersedes its predecessor (same patient, same class); the
//!   latest is `Active`, the rest `Superseded`.
//! - **Erasure**: the patient (or a delegate guardian) ends a record and every version before it.
//!
//! ## Rules
//!
//! 1. [`Pallet::anchor`]: the author must pass the access rule for `Create` on the class, for the
//!    purpose named (the patient and delegates always do). The record identifier is derived by
//!    the chain ([`record_id`]). The custodian must be an active organization; for a practitioner
//!    author it must attest them now, and under an organization-wide consent be that
//!    organization; when none is named, the consenting organization, or the one organization
//!    attesting a practitioner, is taken; anyone else must name one.
//! 2. [`Pallet::amend`]: a new version of an `Active` record, by an author who passes the rule for
//!    `Create` on that record (its class, or the record named in a consent). It keeps the patient
//!    and class; the custodian follows rule 1 with the predecessor's as the default.
//! 3. [`Pallet::erase`]: the patient or a delegate guardian erases the latest version of a record
//!    and with it every earlier version (so no version stays readable). Hashes stay; the status
//!    becomes `Erased` and the time is kept ([`ErasedAt`]), so that a read a gateway reports
//!    later is judged by whether it came before the erasure; a `RecordErased` event per version
//!    is what the gateway follows.
//! 4. Every anchor, new version and erasure is appended to the patient's audit trail
//!    (`RecordWritten`, `RecordErased`) with the consent (or own-data basis) that allowed it and the
//!    ciphertext hash as the entity.
//!
//! ## Calls
//!
//! For patients and their delegate guardians: [`Pallet::anchor`], [`Pallet::amend`] (as their own
//! data, always permitted), [`Pallet::erase`].
//!
//! For practitioners under a consent that allows Create on the class (or names the record):
//! [`Pallet::anchor`], [`Pallet::amend`].
//!
//! Every call is signed by the controller of an active subject; anyone else gets `NotRegistered`.
//!
//! ## Assumptions
//!
//! - Identifiers, codes and hashes only: no PHI. The ciphertext and the wrapped keys never come on
//!   chain (chain history cannot be deleted).
//! - Storage is bounded: at most `MaxRecordsPerPatient` live records per patient (erasing frees
//!   room), of which at most `MaxRecordsPerAuthor` written by any one author other than the
//!   patient (so no single consented practitioner fills the patient's room), at most
//!   `MaxVersions` versions in one chain (so an erasure's walk is bounded).

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

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
pub mod weights;

pub use pallet::*;
pub use weights::WeightInfo;

use alloc::vec::Vec;
use frame_support::traits::{EnsureOrigin, Get, Time};
use medchain_primitives::{
	audit::{AuditAction, AuditEntity, AuditEventType, AuditOutcome, AuditPolicy, AuditRecord},
	consent::{
		AccessDecision, AccessTarget, ConsentAction, DataClass, DenyReason, PermitBasis,
		PurposeOfUse, RecordId,
	},
	identity::{SubjectId, SubjectKind},
	records::{
		record_id, RecordAnchor, RecordFilter, RecordPage, RecordStatus, MAX_RECORD_PAGE,
		MAX_RECORD_SCAN,
	},
	traits::{AccessRule, AuditSink, RecordRegistry, SubjectRegistry},
	Moment,
};
use sp_core::H256;

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
		/// Who is who: patients, guardians, practitioners, organizations.
		#[pallet::no_default]
		type Identity: SubjectRegistry<Self::AccountId>;

		/// Turns a signed origin into the subject it controls (identity's `EnsureSubject`).
		#[pallet::no_default]
		type SubjectOrigin: EnsureOrigin<Self::RuntimeOrigin, Success = SubjectId>;

		/// THE access rule (consent's `check_access`): who may create records of a patient.
		#[pallet::no_default]
		type Access: AccessRule;

		/// Where anchors, new versions and erasures are audited.
		#[pallet::no_default]
		type Audit: AuditSink;

		/// The chain clock, milliseconds since the Unix epoch.
		#[pallet::no_default]
		type Time: Time<Moment = Moment>;

		/// Most live (not erased) records, versions included, one patient may have.
		#[pallet::constant]
		type MaxRecordsPerPatient: Get<u32>;

		/// Most live records, versions included, one author other than the patient may have
		/// written for one patient: what a single consented practitioner can take of the
		/// patient's room.
		#[pallet::constant]
		type MaxRecordsPerAuthor: Get<u32>;

		/// Most versions in one record's chain.
		#[pallet::constant]
		type MaxVersions: Get<u32>;

		/// Weights of this pallet's calls, from its benchmarks.
		type WeightInfo: WeightInfo;
	}

	/// Default implementations of [`DefaultConfig`], which can be used to implement [`Config`].
	pub mod config_preludes {
		use super::*;
		use frame_support::derive_impl;

		/// The test runtimes' records configuration: bounds small enough for tests to reach.
		pub struct TestDefaultConfig;

		#[derive_impl(frame_system::config_preludes::TestDefaultConfig, no_aggregated_types)]
		impl frame_system::DefaultConfig for TestDefaultConfig {}

		#[frame_support::register_default_impl(TestDefaultConfig)]
		impl DefaultConfig for TestDefaultConfig {
			type MaxRecordsPerPatient = ConstU32<8>;
			type MaxRecordsPerAuthor = ConstU32<4>;
			type MaxVersions = ConstU32<3>;
			type WeightInfo = ();
		}
	}

	/// Feeds record identifiers: one per anchor, never reused.
	#[pallet::storage]
	pub type NextRecordNonce<T: Config> = StorageValue<_, u64, ValueQuery>;

	/// Every anchor ever made, erased ones included. Identifiers are chain-derived hashes.
	#[pallet::storage]
	pub type Anchors<T: Config> = StorageMap<_, Identity, RecordId, RecordAnchor, OptionQuery>;

	/// Each patient's records in anchoring order: (patient, index) → record.
	#[pallet::storage]
	pub type PatientAnchors<T: Config> =
		StorageDoubleMap<_, Blake2_128Concat, SubjectId, Twox64Concat, u32, RecordId, OptionQuery>;

	/// How many records each patient has ever had anchored (the length of their list).
	#[pallet::storage]
	pub type PatientRecordCount<T: Config> =
		StorageMap<_, Blake2_128Concat, SubjectId, u32, ValueQuery>;

	/// How many of each patient's records are not erased: what [`Config::MaxRecordsPerPatient`]
	/// bounds, so that erasing frees room.
	#[pallet::storage]
	pub type LiveRecordCount<T: Config> =
		StorageMap<_, Blake2_128Concat, SubjectId, u32, ValueQuery>;

	/// How many of each patient's live records each author other than the patient wrote: what
	/// [`Config::MaxRecordsPerAuthor`] bounds. Keys are subject identifiers (derived by the chain).
	#[pallet::storage]
	pub type LiveRecordsByAuthor<T: Config> = StorageDoubleMap<
		_,
		Blake2_128Concat,
		SubjectId,
		Blake2_128Concat,
		SubjectId,
		u32,
		ValueQuery,
	>;

	/// When each erased record version was erased (chain time, ms), set by [`Pallet::erase`] for
	/// every version it erases and only for those: a read a gateway reports is judged by it, so a
	/// read served before the erasure stays justified and one after it does not.
	/// Blake2_128Concat: an author who grinds ciphertext hashes can steer a record identifier's
	/// leading bits, so the map hashes its keys again rather than trust them to be spread.
	#[pallet::storage]
	pub type ErasedAt<T: Config> = StorageMap<_, Blake2_128Concat, RecordId, Moment, OptionQuery>;

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// A record (or a new version of one) was anchored; the custodian's gateway may now take
		/// the ciphertext that hashes to `content_hash`.
		RecordAnchored {
			id: RecordId,
			patient: SubjectId,
			author: SubjectId,
			custodian: SubjectId,
			class: DataClass,
			content_hash: H256,
			size: u64,
			version: u32,
			predecessor: Option<RecordId>,
		},
		/// A record version was erased: its custodian's gateway deletes ciphertext and envelopes.
		RecordErased { id: RecordId, patient: SubjectId, custodian: SubjectId, by: SubjectId },
	}

	#[pallet::error]
	pub enum Error<T> {
		/// The subject named as patient is not a registered patient.
		UnknownPatient,
		/// The patient's identity is deactivated: nothing new is written for it.
		PatientDeactivated,
		/// The access rule does not let the author create this patient's records of this class
		/// for this purpose (`consent check` says why).
		NotPermitted,
		/// A record's body cannot be empty: a ciphertext always has a header and a tag.
		EmptyRecord,
		/// The custodian named is not an active organization.
		NotAnOrganization,
		/// A practitioner may only anchor at an organization that attests them now.
		NotAttestedByCustodian,
		/// Under an organization-wide consent, the record is kept by that organization only.
		CustodianOutsideConsent,
		/// Name the custodian: the author is not a practitioner attested by exactly one
		/// organization.
		CustodianRequired,
		/// No record has that identifier.
		UnknownRecord,
		/// Only the latest (active) version can get a new version.
		NotLatestVersion,
		/// The record is erased.
		RecordErased,
		/// Only the patient or a guardian with the delegate right may erase a record.
		NotPatientOrDelegate,
		/// The patient has as many live (not erased) records as the chain keeps per patient.
		TooManyRecords,
		/// This author already wrote as many of the patient's live records as one author may;
		/// the patient can erase some.
		TooManyRecordsByAuthor,
		/// The record's chain has as many versions as the chain keeps.
		TooManyVersions,
		/// The chain has run out of record nonces.
		NonceOverflow,
		/// The signing account controls no active identity.
		NotRegistered,
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
		/// Anchor a new record of a patient. The chain derives the record's identifier and
		/// reports it in `RecordAnchored`; the custodian's gateway then takes the ciphertext that
		/// hashes to `content_hash`.
		///
		/// The dispatch origin for this call must be _Signed_ by an active subject the access
		/// rule lets create `patient`'s records of `class` for `purpose`: the patient, one of
		/// their delegate guardians, or a practitioner under a consent allowing Create.
		///
		/// - `patient`: the patient whose record it is.
		/// - `class`: the record's data class, what the access rule judges reads of it by.
		/// - `content_hash`: blake2-256 of the whole ciphertext blob, header included.
		/// - `size`: the blob's size in bytes; more than zero.
		/// - `custodian`: the organization whose gateway keeps the blob; if `None`, the
		///   organization whose consent allowed the anchor, or the practitioner's one attesting
		///   organization (the crate's rule 1).
		/// - `purpose`: why the record is written; the access rule judges it.
		///
		/// Emits `RecordAnchored`; appends a `record-written` audit entry naming the consent (or
		/// own-data basis) that allowed it. Errors: `NotRegistered`, `EmptyRecord`,
		/// `UnknownPatient`, `PatientDeactivated`, `NotPermitted`, `NotAnOrganization`,
		/// `NotAttestedByCustodian`, `CustodianOutsideConsent`, `CustodianRequired`,
		/// `TooManyRecords`, `TooManyRecordsByAuthor`, `NonceOverflow`.
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::anchor())]
		pub fn anchor(
			origin: OriginFor<T>,
			patient: SubjectId,
			class: DataClass,
			content_hash: H256,
			size: u64,
			custodian: Option<SubjectId>,
			purpose: PurposeOfUse,
		) -> DispatchResult {
			let author = Self::ensure_subject(origin)?;
			ensure!(size > 0, Error::<T>::EmptyRecord);
			let basis = Self::permitted(&patient, &author, &AccessTarget::Class(class), purpose)?;
			let custodian = Self::custodian(&author, &basis, custodian, None)?;
			Self::insert(
				patient,
				author,
				custodian,
				class,
				content_hash,
				size,
				None,
				1,
				basis,
				purpose,
			)
		}

		/// Anchor a new version of a record: same patient and class, new ciphertext. The
		/// predecessor becomes superseded; the new version's identifier is in `RecordAnchored`.
		///
		/// The dispatch origin for this call must be _Signed_ by an active subject the access
		/// rule lets create the record (by its class, or a consent naming it) for `purpose`: the
		/// patient, one of their delegate guardians, or a practitioner under a consent allowing
		/// Create.
		///
		/// - `predecessor`: the record's active (latest) version.
		/// - `content_hash`: blake2-256 of the new ciphertext blob, header included.
		/// - `size`: the new blob's size in bytes; more than zero.
		/// - `custodian`: the organization whose gateway keeps the new blob; if `None`, the
		///   predecessor's when the author may use it, else as for [`Pallet::anchor`].
		/// - `purpose`: why the version is written; the access rule judges it.
		///
		/// Emits `RecordAnchored` (with its `predecessor`); appends a `record-written` audit
		/// entry (action Update). Errors: `NotRegistered`, `EmptyRecord`, `UnknownRecord`,
		/// `NotLatestVersion`, `RecordErased`, `TooManyVersions`, `PatientDeactivated`,
		/// `NotPermitted`, `NotAnOrganization`, `NotAttestedByCustodian`,
		/// `CustodianOutsideConsent`, `CustodianRequired`, `TooManyRecords`,
		/// `TooManyRecordsByAuthor`, `NonceOverflow`.
		#[pallet::call_index(1)]
		#[pallet::weight(T::WeightInfo::amend())]
		pub fn amend(
			origin: OriginFor<T>,
			predecessor: RecordId,
			content_hash: H256,
			size: u64,
			custodian: Option<SubjectId>,
			purpose: PurposeOfUse,
		) -> DispatchResult {
			let author = Self::ensure_subject(origin)?;
			ensure!(size > 0, Error::<T>::EmptyRecord);
			let mut previous = Anchors::<T>::get(predecessor).ok_or(Error::<T>::UnknownRecord)?;
			match previous.status {
				RecordStatus::Active => {},
				RecordStatus::Superseded => return Err(Error::<T>::NotLatestVersion.into()),
				RecordStatus::Erased => return Err(Error::<T>::RecordErased.into()),
			}
			ensure!(previous.version < T::MaxVersions::get(), Error::<T>::TooManyVersions);
			let patient = previous.patient;
			let basis =
				Self::permitted(&patient, &author, &AccessTarget::Record(predecessor), purpose)?;
			let custodian = Self::custodian(&author, &basis, custodian, Some(previous.custodian))?;
			let version = previous.version.saturating_add(1);
			Self::insert(
				patient,
				author,
				custodian,
				previous.class,
				content_hash,
				size,
				Some(predecessor),
				version,
				basis,
				purpose,
			)?;
			previous.status = RecordStatus::Superseded;
			Anchors::<T>::insert(predecessor, previous);
			Ok(())
		}

		/// Erase a record: its latest version and every earlier one. Each status becomes erased
		/// (at the block's time, [`ErasedAt`]), the hashes stay, and the custodian's gateway
		/// deletes the ciphertext and envelopes (crypto-shredding).
		///
		/// The dispatch origin for this call must be _Signed_ by the patient or by one of their
		/// guardians with the delegate right.
		///
		/// - `record`: the record's active (latest) version.
		///
		/// The weight charged is for the versions erased, not for the most a record may have
		/// (`MaxVersions`): the rest is refunded.
		///
		/// Emits `RecordErased` for each version erased, newest first; appends a `record-erased`
		/// audit entry for each. Errors: `NotRegistered`, `UnknownRecord`,
		/// `NotPatientOrDelegate`, `NotLatestVersion`, `RecordErased`.
		#[pallet::call_index(2)]
		#[pallet::weight(T::WeightInfo::erase(T::MaxVersions::get()))]
		pub fn erase(origin: OriginFor<T>, record: RecordId) -> DispatchResultWithPostInfo {
			let by = Self::ensure_subject(origin)?;
			let anchor = Anchors::<T>::get(record).ok_or(Error::<T>::UnknownRecord)?;
			let patient = anchor.patient;
			ensure!(
				by == patient || T::Identity::is_delegate(&patient, &by),
				Error::<T>::NotPatientOrDelegate
			);
			// Erasure starts from the latest version, so that no newer version stays readable.
			match anchor.status {
				RecordStatus::Active => {},
				RecordStatus::Superseded => return Err(Error::<T>::NotLatestVersion.into()),
				RecordStatus::Erased => return Err(Error::<T>::RecordErased.into()),
			}
			let now = T::Time::now();
			let mut erased = 0u32;
			let mut next = Some(record);
			while let Some(id) = next {
				let Some(mut version) = Anchors::<T>::get(id) else { break };
				if version.status == RecordStatus::Erased {
					break;
				}
				version.status = RecordStatus::Erased;
				Anchors::<T>::insert(id, version);
				ErasedAt::<T>::insert(id, now);
				LiveRecordCount::<T>::mutate(patient, |n| *n = n.saturating_sub(1));
				if version.author != patient {
					LiveRecordsByAuthor::<T>::mutate_exists(patient, version.author, |n| {
						*n = n.and_then(|n| n.checked_sub(1)).filter(|n| *n > 0);
					});
				}
				erased = erased.saturating_add(1);
				let entry = AuditRecord {
					event_type: AuditEventType::RecordErased,
					action: AuditAction::Delete,
					outcome: AuditOutcome::Success,
					actor: by,
					requestor: true,
					policy: Some(AuditPolicy::OwnData),
					deny_reason: None,
					entity: Some(AuditEntity { record: id, hash: Some(version.content_hash) }),
					purpose: None,
					occurred: now,
					repeats: None,
				};
				T::Audit::append(&patient, entry);
				Self::deposit_event(Event::RecordErased {
					id,
					patient,
					custodian: version.custodian,
					by,
				});
				next = version.predecessor;
			}
			Ok(Some(T::WeightInfo::erase(erased)).into())
		}
	}
}

impl<T: Config> Pallet<T> {
	/// The subject the origin's account controls, through [`Config::SubjectOrigin`]; anyone else
	/// is told `NotRegistered`.
	fn ensure_subject(
		origin: frame_system::pallet_prelude::OriginFor<T>,
	) -> Result<SubjectId, Error<T>> {
		T::SubjectOrigin::try_origin(origin).map_err(|_| Error::<T>::NotRegistered)
	}

	/// What the access rule says of `author` creating `target` of `patient` for `purpose`: the
	/// basis on Permit, the matching error on Deny.
	fn permitted(
		patient: &SubjectId,
		author: &SubjectId,
		target: &AccessTarget,
		purpose: PurposeOfUse,
	) -> Result<PermitBasis, Error<T>> {
		match T::Access::check_access(patient, author, ConsentAction::Create, target, purpose) {
			AccessDecision::Permit(basis) => Ok(basis),
			AccessDecision::Deny(DenyReason::UnknownPatient) => Err(Error::<T>::UnknownPatient),
			AccessDecision::Deny(DenyReason::PatientDeactivated) => {
				Err(Error::<T>::PatientDeactivated)
			},
			AccessDecision::Deny(DenyReason::UnknownRecord) => Err(Error::<T>::UnknownRecord),
			AccessDecision::Deny(DenyReason::RecordErased) => Err(Error::<T>::RecordErased),
			AccessDecision::Deny(_) => Err(Error::<T>::NotPermitted),
		}
	}

	/// The custodian of a record `author` writes on `basis`: `requested` if given,
	/// else `default` (a predecessor's) if the author may use it, else the organization whose
	/// consent allowed it, else the practitioner's one attesting organization.
	///
	/// The patient and their delegates name any active organization. A practitioner names only an
	/// organization that attests them now; under an organization-wide consent, only that
	/// organization: the patient let it, not the practitioner's other employers, hold the record.
	fn custodian(
		author: &SubjectId,
		basis: &PermitBasis,
		requested: Option<SubjectId>,
		default: Option<SubjectId>,
	) -> Result<SubjectId, Error<T>> {
		let now = T::Time::now();
		let own_data = matches!(basis, PermitBasis::OwnData);
		let consenting = T::Access::consenting_organization(basis);
		let may_use = |organization: &SubjectId| -> Result<(), Error<T>> {
			if T::Identity::active_kind(organization) != Some(SubjectKind::Organization) {
				return Err(Error::<T>::NotAnOrganization);
			}
			if own_data {
				return Ok(());
			}
			if !T::Identity::is_attested_by(author, organization, now) {
				return Err(Error::<T>::NotAttestedByCustodian);
			}
			if consenting.is_some_and(|o| o != *organization) {
				return Err(Error::<T>::CustodianOutsideConsent);
			}
			Ok(())
		};
		if let Some(organization) = requested {
			may_use(&organization)?;
			return Ok(organization);
		}
		if let Some(organization) = default.filter(|o| may_use(o).is_ok()) {
			return Ok(organization);
		}
		if let Some(organization) = consenting {
			may_use(&organization)?;
			return Ok(organization);
		}
		match T::Identity::organizations_of(author, now).as_slice() {
			[only] if !own_data => Ok(*only),
			_ => Err(Error::<T>::CustodianRequired),
		}
	}

	/// Stores a new anchor, lists it under its patient, audits it and emits its event.
	#[allow(clippy::too_many_arguments)] // the anchor's fields
	fn insert(
		patient: SubjectId,
		author: SubjectId,
		custodian: SubjectId,
		class: DataClass,
		content_hash: H256,
		size: u64,
		predecessor: Option<RecordId>,
		version: u32,
		basis: PermitBasis,
		purpose: PurposeOfUse,
	) -> Result<(), sp_runtime::DispatchError> {
		let live = LiveRecordCount::<T>::get(patient);
		frame_support::ensure!(live < T::MaxRecordsPerPatient::get(), Error::<T>::TooManyRecords);
		let by_author = (author != patient).then(|| LiveRecordsByAuthor::<T>::get(patient, author));
		frame_support::ensure!(
			by_author.is_none_or(|n| n < T::MaxRecordsPerAuthor::get()),
			Error::<T>::TooManyRecordsByAuthor
		);
		let index = PatientRecordCount::<T>::get(patient);
		let next_index = index.checked_add(1).ok_or(Error::<T>::TooManyRecords)?;
		let nonce = NextRecordNonce::<T>::get();
		NextRecordNonce::<T>::put(nonce.checked_add(1).ok_or(Error::<T>::NonceOverflow)?);
		let id = record_id(&patient, &author, &content_hash, nonce);
		let now = T::Time::now();
		let anchor = RecordAnchor {
			id,
			patient,
			author,
			custodian,
			class,
			content_hash,
			size,
			created: now,
			predecessor,
			version,
			status: RecordStatus::Active,
			index,
		};
		Anchors::<T>::insert(id, anchor);
		PatientAnchors::<T>::insert(patient, index, id);
		PatientRecordCount::<T>::insert(patient, next_index);
		LiveRecordCount::<T>::insert(patient, live.saturating_add(1));
		if let Some(n) = by_author {
			LiveRecordsByAuthor::<T>::insert(patient, author, n.saturating_add(1));
		}
		let policy = match basis {
			PermitBasis::OwnData => AuditPolicy::OwnData,
			PermitBasis::Consent(id) => AuditPolicy::Consent(id),
			PermitBasis::Emergency(id) => AuditPolicy::Emergency(id),
		};
		let entry = AuditRecord {
			event_type: AuditEventType::RecordWritten,
			action: if predecessor.is_some() { AuditAction::Update } else { AuditAction::Create },
			outcome: AuditOutcome::Success,
			actor: author,
			requestor: true,
			policy: Some(policy),
			deny_reason: None,
			entity: Some(AuditEntity { record: id, hash: Some(content_hash) }),
			purpose: Some(purpose),
			occurred: now,
			repeats: None,
		};
		T::Audit::append(&patient, entry);
		Self::deposit_event(Event::RecordAnchored {
			id,
			patient,
			author,
			custodian,
			class,
			content_hash,
			size,
			version,
			predecessor,
		});
		Ok(())
	}

	/// One record's anchor.
	pub fn record(id: &RecordId) -> Option<RecordAnchor> {
		Anchors::<T>::get(id)
	}

	/// Up to `limit` (at most [`MAX_RECORD_PAGE`]) of `patient`'s records passing `filter`,
	/// newest first, from `before` (exclusive; default: the end). Looks at no more than
	/// [`MAX_RECORD_SCAN`] anchors; `next` says where the following page starts.
	pub fn records_of(
		patient: &SubjectId,
		filter: RecordFilter,
		before: Option<u32>,
		limit: u32,
	) -> RecordPage {
		let count = PatientRecordCount::<T>::get(patient);
		let mut cursor = before.map_or(count, |b| b.min(count));
		let limit = limit.min(MAX_RECORD_PAGE) as usize;
		let mut records = Vec::new();
		let mut scanned = 0u32;
		while cursor > 0 && records.len() < limit && scanned < MAX_RECORD_SCAN {
			cursor = cursor.saturating_sub(1);
			scanned = scanned.saturating_add(1);
			let anchor = PatientAnchors::<T>::get(patient, cursor).and_then(Anchors::<T>::get);
			if let Some(anchor) = anchor.filter(|a| filter.matches(a)) {
				records.push(anchor);
			}
		}
		RecordPage { records, next: (cursor > 0).then_some(cursor) }
	}
}

/// Consent asks here for the anchor behind a record identifier, and when it was erased.
impl<T: Config> RecordRegistry for Pallet<T> {
	fn anchor(record: &RecordId) -> Option<RecordAnchor> {
		Anchors::<T>::get(record)
	}

	fn erased_at(record: &RecordId) -> Option<Moment> {
		ErasedAt::<T>::get(record)
	}

	/// An active first version authored by the patient, written straight to storage: listed,
	/// counted as live and given a nonce as [`Pallet::anchor`] would, without its access check,
	/// audit entry or event.
	#[cfg(feature = "runtime-benchmarks")]
	fn benchmark_anchor(patient: &SubjectId, custodian: &SubjectId, class: DataClass) -> RecordId {
		let nonce = NextRecordNonce::<T>::get();
		NextRecordNonce::<T>::put(nonce.saturating_add(1));
		let content_hash = H256::repeat_byte(0xbe);
		let id = record_id(patient, patient, &content_hash, nonce);
		let index = PatientRecordCount::<T>::get(patient);
		Anchors::<T>::insert(
			id,
			RecordAnchor {
				id,
				patient: *patient,
				author: *patient,
				custodian: *custodian,
				class,
				content_hash,
				size: 1,
				created: T::Time::now(),
				predecessor: None,
				version: 1,
				status: RecordStatus::Active,
				index,
			},
		);
		PatientAnchors::<T>::insert(patient, index, id);
		PatientRecordCount::<T>::insert(patient, index.saturating_add(1));
		LiveRecordCount::<T>::mutate(patient, |n| *n = n.saturating_add(1));
		id
	}
}

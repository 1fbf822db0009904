//! # Audit log pallet
//!
//! An append-only, per-patient, hash-chained trail of every access decision: who touched what,
//! when, why and with what outcome, in a form a privacy officer can prove complete.
//!
//! ## Overview
//!
//! Each patient has a trail of numbered entries. Every entry carries the hash of the one before
//! it and its own hash (blake2-256 over the patient and the entry's SCALE encoding), and the
//! trail's head (count and newest hash) is in state; so a missing, reordered or altered entry is
//! detectable by anyone who re-hashes the trail ([`Pallet::verify`], or independently: see
//! docs/audit.md).
//!
//! Two kinds of writer exist and no other: the runtime's own pallets (consent, identity, records)
//! through the [`AuditSink`] trait, and registered gateways of active organizations through
//! [`Pallet::submit_batch`], which carries many access events in one extrinsic. A batch is checked
//! whole before anything is written: one bad event fails the batch with an error naming its
//! index, and nothing is appended. Nobody can change or delete an entry.
//!
//! Queries (runtime API `AuditApi`, and the node's `audit_*` RPC as FHIR) read a patient's trail
//! newest first by sequence or by time, or an actor's entries across patients. Storage is keyed by
//! (patient, sequence) and (actor, index), so a page costs the same at ten entries or ten million.
//!
//! ## Terminology
//!
//! - **Trail**: one patient's entries, numbered from 0.
//! - **Head**: the trail's entry count and newest entry hash.
//! - **Link**: an entry's `prev_hash`, which must equal the previous entry's `hash`.
//! - **Writer**: the runtime, or a gateway of an active organization (FHIR `source.observer`).
//! - **Batch**: the events one gateway extrinsic appends, all or none.
//!
//! ## Calls
//!
//! For gateways: [`Pallet::submit_batch`].
//!
//! ## Assumptions
//!
//! - Entries hold identifiers, codes and hashes only: no PHI.
//! - The chain clock is the block timestamp; an entry's `recorded` is the block's time, its
//!   `occurred` the writer's claim, which may not be in the future beyond `MaxClockSkew`.

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
pub mod weights;

pub use pallet::*;
pub use weights::WeightInfo;

use alloc::vec::Vec;
use codec::{Decode, DecodeWithMemTracking, Encode};
use frame_support::traits::Time;
use medchain_primitives::{
	audit::{
		entry_hash, entry_preimage, AuditEntry, AuditEventType, AuditOutcome, AuditQueryError,
		AuditRecord, AuditSink, AuditSource, ChainVerification, TrailHead, MAX_AUDIT_PAGE,
	},
	identity::{SubjectId, SubjectKind, SubjectRegistry},
	Moment,
};
use scale_info::TypeInfo;
use sp_core::H256;
use sp_runtime::traits::SaturatedConversion;

/// One access event a gateway reports: whose trail it goes to and what happened.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, DecodeWithMemTracking, TypeInfo)]
pub struct GatewayEvent {
	/// The patient whose data was accessed.
	pub patient: SubjectId,
	/// What happened.
	pub record: AuditRecord,
}

/// Makes subjects for the benchmarks: a gateway to write, patients and an actor to write about.
#[cfg(feature = "runtime-benchmarks")]
pub trait BenchmarkHelper<AccountId> {
	/// The controller account of an active gateway of an active organization.
	fn gateway() -> AccountId;
	/// The `index`-th active patient.
	fn patient(index: u32) -> SubjectId;
	/// An active practitioner.
	fn actor() -> SubjectId;
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
		/// Who is who: patients, actors, gateways and their organizations.
		type Identity: SubjectRegistry<Self::AccountId>;

		/// The chain clock, milliseconds since the Unix epoch.
		type Time: Time<Moment = Moment>;

		/// Most events one gateway batch may carry.
		#[pallet::constant]
		type MaxBatch: Get<u32>;

		/// How far past the block time a gateway's claimed `occurred` may be (clock skew), ms.
		#[pallet::constant]
		type MaxClockSkew: Get<Moment>;

		/// Weights of this pallet's calls, from its benchmarks.
		type WeightInfo: WeightInfo;

		/// Makes subjects for the benchmarks.
		#[cfg(feature = "runtime-benchmarks")]
		type BenchmarkHelper: BenchmarkHelper<Self::AccountId>;
	}

	/// Each patient's trail head. Blake2_128Concat: identifiers are user-influenced.
	#[pallet::storage]
	pub type Heads<T: Config> = StorageMap<_, Blake2_128Concat, SubjectId, TrailHead, ValueQuery>;

	/// The entries: (patient, sequence) → entry. Twox64Concat on the sequence: the runtime
	/// assigns it, so it cannot be chosen to unbalance the trie.
	#[pallet::storage]
	pub type Entries<T: Config> = StorageDoubleMap<
		_,
		Blake2_128Concat,
		SubjectId,
		Twox64Concat,
		u64,
		AuditEntry,
		OptionQuery,
	>;

	/// How many entries name each actor.
	#[pallet::storage]
	pub type ActorCounts<T: Config> = StorageMap<_, Blake2_128Concat, SubjectId, u64, ValueQuery>;

	/// The actor index: (actor, index) → (patient, sequence) of the entry.
	#[pallet::storage]
	pub type ActorEntries<T: Config> = StorageDoubleMap<
		_,
		Blake2_128Concat,
		SubjectId,
		Twox64Concat,
		u64,
		(SubjectId, u64),
		OptionQuery,
	>;

	/// Fills trails at genesis through the append path: for load benchmarks only.
	#[pallet::genesis_config]
	#[derive(frame_support::DefaultNoBound)]
	pub struct GenesisConfig<T: Config> {
		/// `(patients, entries_per_patient)` synthetic read events to append at genesis.
		pub benchmark_fill: Option<(u32, u32)>,
		#[serde(skip)]
		pub _config: core::marker::PhantomData<T>,
	}

	#[pallet::genesis_build]
	impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
		fn build(&self) {
			if let Some((patients, per_patient)) = self.benchmark_fill {
				Pallet::<T>::fill_for_benchmarks(patients, per_patient);
			}
		}
	}

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// An entry was appended to a patient's trail.
		EntryAppended { patient: SubjectId, seq: u64, event_type: AuditEventType, hash: H256 },
		/// A gateway's batch was appended whole.
		BatchAppended { gateway: SubjectId, count: u32 },
	}

	#[pallet::error]
	pub enum Error<T> {
		/// The signing account controls no active identity, so it cannot write audit entries.
		UnregisteredWriter,
		/// Only gateways write audit entries.
		NotAGateway,
		/// The gateway or its organization is no longer active.
		GatewayInactive,
		/// A batch must carry at least one event.
		EmptyBatch,
		/// The batch carries more events than `MaxBatch`.
		BatchTooLarge,
		/// An event names a subject that is not an active patient.
		UnknownPatient { index: u16 },
		/// An event's actor is not an active subject.
		UnknownActor { index: u16 },
		/// Gateways may only report record reads and access denials.
		EventTypeNotAllowed { index: u16 },
		/// A denial must have a failure outcome and a reason; a read must succeed under a policy.
		InconsistentOutcome { index: u16 },
		/// An event claims to have occurred in the future.
		OccurredInFuture { index: u16 },
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
		/// Append a batch of access events (record reads, denials) observed by a gateway.
		///
		/// The dispatch origin for this call must be _Signed_ by the controller of an active
		/// gateway whose organization is active.
		///
		/// - `events`: 1 to `MaxBatch` events. Every event is checked before any is written; the
		///   first bad one fails the whole batch with an error naming its index, and nothing is
		///   appended, so the gateway can fix and resend the batch as it was.
		///
		/// Emits `EntryAppended` for each event and `BatchAppended`. Errors:
		/// `UnregisteredWriter`, `NotAGateway`, `GatewayInactive`, `EmptyBatch`, `BatchTooLarge`,
		/// `UnknownPatient`, `UnknownActor`, `EventTypeNotAllowed`, `InconsistentOutcome`,
		/// `OccurredInFuture`.
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::submit_batch(events.len() as u32))]
		pub fn submit_batch(origin: OriginFor<T>, events: Vec<GatewayEvent>) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let gateway = T::Identity::subject_of(&who).ok_or(Error::<T>::UnregisteredWriter)?;
			ensure!(
				T::Identity::active_kind(&gateway) == Some(SubjectKind::Gateway),
				Error::<T>::NotAGateway
			);
			ensure!(
				T::Identity::gateway_organization(&gateway).is_some(),
				Error::<T>::GatewayInactive
			);
			ensure!(!events.is_empty(), Error::<T>::EmptyBatch);
			ensure!(events.len() as u32 <= T::MaxBatch::get(), Error::<T>::BatchTooLarge);

			let latest = T::Time::now().saturating_add(T::MaxClockSkew::get());
			for (i, event) in events.iter().enumerate() {
				Self::check_gateway_event(i as u16, event, latest)?;
			}

			for event in &events {
				Self::append(&event.patient, event.record, AuditSource::Gateway(gateway));
			}
			Self::deposit_event(Event::BatchAppended { gateway, count: events.len() as u32 });
			Ok(())
		}
	}
}

impl<T: Config> Pallet<T> {
	fn check_gateway_event(
		index: u16,
		event: &GatewayEvent,
		latest: Moment,
	) -> Result<(), Error<T>> {
		let record = &event.record;
		if T::Identity::active_kind(&event.patient) != Some(SubjectKind::Patient) {
			return Err(Error::<T>::UnknownPatient { index });
		}
		if T::Identity::active_kind(&record.actor).is_none() {
			return Err(Error::<T>::UnknownActor { index });
		}
		let consistent = match record.event_type {
			AuditEventType::RecordRead => {
				record.outcome == AuditOutcome::Success && record.policy.is_some()
			},
			AuditEventType::AccessDenied => {
				record.outcome != AuditOutcome::Success && record.deny_reason.is_some()
			},
			_ => return Err(Error::<T>::EventTypeNotAllowed { index }),
		};
		if !consistent {
			return Err(Error::<T>::InconsistentOutcome { index });
		}
		if record.occurred > latest {
			return Err(Error::<T>::OccurredInFuture { index });
		}
		Ok(())
	}

	/// Appends `record` to `patient`'s trail: links it to the head, hashes it, indexes it by
	/// actor. Constant work whatever the trail's length. Returns the entry's sequence number.
	pub fn append(patient: &SubjectId, record: AuditRecord, source: AuditSource) -> u64 {
		let head = Heads::<T>::get(patient);
		let recorded = T::Time::now();
		let block: u32 = frame_system::Pallet::<T>::block_number().saturated_into();
		let seq = head.count;
		let hash = H256(sp_io::hashing::blake2_256(&entry_preimage(
			patient, seq, &record, &source, recorded, block, &head.hash,
		)));
		let entry = AuditEntry { seq, record, source, recorded, block, prev_hash: head.hash, hash };
		Entries::<T>::insert(patient, seq, entry);
		Heads::<T>::insert(patient, TrailHead { count: seq + 1, hash });

		let actor_index = ActorCounts::<T>::mutate(record.actor, |n| {
			*n += 1;
			*n - 1
		});
		ActorEntries::<T>::insert(record.actor, actor_index, (*patient, seq));
		Self::deposit_event(Event::EntryAppended {
			patient: *patient,
			seq,
			event_type: record.event_type,
			hash,
		});
		seq
	}

	/// Up to `limit` entries of `patient`, newest first, before sequence `before` (exclusive).
	pub fn entries(
		patient: &SubjectId,
		before: Option<u64>,
		limit: u32,
	) -> Result<Vec<AuditEntry>, AuditQueryError> {
		let count = Self::check_page(patient, before, limit)?;
		let end = before.unwrap_or(count);
		Ok((0..end)
			.rev()
			.take(limit as usize)
			.filter_map(|seq| Entries::<T>::get(patient, seq))
			.collect())
	}

	/// Up to `limit` entries of `patient` recorded within `[from, to]`, newest first, before
	/// sequence `before`. Entries are appended in time order, so the newest entry at or before
	/// `to` is found by binary search: a query reads O(log n + limit) entries.
	pub fn entries_in_time(
		patient: &SubjectId,
		from: Moment,
		to: Moment,
		before: Option<u64>,
		limit: u32,
	) -> Result<Vec<AuditEntry>, AuditQueryError> {
		if to < from {
			return Err(AuditQueryError::BadTimeRange);
		}
		let count = Self::check_page(patient, before, limit)?;
		let end = before.unwrap_or(count);
		// First sequence in [0, end) recorded after `to`.
		let (mut lo, mut hi) = (0u64, end);
		while lo < hi {
			let mid = lo + (hi - lo) / 2;
			let recorded = Entries::<T>::get(patient, mid).map_or(Moment::MAX, |e| e.recorded);
			if recorded <= to {
				lo = mid + 1;
			} else {
				hi = mid;
			}
		}
		Ok((0..lo)
			.rev()
			.map_while(|seq| Entries::<T>::get(patient, seq).filter(|e| e.recorded >= from))
			.take(limit as usize)
			.collect())
	}

	/// Up to `limit` entries naming `actor`, newest first, before the actor's index `before`.
	pub fn entries_by_actor(
		actor: &SubjectId,
		before: Option<u64>,
		limit: u32,
	) -> Result<Vec<(SubjectId, AuditEntry)>, AuditQueryError> {
		if limit > MAX_AUDIT_PAGE {
			return Err(AuditQueryError::PageTooLarge { max: MAX_AUDIT_PAGE });
		}
		let count = ActorCounts::<T>::get(actor);
		let end = before.unwrap_or(count);
		if end > count {
			return Err(AuditQueryError::OutOfRange { count });
		}
		Ok((0..end)
			.rev()
			.take(limit as usize)
			.filter_map(|i| ActorEntries::<T>::get(actor, i))
			.filter_map(|(patient, seq)| Entries::<T>::get(patient, seq).map(|e| (patient, e)))
			.collect())
	}

	/// Re-hashes `patient`'s trail from the first entry and reports the first entry whose hash,
	/// link or sequence does not match, or a head that does not match the last entry.
	pub fn verify(patient: &SubjectId) -> ChainVerification {
		let head = Heads::<T>::get(patient);
		let mut prev = H256::zero();
		for seq in 0..head.count {
			let Some(entry) = Entries::<T>::get(patient, seq) else {
				return ChainVerification { checked: seq, first_bad: Some(seq) };
			};
			if entry.seq != seq
				|| entry.prev_hash != prev
				|| entry_hash(patient, &entry) != entry.hash
			{
				return ChainVerification { checked: seq + 1, first_bad: Some(seq) };
			}
			prev = entry.hash;
		}
		if prev != head.hash || Entries::<T>::contains_key(patient, head.count) {
			return ChainVerification { checked: head.count, first_bad: Some(head.count) };
		}
		ChainVerification { checked: head.count, first_bad: None }
	}

	fn check_page(
		patient: &SubjectId,
		before: Option<u64>,
		limit: u32,
	) -> Result<u64, AuditQueryError> {
		if limit > MAX_AUDIT_PAGE {
			return Err(AuditQueryError::PageTooLarge { max: MAX_AUDIT_PAGE });
		}
		let count = Heads::<T>::get(patient).count;
		if before.is_some_and(|b| b > count) {
			return Err(AuditQueryError::OutOfRange { count });
		}
		Ok(count)
	}

	/// Appends `per_patient` synthetic read events to each of `patients` synthetic trails, through
	/// [`Pallet::append`]: the state the load benchmark (scripts/bench-audit.sh) queries.
	pub fn fill_for_benchmarks(patients: u32, per_patient: u32) {
		use medchain_primitives::{
			audit::{AuditAction, AuditPolicy},
			consent::{ConsentId, PurposeOfUse},
		};
		for p in 0..patients {
			let patient = synthetic_subject(b"patient", p);
			for i in 0..per_patient {
				let actor = synthetic_subject(b"actor", (p + i) % 64);
				let record = AuditRecord {
					event_type: AuditEventType::RecordRead,
					action: AuditAction::Read,
					outcome: AuditOutcome::Success,
					actor,
					requestor: true,
					policy: Some(AuditPolicy::Consent(ConsentId(u64::from(p)))),
					deny_reason: None,
					entity: None,
					purpose: Some(PurposeOfUse::Treat),
					occurred: 0,
				};
				Self::append(&patient, record, AuditSource::Runtime);
			}
		}
	}
}

/// The `index`-th synthetic subject of a benchmark fill: blake2-256 of
/// `"medchain:bench:" ++ role ++ index (u32 LE)`.
pub fn synthetic_subject(role: &[u8], index: u32) -> SubjectId {
	let mut preimage = b"medchain:bench:".to_vec();
	preimage.extend_from_slice(role);
	preimage.extend_from_slice(&index.to_le_bytes());
	SubjectId(sp_io::hashing::blake2_256(&preimage))
}

impl<T: Config> AuditSink for Pallet<T> {
	fn append(patient: &SubjectId, record: AuditRecord) -> u64 {
		Pallet::<T>::append(patient, record, AuditSource::Runtime)
	}
}

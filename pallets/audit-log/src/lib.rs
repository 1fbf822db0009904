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
//! [`Pallet::submit_batch`], which carries many access events in one extrinsic. Every event is
//! judged on its own: the valid ones are appended, the refused ones are reported (index and
//! error) in the batch's event, so one bad event cannot hold back the reads around it. A read
//! entry is **justified, not just claimed**: it names the record read, and the runtime checks it
//! against the record's anchor and the policy it names, as of the moment the read was decided
//! ([`ReadPolicies`]). Each gateway numbers its events; an event resent after a crash or a dropped
//! transaction is recognised by its number and not appended twice. Nobody can change or delete an
//! entry.
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
//! - **Batch**: the events one gateway extrinsic carries, numbered from `first` in the gateway's
//!   own sequence.
//! - **Gateway sequence**: each gateway's count of events the chain has taken (appended or
//!   refused); an event numbered below it is a duplicate and is skipped.
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
//! - A gateway sends its batches in sequence order (its account nonce orders them), so the next
//!   batch starts where the chain's count of that gateway's events stands, or before it (a resend).

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

#[cfg(feature = "runtime-benchmarks")]
#[allow(clippy::arithmetic_side_effects)] // test and benchmark set-up, not dispatch
mod benchmarking;
#[cfg(feature = "load-bench")]
mod load_bench;
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
use codec::{Decode, DecodeWithMemTracking, Encode};
use frame_support::traits::Time;
use frame_system::pallet_prelude::BlockNumberFor;
use medchain_primitives::{
	audit::{
		entry_hash, entry_preimage, AuditAction, AuditEntry, AuditEventType, AuditOutcome,
		AuditQueryError, AuditRecord, AuditSource, ChainVerification, TrailHead, MAX_AUDIT_PAGE,
		MAX_VERIFY_PAGE,
	},
	identity::{SubjectId, SubjectKind},
	traits::{AuditSink, PolicyRefusal, ReadClaim, ReadPolicies, SubjectRegistry},
	Moment,
};
use scale_info::TypeInfo;
use sp_core::H256;
use sp_runtime::{traits::SaturatedConversion, DispatchError};

/// One access event a gateway reports: whose trail it goes to and what happened.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, DecodeWithMemTracking, TypeInfo)]
pub struct GatewayEvent {
	/// The patient whose data was accessed.
	pub patient: SubjectId,
	/// What happened.
	pub record: AuditRecord,
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

	#[pallet::config(with_default)]
	pub trait Config: frame_system::Config<RuntimeEvent: From<Event<Self>>, Hash = H256> {
		/// Who is who: patients, actors, gateways and their organizations.
		#[pallet::no_default]
		type Identity: SubjectRegistry<Self::AccountId>;

		/// Turns a signed origin into the subject it controls (identity's `EnsureSubject`).
		#[pallet::no_default]
		type SubjectOrigin: EnsureOrigin<Self::RuntimeOrigin, Success = SubjectId>;

		/// Whether the consent or emergency grant a gateway's read names really allowed it.
		#[pallet::no_default]
		type Policies: ReadPolicies;

		/// The chain clock, milliseconds since the Unix epoch.
		#[pallet::no_default]
		type Time: Time<Moment = Moment>;

		/// Most events one gateway batch may carry.
		#[pallet::constant]
		type MaxBatch: Get<u32>;

		/// How far past the block time a gateway's claimed `occurred` may be (clock skew), ms.
		#[pallet::constant]
		type MaxClockSkew: Get<Moment>;

		/// How far before the block time a gateway's claimed `occurred` may be, ms: a gateway
		/// that was offline flushes its queue within this window, and nothing is back-dated
		/// further.
		#[pallet::constant]
		type MaxBacklog: Get<Moment>;

		/// Weights of this pallet's calls, from its benchmarks.
		type WeightInfo: WeightInfo;
	}

	/// Default implementations of [`DefaultConfig`], which can be used to implement [`Config`].
	pub mod config_preludes {
		use super::*;
		use frame_support::{derive_impl, traits::ConstU64};

		/// The test runtimes' audit-log configuration: batches small enough for tests to fill.
		pub struct TestDefaultConfig;

		#[derive_impl(frame_system::config_preludes::TestDefaultConfig, no_aggregated_types)]
		impl frame_system::DefaultConfig for TestDefaultConfig {}

		#[frame_support::register_default_impl(TestDefaultConfig)]
		impl DefaultConfig for TestDefaultConfig {
			type MaxBatch = ConstU32<8>;
			type MaxClockSkew = ConstU64<60_000>;
			/// A day.
			type MaxBacklog = ConstU64<86_400_000>;
			type WeightInfo = ();
		}
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

	/// Each gateway's sequence: how many of its events the chain has taken (appended or refused).
	/// The gateway numbers its events from 0; a batch starts at or below this count, and events
	/// below it are duplicates of ones already taken. Blake2_128Concat: gateway identifiers are
	/// derived by the chain, but hashed as every subject key is.
	#[pallet::storage]
	pub type GatewaySequence<T: Config> =
		StorageMap<_, Blake2_128Concat, SubjectId, u64, ValueQuery>;

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

	/// Genesis of the audit log: empty trails. Runtimes built with the `load-bench` feature may
	/// fill trails through the append path for the audit query benchmark (scripts/bench-audit.sh);
	/// no other runtime has the field or the code.
	#[pallet::genesis_config]
	#[derive(frame_support::DefaultNoBound)]
	pub struct GenesisConfig<T: Config> {
		/// `(patients, entries_per_patient)` synthetic read events to append at genesis.
		#[cfg(feature = "load-bench")]
		pub benchmark_fill: Option<(u32, u32)>,
		#[serde(skip)]
		pub _config: core::marker::PhantomData<T>,
	}

	#[pallet::genesis_build]
	impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
		fn build(&self) {
			#[cfg(feature = "load-bench")]
			if let Some((patients, per_patient)) = self.benchmark_fill {
				crate::load_bench::fill::<T>(patients, per_patient);
			}
		}
	}

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// An entry was appended to a patient's trail.
		EntryAppended { patient: SubjectId, seq: u64, event_type: AuditEventType, hash: H256 },
		/// A gateway's batch was taken: `appended` events appended, `duplicates` skipped (taken
		/// before), and each refused event listed by its index in the batch with the error that
		/// refused it. The gateway's sequence now stands at `first` plus the batch's length.
		BatchAppended {
			gateway: SubjectId,
			first: u64,
			appended: u32,
			duplicates: u32,
			refused: Vec<(u32, DispatchError)>,
		},
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
		/// The batch starts past the gateway's sequence: events between were never sent, and the
		/// gateway must resend from the sequence the chain has (`GatewaySequence`).
		SequenceGap,
		/// An event names a subject that is not a patient (tombstones included).
		UnknownPatient,
		/// An event's actor was never registered.
		UnknownActor,
		/// An event's actor is an organization or gateway; only persons access records.
		ActorNotAPerson,
		/// Gateways may only report record reads and access denials.
		EventTypeNotAllowed,
		/// A denial must have a failure outcome and a reason and name no policy (and, if folded,
		/// count at least two, the last not before the first); a read must be one successful
		/// `Read` under a policy, for a purpose of use.
		InconsistentOutcome,
		/// An event claims to have occurred in the future (a read: after the block time; a
		/// denial: more than `MaxClockSkew` after it).
		OccurredInFuture,
		/// An event claims to have occurred longer ago than `MaxBacklog`.
		OccurredTooLongAgo,
		/// A read must name the record it read.
		ReadNamesNoRecord,
		/// A read names a consent or emergency grant that does not exist.
		PolicyNotFound,
		/// A read names a policy that did not allow that actor to read that patient's data then.
		PolicyNotForThisRead,
		/// A read of a patient's data after the patient was deactivated.
		PatientDeactivatedBeforeRead,
		/// A read names a record that was never anchored.
		UnknownRecord,
		/// A read names another patient's record.
		RecordOfAnotherPatient,
		/// A read names a record kept by another organization than the gateway's.
		NotTheCustodian,
		/// A read names a record that was erased before the read.
		RecordErasedBeforeRead,
		/// A read reports a ciphertext hash that is not the record's anchored hash.
		ContentMismatch,
		/// The policy a read names does not cover the record's class (nor name the record).
		ClassNotCovered,
		/// An emergency read by a practitioner who held no break-glass role at the time.
		NotABreakGlassRole,
		/// An emergency read of a class the patient had closed to emergency access at the time.
		ClosedToEmergency,
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
		/// - `first`: the gateway's sequence number of the first event; the events are numbered
		///   `first`, `first + 1`, … It may lie below the chain's `GatewaySequence` (a resend):
		///   events numbered below it were taken before and are skipped, so nothing is appended
		///   twice. It may not lie above it (`SequenceGap`).
		/// - `events`: 1 to `MaxBatch` events. Each is judged on its own and appended if valid; a
		///   refused one is reported in `BatchAppended` with its index and error, and the others
		///   are appended all the same. A read must name the record read and the policy that
		///   allowed it, and that policy must have allowed that actor to read that record of that
		///   patient, kept by this gateway's organization, at `occurred` ([`ReadPolicies`]); a
		///   denial names no policy; actors are persons; `occurred` lies within `MaxBacklog` before
		///   and `MaxClockSkew` after the block time.
		///
		/// The list is taken unbounded and checked against `MaxBatch` here, so an oversize batch
		/// fails with `BatchTooLarge` instead of failing to decode; the block length bounds it.
		/// Duplicates are refunded: the weight charged is that of the events judged.
		///
		/// Emits `EntryAppended` for each appended event and one `BatchAppended`. The call fails
		/// as a whole only with `UnregisteredWriter`, `NotAGateway`, `GatewayInactive`,
		/// `EmptyBatch`, `BatchTooLarge` or `SequenceGap`. An event is refused with
		/// `UnknownPatient`, `UnknownActor`, `ActorNotAPerson`, `EventTypeNotAllowed`,
		/// `InconsistentOutcome`, `OccurredInFuture`, `OccurredTooLongAgo`, `ReadNamesNoRecord`,
		/// `PolicyNotFound`, `PolicyNotForThisRead`, `PatientDeactivatedBeforeRead`,
		/// `UnknownRecord`, `RecordOfAnotherPatient`,
		/// `NotTheCustodian`, `RecordErasedBeforeRead`, `ContentMismatch`, `ClassNotCovered`,
		/// `NotABreakGlassRole` or `ClosedToEmergency`.
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::submit_batch(
			u32::try_from(events.len()).unwrap_or(u32::MAX)
		))]
		pub fn submit_batch(
			origin: OriginFor<T>,
			first: u64,
			events: Vec<GatewayEvent>,
		) -> DispatchResultWithPostInfo {
			let gateway =
				T::SubjectOrigin::try_origin(origin).map_err(|_| Error::<T>::UnregisteredWriter)?;
			ensure!(
				T::Identity::active_kind(&gateway) == Some(SubjectKind::Gateway),
				Error::<T>::NotAGateway
			);
			let custodian =
				T::Identity::gateway_organization(&gateway).ok_or(Error::<T>::GatewayInactive)?;
			ensure!(!events.is_empty(), Error::<T>::EmptyBatch);
			let count = u32::try_from(events.len()).map_err(|_| Error::<T>::BatchTooLarge)?;
			ensure!(count <= T::MaxBatch::get(), Error::<T>::BatchTooLarge);
			let taken = GatewaySequence::<T>::get(gateway);
			ensure!(first <= taken, Error::<T>::SequenceGap);

			let now = T::Time::now();
			let window = now.saturating_sub(T::MaxBacklog::get())
				..=now.saturating_add(T::MaxClockSkew::get());
			// Events numbered below `taken` were taken by an earlier batch.
			let duplicates =
				u32::try_from(taken.saturating_sub(first).min(u64::from(count))).unwrap_or(count);
			let (mut appended, mut refused) = (0u32, Vec::new());
			for (i, event) in events.iter().enumerate().skip(duplicates as usize) {
				// Bounded by MaxBatch, which a u32 holds.
				let index = u32::try_from(i).unwrap_or(u32::MAX);
				match Self::check_gateway_event(event, custodian, now, &window) {
					Ok(()) => {
						Self::append(&event.patient, event.record, AuditSource::Gateway(gateway));
						appended = appended.saturating_add(1);
					},
					Err(error) => refused.push((index, error.into())),
				}
			}
			// A resend landing after later batches lies wholly below the count: it never lowers it.
			GatewaySequence::<T>::insert(
				gateway,
				taken.max(first.saturating_add(u64::from(count))),
			);
			Self::deposit_event(Event::BatchAppended {
				gateway,
				first,
				appended,
				duplicates,
				refused,
			});
			Ok(Some(T::WeightInfo::submit_batch(count.saturating_sub(duplicates))).into())
		}
	}
}

impl<T: Config> Pallet<T> {
	/// Judges one gateway event: why it may not go on the trail, if it may not.
	fn check_gateway_event(
		event: &GatewayEvent,
		custodian: SubjectId,
		now: Moment,
		window: &core::ops::RangeInclusive<Moment>,
	) -> Result<(), Error<T>> {
		let record = &event.record;
		// Patients and actors are judged by what they were, tombstones included: a read served
		// before a practitioner (or patient) deactivated is still recorded, and deactivating
		// right after a read does not erase it from the trail.
		if T::Identity::kind_of(&event.patient) != Some(SubjectKind::Patient) {
			return Err(Error::<T>::UnknownPatient);
		}
		match T::Identity::kind_of(&record.actor) {
			None => return Err(Error::<T>::UnknownActor),
			Some(SubjectKind::Patient | SubjectKind::Practitioner) => {},
			Some(_) => return Err(Error::<T>::ActorNotAPerson),
		}
		let consistent = match record.event_type {
			AuditEventType::RecordRead => {
				record.outcome == AuditOutcome::Success
					&& record.action == AuditAction::Read
					&& record.deny_reason.is_none()
					&& record.policy.is_some()
					&& record.purpose.is_some()
					&& record.repeats.is_none()
			},
			// A denial is justified by nothing: it names no policy. Identical denials may be
			// folded into one entry, which then says how many and when the last was.
			AuditEventType::AccessDenied => {
				record.outcome != AuditOutcome::Success
					&& record.deny_reason.is_some()
					&& record.policy.is_none()
					&& record.repeats.is_none_or(|r| r.count >= 2 && r.last >= record.occurred)
			},
			_ => return Err(Error::<T>::EventTypeNotAllowed),
		};
		if !consistent {
			return Err(Error::<T>::InconsistentOutcome);
		}
		// A read is dated by the block whose `check_access` permitted it, never ahead of the
		// chain; a denial may carry the clock skew.
		let last = record.repeats.map_or(record.occurred, |r| r.last);
		let latest = match record.event_type {
			AuditEventType::RecordRead => now,
			_ => *window.end(),
		};
		if last > latest {
			return Err(Error::<T>::OccurredInFuture);
		}
		if record.occurred < *window.start() {
			return Err(Error::<T>::OccurredTooLongAgo);
		}
		if record.event_type != AuditEventType::RecordRead {
			return Ok(());
		}
		let (Some(policy), Some(purpose)) = (record.policy, record.purpose) else {
			return Err(Error::<T>::InconsistentOutcome);
		};
		let entity = record.entity.ok_or(Error::<T>::ReadNamesNoRecord)?;
		let claim = ReadClaim {
			patient: event.patient,
			actor: record.actor,
			policy,
			purpose,
			record: entity.record,
			content_hash: entity.hash,
			custodian,
			occurred: record.occurred,
		};
		T::Policies::allowed_read(&claim).map_err(|refusal| match refusal {
			PolicyRefusal::NotFound => Error::<T>::PolicyNotFound,
			PolicyRefusal::PatientDeactivated => Error::<T>::PatientDeactivatedBeforeRead,
			PolicyRefusal::NotForThisRead => Error::<T>::PolicyNotForThisRead,
			PolicyRefusal::UnknownRecord => Error::<T>::UnknownRecord,
			PolicyRefusal::RecordOfAnotherPatient => Error::<T>::RecordOfAnotherPatient,
			PolicyRefusal::NotTheCustodian => Error::<T>::NotTheCustodian,
			PolicyRefusal::RecordErased => Error::<T>::RecordErasedBeforeRead,
			PolicyRefusal::ContentMismatch => Error::<T>::ContentMismatch,
			PolicyRefusal::ClassNotCovered => Error::<T>::ClassNotCovered,
			PolicyRefusal::NotABreakGlassRole => Error::<T>::NotABreakGlassRole,
			PolicyRefusal::ClosedToEmergency => Error::<T>::ClosedToEmergency,
		})
	}

	/// The chain an entry appended at `block` is bound to: this chain's genesis hash. Entries
	/// appended while the genesis block itself is built (only the `load-bench` fill) cannot know
	/// it, since it depends on them; they carry zero.
	fn chain_of(block: u32) -> H256 {
		if block == 0 {
			return H256::zero();
		}
		frame_system::Pallet::<T>::block_hash(BlockNumberFor::<T>::default())
	}

	/// Appends `record` to `patient`'s trail: links it to the head, hashes it, indexes it by
	/// actor. Constant work whatever the trail's length. Returns the entry's sequence number.
	pub fn append(patient: &SubjectId, record: AuditRecord, source: AuditSource) -> u64 {
		let head = Heads::<T>::get(patient);
		let recorded = T::Time::now();
		let block: u32 = frame_system::Pallet::<T>::block_number().saturated_into();
		let seq = head.count;
		let hash = H256(sp_io::hashing::blake2_256(&entry_preimage(
			&Self::chain_of(block),
			patient,
			seq,
			&record,
			&source,
			recorded,
			block,
			&head.hash,
		)));
		let entry = AuditEntry { seq, record, source, recorded, block, prev_hash: head.hash, hash };
		Entries::<T>::insert(patient, seq, entry);
		// A u64 trail of one patient cannot fill up: 2^64 entries outlast any chain.
		Heads::<T>::insert(patient, TrailHead { count: seq.saturating_add(1), hash });

		let actor_index = ActorCounts::<T>::mutate(record.actor, |n| {
			let index = *n;
			*n = n.saturating_add(1);
			index
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

	/// The head of `patient`'s trail: entry count and newest hash.
	pub fn head(patient: &SubjectId) -> TrailHead {
		Heads::<T>::get(patient)
	}

	/// Up to `limit` (at most [`MAX_AUDIT_PAGE`]) entries of `patient`, newest first, before
	/// sequence `before` (exclusive).
	pub fn entries(
		patient: &SubjectId,
		before: Option<u64>,
		limit: u32,
	) -> Result<Vec<AuditEntry>, AuditQueryError> {
		let end = Self::page_end(patient, before)?;
		Ok((0..end)
			.rev()
			.take(page(limit))
			.filter_map(|seq| Entries::<T>::get(patient, seq))
			.collect())
	}

	/// Up to `limit` (at most [`MAX_AUDIT_PAGE`]) entries of `patient` recorded within
	/// `[from, to]`, newest first, before sequence `before`. Entries are appended in time order,
	/// so the newest entry at or before `to` is found by binary search: a query reads
	/// O(log n + limit) entries.
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
		let end = Self::page_end(patient, before)?;
		// First sequence in [0, end) recorded after `to`: `lo <= mid < hi <= end` throughout, so
		// neither the midpoint nor `mid + 1` can overflow.
		let (mut lo, mut hi) = (0u64, end);
		while lo < hi {
			let mid = lo.saturating_add(hi.saturating_sub(lo) / 2);
			let recorded = Entries::<T>::get(patient, mid).map_or(Moment::MAX, |e| e.recorded);
			if recorded <= to {
				lo = mid.saturating_add(1);
			} else {
				hi = mid;
			}
		}
		Ok((0..lo)
			.rev()
			.map_while(|seq| Entries::<T>::get(patient, seq).filter(|e| e.recorded >= from))
			.take(page(limit))
			.collect())
	}

	/// Up to `limit` (at most [`MAX_AUDIT_PAGE`]) entries naming `actor`, newest first, before
	/// the actor's index `before`.
	pub fn entries_by_actor(
		actor: &SubjectId,
		before: Option<u64>,
		limit: u32,
	) -> Result<Vec<(SubjectId, AuditEntry)>, AuditQueryError> {
		let count = ActorCounts::<T>::get(actor);
		let end = before.unwrap_or(count);
		if end > count {
			return Err(AuditQueryError::OutOfRange { count });
		}
		Ok((0..end)
			.rev()
			.take(page(limit))
			.filter_map(|i| ActorEntries::<T>::get(actor, i))
			.filter_map(|(patient, seq)| Entries::<T>::get(patient, seq).map(|e| (patient, e)))
			.collect())
	}

	/// Re-hashes up to `limit` (at most [`MAX_VERIFY_PAGE`]) entries of `patient`'s trail from
	/// sequence `from`, and reports the first entry whose hash, link or sequence does not match,
	/// or, on the last page, a head that does not match the last entry. `next` says where the
	/// following page starts; from 0 until `next` is `None` verifies the whole trail.
	pub fn verify(patient: &SubjectId, from: u64, limit: u32) -> ChainVerification {
		let head = Heads::<T>::get(patient);
		let bad = |checked, seq| ChainVerification { checked, first_bad: Some(seq), next: None };
		let mut prev = match from.checked_sub(1) {
			None => H256::zero(),
			Some(before) => match Entries::<T>::get(patient, before) {
				Some(entry) => entry.hash,
				None => return bad(0, before),
			},
		};
		let end = from.saturating_add(u64::from(limit.min(MAX_VERIFY_PAGE))).min(head.count);
		let mut checked = 0u64;
		for seq in from..end {
			checked = checked.saturating_add(1);
			let Some(entry) = Entries::<T>::get(patient, seq) else { return bad(checked, seq) };
			if entry.seq != seq
				|| entry.prev_hash != prev
				|| entry_hash(&Self::chain_of(entry.block), patient, &entry) != entry.hash
			{
				return bad(checked, seq);
			}
			prev = entry.hash;
		}
		if end < head.count {
			return ChainVerification { checked, first_bad: None, next: Some(end) };
		}
		if from > head.count || prev != head.hash || Entries::<T>::contains_key(patient, head.count)
		{
			return bad(checked, head.count);
		}
		ChainVerification { checked, first_bad: None, next: None }
	}

	/// Verifies `patient`'s whole trail, page by page: what try-state and tests check. (The
	/// runtime API is paged so that no call's work grows with the trail.)
	pub fn verify_all(patient: &SubjectId) -> ChainVerification {
		let (mut from, mut checked) = (0u64, 0u64);
		loop {
			let page = Self::verify(patient, from, MAX_VERIFY_PAGE);
			checked = checked.saturating_add(page.checked);
			match page.next {
				Some(next) if page.first_bad.is_none() => from = next,
				_ => return ChainVerification { checked, ..page },
			}
		}
	}

	/// Where a newest-first page of `patient`'s trail ends: `before`, or the trail's end.
	fn page_end(patient: &SubjectId, before: Option<u64>) -> Result<u64, AuditQueryError> {
		let count = Heads::<T>::get(patient).count;
		match before {
			Some(b) if b > count => Err(AuditQueryError::OutOfRange { count }),
			Some(b) => Ok(b),
			None => Ok(count),
		}
	}
}

/// A query's page size: what was asked for, at most [`MAX_AUDIT_PAGE`].
fn page(limit: u32) -> usize {
	usize::try_from(limit.min(MAX_AUDIT_PAGE)).unwrap_or(usize::MAX)
}

impl<T: Config> AuditSink for Pallet<T> {
	fn append(patient: &SubjectId, record: AuditRecord) -> u64 {
		Pallet::<T>::append(patient, record, AuditSource::Runtime)
	}
}

//! Every read and every denial on the patient's trail, and no read served while the trail falls
//! behind.
//!
//! - **Durable first.** A handler calls [`AuditQueue::record`] and answers only once the event
//!   is committed to the [`journal`] (fsynced). Commits are grouped: every event waiting when the
//!   writer wakes goes into one redb transaction, so one fsync serves a burst of reads.
//! - **Denials folded.** Identical denials (same reader, patient, record, reason and purpose)
//!   within [`FOLD_WINDOW_MS`] become one waiting entry with a count and the time of the last
//!   ([`Repeats`]), so a flood of refused requests costs its sender, not the trail.
//! - **Reads first, pipelined.** The [`submitter`] numbers waiting events into batches, reads
//!   before denials, and keeps several batches in flight at once with explicit nonces, each
//!   followed to finality; a dropped or refused transaction makes it resynchronise from the
//!   chain's count of this gateway's events and send again what was not taken. The chain
//!   appends a numbered event at most once, so nothing is appended twice.
//! - **Fail closed, paced by the chain.** [`AuditState::refusal`] says why reads must wait: the
//!   oldest read not yet in a finalized block is older than `audit_max_lag_seconds`; or more
//!   events wait than the chain takes in half that time, at the rate it finalized this gateway's
//!   batches over the last [`DRAIN_WINDOW_MS`] (never fewer than [`ADMIT_FLOOR`], never more
//!   than `audit_max_waiting`); or the chain refuses this gateway's batches. Reads get 503 with
//!   `Retry-After` until the trail catches up. Pacing by the drain keeps the trail within the
//!   bound under any load: a lag bound alone admits a whole bound's worth of reads at the
//!   arrival rate, which the chain may need minutes to take.
//! - A crash loses nothing: what was acknowledged is in the journal, and the submitter resumes
//!   from it at the next start.

pub mod journal;
pub mod submitter;

use std::{
	collections::{HashMap, VecDeque},
	sync::{
		atomic::{AtomicBool, Ordering},
		Arc, Mutex,
	},
	time::{SystemTime, UNIX_EPOCH},
};

use codec::{Decode, Encode};
use medchain_client::keys::Keys;
use medchain_primitives::{
	audit::{AuditEventType, AuditRecord, Repeats},
	identity::SubjectId,
	Moment,
};
use tokio::sync::{mpsc, oneshot, Notify};

use crate::{chain::NodeView, metrics::Metrics, store::Store};
use journal::{Backlog, Journal, Pending, Write};

/// One event for a patient's trail: the runtime's `GatewayEvent`, field for field.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
pub struct AuditEvent {
	/// Whose data.
	pub patient: SubjectId,
	/// What happened.
	pub record: AuditRecord,
}

/// How long identical denials are folded into one entry, ms.
pub const FOLD_WINDOW_MS: Moment = 10_000;

/// Most denial folds the writer keeps open at once; past it, the oldest are closed.
const MAX_OPEN_FOLDS: usize = 100_000;

/// The gateway clock, ms since the Unix epoch.
pub fn now_ms() -> Moment {
	SystemTime::now()
		.duration_since(UNIX_EPOCH)
		.map(|d| d.as_millis() as Moment)
		.unwrap_or(0)
}

/// Limits past which reads are refused until the trail catches up.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
	/// Oldest a read may be and still not be in a finalized block, ms.
	pub max_lag_ms: Moment,
	/// Most events that may wait (reads, and events in batches in flight).
	pub max_waiting: u64,
}

/// How far back the chain's pace of taking this gateway's events is measured, ms.
pub const DRAIN_WINDOW_MS: Moment = 20_000;

/// Events that may always wait (two full batches), whatever pace was measured: enough to find
/// the chain's pace from nothing, as it is measured by what the chain takes.
pub const ADMIT_FLOOR: u64 = 512;

/// What the audit path reports to the handlers, `/health` and `/metrics`.
pub struct AuditState {
	limits: Limits,
	backlog: Mutex<Backlog>,
	suspended: Arc<AtomicBool>,
	/// Events settled in finalized blocks over the last [`DRAIN_WINDOW_MS`]: (when, how many).
	drained: Mutex<VecDeque<(Moment, u64)>>,
}

impl AuditState {
	/// The state with `limits`, sharing the flag the submitter sets while the chain refuses
	/// this gateway's batches.
	pub fn new(limits: Limits, suspended: Arc<AtomicBool>) -> Self {
		Self {
			limits,
			backlog: Mutex::new(Backlog::default()),
			suspended,
			drained: Mutex::new(VecDeque::new()),
		}
	}

	/// `count` events left the queue at `at`, settled in a finalized block.
	pub fn settled(&self, count: u64, at: Moment) {
		let mut drained = self.drained.lock().expect("drain lock");
		drained.push_back((at, count));
		while drained
			.front()
			.is_some_and(|(when, _)| when.saturating_add(DRAIN_WINDOW_MS) < at)
		{
			drained.pop_front();
		}
	}

	/// Events per second the chain took from this gateway over the last [`DRAIN_WINDOW_MS`].
	pub fn drain_rate(&self, now: Moment) -> f64 {
		let drained = self.drained.lock().expect("drain lock");
		let recent: u64 = drained
			.iter()
			.filter(|(when, _)| when.saturating_add(DRAIN_WINDOW_MS) >= now)
			.map(|(_, count)| count)
			.sum();
		recent as f64 * 1000.0 / DRAIN_WINDOW_MS as f64
	}

	/// How many events may wait at `now`: what the chain takes in half the lag bound at its
	/// measured pace (the other half is for the batches in flight to reach a finalized block),
	/// at least [`ADMIT_FLOOR`], at most `max_waiting`.
	pub fn admitting(&self, now: Moment) -> u64 {
		let paced = (self.drain_rate(now) * self.limits.max_lag_ms as f64 / 2000.0) as u64;
		paced.max(ADMIT_FLOOR).min(self.limits.max_waiting)
	}

	/// The journal's counts as last seen.
	pub fn backlog(&self) -> Backlog {
		*self.backlog.lock().expect("backlog lock")
	}

	fn set_backlog(&self, backlog: Backlog) {
		*self.backlog.lock().expect("backlog lock") = backlog;
	}

	/// `count` reads were queued, the first at `queued_at`: if no read was waiting, that one is
	/// now the oldest (so the lag counts from it even before the submitter next looks at the
	/// journal).
	fn reads_queued(&self, count: u64, queued_at: Moment) {
		let mut backlog = self.backlog.lock().expect("backlog lock");
		backlog.reads = backlog.reads.saturating_add(count);
		if backlog.oldest_read.is_none() {
			backlog.oldest_read = Some(queued_at);
		}
	}

	/// How long the oldest read not yet in a finalized block has waited at `now`, ms.
	pub fn lag_ms(&self, now: Moment) -> Moment {
		self.backlog().oldest_read.map_or(0, |queued| now.saturating_sub(queued))
	}

	/// Why reads must wait at `now`, if they must.
	pub fn refusal(&self, now: Moment) -> Option<String> {
		if self.suspended.load(Ordering::SeqCst) {
			return Some("the chain does not accept this gateway's audit entries (is the gateway still active?): no reads until it does".into());
		}
		let backlog = self.backlog();
		let lag = self.lag_ms(now);
		if lag > self.limits.max_lag_ms {
			return Some(format!(
				"the audit trail is behind: a read served {:.1} s ago is not yet in a finalized block (limit {} s); reads resume when the trail catches up",
				lag as f64 / 1000.0,
				self.limits.max_lag_ms / 1000
			));
		}
		// Waiting denials do not count: a flood of refused requests must not stop reads (they
		// wait behind reads, folded, and at most `MAX_DENIAL_BATCHES` of them are in flight).
		let waiting = backlog.reads + backlog.numbered;
		let admitting = self.admitting(now);
		if waiting > admitting {
			return Some(format!(
				"the audit trail is behind: {waiting} events wait for the chain, which took {:.0} a second over the last {} s: more would not be on chain within {} s (limit {admitting}); reads resume when the trail catches up",
				self.drain_rate(now),
				DRAIN_WINDOW_MS / 1000,
				self.limits.max_lag_ms / 2000,
			));
		}
		None
	}
}

type Ack = oneshot::Sender<Result<(), String>>;

/// The handlers' side of the audit path.
#[derive(Clone)]
pub struct AuditQueue {
	sender: mpsc::Sender<(Pending, Ack)>,
	state: Arc<AuditState>,
}

/// How the submitter sends batches.
#[derive(Clone, Copy, Debug)]
pub struct Pipeline {
	/// Most events per batch (the runtime's `MaxBatch` caps it).
	pub batch: usize,
	/// Most batches in flight at once.
	pub in_flight: usize,
}

impl AuditQueue {
	/// Opens the journal in the store's database and starts the writer, which commits the
	/// handlers' events to it. Nothing goes to the chain until a [`submitter::Submitter`] takes
	/// the journal ([`AuditQueue::start`] starts one): returns the queue, the journal, and the
	/// bell the writer rings when it has queued events.
	pub fn open(
		store: &Store,
		state: Arc<AuditState>,
	) -> Result<(Self, Journal, Arc<Notify>), String> {
		let journal = Journal::open(store.database()).map_err(|e| e.to_string())?;
		let backlog = journal.backlog().map_err(|e| e.to_string())?;
		state.set_backlog(backlog);
		let (sender, receiver) = mpsc::channel(16 * 1024);
		let wake = Arc::new(Notify::new());
		tokio::spawn(write(journal.clone(), receiver, wake.clone(), state.clone()));
		Ok((Self { sender, state }, journal, wake))
	}

	/// Opens the journal in the store's database and starts the writer and the submitter.
	pub fn start(
		store: &Store,
		view: Arc<NodeView>,
		keys: Arc<Keys>,
		me: SubjectId,
		pipeline: Pipeline,
		metrics: Arc<Metrics>,
		state: Arc<AuditState>,
	) -> Result<Self, String> {
		let (queue, journal, wake) = Self::open(store, state.clone())?;
		let submitter =
			submitter::Submitter { journal, view, keys, me, pipeline, metrics, state, wake };
		tokio::spawn(submitter.run());
		Ok(queue)
	}

	/// What the audit path reports.
	pub fn state(&self) -> &Arc<AuditState> {
		&self.state
	}

	/// Queues `event` durably; returns once it would survive a crash.
	pub async fn record(&self, event: &AuditEvent) -> Result<(), String> {
		let (ack, done) = oneshot::channel();
		let pending = Pending { queued_at: now_ms(), event: event.clone() };
		self.sender
			.send((pending, ack))
			.await
			.map_err(|_| "the audit writer stopped".to_owned())?;
		done.await.map_err(|_| "the audit writer stopped".to_owned())?
	}
}

/// What makes two denials the same: reader, patient, record, reason and purpose.
type FoldKey = (SubjectId, SubjectId, Option<[u8; 32]>, Vec<u8>, Vec<u8>);

fn fold_key(event: &AuditEvent) -> Option<FoldKey> {
	let record = &event.record;
	(record.event_type == AuditEventType::AccessDenied).then(|| {
		(
			record.actor,
			event.patient,
			record.entity.map(|e| e.record.0),
			record.deny_reason.encode(),
			record.purpose.encode(),
		)
	})
}

/// The denials the writer may still fold into: where each waits and when its fold opened.
#[derive(Default)]
struct Folds(HashMap<FoldKey, (u64, Moment)>);

impl Folds {
	fn open_at(&mut self, key: &FoldKey, now: Moment) -> Option<u64> {
		match self.0.get(key) {
			Some((position, opened)) if now.saturating_sub(*opened) < FOLD_WINDOW_MS => {
				Some(*position)
			},
			Some(_) => {
				self.0.remove(key);
				None
			},
			None => None,
		}
	}

	fn opened(&mut self, key: FoldKey, position: u64, now: Moment) {
		if self.0.len() >= MAX_OPEN_FOLDS {
			self.0.retain(|_, (_, opened)| now.saturating_sub(*opened) < FOLD_WINDOW_MS);
			if self.0.len() >= MAX_OPEN_FOLDS {
				self.0.clear();
			}
		}
		self.0.insert(key, (position, now));
	}
}

/// Group commit: all events waiting are written in one transaction, then all are acknowledged.
async fn write(
	journal: Journal,
	mut receiver: mpsc::Receiver<(Pending, Ack)>,
	wake: Arc<Notify>,
	state: Arc<AuditState>,
) {
	let mut folds = Folds::default();
	while let Some(first) = receiver.recv().await {
		let mut waiting = vec![first];
		while waiting.len() < 4096 {
			match receiver.try_recv() {
				Ok(next) => waiting.push(next),
				Err(_) => break,
			}
		}
		let now = now_ms();
		// A denial whose fold is open (and, within this burst, one opened just before it)
		// becomes a fold of the waiting one; the journal checks in the same transaction that it
		// still waits, and queues it anew if the submitter took it meanwhile.
		let mut writes = Vec::with_capacity(waiting.len());
		let mut keys: Vec<Option<FoldKey>> = Vec::with_capacity(waiting.len());
		let mut burst: HashMap<FoldKey, usize> = HashMap::new();
		for (pending, _) in &waiting {
			let key = fold_key(&pending.event);
			let write = match &key {
				Some(key) => match folds.open_at(key, now) {
					Some(position) => Write::Fold { position, pending: pending.clone() },
					None => match burst.get(key) {
						Some(&index) => Write::FoldInto { index, pending: pending.clone() },
						None => {
							burst.insert(key.clone(), writes.len());
							Write::Add(pending.clone())
						},
					},
				},
				None => Write::Add(pending.clone()),
			};
			writes.push(write);
			keys.push(key);
		}
		let journal_ = journal.clone();
		let written = tokio::task::spawn_blocking(move || journal_.write(&writes))
			.await
			.map_err(|e| e.to_string())
			.and_then(|r| r.map_err(|e| e.to_string()));
		match &written {
			Ok(positions) => {
				for (index, position) in positions {
					if let Some(key) = keys[*index].take() {
						folds.opened(key, *position, now);
					}
				}
				// The submitter publishes the journal's counts (at most every `REFRESH`).
				let mut reads = waiting.iter().filter(|(p, _)| p.is_read());
				if let Some((first, _)) = reads.next() {
					state.reads_queued(1 + reads.count() as u64, first.queued_at);
				}
				wake.notify_one();
			},
			Err(error) => {
				tracing::error!(%error, "cannot queue audit events: the reads are refused")
			},
		}
		let result = written.map(|_| ());
		for (_, ack) in waiting {
			let _ = ack.send(result.clone());
		}
	}
}

/// The folded form of `pending`, one more time at `occurred`.
pub fn folded(mut pending: Pending, occurred: Moment) -> Pending {
	let record = &mut pending.event.record;
	let (count, last) = record.repeats.map_or((1, record.occurred), |r| (r.count, r.last));
	record.repeats = Some(Repeats { count: count.saturating_add(1), last: last.max(occurred) });
	pending
}

#[cfg(test)]
mod tests {
	use super::{
		journal::tests::{denial, read},
		*,
	};
	use medchain_primitives::{
		audit::AuditEntity,
		consent::{DenyReason, PurposeOfUse, RecordId},
	};

	const LIMITS: Limits = Limits { max_lag_ms: 30_000, max_waiting: 10 };

	/// Ten reads waiting or in flight (the limit), three denials besides, the oldest unsettled read
	/// queued at 1 s.
	const AT_THE_LIMITS: Backlog =
		Backlog { reads: 6, denials: 3, numbered: 4, oldest_read: Some(1_000), rejected: 7 };

	/// The state with [`LIMITS`] and `backlog`, and its suspension flag.
	fn state(backlog: Backlog) -> (AuditState, Arc<AtomicBool>) {
		let suspended = Arc::new(AtomicBool::new(false));
		let state = AuditState::new(LIMITS, suspended.clone());
		state.set_backlog(backlog);
		(state, suspended)
	}

	/// `event` with `change` made to it.
	fn changed(event: &AuditEvent, change: impl FnOnce(&mut AuditEvent)) -> AuditEvent {
		let mut event = event.clone();
		change(&mut event);
		event
	}

	/// A fold key of its own for each `n`.
	fn key(n: usize) -> FoldKey {
		(SubjectId([1; 32]), SubjectId([2; 32]), None, (n as u64).encode(), Vec::new())
	}

	#[test]
	fn reads_are_served_up_to_the_limits() {
		let (state, _) = state(AT_THE_LIMITS);

		assert_eq!(state.lag_ms(31_000), 30_000);
		assert_eq!(state.refusal(31_000), None);
	}

	#[test]
	fn a_read_not_final_within_the_lag_limit_refuses_reads() {
		let (state, _) = state(AT_THE_LIMITS);

		let refusal = state.refusal(31_001).expect("a read older than max_lag_ms refuses reads");

		assert!(refusal.contains("audit trail is behind"), "{refusal}");
		assert!(refusal.contains("limit 30 s"), "{refusal}");
	}

	#[test]
	fn reads_and_batches_in_flight_count_toward_the_waiting_limit() {
		for (what, backlog) in [
			("reads", Backlog { reads: 7, ..AT_THE_LIMITS }),
			("numbered", Backlog { numbered: 5, ..AT_THE_LIMITS }),
		] {
			let (state, _) = state(backlog);

			let refusal = state.refusal(1_000).unwrap_or_else(|| panic!("one more {what}"));

			assert!(refusal.contains("audit trail is behind"), "{refusal}");
		}
	}

	#[test]
	fn the_waiting_limit_follows_the_pace_the_chain_takes_events_at() {
		let limits = Limits { max_lag_ms: 30_000, max_waiting: 1_000_000 };
		let state = AuditState::new(limits, Arc::new(AtomicBool::new(false)));
		assert_eq!(state.admitting(0), ADMIT_FLOOR, "nothing measured yet: the floor");

		// 4,000 events taken in the last 20 s: 200 a second, 3,000 in half the 30 s bound.
		for second in 1..=10 {
			state.settled(400, second * 1_000);
		}
		assert_eq!(state.drain_rate(20_000), 200.0);
		assert_eq!(state.admitting(20_000), 3_000);
		state.set_backlog(Backlog { reads: 2_000, numbered: 1_000, ..Backlog::default() });
		assert_eq!(state.refusal(20_000), None);
		state.set_backlog(Backlog { reads: 2_001, numbered: 1_000, ..Backlog::default() });
		let refusal = state.refusal(20_000).expect("one more than the chain takes in 15 s");
		assert!(refusal.contains("took 200 a second"), "{refusal}");

		// Once the window has passed with nothing taken, only the floor may wait.
		assert_eq!(state.admitting(31_001), ADMIT_FLOOR);
		state.settled(1, 60_000);
		assert_eq!(state.drained.lock().unwrap().len(), 1, "older settlements are forgotten");
	}

	#[test]
	fn the_waiting_limit_never_passes_the_configured_one() {
		let limits = Limits { max_lag_ms: 30_000, max_waiting: 2_500 };
		let state = AuditState::new(limits, Arc::new(AtomicBool::new(false)));
		state.settled(1_000_000, 1_000);

		assert_eq!(state.admitting(1_000), 2_500);
	}

	#[test]
	fn a_flood_of_waiting_denials_does_not_stop_reads() {
		let (state, _) = state(Backlog { denials: 1_000_000, ..AT_THE_LIMITS });

		assert_eq!(state.refusal(1_000), None);
	}

	#[test]
	fn reads_are_refused_while_the_chain_refuses_the_gateway() {
		let (state, suspended) = state(Backlog::default());
		suspended.store(true, Ordering::SeqCst);

		let refusal = state.refusal(0).expect("refused while suspended");

		assert!(refusal.contains("does not accept this gateway's audit entries"), "{refusal}");
		suspended.store(false, Ordering::SeqCst);
		assert_eq!(state.refusal(0), None, "served again once the chain takes a batch");
	}

	#[test]
	fn without_an_unsettled_read_there_is_no_lag() {
		let (state, _) = state(Backlog { oldest_read: None, ..AT_THE_LIMITS });

		assert_eq!(state.lag_ms(Moment::MAX), 0);
		assert_eq!(state.refusal(Moment::MAX), None);
	}

	#[test]
	fn a_clock_set_back_gives_no_lag() {
		let (state, _) = state(AT_THE_LIMITS);

		assert_eq!(state.lag_ms(500), 0);
	}

	#[test]
	fn a_queued_read_dates_the_lag_before_the_journal_is_read_again() {
		let (state, _) = state(Backlog::default());

		state.reads_queued(2, 5_000);
		state.reads_queued(1, 6_000);

		assert_eq!(
			state.backlog(),
			Backlog { reads: 3, oldest_read: Some(5_000), ..Backlog::default() },
			"the first read queued stays the oldest"
		);
		assert_eq!(state.lag_ms(7_000), 2_000);
	}

	#[test]
	fn a_folded_denial_counts_up_and_keeps_the_latest_time() {
		let once = denial(1, 100);

		let twice = folded(once, 300);
		let thrice = folded(twice.clone(), 200);

		assert_eq!(twice.event.record.repeats, Some(Repeats { count: 2, last: 300 }));
		assert_eq!(
			thrice.event.record.repeats,
			Some(Repeats { count: 3, last: 300 }),
			"a repeat stamped earlier does not move the last back"
		);
		assert_eq!((thrice.queued_at, thrice.event.record.occurred), (100, 100));
	}

	#[test]
	fn a_folded_denial_never_ends_before_it_started() {
		// The chain refuses an entry whose last repeat precedes its `occurred`.
		let entry = folded(denial(1, 100), 50);

		assert_eq!(entry.event.record.repeats, Some(Repeats { count: 2, last: 100 }));
	}

	#[test]
	fn only_denials_fold() {
		assert_eq!(fold_key(&read(1, 100).event), None);
		assert!(fold_key(&denial(1, 100).event).is_some());
	}

	#[test]
	fn denials_fold_only_when_reader_patient_record_reason_and_purpose_match() {
		let first = denial(1, 100).event;
		let key = fold_key(&first);

		let later = changed(&first, |e| e.record.occurred = 900);
		assert_eq!(fold_key(&later), key, "the same denial, later");
		for (what, other) in [
			("reader", changed(&first, |e| e.record.actor = SubjectId([9; 32]))),
			("patient", changed(&first, |e| e.patient = SubjectId([9; 32]))),
			(
				"record",
				changed(&first, |e| {
					e.record.entity = Some(AuditEntity { record: RecordId([9; 32]), hash: None })
				}),
			),
			("no record", changed(&first, |e| e.record.entity = None)),
			("reason", changed(&first, |e| e.record.deny_reason = Some(DenyReason::Revoked))),
			("purpose", changed(&first, |e| e.record.purpose = Some(PurposeOfUse::Research))),
		] {
			assert_ne!(fold_key(&other), key, "another {what}: another entry");
		}
	}

	#[test]
	fn a_fold_stays_open_for_the_window_and_then_closes() {
		let mut folds = Folds::default();
		assert_eq!(folds.open_at(&key(1), 0), None);

		folds.opened(key(1), 7, 1_000);

		assert_eq!(folds.open_at(&key(1), 1_000 + FOLD_WINDOW_MS - 1), Some(7));
		assert_eq!(folds.open_at(&key(1), 1_000 + FOLD_WINDOW_MS), None);
		assert!(folds.0.is_empty(), "a closed fold is forgotten");
	}

	#[test]
	fn when_the_folds_are_full_the_expired_ones_make_room() {
		let mut folds = Folds::default();
		for n in 0..MAX_OPEN_FOLDS - 1 {
			folds.opened(key(n), n as u64, 0);
		}
		folds.opened(key(MAX_OPEN_FOLDS), 1, FOLD_WINDOW_MS);

		folds.opened(key(MAX_OPEN_FOLDS + 1), 2, FOLD_WINDOW_MS + 1);

		assert_eq!(folds.0.len(), 2);
		assert_eq!(folds.open_at(&key(MAX_OPEN_FOLDS), FOLD_WINDOW_MS + 1), Some(1));
		assert_eq!(folds.open_at(&key(MAX_OPEN_FOLDS + 1), FOLD_WINDOW_MS + 1), Some(2));
	}

	#[test]
	fn when_the_folds_are_full_of_open_ones_all_are_closed() {
		let mut folds = Folds::default();
		for n in 0..MAX_OPEN_FOLDS {
			folds.opened(key(n), n as u64, 0);
		}

		folds.opened(key(MAX_OPEN_FOLDS), 1, 1);

		assert_eq!(folds.0.len(), 1);
		assert_eq!(folds.open_at(&key(MAX_OPEN_FOLDS), 1), Some(1));
	}

	#[tokio::test]
	async fn identical_denials_through_the_writer_become_one_entry_with_a_count() {
		// The writer folds by its own clock: this holds as long as the test takes less than
		// FOLD_WINDOW_MS, however the events are grouped into commits.
		let dir = tempfile::tempdir().unwrap();
		let journal = Journal::open(Store::open(dir.path()).unwrap().database()).unwrap();
		let state = Arc::new(state(Backlog::default()).0);
		let (sender, receiver) = mpsc::channel(16);
		let writer =
			tokio::spawn(write(journal.clone(), receiver, Arc::new(Notify::new()), state.clone()));
		let mut acks = Vec::new();
		for pending in
			[denial(1, 100), read(1, 110), denial(1, 120), denial(2, 125), denial(1, 130)]
		{
			let (ack, done) = oneshot::channel();
			sender.send((pending, ack)).await.unwrap();
			acks.push(done);
		}

		for done in acks {
			done.await.unwrap().unwrap();
		}
		drop(sender);
		writer.await.unwrap();

		let mut first = denial(1, 100);
		first.event.record.repeats = Some(Repeats { count: 3, last: 130 });
		assert_eq!(journal.number(10).unwrap().1, vec![read(1, 110), first, denial(2, 125)]);
		assert_eq!((state.backlog().reads, state.backlog().oldest_read), (1, Some(110)));
	}
}

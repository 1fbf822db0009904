//! The audit journal: every event the gateway owes the chain, durable in the gateway's redb file
//! from the moment a handler is answered until a finalized block has taken it.
//!
//! An event passes through three tables:
//!
//! - **waiting**: reads (`audit_reads`) and denials (`audit_denials`), each in arrival order.
//!   Two tables so that reads are always sent first: a flood of denials cannot delay a read's
//!   entry.
//! - **numbered** (`audit_numbered`): taken from the waiting tables into a batch and given the
//!   gateway's next sequence numbers (`next_seq`), in the same transaction. The chain appends a
//!   numbered event at most once (`AuditLog::GatewaySequence`), so a batch can be sent again
//!   after a crash or a dropped transaction without appending anything twice.
//! - **settled**: removed once a finalized block took them; the ones the chain refused are kept
//!   aside (`audit_rejected`) with its error, for the operator.
//!
//! Every event keeps the gateway-clock time it was queued at, so the age of the oldest unsettled
//! read (the audit lag) is known at any time.

use std::sync::Arc;

use codec::{Decode, Encode};
use medchain_primitives::{audit::AuditEventType, Moment};
use redb::{
	Database, ReadableDatabase, ReadableTable, ReadableTableMetadata, TableDefinition, TableHandle,
};

use super::AuditEvent;
use crate::store::StoreError;

/// position → SCALE [`Pending`] read, oldest first.
const READS: TableDefinition<u64, &[u8]> = TableDefinition::new("audit_reads");
/// position → SCALE [`Pending`] denial, oldest first.
const DENIALS: TableDefinition<u64, &[u8]> = TableDefinition::new("audit_denials");
/// gateway sequence number → SCALE [`Pending`], sent (or about to be) in a batch.
const NUMBERED: TableDefinition<u64, &[u8]> = TableDefinition::new("audit_numbered");
/// gateway sequence number → when it was queued, for the numbered reads only: the first is the
/// oldest unsettled read, whatever number of denials was numbered around it.
const NUMBERED_READS: TableDefinition<u64, u64> = TableDefinition::new("audit_numbered_reads");
/// position → SCALE (event, error) the chain refused, for the operator.
const REJECTED: TableDefinition<u64, &[u8]> = TableDefinition::new("audit_rejected");
/// counters: `next_position`, `next_seq`.
const META: TableDefinition<&str, u64> = TableDefinition::new("audit_meta");
/// The queue of earlier gateway versions (position → SCALE [`AuditEvent`]), moved into the
/// waiting tables at the first start.
const LEGACY_QUEUE: TableDefinition<u64, &[u8]> = TableDefinition::new("audit_queue");

fn db(e: impl std::fmt::Display) -> StoreError {
	StoreError::Db(e.to_string())
}

/// An event waiting for the chain, with when it was queued (gateway clock, ms).
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
pub struct Pending {
	/// When the handler queued it.
	pub queued_at: Moment,
	/// The event.
	pub event: AuditEvent,
}

impl Pending {
	/// Whether the event is a read (sent before denials).
	pub fn is_read(&self) -> bool {
		self.event.record.event_type == AuditEventType::RecordRead
	}
}

/// A change the writer commits: a new event, or a repeat folded into a waiting denial.
pub enum Write {
	/// Queue a new event.
	Add(Pending),
	/// `pending` repeats the denial waiting at `position`: fold it in, or, if the submitter took
	/// that one meanwhile, queue `pending` as a new denial.
	Fold {
		/// The earlier denial's position among the waiting denials.
		position: u64,
		/// The repeat.
		pending: Pending,
	},
	/// `pending` repeats the denial added by write number `index` of the same commit.
	FoldInto {
		/// The earlier write's index in the commit.
		index: usize,
		/// The repeat.
		pending: Pending,
	},
}

/// What the journal holds, for the lag check, `/health` and `/metrics`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Backlog {
	/// Reads waiting to be numbered.
	pub reads: u64,
	/// Denials waiting to be numbered.
	pub denials: u64,
	/// Events numbered and not yet settled.
	pub numbered: u64,
	/// When the oldest unsettled read was queued (gateway clock, ms), if any.
	pub oldest_read: Option<Moment>,
	/// Events the chain refused, kept for the operator.
	pub rejected: u64,
}

/// What waits to be numbered: the submitter's cue for a new batch.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Waiting {
	/// Reads waiting to be numbered.
	pub reads: u64,
	/// Denials waiting to be numbered.
	pub denials: u64,
	/// When the oldest waiting event, read or denial, was queued (gateway clock, ms), if any.
	pub oldest: Option<Moment>,
}

/// The audit journal in the gateway's redb database.
#[derive(Clone)]
pub struct Journal {
	db: Arc<Database>,
}

fn counter(table: &impl ReadableTable<&'static str, u64>, name: &str) -> Result<u64, StoreError> {
	Ok(table.get(name).map_err(db)?.map(|v| v.value()).unwrap_or(0))
}

fn decode(bytes: &[u8]) -> Result<Pending, StoreError> {
	Pending::decode(&mut &bytes[..]).map_err(|e| StoreError::Corrupt(e.to_string()))
}

impl Journal {
	/// Opens the journal's tables in `db`, moving an earlier version's queue (and its refused
	/// events) into them; moved events keep the time they occurred.
	pub fn open(db: Arc<Database>) -> Result<Self, StoreError> {
		let txn = db.begin_write().map_err(self::db)?;
		let legacy = txn
			.list_tables()
			.map_err(self::db)?
			.any(|table| table.name() == LEGACY_QUEUE.name());
		{
			for table in [READS, DENIALS, NUMBERED, REJECTED] {
				txn.open_table(table).map_err(self::db)?;
			}
			txn.open_table(NUMBERED_READS).map_err(self::db)?;
			txn.open_table(META).map_err(self::db)?;
		}
		if legacy {
			Self::move_legacy(&txn)?;
			txn.delete_table(LEGACY_QUEUE).map_err(self::db)?;
		}
		txn.commit().map_err(self::db)?;
		Ok(Self { db })
	}

	/// An earlier version's queue (position → SCALE event) into the waiting tables, each event
	/// dated by when it occurred; its refused events (SCALE (event bytes, error)) into this
	/// version's form.
	fn move_legacy(txn: &redb::WriteTransaction) -> Result<(), StoreError> {
		// Events of earlier versions end before the record's last field, `repeats`: they stand
		// for one access (`None`, encoded as 0).
		let event = |mut bytes: Vec<u8>| {
			if AuditEvent::decode(&mut &bytes[..]).is_err() {
				bytes.push(0);
			}
			AuditEvent::decode(&mut &bytes[..]).map_err(|e| StoreError::Corrupt(e.to_string()))
		};
		let mut queue = txn.open_table(LEGACY_QUEUE).map_err(db)?;
		let mut old = Vec::new();
		while let Some((_, bytes)) = queue.pop_first().map_err(db)? {
			old.push(bytes.value().to_vec());
		}
		if !old.is_empty() {
			tracing::info!(count = old.len(), "moving the earlier audit queue into the journal");
		}
		let mut meta = txn.open_table(META).map_err(db)?;
		let mut position = counter(&meta, "next_position")?;
		let mut reads = txn.open_table(READS).map_err(db)?;
		let mut denials = txn.open_table(DENIALS).map_err(db)?;
		for bytes in old {
			let event = event(bytes)?;
			let pending = Pending { queued_at: event.record.occurred, event };
			let table = if pending.is_read() { &mut reads } else { &mut denials };
			table.insert(position, &pending.encode()[..]).map_err(db)?;
			position += 1;
		}
		meta.insert("next_position", position).map_err(db)?;
		let mut rejected = txn.open_table(REJECTED).map_err(db)?;
		let mut earlier = Vec::new();
		for entry in rejected.iter().map_err(db)? {
			let (key, bytes) = entry.map_err(db)?;
			earlier.push((key.value(), bytes.value().to_vec()));
		}
		for (key, bytes) in earlier {
			let Ok((old_event, error)) = <(Vec<u8>, String)>::decode(&mut &bytes[..]) else {
				continue;
			};
			let entry = (event(old_event)?, error).encode();
			rejected.insert(key, &entry[..]).map_err(db)?;
		}
		Ok(())
	}

	/// Commits `writes` in one transaction (one fsync for a burst of handlers). Returns, for each
	/// write that queued a new denial, its index and the denial's position, so the writer can
	/// fold later repeats into it.
	pub fn write(&self, writes: &[Write]) -> Result<Vec<(usize, u64)>, StoreError> {
		let txn = self.db.begin_write().map_err(db)?;
		let mut denials_at: Vec<(usize, u64)> = Vec::new();
		let mut moved: Vec<(u64, u64)> = Vec::new();
		{
			let mut meta = txn.open_table(META).map_err(db)?;
			let mut next = counter(&meta, "next_position")?;
			let mut reads = txn.open_table(READS).map_err(db)?;
			let mut denials = txn.open_table(DENIALS).map_err(db)?;
			for (i, write) in writes.iter().enumerate() {
				let (pending, into) = match write {
					Write::Add(pending) => (pending, None),
					// A fold whose denial was numbered meanwhile was queued anew earlier in this
					// commit: the later repeats fold into that one.
					Write::Fold { position, pending } => (
						pending,
						Some(
							moved
								.iter()
								.find(|(from, _)| from == position)
								.map_or(*position, |(_, to)| *to),
						),
					),
					Write::FoldInto { index, pending } => {
						let position = denials_at.iter().find(|(j, _)| j == index).map(|(_, p)| *p);
						(pending, position)
					},
				};
				if let Some(position) = into {
					let earlier = denials.get(position).map_err(db)?.map(|v| v.value().to_vec());
					if let Some(bytes) = earlier {
						let folded = super::folded(decode(&bytes)?, pending.event.record.occurred);
						denials.insert(position, &folded.encode()[..]).map_err(db)?;
						continue;
					}
				}
				if pending.is_read() {
					reads.insert(next, &pending.encode()[..]).map_err(db)?;
				} else {
					denials.insert(next, &pending.encode()[..]).map_err(db)?;
					denials_at.push((i, next));
					if let (Write::Fold { position, .. }, Some(_)) = (write, into) {
						moved.push((*position, next));
					}
				}
				next += 1;
			}
			meta.insert("next_position", next).map_err(db)?;
		}
		txn.commit().map_err(db)?;
		Ok(denials_at)
	}

	/// Takes up to `limit` waiting events, reads first and then denials, each oldest first, and
	/// numbers them from the gateway's next sequence number, in one transaction. Returns the
	/// first number and the events.
	pub fn number(&self, limit: usize) -> Result<(u64, Vec<Pending>), StoreError> {
		let txn = self.db.begin_write().map_err(db)?;
		let (first, taken) = {
			let mut meta = txn.open_table(META).map_err(db)?;
			let first = counter(&meta, "next_seq")?;
			let mut numbered = txn.open_table(NUMBERED).map_err(db)?;
			let mut numbered_reads = txn.open_table(NUMBERED_READS).map_err(db)?;
			let mut taken = Vec::new();
			for table in [READS, DENIALS] {
				let mut waiting = txn.open_table(table).map_err(db)?;
				while taken.len() < limit {
					let Some((_, bytes)) = waiting.pop_first().map_err(db)? else { break };
					let bytes = bytes.value().to_vec();
					let seq = first + taken.len() as u64;
					let pending = decode(&bytes)?;
					numbered.insert(seq, &bytes[..]).map_err(db)?;
					if pending.is_read() {
						numbered_reads.insert(seq, pending.queued_at).map_err(db)?;
					}
					taken.push(pending);
				}
			}
			meta.insert("next_seq", first + taken.len() as u64).map_err(db)?;
			(first, taken)
		};
		txn.commit().map_err(db)?;
		Ok((first, taken))
	}

	/// Numbered events from `from` on, up to `limit`, in order: a batch to send again.
	pub fn numbered_from(
		&self,
		from: u64,
		limit: usize,
	) -> Result<Vec<(u64, Pending)>, StoreError> {
		let txn = self.db.begin_read().map_err(db)?;
		let table = txn.open_table(NUMBERED).map_err(db)?;
		let mut out = Vec::new();
		for entry in table.range(from..).map_err(db)?.take(limit) {
			let (seq, bytes) = entry.map_err(db)?;
			out.push((seq.value(), decode(bytes.value())?));
		}
		Ok(out)
	}

	/// The chain has taken every event numbered below `taken` (finalized): removes them, and
	/// makes sure new events are numbered from at least there (a gateway whose data directory
	/// is newer than its identity). Returns how many were removed.
	pub fn taken_below(&self, taken: u64) -> Result<u64, StoreError> {
		let txn = self.db.begin_write().map_err(db)?;
		let removed = {
			let mut numbered = txn.open_table(NUMBERED).map_err(db)?;
			let removed = numbered.range(..taken).map_err(db)?.count();
			numbered.retain_in(..taken, |_, _| false).map_err(db)?;
			let mut numbered_reads = txn.open_table(NUMBERED_READS).map_err(db)?;
			numbered_reads.retain_in(..taken, |_, _| false).map_err(db)?;
			let mut meta = txn.open_table(META).map_err(db)?;
			if counter(&meta, "next_seq")? < taken {
				meta.insert("next_seq", taken).map_err(db)?;
			}
			removed as u64
		};
		txn.commit().map_err(db)?;
		Ok(removed)
	}

	/// A finalized block took events `first..first + count`; `refused` (index in that range, the
	/// chain's error) are kept aside for the operator, the others are done. Returns when each
	/// settled read was queued (for the lag histogram).
	pub fn settle(
		&self,
		first: u64,
		count: u64,
		refused: &[(u32, String)],
	) -> Result<Vec<Moment>, StoreError> {
		let txn = self.db.begin_write().map_err(db)?;
		let mut reads_queued_at = Vec::new();
		{
			let mut numbered = txn.open_table(NUMBERED).map_err(db)?;
			let mut numbered_reads = txn.open_table(NUMBERED_READS).map_err(db)?;
			let mut rejected = txn.open_table(REJECTED).map_err(db)?;
			let mut next = rejected.last().map_err(db)?.map(|(k, _)| k.value() + 1).unwrap_or(0);
			for seq in first..first + count {
				numbered_reads.remove(seq).map_err(db)?;
				let Some(bytes) = numbered.remove(seq).map_err(db)?.map(|v| v.value().to_vec())
				else {
					continue;
				};
				let pending = decode(&bytes)?;
				if let Some((_, error)) = refused.iter().find(|(i, _)| first + u64::from(*i) == seq)
				{
					let entry = (pending.event, error.clone()).encode();
					rejected.insert(next, &entry[..]).map_err(db)?;
					next += 1;
				} else if pending.is_read() {
					reads_queued_at.push(pending.queued_at);
				}
			}
		}
		txn.commit().map_err(db)?;
		Ok(reads_queued_at)
	}

	/// What waits to be numbered, read in one transaction: how many reads and denials, and
	/// when the oldest of them was queued.
	pub fn waiting(&self) -> Result<Waiting, StoreError> {
		let txn = self.db.begin_read().map_err(db)?;
		let reads = txn.open_table(READS).map_err(db)?;
		let denials = txn.open_table(DENIALS).map_err(db)?;
		let mut oldest: Option<Moment> = None;
		for table in [&reads, &denials] {
			if let Some((_, bytes)) = table.first().map_err(db)? {
				let queued = decode(bytes.value())?.queued_at;
				oldest = Some(oldest.map_or(queued, |o| o.min(queued)));
			}
		}
		Ok(Waiting { reads: reads.len().map_err(db)?, denials: denials.len().map_err(db)?, oldest })
	}

	/// What the journal holds now.
	pub fn backlog(&self) -> Result<Backlog, StoreError> {
		let txn = self.db.begin_read().map_err(db)?;
		let reads = txn.open_table(READS).map_err(db)?;
		let denials = txn.open_table(DENIALS).map_err(db)?;
		let numbered = txn.open_table(NUMBERED).map_err(db)?;
		let rejected = txn.open_table(REJECTED).map_err(db)?;
		// Numbered reads are older than waiting ones.
		let numbered_reads = txn.open_table(NUMBERED_READS).map_err(db)?;
		let mut oldest_read = numbered_reads.first().map_err(db)?.map(|(_, at)| at.value());
		if oldest_read.is_none() {
			if let Some((_, bytes)) = reads.first().map_err(db)? {
				oldest_read = Some(decode(bytes.value())?.queued_at);
			}
		}
		Ok(Backlog {
			reads: reads.len().map_err(db)?,
			denials: denials.len().map_err(db)?,
			numbered: numbered.len().map_err(db)?,
			oldest_read,
			rejected: rejected.len().map_err(db)?,
		})
	}

	/// The events the chain refused, oldest first, with its errors (for the operator and tests).
	pub fn rejected(&self) -> Result<Vec<(AuditEvent, String)>, StoreError> {
		let txn = self.db.begin_read().map_err(db)?;
		let table = txn.open_table(REJECTED).map_err(db)?;
		let mut out = Vec::new();
		for entry in table.iter().map_err(db)? {
			let (_, bytes) = entry.map_err(db)?;
			out.push(
				<(AuditEvent, String)>::decode(&mut bytes.value())
					.map_err(|e| StoreError::Corrupt(e.to_string()))?,
			);
		}
		Ok(out)
	}
}

#[cfg(test)]
pub(crate) mod tests {
	use super::*;
	use crate::store::Store;
	use medchain_primitives::{
		audit::{AuditAction, AuditEntity, AuditOutcome, AuditPolicy, AuditRecord, Repeats},
		consent::{ConsentId, DenyReason, PurposeOfUse, RecordId},
		identity::SubjectId,
	};
	use std::path::Path;

	/// The journal in the store under `dir`.
	fn open(dir: &Path) -> Journal {
		Journal::open(Store::open(dir).unwrap().database()).unwrap()
	}

	/// A read of record `record`, happened and queued at `at`.
	pub(crate) fn read(record: u8, at: Moment) -> Pending {
		Pending { queued_at: at, event: event(AuditEventType::RecordRead, record, at) }
	}

	/// A denial (no consent) of record `record`, happened and queued at `at`.
	pub(crate) fn denial(record: u8, at: Moment) -> Pending {
		Pending { queued_at: at, event: event(AuditEventType::AccessDenied, record, at) }
	}

	pub(crate) fn event(event_type: AuditEventType, record: u8, occurred: Moment) -> AuditEvent {
		let denied = event_type == AuditEventType::AccessDenied;
		AuditEvent {
			patient: SubjectId([2; 32]),
			record: AuditRecord {
				event_type,
				action: AuditAction::Read,
				outcome: if denied { AuditOutcome::MinorFailure } else { AuditOutcome::Success },
				actor: SubjectId([1; 32]),
				requestor: true,
				policy: (!denied).then_some(AuditPolicy::Consent(ConsentId(7))),
				deny_reason: denied.then_some(DenyReason::NoConsent),
				entity: Some(AuditEntity { record: RecordId([record; 32]), hash: None }),
				purpose: Some(PurposeOfUse::Treat),
				occurred,
				repeats: None,
			},
		}
	}

	/// `pending` standing for `count` accesses, the last at `last`.
	fn repeated(mut pending: Pending, count: u32, last: Moment) -> Pending {
		pending.event.record.repeats = Some(Repeats { count, last });
		pending
	}

	/// Queues each of `events` as a new event, in one commit.
	fn add(journal: &Journal, events: &[Pending]) {
		let writes: Vec<Write> = events.iter().cloned().map(Write::Add).collect();
		journal.write(&writes).unwrap();
	}

	/// `event` as gateways stored it before denials were folded: without the record's last
	/// field, `repeats`.
	fn earlier_encoding(event: &AuditEvent) -> Vec<u8> {
		let mut bytes = event.encode();
		assert_eq!(bytes.pop(), Some(0), "`repeats: None` is the last byte");
		bytes
	}

	#[test]
	fn reads_are_numbered_before_denials_each_oldest_first() {
		let dir = tempfile::tempdir().unwrap();
		let journal = open(dir.path());
		add(&journal, &[denial(1, 10), read(2, 20)]);
		add(&journal, &[denial(3, 30), read(4, 40)]);

		let (first, batch) = journal.number(10).unwrap();

		assert_eq!(first, 0);
		assert_eq!(batch, vec![read(2, 20), read(4, 40), denial(1, 10), denial(3, 30)]);
		let backlog = journal.backlog().unwrap();
		assert_eq!((backlog.reads, backlog.denials, backlog.numbered), (0, 0, 4));
	}

	#[test]
	fn a_full_batch_of_older_denials_does_not_hold_back_a_read() {
		let dir = tempfile::tempdir().unwrap();
		let journal = open(dir.path());
		add(&journal, &[denial(1, 10), denial(2, 20), read(3, 30)]);

		assert_eq!(journal.number(2).unwrap(), (0, vec![read(3, 30), denial(1, 10)]));
		assert_eq!(journal.number(2).unwrap(), (2, vec![denial(2, 20)]));
	}

	#[test]
	fn sequence_numbers_continue_across_batches_and_restarts() {
		let dir = tempfile::tempdir().unwrap();
		let events: Vec<Pending> = (0..5).map(|i| read(i, 100 + u64::from(i))).collect();
		{
			let journal = open(dir.path());
			add(&journal, &events);
			assert_eq!(journal.number(2).unwrap(), (0, events[..2].to_vec()));
			assert_eq!(journal.number(2).unwrap(), (2, events[2..4].to_vec()));
		}

		let journal = open(dir.path());

		assert_eq!(journal.numbered_from(0, 10).unwrap().len(), 4, "numbered events survive");
		assert_eq!(journal.number(2).unwrap(), (4, events[4..].to_vec()));
		assert_eq!(journal.number(2).unwrap(), (5, vec![]), "nothing waits, nothing is numbered");
		add(&journal, &[read(9, 200)]);
		assert_eq!(journal.number(2).unwrap(), (5, vec![read(9, 200)]));
	}

	#[test]
	fn a_resend_gets_the_numbered_events_again_with_their_numbers() {
		let dir = tempfile::tempdir().unwrap();
		let journal = open(dir.path());
		let events: Vec<Pending> = (0..5).map(|i| read(i, u64::from(i))).collect();
		add(&journal, &events);
		journal.number(3).unwrap();
		journal.number(3).unwrap();
		let numbered = |seqs: std::ops::Range<u64>| -> Vec<(u64, Pending)> {
			seqs.map(|seq| (seq, events[seq as usize].clone())).collect()
		};

		let again = journal.numbered_from(1, 3).unwrap();

		assert_eq!(
			again,
			numbered(1..4),
			"from the chain's count, across batches, up to the limit"
		);
		assert_eq!(journal.numbered_from(1, 3).unwrap(), again, "a resend leaves them numbered");
		assert_eq!(journal.numbered_from(3, 10).unwrap(), numbered(3..5));
		assert_eq!(journal.numbered_from(5, 10).unwrap(), vec![]);
	}

	#[test]
	fn events_the_chain_took_are_removed_and_counted_once() {
		let dir = tempfile::tempdir().unwrap();
		let journal = open(dir.path());
		let events: Vec<Pending> = (0..4).map(|i| read(i, u64::from(i))).collect();
		add(&journal, &events);
		journal.number(10).unwrap();

		assert_eq!(journal.taken_below(3).unwrap(), 3);

		assert_eq!(journal.numbered_from(0, 10).unwrap(), vec![(3, events[3].clone())]);
		assert_eq!(journal.taken_below(3).unwrap(), 0, "taken once, counted once");
	}

	#[test]
	fn a_chain_count_ahead_of_the_journal_moves_the_numbering_up_to_it() {
		// A data directory newer than the gateway's identity: the chain took 100 events already.
		let dir = tempfile::tempdir().unwrap();
		let journal = open(dir.path());

		assert_eq!(journal.taken_below(100).unwrap(), 0);

		add(&journal, &[read(1, 10)]);
		assert_eq!(journal.number(10).unwrap(), (100, vec![read(1, 10)]));
	}

	#[test]
	fn a_chain_count_behind_the_journal_never_lowers_the_numbering() {
		let dir = tempfile::tempdir().unwrap();
		let journal = open(dir.path());
		add(&journal, &[read(1, 10), read(2, 20), read(3, 30)]);
		journal.number(10).unwrap();

		assert_eq!(journal.taken_below(1).unwrap(), 1);

		add(&journal, &[read(4, 40)]);
		assert_eq!(journal.number(10).unwrap(), (3, vec![read(4, 40)]));
	}

	#[test]
	fn a_finalized_batch_settles_and_the_refused_are_kept_aside_with_the_chains_error() {
		let dir = tempfile::tempdir().unwrap();
		let journal = open(dir.path());
		add(&journal, &[read(1, 10), read(2, 20), denial(3, 30)]);
		journal.number(10).unwrap();

		let reads = journal.settle(0, 3, &[(1, "AuditLog::UnknownRecord".into())]).unwrap();

		assert_eq!(reads, vec![10], "when the settled read was queued; not the refused one's");
		assert_eq!(journal.numbered_from(0, 10).unwrap(), vec![]);
		assert_eq!(
			journal.rejected().unwrap(),
			vec![(read(2, 20).event, "AuditLog::UnknownRecord".to_owned())]
		);
		let backlog = journal.backlog().unwrap();
		assert_eq!((backlog.numbered, backlog.rejected, backlog.oldest_read), (0, 1, None));
	}

	#[test]
	fn settling_one_batch_leaves_the_others_in_flight() {
		let dir = tempfile::tempdir().unwrap();
		let journal = open(dir.path());
		add(&journal, &[read(1, 10), read(2, 20), read(3, 30), read(4, 40)]);
		journal.number(2).unwrap();
		journal.number(2).unwrap();

		assert_eq!(journal.settle(2, 2, &[]).unwrap(), vec![30, 40]);

		assert_eq!(journal.numbered_from(0, 10).unwrap(), vec![(0, read(1, 10)), (1, read(2, 20))]);
		assert_eq!(
			journal.settle(2, 2, &[]).unwrap(),
			Vec::<Moment>::new(),
			"a batch settles once"
		);
	}

	#[test]
	fn refused_events_are_kept_in_the_order_the_chain_refused_them() {
		let dir = tempfile::tempdir().unwrap();
		let journal = open(dir.path());
		add(&journal, &[denial(1, 10), denial(2, 20)]);
		journal.number(1).unwrap();
		journal.number(1).unwrap();

		// The index is the event's place in its batch, whatever the batch's first number.
		journal.settle(0, 1, &[(0, "first".into())]).unwrap();
		journal.settle(1, 1, &[(0, "second".into())]).unwrap();

		assert_eq!(
			journal.rejected().unwrap(),
			vec![
				(denial(1, 10).event, "first".to_owned()),
				(denial(2, 20).event, "second".to_owned()),
			]
		);
	}

	#[test]
	fn a_repeat_folds_into_the_waiting_denial() {
		let dir = tempfile::tempdir().unwrap();
		let journal = open(dir.path());
		let added = journal.write(&[Write::Add(read(1, 10)), Write::Add(denial(2, 20))]).unwrap();
		let [(1, position)] = added[..] else { panic!("one new denial, write 1: {added:?}") };

		let folded = journal.write(&[Write::Fold { position, pending: denial(2, 35) }]).unwrap();
		let late = journal.write(&[Write::Fold { position, pending: denial(2, 30) }]).unwrap();

		assert_eq!((folded, late), (vec![], vec![]), "no new denial");
		let backlog = journal.backlog().unwrap();
		assert_eq!((backlog.reads, backlog.denials), (1, 1));
		assert_eq!(
			journal.number(10).unwrap().1,
			vec![read(1, 10), repeated(denial(2, 20), 3, 35)],
			"counted three times, the last at the latest repeat"
		);
	}

	#[test]
	fn a_repeat_of_a_denial_already_numbered_is_queued_as_a_new_denial() {
		let dir = tempfile::tempdir().unwrap();
		let journal = open(dir.path());
		let added = journal.write(&[Write::Add(denial(2, 20))]).unwrap();
		let [(0, position)] = added[..] else { panic!("one new denial: {added:?}") };
		journal.number(10).unwrap();

		let requeued = journal.write(&[Write::Fold { position, pending: denial(2, 30) }]).unwrap();

		let [(0, new_position)] = requeued[..] else { panic!("a new denial: {requeued:?}") };
		assert_ne!(new_position, position);
		assert_eq!(
			journal.numbered_from(0, 10).unwrap(),
			vec![(0, denial(2, 20))],
			"what was numbered is sent as it was"
		);
		journal
			.write(&[Write::Fold { position: new_position, pending: denial(2, 40) }])
			.unwrap();
		assert_eq!(
			journal.number(10).unwrap(),
			(1, vec![repeated(denial(2, 30), 2, 40)]),
			"later repeats fold into the new denial"
		);
	}

	#[test]
	fn a_repeat_folds_into_a_denial_added_earlier_in_the_same_commit() {
		let dir = tempfile::tempdir().unwrap();
		let journal = open(dir.path());

		let added = journal
			.write(&[
				Write::Add(denial(2, 20)),
				Write::Add(read(1, 21)),
				Write::FoldInto { index: 0, pending: denial(2, 23) },
				Write::FoldInto { index: 0, pending: denial(2, 22) },
			])
			.unwrap();

		assert_eq!(added.iter().map(|(index, _)| *index).collect::<Vec<_>>(), vec![0]);
		let backlog = journal.backlog().unwrap();
		assert_eq!((backlog.reads, backlog.denials), (1, 1));
		assert_eq!(
			journal.number(10).unwrap().1,
			vec![read(1, 21), repeated(denial(2, 20), 3, 23)]
		);
	}

	#[test]
	fn the_backlog_counts_each_stage_and_dates_the_oldest_unsettled_read() {
		let dir = tempfile::tempdir().unwrap();
		let journal = open(dir.path());
		assert_eq!(journal.backlog().unwrap(), Backlog::default());
		add(&journal, &[denial(1, 50), read(2, 100), read(3, 200)]);
		assert_eq!(
			journal.backlog().unwrap(),
			Backlog { reads: 2, denials: 1, numbered: 0, oldest_read: Some(100), rejected: 0 },
			"an older denial does not date the lag"
		);

		journal.number(1).unwrap();
		add(&journal, &[read(4, 300)]);
		assert_eq!(
			journal.backlog().unwrap(),
			Backlog { reads: 2, denials: 1, numbered: 1, oldest_read: Some(100), rejected: 0 },
			"a numbered read is older than the waiting ones"
		);

		journal.settle(0, 1, &[]).unwrap();
		assert_eq!(
			journal.backlog().unwrap(),
			Backlog { reads: 2, denials: 1, numbered: 0, oldest_read: Some(200), rejected: 0 }
		);
	}

	#[test]
	fn numbered_denials_do_not_date_the_lag() {
		let dir = tempfile::tempdir().unwrap();
		let journal = open(dir.path());
		add(&journal, &[denial(1, 10)]);
		journal.number(10).unwrap();
		assert_eq!(journal.backlog().unwrap().oldest_read, None);

		add(&journal, &[read(2, 20)]);
		journal.number(10).unwrap();
		add(&journal, &[read(3, 30)]);

		assert_eq!(journal.backlog().unwrap().oldest_read, Some(20));
	}

	#[test]
	fn a_read_numbered_behind_many_denials_still_dates_the_lag() {
		let dir = tempfile::tempdir().unwrap();
		let journal = open(dir.path());
		// A flood of denials fills the first batches; the read comes after it.
		let flood: Vec<Pending> = (0..=2_000u64).map(|i| denial(i as u8, i)).collect();
		add(&journal, &flood);
		journal.number(flood.len()).unwrap();
		add(&journal, &[read(1, 5_000)]);
		journal.number(10).unwrap();

		assert_eq!(journal.backlog().unwrap().oldest_read, Some(5_000));
	}

	#[test]
	fn what_waits_counts_reads_and_denials_and_dates_the_earliest_queued() {
		let dir = tempfile::tempdir().unwrap();
		let journal = open(dir.path());
		assert_eq!(journal.waiting().unwrap(), Waiting::default());
		add(&journal, &[read(1, 100), denial(2, 200), read(3, 300)]);
		assert_eq!(journal.waiting().unwrap(), Waiting { reads: 2, denials: 1, oldest: Some(100) });

		journal.number(1).unwrap();
		assert_eq!(
			journal.waiting().unwrap(),
			Waiting { reads: 1, denials: 1, oldest: Some(200) },
			"numbered events no longer wait"
		);

		journal.number(1).unwrap();
		assert_eq!(journal.waiting().unwrap(), Waiting { reads: 0, denials: 1, oldest: Some(200) });

		journal.number(1).unwrap();
		assert_eq!(journal.waiting().unwrap(), Waiting::default());
	}

	#[test]
	fn an_earlier_versions_queue_moves_into_the_waiting_tables_once() {
		let dir = tempfile::tempdir().unwrap();
		let db = Store::open(dir.path()).unwrap().database();
		let queued = [denial(1, 5), read(2, 6), read(3, 7)];
		let txn = db.begin_write().unwrap();
		{
			let mut legacy = txn.open_table(LEGACY_QUEUE).unwrap();
			for (position, pending) in (0u64..).zip(&queued) {
				legacy.insert(position, &earlier_encoding(&pending.event)[..]).unwrap();
			}
		}
		txn.commit().unwrap();

		let journal = Journal::open(db.clone()).unwrap();

		let moved =
			Backlog { reads: 2, denials: 1, numbered: 0, oldest_read: Some(6), rejected: 0 };
		assert_eq!(journal.backlog().unwrap(), moved, "dated by when they occurred");
		assert!(matches!(
			db.begin_read().unwrap().open_table(LEGACY_QUEUE),
			Err(redb::TableError::TableDoesNotExist(_))
		));
		assert_eq!(Journal::open(db).unwrap().backlog().unwrap(), moved, "moved once");
		add(&journal, &[read(4, 1_500)]);
		assert_eq!(
			journal.number(10).unwrap().1,
			vec![queued[1].clone(), queued[2].clone(), read(4, 1_500), queued[0].clone()],
			"moved events keep their place ahead of new ones"
		);
	}
}

use medchain_primitives::audit::{AuditQueryError, AuditSource, MAX_AUDIT_PAGE};

use super::*;

const PATIENT: SubjectId = SubjectId([1; 32]);
const DOCTOR: SubjectId = SubjectId([2; 32]);
const NURSE: SubjectId = SubjectId([3; 32]);

/// Ten entries, one per block, 2 s apart; even ones by the doctor, odd ones by the nurse.
fn ten_entries() {
	for i in 0..10u64 {
		System::set_block_number(1 + i);
		Timestamp::set_timestamp(NOW + i * 2_000);
		let actor = if i % 2 == 0 { DOCTOR } else { NURSE };
		AuditLog::append(&PATIENT, read_by(actor, NOW), AuditSource::Runtime);
	}
}

fn seqs(entries: &[medchain_primitives::audit::AuditEntry]) -> Vec<u64> {
	entries.iter().map(|e| e.seq).collect()
}

#[test]
fn entries_come_newest_first_in_pages() {
	ExtBuilder.build_and_execute(|| {
		ten_entries();
		let page = AuditLog::entries(&PATIENT, None, 4).unwrap();
		assert_eq!(seqs(&page), vec![9, 8, 7, 6]);
		let next = AuditLog::entries(&PATIENT, Some(6), 4).unwrap();
		assert_eq!(seqs(&next), vec![5, 4, 3, 2]);
		let last = AuditLog::entries(&PATIENT, Some(2), 4).unwrap();
		assert_eq!(seqs(&last), vec![1, 0]);
		assert!(AuditLog::entries(&PATIENT, Some(0), 4).unwrap().is_empty());
	});
}

#[test]
fn out_of_range_paging_is_an_error() {
	ExtBuilder.build_and_execute(|| {
		ten_entries();
		assert_eq!(
			AuditLog::entries(&PATIENT, Some(11), 4),
			Err(AuditQueryError::OutOfRange { count: 10 })
		);
		assert_eq!(
			AuditLog::entries_by_actor(&DOCTOR, Some(6), 4),
			Err(AuditQueryError::OutOfRange { count: 5 })
		);
		assert!(AuditLog::entries(&SubjectId([8; 32]), None, 10).unwrap().is_empty());
	});
}

#[test]
fn entries_by_time_range() {
	ExtBuilder.build_and_execute(|| {
		ten_entries();
		// Entries 3..=6 were recorded at NOW+6s..=NOW+12s.
		let page =
			AuditLog::entries_in_time(&PATIENT, NOW + 6_000, NOW + 12_000, None, 100).unwrap();
		assert_eq!(seqs(&page), vec![6, 5, 4, 3]);
		let paged =
			AuditLog::entries_in_time(&PATIENT, NOW + 6_000, NOW + 12_000, Some(5), 1).unwrap();
		assert_eq!(seqs(&paged), vec![4]);
		assert!(AuditLog::entries_in_time(&PATIENT, NOW + 100_000, NOW + 200_000, None, 10)
			.unwrap()
			.is_empty());
		assert_eq!(
			AuditLog::entries_in_time(&PATIENT, NOW + 1, NOW, None, 10),
			Err(AuditQueryError::BadTimeRange)
		);
	});
}

#[test]
fn entries_by_actor_span_patients() {
	ExtBuilder.build_and_execute(|| {
		ten_entries();
		let other = SubjectId([4; 32]);
		AuditLog::append(&other, read_by(DOCTOR, NOW), AuditSource::Runtime);
		let page = AuditLog::entries_by_actor(&DOCTOR, None, 3).unwrap();
		assert_eq!(page[0].0, other);
		assert_eq!((page[1].0, page[1].1.seq), (PATIENT, 8));
		assert_eq!((page[2].0, page[2].1.seq), (PATIENT, 6));
		assert!(page.iter().all(|(_, e)| e.record.actor == DOCTOR));
	});
}

#[test]
fn a_page_larger_than_the_maximum_is_clamped() {
	ExtBuilder.build_and_execute(|| {
		for _ in 0..=MAX_AUDIT_PAGE {
			AuditLog::append(&PATIENT, read_by(DOCTOR, NOW), AuditSource::Runtime);
		}
		let page = AuditLog::entries(&PATIENT, None, u32::MAX).unwrap();
		assert_eq!(page.len(), MAX_AUDIT_PAGE as usize);
		assert_eq!(page[0].seq, u64::from(MAX_AUDIT_PAGE));
		let by_actor = AuditLog::entries_by_actor(&DOCTOR, None, u32::MAX).unwrap();
		assert_eq!(by_actor.len(), MAX_AUDIT_PAGE as usize);
	});
}

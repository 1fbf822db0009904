//! An auditor must be able to detect a changed, removed or reordered entry.

use medchain_primitives::audit::{AuditOutcome, AuditSource};

use super::*;
use crate::{Entries, Heads};

const PATIENT: SubjectId = SubjectId([1; 32]);

fn five_entries() {
	for i in 0..5 {
		AuditLog::append(&PATIENT, read_by(SubjectId([2; 32]), NOW + i), AuditSource::Runtime);
	}
}

#[test]
fn an_untouched_trail_verifies() {
	ExtBuilder.build_and_execute(|| {
		five_entries();
		let check = AuditLog::verify_all(&PATIENT);
		assert_eq!((check.checked, check.first_bad), (5, None));
	});
}

#[test]
fn an_altered_entry_is_detected() {
	ExtBuilder.build().execute_with(|| {
		five_entries();
		Entries::<Test>::mutate(PATIENT, 2, |e| {
			e.as_mut().unwrap().record.outcome = AuditOutcome::MajorFailure
		});
		assert_eq!(AuditLog::verify_all(&PATIENT).first_bad, Some(2));
		assert!(crate::try_state::do_try_state::<Test>().is_err());
	});
}

#[test]
fn an_altered_entry_with_a_recomputed_hash_breaks_the_next_link() {
	ExtBuilder.build().execute_with(|| {
		five_entries();
		Entries::<Test>::mutate(PATIENT, 2, |e| {
			let e = e.as_mut().unwrap();
			e.record.requestor = false;
			e.hash = medchain_primitives::audit::entry_hash(&System::block_hash(0), &PATIENT, e);
		});
		assert_eq!(AuditLog::verify_all(&PATIENT).first_bad, Some(3));
	});
}

#[test]
fn a_removed_entry_is_detected() {
	ExtBuilder.build().execute_with(|| {
		five_entries();
		Entries::<Test>::remove(PATIENT, 3);
		assert_eq!(AuditLog::verify_all(&PATIENT).first_bad, Some(3));
	});
}

#[test]
fn a_truncated_trail_is_detected_by_its_head() {
	ExtBuilder.build().execute_with(|| {
		five_entries();
		Entries::<Test>::remove(PATIENT, 4);
		Heads::<Test>::mutate(PATIENT, |h| h.count = 4);
		assert_eq!(AuditLog::verify_all(&PATIENT).first_bad, Some(4));
	});
}

#[test]
fn verification_is_paged_and_each_page_links_to_the_one_before() {
	ExtBuilder.build_and_execute(|| {
		for _ in 0..5 {
			AuditLog::append(&PATIENT, read_by(SubjectId([2; 32]), NOW), AuditSource::Runtime);
		}
		let page = |from| AuditLog::verify(&PATIENT, from, 2);
		assert_eq!((page(0).checked, page(0).first_bad, page(0).next), (2, None, Some(2)));
		assert_eq!((page(2).checked, page(2).next), (2, Some(4)));
		assert_eq!((page(4).checked, page(4).first_bad, page(4).next), (1, None, None));
		// A page never re-hashes more than MAX_VERIFY_PAGE entries, whatever is asked.
		assert_eq!(AuditLog::verify(&PATIENT, 0, u32::MAX).checked, 5);

		Entries::<Test>::mutate(PATIENT, 3, |e| e.as_mut().unwrap().record.occurred = 1);
		assert_eq!(page(2).first_bad, Some(3));
		assert_eq!(page(0).first_bad, None);
		// Entry 3 was altered, so the page starting at 4 no longer links to it.
		Entries::<Test>::mutate(PATIENT, 3, |e| {
			let e = e.as_mut().unwrap();
			e.hash = medchain_primitives::audit::entry_hash(&System::block_hash(0), &PATIENT, e);
		});
		assert_eq!(page(4).first_bad, Some(4));
		Entries::<Test>::mutate(PATIENT, 3, |e| e.as_mut().unwrap().record.occurred = NOW);
		Entries::<Test>::mutate(PATIENT, 3, |e| {
			let e = e.as_mut().unwrap();
			e.hash = medchain_primitives::audit::entry_hash(&System::block_hash(0), &PATIENT, e);
		});
		assert_eq!(AuditLog::verify_all(&PATIENT).first_bad, None);
	});
}

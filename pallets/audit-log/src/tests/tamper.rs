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
	ExtBuilder::default().build_and_execute(|| {
		five_entries();
		let check = AuditLog::verify(&PATIENT);
		assert_eq!((check.checked, check.first_bad), (5, None));
	});
}

#[test]
fn an_altered_entry_is_detected() {
	ExtBuilder::default().build().execute_with(|| {
		five_entries();
		Entries::<Test>::mutate(PATIENT, 2, |e| {
			e.as_mut().unwrap().record.outcome = AuditOutcome::MajorFailure
		});
		assert_eq!(AuditLog::verify(&PATIENT).first_bad, Some(2));
		assert!(crate::try_state::do_try_state::<Test>().is_err());
	});
}

#[test]
fn an_altered_entry_with_a_recomputed_hash_breaks_the_next_link() {
	ExtBuilder::default().build().execute_with(|| {
		five_entries();
		Entries::<Test>::mutate(PATIENT, 2, |e| {
			let e = e.as_mut().unwrap();
			e.record.requestor = false;
			e.hash = medchain_primitives::audit::entry_hash(&PATIENT, e);
		});
		assert_eq!(AuditLog::verify(&PATIENT).first_bad, Some(3));
	});
}

#[test]
fn a_removed_entry_is_detected() {
	ExtBuilder::default().build().execute_with(|| {
		five_entries();
		Entries::<Test>::remove(PATIENT, 3);
		assert_eq!(AuditLog::verify(&PATIENT).first_bad, Some(3));
	});
}

#[test]
fn a_truncated_trail_is_detected_by_its_head() {
	ExtBuilder::default().build().execute_with(|| {
		five_entries();
		Entries::<Test>::remove(PATIENT, 4);
		Heads::<Test>::mutate(PATIENT, |h| h.count = 4);
		assert_eq!(AuditLog::verify(&PATIENT).first_bad, Some(4));
	});
}

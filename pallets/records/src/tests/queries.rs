use frame_support::assert_ok;
use medchain_primitives::records::RecordFilter;

use super::*;

/// Anchors `n` records of "patient", alternating labs and imaging; returns them oldest first.
fn anchors(n: u8, hospital: SubjectId) -> Vec<RecordId> {
	let patient = Seeds::of("patient");
	(0..n)
		.map(|i| {
			let class = if i % 2 == 0 { DataClass::Labs } else { DataClass::Imaging };
			assert_ok!(Records::anchor(
				Seeds::signed("patient"),
				patient,
				class,
				H256::repeat_byte(i),
				1,
				Some(hospital),
				PurposeOfUse::Treat
			));
			latest(patient)
		})
		.collect()
}

fn ids(page: &RecordPage) -> Vec<RecordId> {
	page.records.iter().map(|a| a.id).collect()
}

#[test]
fn a_patients_records_are_listed_newest_first_in_pages() {
	ExtBuilder.build_and_execute(|| {
		let (patient, _, hospital) = world();
		let all = anchors(5, hospital);
		let page = Records::records_of(&patient, RecordFilter::default(), None, 2);
		assert_eq!(ids(&page), vec![all[4], all[3]]);
		assert_eq!(page.next, Some(3));
		let page = Records::records_of(&patient, RecordFilter::default(), page.next, 2);
		assert_eq!(ids(&page), vec![all[2], all[1]]);
		let page = Records::records_of(&patient, RecordFilter::default(), page.next, 2);
		assert_eq!((ids(&page), page.next), (vec![all[0]], None));
		// Past the end starts at the end; another patient has none.
		let page = Records::records_of(&patient, RecordFilter::default(), Some(99), 1);
		assert_eq!(ids(&page), vec![all[4]]);
		let nobody = Records::records_of(&SubjectId([7; 32]), RecordFilter::default(), None, 10);
		assert_eq!((nobody.records.len(), nobody.next), (0, None));
	});
}

#[test]
fn listings_filter_by_class_and_status() {
	ExtBuilder.build_and_execute(|| {
		let (patient, _, hospital) = world();
		let all = anchors(4, hospital);
		assert_ok!(Records::erase(Seeds::signed("patient"), all[2]));
		let labs = RecordFilter { class: Some(DataClass::Labs), status: None };
		assert_eq!(ids(&Records::records_of(&patient, labs, None, 10)), vec![all[2], all[0]]);
		let live_labs =
			RecordFilter { class: Some(DataClass::Labs), status: Some(RecordStatus::Active) };
		assert_eq!(ids(&Records::records_of(&patient, live_labs, None, 10)), vec![all[0]]);
		let erased = RecordFilter { class: None, status: Some(RecordStatus::Erased) };
		assert_eq!(ids(&Records::records_of(&patient, erased, None, 10)), vec![all[2]]);
	});
}

#[test]
fn a_page_is_never_larger_than_the_largest_page() {
	ExtBuilder.build_and_execute(|| {
		let (patient, _, hospital) = world();
		anchors(3, hospital);
		let page = Records::records_of(&patient, RecordFilter::default(), None, u32::MAX);
		assert_eq!(page.records.len(), 3);
		let page = Records::records_of(&patient, RecordFilter::default(), None, 0);
		assert_eq!((page.records.len(), page.next), (0, Some(3)));
	});
}

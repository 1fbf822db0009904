//! Invariants of the records pallet, checked after every test and by `try-runtime`.

use frame_support::{ensure, traits::Get};
use sp_runtime::TryRuntimeError;

use crate::*;

/// Every anchor is listed once under its patient at its index, versions link to an older anchor
/// of the same patient and class that is no longer active, exactly the erased versions have an
/// erasure time, and the bounds hold.
pub fn do_try_state<T: Config>() -> Result<(), TryRuntimeError> {
	let mut total = 0u64;
	let mut erased = 0u64;
	for (id, anchor) in Anchors::<T>::iter() {
		total += 1;
		ensure!(anchor.id == id, "an anchor is stored under its own identifier");
		match ErasedAt::<T>::get(id) {
			Some(at) => {
				erased += 1;
				ensure!(
					anchor.status == RecordStatus::Erased,
					"only erased versions have an erasure time"
				);
				ensure!(at >= anchor.created, "a version is erased after it was anchored");
			},
			None => ensure!(
				anchor.status != RecordStatus::Erased,
				"every erased version has an erasure time"
			),
		}
		ensure!(
			PatientAnchors::<T>::get(anchor.patient, anchor.index) == Some(id),
			"an anchor is listed under its patient at its index"
		);
		ensure!(
			anchor.version >= 1 && anchor.version <= T::MaxVersions::get(),
			"versions in bounds"
		);
		match anchor.predecessor {
			None => ensure!(anchor.version == 1, "a first version has no predecessor"),
			Some(previous) => {
				let previous = Anchors::<T>::get(previous).ok_or("a predecessor exists")?;
				ensure!(previous.patient == anchor.patient, "versions keep their patient");
				ensure!(previous.class == anchor.class, "versions keep their class");
				ensure!(previous.version + 1 == anchor.version, "versions count up by one");
				ensure!(
					previous.status != RecordStatus::Active,
					"only the latest version is active"
				);
				ensure!(
					anchor.status != RecordStatus::Erased
						|| previous.status == RecordStatus::Erased,
					"erasing a version erases the versions before it"
				);
			},
		}
	}
	ensure!(total == NextRecordNonce::<T>::get(), "one anchor per nonce, none ever deleted");
	ensure!(
		ErasedAt::<T>::iter_keys().count() as u64 == erased,
		"every erasure time belongs to an anchor"
	);
	let mut listed = 0u64;
	for (patient, count) in PatientRecordCount::<T>::iter() {
		ensure!(
			PatientAnchors::<T>::iter_prefix(patient).count() as u32 == count,
			"the patient's list holds as many records as its count"
		);
		listed += u64::from(count);
	}
	ensure!(listed == total, "every anchor is listed under its patient");
	let mut live = alloc::collections::BTreeMap::<SubjectId, u32>::new();
	for (_, anchor) in Anchors::<T>::iter() {
		if anchor.status != RecordStatus::Erased {
			*live.entry(anchor.patient).or_default() += 1;
		}
	}
	for (patient, count) in LiveRecordCount::<T>::iter() {
		ensure!(live.remove(&patient).unwrap_or(0) == count, "live counts match the anchors");
		ensure!(count <= T::MaxRecordsPerPatient::get(), "live records per patient in bounds");
	}
	ensure!(live.values().all(|n| *n == 0), "every patient with live records has a count");
	let mut by_author = alloc::collections::BTreeMap::<(SubjectId, SubjectId), u32>::new();
	for (_, anchor) in Anchors::<T>::iter() {
		if anchor.status != RecordStatus::Erased && anchor.author != anchor.patient {
			*by_author.entry((anchor.patient, anchor.author)).or_default() += 1;
		}
	}
	for (patient, author, count) in LiveRecordsByAuthor::<T>::iter() {
		ensure!(
			by_author.remove(&(patient, author)) == Some(count),
			"per-author live counts match the anchors"
		);
		ensure!(count <= T::MaxRecordsPerAuthor::get(), "live records per author in bounds");
	}
	ensure!(by_author.is_empty(), "every author with live records has a count");
	Ok(())
}

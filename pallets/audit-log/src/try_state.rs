//! Invariants of the audit log, checked after every test and by `try-runtime`.

use frame_support::ensure;
use sp_runtime::TryRuntimeError;

use crate::*;

/// Every trail re-hashes cleanly to its head, and the actor index points at real entries.
pub fn do_try_state<T: Config>() -> Result<(), TryRuntimeError> {
	for (patient, head) in Heads::<T>::iter() {
		let check = Pallet::<T>::verify_all(&patient);
		ensure!(check.first_bad.is_none(), "every trail re-hashes to its head");
		ensure!(check.checked == head.count, "every entry of a trail is checked");
	}
	for (patient, seq, entry) in Entries::<T>::iter() {
		ensure!(entry.seq == seq, "an entry is stored under its own sequence number");
		ensure!(seq < Heads::<T>::get(patient).count, "no entry lies past its trail's head");
	}
	for (actor, count) in ActorCounts::<T>::iter() {
		for i in 0..count {
			let (patient, seq) =
				ActorEntries::<T>::get(actor, i).ok_or("the actor index has no gaps")?;
			let entry = Entries::<T>::get(patient, seq).ok_or("the actor index names an entry")?;
			ensure!(entry.record.actor == actor, "the actor index names the entry's actor");
		}
	}
	Ok(())
}

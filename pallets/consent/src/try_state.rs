//! Invariants of the consent pallet, checked after every test and by `try-runtime`.

use frame_support::{
	ensure,
	traits::{Get, Time},
};
use sp_runtime::TryRuntimeError;

use crate::*;

/// The rule's index holds exactly the active consents, within bounds, the lists are complete, and
/// each patient's closure history is in time order.
pub fn do_try_state<T: Config>() -> Result<(), TryRuntimeError> {
	let mut total = 0u64;
	for (id, consent) in Consents::<T>::iter() {
		total += 1;
		ensure!(id.0 < NextConsentId::<T>::get(), "consent ids come from the counter");
		let pair = (consent.patient, consent.terms.grantee.subject());
		let indexed = ActiveConsents::<T>::contains_key(pair, id);
		ensure!(
			indexed == (consent.status == ConsentStatus::Active),
			"exactly the active consents are in the rule's index"
		);
	}
	ensure!(total == NextConsentId::<T>::get(), "no consent is ever deleted");

	for (pair, count) in ActiveConsentCount::<T>::iter() {
		ensure!(
			ActiveConsents::<T>::iter_prefix(pair).count() as u32 == count,
			"active consent counter matches the index"
		);
		ensure!(count <= T::MaxConsentsPerPair::get(), "active consents stay within the bound");
	}

	let listed: u64 = PatientConsentCount::<T>::iter().map(|(_, n)| u64::from(n)).sum();
	ensure!(listed == total, "every consent is listed under its patient");
	let listed: u64 = GranteeConsentCount::<T>::iter().map(|(_, n)| u64::from(n)).sum();
	ensure!(listed == total, "every consent is listed under its grantee");

	for (id, grant) in Emergencies::<T>::iter() {
		ensure!(id.0 < NextEmergencyId::<T>::get(), "emergency ids come from the counter");
		ensure!(grant.expires_at >= grant.opened_at, "an emergency grant ends after it opens");
	}

	let now = T::Time::now();
	for (_, history) in ClosedToEmergencyHistory::<T>::iter() {
		ensure!(
			history.windows(2).all(|pair| pair[0].0 <= pair[1].0),
			"closure changes are kept oldest first"
		);
		ensure!(
			history.last().is_none_or(|(changed_at, _)| *changed_at <= now),
			"no closure change is dated in the future"
		);
	}
	Ok(())
}

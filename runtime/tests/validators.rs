//! The consortium pallet wired to pallet-session as the runtime configures it, with no wrapper in
//! between: an equivocating validator is disabled in pallet-session at once and again as the next
//! session starts, and the historical session roots are pruned to what GRANDPA's reports need.

use frame_support::{weights::Weight, BoundedVec};
use medchain_runtime::{AccountId, Consortium, Runtime, HOURS};
use pallet_session::SessionManager;
use sp_runtime::Perbill;
use sp_staking::offence::{OffenceDetails, OnOffenceHandler};

/// `n` validators, in pallet-session's current session and in the consortium pallet's set (handed
/// over already).
fn with_validators<R>(n: u8, test: impl FnOnce(Vec<AccountId>) -> R) -> R {
	sp_io::TestExternalities::default().execute_with(|| {
		let set: Vec<AccountId> = (0..n).map(|i| AccountId::from([i; 32])).collect();
		let bounded: BoundedVec<AccountId, <Runtime as pallet_consortium::Config>::MaxValidators> =
			BoundedVec::truncate_from(set.clone());
		pallet_session::Validators::<Runtime>::put(set.clone());
		pallet_consortium::Validators::<Runtime>::put(bounded.clone());
		pallet_consortium::HandedValidators::<Runtime>::put(bounded);
		test(set)
	})
}

fn disabled() -> Vec<u32> {
	pallet_session::DisabledValidators::<Runtime>::get()
		.into_iter()
		.map(|(i, _)| i)
		.collect()
}

#[test]
fn an_equivocating_validator_is_disabled_at_once_and_again_as_the_next_session_starts() {
	with_validators(4, |set| {
		let details = OffenceDetails { offender: (set[1].clone(), ()), reporters: vec![] };
		<Consortium as OnOffenceHandler<AccountId, (AccountId, ()), Weight>>::on_offence(
			&[details],
			&[Perbill::one()],
			0,
		);
		assert_eq!(disabled(), vec![1]);
		// pallet-session forgets who was disabled when the set changes; the offender is still in
		// the session that starts, so it is disabled again.
		pallet_session::DisabledValidators::<Runtime>::kill();
		<Consortium as SessionManager<AccountId>>::start_session(1);
		assert_eq!(disabled(), vec![1]);
	});
}

#[test]
fn historical_roots_are_kept_as_long_as_a_report_stays_valid() {
	with_validators(4, |_| {
		// Hourly sessions, as a consortium runs them: a report lives an hour, so the roots of one
		// session, plus the one being planned, are kept.
		pallet_consortium::SessionLength::<Runtime>::put(HOURS);
		pallet_session::historical::StoredRange::<Runtime>::put((0, 10));
		<Consortium as SessionManager<AccountId>>::new_session(10);
		assert_eq!(pallet_session::historical::StoredRange::<Runtime>::get(), Some((8, 10)));
	});
}

//! The rules of the validator set, the session clock, upgrade authorization, offences, and what
//! the pallet asks of pallet-session (disabling, pruning history).

use frame_support::{assert_noop, assert_ok, traits::EstimateNextSessionRotation, BoundedVec};
use pallet_session::{SessionManager, ShouldEndSession};
use sp_runtime::{DispatchError, Perbill};
use sp_staking::offence::{OffenceDetails, OnOffenceHandler};

use crate::{mock::*, Error, Event, HandedValidators, SessionLength, Validators};

fn set() -> Vec<u64> {
	Validators::<Test>::get().into_inner()
}

/// Rotates as pallet-session does at block `at`: the queued session starts, then the next one is
/// planned (the set handed over, if it changed).
fn rotate(at: u64) -> Option<Vec<u64>> {
	System::set_block_number(at);
	<Consortium as SessionManager<u64>>::start_session(1);
	<Consortium as SessionManager<u64>>::new_session(2)
}

/// Plans session `index`, as pallet-session does one session ahead of the one starting.
fn plan(index: u32) {
	<Consortium as SessionManager<u64>>::new_session(index);
}

#[test]
fn only_governance_changes_the_set() {
	ExtBuilder::default().build_and_execute(|| {
		assert_noop!(
			Consortium::add_validator(RuntimeOrigin::signed(1), 5),
			DispatchError::BadOrigin
		);
		assert_noop!(
			Consortium::remove_validator(RuntimeOrigin::signed(1), 4),
			DispatchError::BadOrigin
		);
		assert_noop!(
			Consortium::set_session_length(RuntimeOrigin::signed(1), 50),
			DispatchError::BadOrigin
		);
		assert_noop!(
			Consortium::authorize_upgrade(RuntimeOrigin::signed(1), Default::default()),
			DispatchError::BadOrigin
		);
	});
}

#[test]
fn an_added_validator_is_handed_over_at_the_next_rotation() {
	ExtBuilder::default().build_and_execute(|| {
		assert_ok!(Consortium::add_validator(RuntimeOrigin::root(), 5));
		System::assert_last_event(Event::ValidatorAdded { validator: 5 }.into());
		assert_eq!(HandedValidators::<Test>::get().into_inner(), vec![1, 2, 3, 4]);
		assert_eq!(rotate(11), Some(vec![1, 2, 3, 4, 5]));
		assert_eq!(HandedValidators::<Test>::get().into_inner(), vec![1, 2, 3, 4, 5]);
	});
}

#[test]
fn newcomers_are_fewer_than_a_third_of_the_new_set() {
	ExtBuilder::default().build_and_execute(|| {
		// One new of five is fine; two of six are a third: were both offline, 4 of 6 < 2/3.
		assert_ok!(Consortium::add_validator(RuntimeOrigin::root(), 5));
		assert_noop!(
			Consortium::add_validator(RuntimeOrigin::root(), 6),
			Error::<Test>::TooManyAdditions
		);
		rotate(11);
		assert_ok!(Consortium::add_validator(RuntimeOrigin::root(), 6));
	});
}

#[test]
fn additions_do_not_hide_behind_removals() {
	ExtBuilder::with_validators(6).build_and_execute(|| {
		// One removed, then three added: eight of which three are newcomers, over a third
		// (were they offline, 5 of 8 < 2/3), though three is under half of the six handed.
		assert_ok!(Consortium::remove_validator(RuntimeOrigin::root(), 6));
		assert_ok!(Consortium::add_validator(RuntimeOrigin::root(), 7));
		assert_ok!(Consortium::add_validator(RuntimeOrigin::root(), 8));
		assert_noop!(
			Consortium::add_validator(RuntimeOrigin::root(), 9),
			Error::<Test>::TooManyAdditions
		);
	});
}

#[test]
fn a_set_below_the_minimum_grows_one_at_a_time() {
	ExtBuilder::with_validators(1).build_and_execute(|| {
		assert_ok!(Consortium::add_validator(RuntimeOrigin::root(), 2));
		assert_noop!(
			Consortium::add_validator(RuntimeOrigin::root(), 3),
			Error::<Test>::TooManyAdditions
		);
		rotate(11);
		assert_ok!(Consortium::add_validator(RuntimeOrigin::root(), 3));
		rotate(21);
		assert_ok!(Consortium::add_validator(RuntimeOrigin::root(), 4));
		assert_eq!(set(), vec![1, 2, 3, 4]);
	});
}

#[test]
fn an_unchanged_set_is_not_handed_over_again() {
	ExtBuilder::default().build_and_execute(|| {
		assert_eq!(rotate(11), None);
		assert_ok!(Consortium::add_validator(RuntimeOrigin::root(), 5));
		assert_eq!(rotate(21), Some(vec![1, 2, 3, 4, 5]));
		assert_eq!(rotate(31), None);
	});
}

#[test]
fn a_validator_without_session_keys_cannot_be_added() {
	ExtBuilder::default().build_and_execute(|| {
		MockKeys::forget(5);
		assert_noop!(
			Consortium::add_validator(RuntimeOrigin::root(), 5),
			Error::<Test>::NoSessionKeys
		);
	});
}

#[test]
fn a_validator_is_added_once_and_the_set_is_bounded() {
	ExtBuilder::with_validators(8).build_and_execute(|| {
		assert_noop!(
			Consortium::add_validator(RuntimeOrigin::root(), 3),
			Error::<Test>::AlreadyValidator
		);
		assert_noop!(
			Consortium::add_validator(RuntimeOrigin::root(), 9),
			Error::<Test>::TooManyValidators
		);
	});
}

#[test]
fn a_removed_validator_is_not_handed_over() {
	ExtBuilder::default().build_and_execute(|| {
		assert_ok!(Consortium::remove_validator(RuntimeOrigin::root(), 4));
		System::assert_last_event(Event::ValidatorRemoved { validator: 4 }.into());
		assert_eq!(rotate(11), Some(vec![1, 2, 3]));
		assert_noop!(
			Consortium::remove_validator(RuntimeOrigin::root(), 4),
			Error::<Test>::NotValidator
		);
	});
}

#[test]
fn the_set_never_goes_below_the_minimum() {
	ExtBuilder::with_validators(3).build_and_execute(|| {
		assert_noop!(
			Consortium::remove_validator(RuntimeOrigin::root(), 3),
			Error::<Test>::TooFewValidators
		);
	});
}

#[test]
fn a_third_of_the_set_is_never_removed_at_once() {
	ExtBuilder::with_validators(6).build_and_execute(|| {
		// One of six is fine; a second before the rotation makes two of six: a third.
		assert_ok!(Consortium::remove_validator(RuntimeOrigin::root(), 6));
		assert_noop!(
			Consortium::remove_validator(RuntimeOrigin::root(), 5),
			Error::<Test>::TooManyRemovals
		);
		// After the rotation the baseline is the five handed over, and one of five may go.
		rotate(11);
		assert_ok!(Consortium::remove_validator(RuntimeOrigin::root(), 5));
		assert_eq!(set(), vec![1, 2, 3, 4]);
	});
}

#[test]
fn adding_back_counts_against_removals() {
	ExtBuilder::with_validators(6).build_and_execute(|| {
		assert_ok!(Consortium::remove_validator(RuntimeOrigin::root(), 6));
		assert_ok!(Consortium::add_validator(RuntimeOrigin::root(), 6));
		// 6 is back, so removing 5 is one of six again.
		assert_ok!(Consortium::remove_validator(RuntimeOrigin::root(), 5));
	});
}

#[test]
fn sessions_end_after_their_length_and_governance_sets_it() {
	ExtBuilder::default().build_and_execute(|| {
		// The genesis session started at block 0 (start_session is not called by this mock).
		assert!(!Consortium::should_end_session(9));
		assert!(Consortium::should_end_session(10));
		rotate(10);
		assert!(!Consortium::should_end_session(19));
		assert_eq!(Consortium::estimate_next_session_rotation(12).0, Some(20));
		assert_eq!(
			Consortium::estimate_current_session_progress(15).0,
			Some(sp_runtime::Permill::from_percent(50))
		);

		assert_noop!(
			Consortium::set_session_length(RuntimeOrigin::root(), 4),
			Error::<Test>::SessionTooShort
		);
		assert_ok!(Consortium::set_session_length(RuntimeOrigin::root(), 30));
		System::assert_last_event(Event::SessionLengthSet { blocks: 30 }.into());
		assert_eq!(SessionLength::<Test>::get(), 30);
		assert!(!Consortium::should_end_session(39));
		assert!(Consortium::should_end_session(40));
	});
}

#[test]
fn an_upgrade_is_authorized_by_hash() {
	ExtBuilder::default().build_and_execute(|| {
		let code_hash = sp_core::H256::repeat_byte(7);
		assert_ok!(Consortium::authorize_upgrade(RuntimeOrigin::root(), code_hash));
		System::assert_last_event(Event::UpgradeAuthorized { code_hash }.into());
		System::assert_has_event(
			frame_system::Event::UpgradeAuthorized { code_hash, check_version: true }.into(),
		);
	});
}

fn report(validator: u64) {
	let details = OffenceDetails { offender: (validator, ()), reporters: vec![] };
	<Consortium as OnOffenceHandler<u64, (u64, ()), _>>::on_offence(
		&[details],
		&[Perbill::from_percent(10)],
		0,
	);
}

#[test]
fn an_equivocating_validator_is_removed_at_the_next_rotation() {
	ExtBuilder::with_validators(5).build_and_execute(|| {
		report(2);
		System::assert_last_event(Event::ValidatorOffended { validator: 2, session: 0 }.into());
		// Still a validator until the rotation.
		assert_eq!(set(), vec![1, 2, 3, 4, 5]);
		assert_eq!(rotate(11), Some(vec![1, 3, 4, 5]));
		System::assert_has_event(Event::ValidatorRemoved { validator: 2 }.into());
	});
}

#[test]
fn an_offender_is_kept_when_the_set_cannot_spare_it() {
	ExtBuilder::with_validators(3).build_and_execute(|| {
		report(3);
		assert_eq!(rotate(11), None, "the set cannot spare it");
		System::assert_has_event(Event::OffenderKept { validator: 3 }.into());
	});
}

#[test]
fn reports_about_non_validators_are_ignored() {
	ExtBuilder::default().build_and_execute(|| {
		report(42);
		assert!(System::events().is_empty());
		assert_eq!(rotate(11), None, "nothing changed");
	});
}

#[test]
fn a_reported_validator_is_disabled_at_once_and_again_as_the_next_session_starts() {
	ExtBuilder::with_validators(5).build_and_execute(|| {
		report(2);
		assert_eq!(MockSession::disabled(), vec![(2, Perbill::from_percent(10))]);
		// pallet-session forgets who was disabled when the set changes; 2 still belongs to the
		// session starting now (it leaves from the next one), so it is disabled again.
		assert_eq!(rotate(11), Some(vec![1, 3, 4, 5]));
		assert_eq!(
			MockSession::disabled(),
			vec![(2, Perbill::from_percent(10)), (2, Perbill::one())]
		);
		// Out of the set, it is not disabled again.
		rotate(21);
		assert_eq!(MockSession::disabled().len(), 2);
	});
}

#[test]
fn historical_roots_are_kept_as_long_as_a_report_may_need_them() {
	ExtBuilder::default().build_and_execute(|| {
		// Reports stay valid 60 blocks: six 10-block sessions, plus the one being planned.
		plan(6);
		assert_eq!(MockSession::first_kept(), None, "nothing is old enough yet");
		plan(10);
		assert_eq!(MockSession::first_kept(), Some(3));
		// Longer sessions: fewer of them span a report's life (two of 30 blocks, plus one).
		assert_ok!(Consortium::set_session_length(RuntimeOrigin::root(), 30));
		plan(11);
		assert_eq!(MockSession::first_kept(), Some(8));
		// A session that does not divide it: three of 25 blocks cover 60, plus one.
		assert_ok!(Consortium::set_session_length(RuntimeOrigin::root(), 25));
		plan(12);
		assert_eq!(MockSession::first_kept(), Some(8));
	});
}

#[test]
fn the_invariants_catch_a_set_the_rules_would_refuse() {
	ExtBuilder::default().build().execute_with(|| {
		assert_ok!(crate::try_state::do_try_state::<Test>());
		let put = |accounts: Vec<u64>| {
			let set: BoundedVec<u64, <Test as crate::Config>::MaxValidators> =
				BoundedVec::truncate_from(accounts);
			Validators::<Test>::put(set);
		};
		// Two of the four handed validators gone at once: half the set, and below the minimum.
		put(vec![1, 2]);
		assert!(crate::try_state::do_try_state::<Test>().is_err());
		// One validator named twice.
		put(vec![1, 2, 3, 4, 4]);
		assert!(crate::try_state::do_try_state::<Test>().is_err());
	});
}

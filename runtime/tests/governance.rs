//! The council's rules as the runtime configures them: two thirds of the seats, a threshold
//! parameter that cannot go to one half or below, silence counted as nay, and the call filter
//! that keeps proposals from closing early and validators from dropping out.

use frame_support::traits::Contains;
use medchain_runtime::{
	configs::council::{AbstainIsNay, ConsortiumCallFilter, CouncilInstance, CouncilMotion},
	dynamic_params, AccountId, Runtime, RuntimeCall, RuntimeOrigin, RuntimeParameters,
};
use pallet_collective::DefaultVote;

fn with_council<R>(seats: u8, f: impl FnOnce() -> R) -> R {
	sp_io::TestExternalities::default().execute_with(|| {
		let members: Vec<AccountId> = (0..seats).map(|i| AccountId::from([i; 32])).collect();
		pallet_collective::Members::<Runtime, CouncilInstance>::put(members);
		f()
	})
}

fn set_threshold(num: u32, den: u32) {
	let parameter =
		RuntimeParameters::Council(dynamic_params::council::Parameters::MotionThreshold(
			dynamic_params::council::MotionThreshold,
			Some((num, den)),
		));
	pallet_parameters::Pallet::<Runtime>::set_parameter(RuntimeOrigin::root(), parameter)
		.expect("root sets a parameter");
}

#[test]
fn a_motion_needs_two_thirds_of_all_seats() {
	with_council(4, || {
		assert!(CouncilMotion::passes(3, 4));
		assert!(!CouncilMotion::passes(2, 4));
		assert!(CouncilMotion::passes(2, 3));
		assert!(!CouncilMotion::passes(0, 0));
		assert_eq!(CouncilMotion::required_ayes(4), 3);
		assert_eq!(CouncilMotion::required_ayes(3), 2);
		assert_eq!(CouncilMotion::required_ayes(32), 22);
	});
}

#[test]
fn the_threshold_parameter_cannot_go_to_one_half_or_below() {
	with_council(4, || {
		set_threshold(3, 4);
		assert!(!CouncilMotion::passes(2, 3));
		assert!(CouncilMotion::passes(3, 4));
		// One half, or nonsense, falls back to two thirds.
		for (num, den) in [(1, 2), (1, 0), (5, 4), (1, 1)] {
			set_threshold(num, den);
			assert!(!CouncilMotion::passes(2, 4), "{num}/{den} is ignored");
			assert!(CouncilMotion::passes(3, 4));
		}
	});
}

#[test]
fn a_silent_member_counts_as_nay_even_when_the_prime_voted_aye() {
	assert!(!AbstainIsNay::default_vote(Some(true), 1, 0, 4));
	assert!(!AbstainIsNay::default_vote(None, 3, 0, 4));
}

#[test]
fn a_proposal_that_could_close_below_the_threshold_is_filtered() {
	with_council(4, || {
		let call = Box::new(RuntimeCall::System(frame_system::Call::remark { remark: vec![] }));
		let propose = |threshold| {
			RuntimeCall::Council(pallet_collective::Call::propose {
				threshold,
				proposal: call.clone(),
				length_bound: 100,
			})
		};
		assert!(!ConsortiumCallFilter::contains(&propose(1)));
		assert!(!ConsortiumCallFilter::contains(&propose(2)));
		assert!(ConsortiumCallFilter::contains(&propose(3)));
		assert!(ConsortiumCallFilter::contains(&propose(4)));
	});
}

#[test]
fn no_one_drops_their_session_keys_without_a_motion() {
	let purge = RuntimeCall::Session(pallet_session::Call::purge_keys {});
	assert!(!ConsortiumCallFilter::contains(&purge));
}

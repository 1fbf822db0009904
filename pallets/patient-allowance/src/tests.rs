//! The allowance, the free lane, and the first transaction of an account without balance.

#![allow(clippy::arithmetic_side_effects)]

use frame_support::{
	dispatch::{DispatchInfo, GetDispatchInfo},
	weights::Weight,
};
use sp_runtime::{
	traits::DispatchTransaction,
	transaction_validity::{InvalidTransaction, TransactionSource, TransactionValidityError},
};

use crate::{
	mock::*, ChargeTransactionPayment, CheckNonce, FreeCall, Lane, Registrations, ThisBlock, Usage,
	Used, ALLOWANCE_USED, FREE_LONGEVITY, REGISTRATIONS_USED, TOO_LONG_TO_BE_FREE,
};

type Extensions = (CheckNonce<Test>, ChargeTransactionPayment<Test>);

fn own_call() -> RuntimeCall {
	RuntimeCall::System(frame_system::Call::remark { remark: vec![] })
}

fn registration() -> RuntimeCall {
	RuntimeCall::System(frame_system::Call::remark_with_event { remark: vec![] })
}

/// Sends `call` signed by `who` with its next nonce, a tip, a declared weight (in 10^9 units) and
/// an encoded length.
fn send_sized(
	who: u64,
	call: RuntimeCall,
	tip: u64,
	ref_time: u64,
	len: usize,
) -> Result<(), TransactionValidityError> {
	let nonce = System::account_nonce(who);
	let info = DispatchInfo {
		call_weight: Weight::from_parts(ref_time * 1_000_000_000, 0),
		..call.get_dispatch_info()
	};
	let extensions: Extensions = (CheckNonce::from(nonce), ChargeTransactionPayment::from(tip));
	extensions
		.dispatch_transaction(RuntimeOrigin::signed(who), call, &info, len, 0)
		.map(|result| assert!(result.is_ok(), "the call itself succeeds"))
}

fn send_weighted(
	who: u64,
	call: RuntimeCall,
	tip: u64,
	ref_time: u64,
) -> Result<(), TransactionValidityError> {
	send_sized(who, call, tip, ref_time, 10)
}

/// Validates (only) `call` from `who` with nonce `nonce`, as the pool does; the validity's
/// longevity.
fn validate(who: u64, call: RuntimeCall, nonce: u32) -> Result<u64, TransactionValidityError> {
	let info = call.get_dispatch_info();
	let extensions: Extensions = (CheckNonce::from(nonce), ChargeTransactionPayment::from(0));
	extensions
		.validate_only(RuntimeOrigin::signed(who), &call, &info, 10, TransactionSource::External, 0)
		.map(|(valid, _, _)| valid.longevity)
}

fn send(who: u64, call: RuntimeCall) -> Result<(), TransactionValidityError> {
	send_weighted(who, call, 0, 1)
}

fn next_block() {
	System::set_block_number(System::block_number() + 1);
}

#[test]
fn a_patients_own_call_is_free() {
	ExtBuilder.build_and_execute(|| {
		assert_eq!(send(1, own_call()), Ok(()));
		assert_eq!(Balances::free_balance(1), FUNDS);
		assert_eq!(Used::<Test>::get(1).calls, 1);
		assert_eq!(System::account_nonce(1), 1);
		// It waits in the pool for a short while only.
		assert_eq!(validate(1, own_call(), 1), Ok(FREE_LONGEVITY));
	});
}

#[test]
fn everyone_else_pays() {
	ExtBuilder.build_and_execute(|| {
		assert_eq!(send(50, own_call()), Ok(()));
		assert!(Balances::free_balance(50) < FUNDS);
		assert_eq!(Used::<Test>::get(50).calls, 0);
	});
}

#[test]
fn a_tipped_call_is_a_paid_call() {
	ExtBuilder.build_and_execute(|| {
		assert_eq!(send_weighted(1, own_call(), 5, 1), Ok(()));
		assert!(Balances::free_balance(1) < FUNDS - 5);
		assert_eq!(Used::<Test>::get(1).calls, 0);
	});
}

#[test]
fn past_the_allowance_a_funded_patient_pays() {
	ExtBuilder.build_and_execute(|| {
		for _ in 0..3 {
			assert_eq!(send(1, own_call()), Ok(()));
			next_block();
		}
		assert_eq!(Balances::free_balance(1), FUNDS);
		assert_eq!(send(1, own_call()), Ok(()));
		assert!(Balances::free_balance(1) < FUNDS);
	});
}

#[test]
fn past_the_allowance_an_unfunded_patient_is_refused() {
	ExtBuilder.build_and_execute(|| {
		for _ in 0..3 {
			assert_eq!(send(2, own_call()), Ok(()));
			next_block();
		}
		let nonce = System::account_nonce(2);
		assert_eq!(
			send(2, own_call()),
			Err(TransactionValidityError::Invalid(InvalidTransaction::Custom(ALLOWANCE_USED)))
		);
		// Nothing changed: not the nonce, not the count.
		assert_eq!(System::account_nonce(2), nonce);
		assert_eq!(Used::<Test>::get(2).calls, 3);
	});
}

#[test]
fn the_allowance_renews_each_period() {
	ExtBuilder.build_and_execute(|| {
		for _ in 0..3 {
			assert_eq!(send(2, own_call()), Ok(()));
		}
		assert!(send(2, own_call()).is_err());
		// Period 0 is blocks 0..10; block 10 starts period 1.
		System::set_block_number(10);
		assert_eq!(send(2, own_call()), Ok(()));
		assert_eq!(PatientAllowance::remaining(&2), 2);
	});
}

#[test]
fn governance_lowering_the_allowance_applies_at_once() {
	ExtBuilder.build_and_execute(|| {
		assert_eq!(send(2, own_call()), Ok(()));
		CallsPerPeriod::set(1);
		assert!(send(2, own_call()).is_err());
		CallsPerPeriod::set(3);
	});
}

#[test]
fn an_account_without_balance_may_register_as_a_patient_and_nothing_else() {
	ExtBuilder.build_and_execute(|| {
		assert_eq!(
			send(201, own_call()),
			Err(TransactionValidityError::Invalid(InvalidTransaction::Payment))
		);
		assert_eq!(send(200, registration()), Ok(()));
		assert_eq!(System::account_nonce(200), 1);
		assert_eq!(Balances::free_balance(200), 0);
		// The mock's registration creates no identity, as a failed one would not: the account is
		// kept alive anyway, so its nonce never restarts and the transaction cannot replay.
		assert_eq!(System::providers(&200), 1);
	});
}

#[test]
fn the_allowance_belongs_to_the_patient_not_the_account() {
	ExtBuilder.build_and_execute(|| {
		for _ in 0..3 {
			assert_eq!(send(2, own_call()), Ok(()));
		}
		// A rotated controller of the same patient does not get a fresh allowance.
		assert_eq!(
			send(102, own_call()),
			Err(TransactionValidityError::Invalid(InvalidTransaction::Custom(ALLOWANCE_USED)))
		);
	});
}

#[test]
fn a_patient_queues_no_more_free_transactions_than_it_has_calls_left() {
	ExtBuilder.build_and_execute(|| {
		assert_eq!(send(2, own_call()), Ok(()));
		// Two calls left: nonces 1 and 2 may wait in the pool, nonce 3 may not.
		assert!(validate(2, own_call(), 2).is_ok());
		assert_eq!(
			validate(2, own_call(), 3),
			Err(TransactionValidityError::Invalid(InvalidTransaction::Custom(ALLOWANCE_USED)))
		);
		// A patient who can pay may queue deeper: those will be charged.
		assert!(validate(1, own_call(), 5).is_ok());
	});
}

#[test]
fn a_long_transaction_is_never_free() {
	ExtBuilder.build_and_execute(|| {
		assert_eq!(
			send_sized(2, own_call(), 0, 1, 65),
			Err(TransactionValidityError::Invalid(InvalidTransaction::Custom(TOO_LONG_TO_BE_FREE)))
		);
		assert_eq!(send_sized(1, own_call(), 0, 1, 65), Ok(()));
		assert!(Balances::free_balance(1) < FUNDS, "the funded patient paid for it");
		assert_eq!(Used::<Test>::get(1).calls, 0);
	});
}

#[test]
fn a_replayed_registration_is_stale() {
	ExtBuilder.build_and_execute(|| {
		assert_eq!(send(200, registration()), Ok(()));
		let info = registration().get_dispatch_info();
		let extensions: Extensions = (CheckNonce::from(0), ChargeTransactionPayment::from(0));
		assert_eq!(
			extensions
				.dispatch_transaction(RuntimeOrigin::signed(200), registration(), &info, 10, 0)
				.map(|_| ()),
			Err(TransactionValidityError::Invalid(InvalidTransaction::Stale))
		);
	});
}

#[test]
fn free_calls_fill_at_most_their_share_of_a_block() {
	ExtBuilder.build_and_execute(|| {
		// The lane holds 150 units: one call of 100 fits, a second does not.
		assert_eq!(send_weighted(1, own_call(), 0, 100), Ok(()));
		assert_eq!(
			send_weighted(2, own_call(), 0, 100),
			Err(TransactionValidityError::Invalid(InvalidTransaction::ExhaustsResources))
		);
		// Paid calls are not held back by the free lane.
		assert_eq!(send_weighted(50, own_call(), 0, 100), Ok(()));
		// The next block has a fresh lane.
		next_block();
		assert_eq!(send_weighted(2, own_call(), 0, 100), Ok(()));
	});
}

#[test]
fn free_registrations_per_period_are_bounded_consortium_wide() {
	ExtBuilder.build_and_execute(|| {
		assert_eq!(send(200, registration()), Ok(()));
		next_block();
		assert_eq!(send(201, registration()), Ok(()));
		next_block();
		assert_eq!(
			send(202, registration()),
			Err(TransactionValidityError::Invalid(InvalidTransaction::Custom(REGISTRATIONS_USED)))
		);
		assert_eq!(Registrations::<Test>::get().calls, 2);
		// The next period has room again.
		System::set_block_number(10);
		assert_eq!(send(202, registration()), Ok(()));
	});
}

#[test]
fn a_new_patient_registers_with_its_current_nonce_only() {
	ExtBuilder.build_and_execute(|| {
		assert!(validate(200, registration(), 0).is_ok());
		assert_eq!(
			validate(200, registration(), 1),
			Err(TransactionValidityError::Invalid(InvalidTransaction::Custom(REGISTRATIONS_USED)))
		);
	});
}

#[test]
fn a_call_larger_than_the_whole_free_lane_is_never_free() {
	ExtBuilder.build_and_execute(|| {
		// The lane holds 150 units: a 200-unit call could never go free, so it is not left to
		// wait in the pool; an unfunded patient is told, a funded one pays.
		assert_eq!(
			send_weighted(2, own_call(), 0, 200),
			Err(TransactionValidityError::Invalid(InvalidTransaction::Custom(TOO_LONG_TO_BE_FREE)))
		);
		assert_eq!(send_weighted(1, own_call(), 0, 200), Ok(()));
		assert!(Balances::free_balance(1) < FUNDS);
	});
}

#[test]
fn each_kind_of_free_call_is_refused_with_its_own_code() {
	assert_eq!(FreeCall::<u64>::NewPatient.used_up_code(), REGISTRATIONS_USED);
	assert_eq!(FreeCall::Patient(2u64).used_up_code(), ALLOWANCE_USED);
}

#[test]
fn the_invariants_catch_a_count_without_a_call_and_a_lane_of_the_future() {
	ExtBuilder.build().execute_with(|| {
		assert_eq!(send(2, own_call()), Ok(()));
		assert!(crate::try_state::do_try_state::<Test>().is_ok());

		Used::<Test>::insert(7, Usage { period: 0, calls: 0 });
		assert!(crate::try_state::do_try_state::<Test>().is_err());
		Used::<Test>::remove(7);

		ThisBlock::<Test>::put(Lane { block: 2, weight: Weight::zero(), length: 0 });
		assert!(crate::try_state::do_try_state::<Test>().is_err());
		// A lane fuller than a whole block's normal class.
		let over = Weight::from_parts(751 * 1_000_000_000, 0);
		ThisBlock::<Test>::put(Lane { block: 1, weight: over, length: 0 });
		assert!(crate::try_state::do_try_state::<Test>().is_err());
	});
}

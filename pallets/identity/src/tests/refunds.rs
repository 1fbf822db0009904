//! Calls whose cost depends on the data are charged what they used: the part of the worst case
//! they were weighed at before dispatch that they did not use is refunded.

use frame_support::{assert_ok, dispatch::GetDispatchInfo, weights::Weight};

use super::*;

const RECOVERY: GuardianRights = GuardianRights { delegate: false, recovery: true };

/// The weight `call` is charged before it runs: its worst case.
fn declared(call: Call<Test>) -> Weight {
	call.get_dispatch_info().call_weight
}

#[test]
fn a_completed_recovery_is_charged_for_the_approvals_it_holds() {
	ExtBuilder.build_and_execute(|| {
		let patient = Seeds::register("patient", SubjectKind::Patient);
		let guardian = Seeds::register("g1", SubjectKind::Patient);
		assert_ok!(Identity::add_guardian(Seeds::signed("patient"), guardian, RECOVERY));
		assert_ok!(Identity::set_recovery(Seeds::signed("patient"), 1, 10));
		assert_ok!(initiate("g1", patient, "patient-new"));
		System::set_block_number(11);

		let post = Identity::complete_recovery(Seeds::signed("anyone"), patient)
			.expect("the recovery completes");
		let used = <Test as crate::Config>::WeightInfo::complete_recovery(1);
		assert_eq!(post.actual_weight, Some(used));
		assert!(used.all_lt(declared(Call::complete_recovery { patient })));
	});
}

#[test]
fn a_deactivation_is_charged_for_the_gateways_it_removes() {
	ExtBuilder.build_and_execute(|| {
		let worst = declared(Call::deactivate {});
		let deactivate = <Test as crate::Config>::WeightInfo::deactivate();
		let per_gateway = <Test as crate::Config>::WeightInfo::remove_gateway();

		// A patient removes no gateway.
		Seeds::register("patient", SubjectKind::Patient);
		let post = Identity::deactivate(Seeds::signed("patient")).expect("deactivates");
		assert_eq!(post.actual_weight, Some(deactivate));
		assert!(deactivate.all_lt(worst));

		// A gateway takes itself off its organization's list.
		Seeds::gateway("hospital", "gateway-1");
		let post = Identity::deactivate(Seeds::signed("gateway-1")).expect("deactivates");
		assert_eq!(post.actual_weight, Some(deactivate.saturating_add(per_gateway)));

		// An organization takes its two gateways with it.
		Seeds::gateway("hospital", "gateway-2");
		Seeds::gateway("hospital", "gateway-3");
		let post = Identity::deactivate(Seeds::signed("hospital")).expect("deactivates");
		let used = deactivate.saturating_add(per_gateway.saturating_mul(2));
		assert_eq!(post.actual_weight, Some(used));
		assert!(used.all_lt(worst));
	});
}

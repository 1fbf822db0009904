use frame_support::{assert_noop, assert_ok};
use medchain_primitives::{
	audit::{AuditPolicy, AuditSource},
	consent::ConsentId,
	identity::SubjectKind,
};

use super::*;
use crate::{Entries, Error, Event, Heads};

struct World {
	patient: SubjectId,
	doctor: SubjectId,
	gateway: SubjectId,
	org: SubjectId,
}

fn world() -> World {
	let (org, gateway) = Seeds::gateway("hospital", "gw");
	let doctor = Seeds::practitioner("doctor", "hospital");
	let patient = Seeds::register("patient", SubjectKind::Patient);
	World { patient, doctor, gateway, org }
}

#[test]
fn a_gateway_appends_a_batch_in_order() {
	ExtBuilder.build_and_execute(|| {
		let w = world();
		let batch = vec![
			event(w.patient, read_by(w.doctor, NOW - 2)),
			event(w.patient, denial_of(w.doctor)),
			event(w.patient, read_by(w.doctor, NOW - 1)),
		];
		assert_ok!(AuditLog::submit_batch(Seeds::signed("gw"), batch));
		System::assert_last_event(Event::BatchAppended { gateway: w.gateway, count: 3 }.into());
		assert_eq!(Heads::<Test>::get(w.patient).count, 3);
		let second = Entries::<Test>::get(w.patient, 1).unwrap();
		assert_eq!(second.record.event_type, AuditEventType::AccessDenied);
		assert_eq!(second.source, AuditSource::Gateway(w.gateway));
	});
}

#[test]
fn unregistered_writers_are_refused() {
	ExtBuilder.build_and_execute(|| {
		let w = world();
		assert_noop!(
			AuditLog::submit_batch(
				Seeds::signed("stranger"),
				vec![event(w.patient, read_by(w.doctor, NOW))]
			),
			Error::<Test>::UnregisteredWriter
		);
	});
}

#[test]
fn only_gateways_write() {
	ExtBuilder.build_and_execute(|| {
		let w = world();
		for writer in ["patient", "doctor", "hospital"] {
			assert_noop!(
				AuditLog::submit_batch(
					Seeds::signed(writer),
					vec![event(w.patient, read_by(w.doctor, NOW))]
				),
				Error::<Test>::NotAGateway
			);
		}
	});
}

#[test]
fn a_gateway_of_a_removed_organization_is_refused() {
	ExtBuilder.build_and_execute(|| {
		let w = world();
		// Removing the organization tombstones its gateways too, so the gateway's key no longer
		// controls an active identity at all.
		assert_ok!(Identity::remove_organization(RuntimeOrigin::root(), w.org));
		assert_noop!(
			AuditLog::submit_batch(
				Seeds::signed("gw"),
				vec![event(w.patient, read_by(w.doctor, NOW))]
			),
			Error::<Test>::UnregisteredWriter
		);
	});
}

#[test]
fn a_removed_gateway_is_refused() {
	ExtBuilder.build_and_execute(|| {
		let w = world();
		assert_ok!(Identity::remove_gateway(Seeds::signed("hospital"), w.gateway));
		assert_noop!(
			AuditLog::submit_batch(
				Seeds::signed("gw"),
				vec![event(w.patient, read_by(w.doctor, NOW))]
			),
			Error::<Test>::UnregisteredWriter
		);
	});
}

#[test]
fn empty_and_oversized_batches_are_refused() {
	ExtBuilder.build_and_execute(|| {
		let w = world();
		assert_noop!(
			AuditLog::submit_batch(Seeds::signed("gw"), vec![]),
			Error::<Test>::EmptyBatch
		);
		let oversized = vec![event(w.patient, read_by(w.doctor, NOW)); 9];
		assert_noop!(
			AuditLog::submit_batch(Seeds::signed("gw"), oversized),
			Error::<Test>::BatchTooLarge
		);
		let full = vec![event(w.patient, read_by(w.doctor, NOW)); 8];
		assert_ok!(AuditLog::submit_batch(Seeds::signed("gw"), full));
	});
}

#[test]
fn one_bad_event_fails_the_whole_batch_and_names_its_index() {
	ExtBuilder.build_and_execute(|| {
		let w = world();
		let stranger = SubjectId([9; 32]);
		let good = event(w.patient, read_by(w.doctor, NOW));
		let cases: Vec<(GatewayEvent, Error<Test>)> = vec![
			(event(stranger, read_by(w.doctor, NOW)), Error::<Test>::UnknownPatient { index: 2 }),
			(event(w.doctor, read_by(w.doctor, NOW)), Error::<Test>::UnknownPatient { index: 2 }),
			(event(w.patient, read_by(stranger, NOW)), Error::<Test>::UnknownActor { index: 2 }),
			(
				event(
					w.patient,
					AuditRecord {
						event_type: AuditEventType::ConsentGranted,
						..read_by(w.doctor, NOW)
					},
				),
				Error::<Test>::EventTypeNotAllowed { index: 2 },
			),
			(
				event(w.patient, AuditRecord { policy: None, ..read_by(w.doctor, NOW) }),
				Error::<Test>::InconsistentOutcome { index: 2 },
			),
			(
				event(w.patient, AuditRecord { deny_reason: None, ..denial_of(w.doctor) }),
				Error::<Test>::InconsistentOutcome { index: 2 },
			),
			(
				event(w.patient, read_by(w.doctor, NOW + 60_001)),
				Error::<Test>::OccurredInFuture { index: 2 },
			),
			// Organizations and gateways are not persons and never access records themselves.
			(event(w.patient, read_by(w.org, NOW)), Error::<Test>::ActorNotAPerson { index: 2 }),
			(
				event(w.patient, read_by(w.gateway, NOW)),
				Error::<Test>::ActorNotAPerson { index: 2 },
			),
			// Nothing is back-dated past the backlog window, least of all to 1970.
			(
				event(w.patient, read_by(w.doctor, 0)),
				Error::<Test>::OccurredTooLongAgo { index: 2 },
			),
			(
				event(w.patient, read_by(w.doctor, NOW - 86_400_001)),
				Error::<Test>::OccurredTooLongAgo { index: 2 },
			),
			// A read is justified by a policy that exists and allowed it, not merely claimed.
			(
				event(
					w.patient,
					AuditRecord {
						policy: Some(AuditPolicy::Consent(ConsentId(99))),
						..read_by(w.doctor, NOW)
					},
				),
				Error::<Test>::PolicyNotFound { index: 2 },
			),
			(
				event(
					w.patient,
					AuditRecord {
						policy: Some(AuditPolicy::Consent(REVOKED_CONSENT)),
						..read_by(w.doctor, NOW)
					},
				),
				Error::<Test>::PolicyNotForThisRead { index: 2 },
			),
			(
				event(
					w.patient,
					AuditRecord { policy: Some(AuditPolicy::OwnData), ..read_by(w.doctor, NOW) },
				),
				Error::<Test>::PolicyNotForThisRead { index: 2 },
			),
		];
		for (bad, error) in cases {
			assert_noop!(
				AuditLog::submit_batch(Seeds::signed("gw"), vec![good.clone(), good.clone(), bad]),
				error
			);
		}
		assert_eq!(Heads::<Test>::get(w.patient).count, 0);
	});
}

#[test]
fn clock_skew_within_the_limit_is_accepted() {
	ExtBuilder.build_and_execute(|| {
		let w = world();
		assert_ok!(AuditLog::submit_batch(
			Seeds::signed("gw"),
			vec![event(w.patient, read_by(w.doctor, NOW + 60_000))]
		));
	});
}

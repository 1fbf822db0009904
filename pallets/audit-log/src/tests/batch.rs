use frame_support::{assert_noop, assert_ok};
use medchain_primitives::{audit::AuditSource, identity::SubjectKind};

use super::*;
use crate::{Entries, Error, Event, Heads};

struct World {
	patient: SubjectId,
	doctor: SubjectId,
	gateway: SubjectId,
	org: SubjectId,
}

fn world() -> World {
	let (org, gateway) = organization_with_gateway("hospital", "gw");
	let doctor = practitioner("doctor", "hospital");
	let patient = register("patient", SubjectKind::Patient);
	World { patient, doctor, gateway, org }
}

#[test]
fn a_gateway_appends_a_batch_in_order() {
	ExtBuilder::default().build_and_execute(|| {
		let w = world();
		let batch = vec![
			event(w.patient, read_by(w.doctor, NOW - 2)),
			event(w.patient, denial_of(w.doctor)),
			event(w.patient, read_by(w.doctor, NOW - 1)),
		];
		assert_ok!(AuditLog::submit_batch(signed("gw"), batch));
		System::assert_last_event(Event::BatchAppended { gateway: w.gateway, count: 3 }.into());
		assert_eq!(Heads::<Test>::get(w.patient).count, 3);
		let second = Entries::<Test>::get(w.patient, 1).unwrap();
		assert_eq!(second.record.event_type, AuditEventType::AccessDenied);
		assert_eq!(second.source, AuditSource::Gateway(w.gateway));
	});
}

#[test]
fn unregistered_writers_are_refused() {
	ExtBuilder::default().build_and_execute(|| {
		let w = world();
		assert_noop!(
			AuditLog::submit_batch(
				signed("stranger"),
				vec![event(w.patient, read_by(w.doctor, NOW))]
			),
			Error::<Test>::UnregisteredWriter
		);
	});
}

#[test]
fn only_gateways_write() {
	ExtBuilder::default().build_and_execute(|| {
		let w = world();
		for writer in ["patient", "doctor", "hospital"] {
			assert_noop!(
				AuditLog::submit_batch(
					signed(writer),
					vec![event(w.patient, read_by(w.doctor, NOW))]
				),
				Error::<Test>::NotAGateway
			);
		}
	});
}

#[test]
fn a_gateway_of_a_removed_organization_is_refused() {
	ExtBuilder::default().build_and_execute(|| {
		let w = world();
		assert_ok!(Identity::remove_organization(RuntimeOrigin::root(), w.org));
		assert_noop!(
			AuditLog::submit_batch(signed("gw"), vec![event(w.patient, read_by(w.doctor, NOW))]),
			Error::<Test>::GatewayInactive
		);
	});
}

#[test]
fn a_removed_gateway_is_refused() {
	ExtBuilder::default().build_and_execute(|| {
		let w = world();
		assert_ok!(Identity::remove_gateway(signed("hospital"), w.gateway));
		assert_noop!(
			AuditLog::submit_batch(signed("gw"), vec![event(w.patient, read_by(w.doctor, NOW))]),
			Error::<Test>::UnregisteredWriter
		);
	});
}

#[test]
fn empty_and_oversized_batches_are_refused() {
	ExtBuilder::default().build_and_execute(|| {
		let w = world();
		assert_noop!(AuditLog::submit_batch(signed("gw"), vec![]), Error::<Test>::EmptyBatch);
		let oversized = vec![event(w.patient, read_by(w.doctor, NOW)); 9];
		assert_noop!(AuditLog::submit_batch(signed("gw"), oversized), Error::<Test>::BatchTooLarge);
		let full = vec![event(w.patient, read_by(w.doctor, NOW)); 8];
		assert_ok!(AuditLog::submit_batch(signed("gw"), full));
	});
}

#[test]
fn one_bad_event_fails_the_whole_batch_and_names_its_index() {
	ExtBuilder::default().build_and_execute(|| {
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
		];
		for (bad, error) in cases {
			assert_noop!(
				AuditLog::submit_batch(signed("gw"), vec![good.clone(), good.clone(), bad]),
				error
			);
		}
		assert_eq!(Heads::<Test>::get(w.patient).count, 0);
	});
}

#[test]
fn clock_skew_within_the_limit_is_accepted() {
	ExtBuilder::default().build_and_execute(|| {
		let w = world();
		assert_ok!(AuditLog::submit_batch(
			signed("gw"),
			vec![event(w.patient, read_by(w.doctor, NOW + 60_000))]
		));
	});
}

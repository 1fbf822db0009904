use frame_support::{assert_noop, assert_ok, dispatch::GetDispatchInfo};
use medchain_primitives::{
	audit::{AuditEntity, AuditPolicy, AuditSource, Repeats},
	consent::ConsentId,
	identity::SubjectKind,
};

use super::*;
use crate::{Entries, Error, Event, GatewaySequence, Heads};

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
		assert_ok!(AuditLog::submit_batch(Seeds::signed("gw"), 0, batch));
		System::assert_last_event(
			Event::BatchAppended {
				gateway: w.gateway,
				first: 0,
				appended: 3,
				duplicates: 0,
				refused: vec![],
			}
			.into(),
		);
		assert_eq!(GatewaySequence::<Test>::get(w.gateway), 3);
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
				0,
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
					0,
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
				0,
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
				0,
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
			AuditLog::submit_batch(Seeds::signed("gw"), 0, vec![]),
			Error::<Test>::EmptyBatch
		);
		let oversized = vec![event(w.patient, read_by(w.doctor, NOW)); 9];
		assert_noop!(
			AuditLog::submit_batch(Seeds::signed("gw"), 0, oversized),
			Error::<Test>::BatchTooLarge
		);
		let full = vec![event(w.patient, read_by(w.doctor, NOW)); 8];
		assert_ok!(AuditLog::submit_batch(Seeds::signed("gw"), 0, full));
	});
}

#[test]
fn a_bad_event_is_refused_by_index_and_the_good_ones_around_it_are_appended() {
	ExtBuilder.build_and_execute(|| {
		let w = world();
		let stranger = SubjectId([9; 32]);
		let good = event(w.patient, read_by(w.doctor, NOW));
		let mut cases: Vec<(GatewayEvent, Error<Test>)> = vec![
			(event(stranger, read_by(w.doctor, NOW)), Error::<Test>::UnknownPatient),
			(event(w.doctor, read_by(w.doctor, NOW)), Error::<Test>::UnknownPatient),
			(event(w.patient, read_by(stranger, NOW)), Error::<Test>::UnknownActor),
			(
				event(
					w.patient,
					AuditRecord {
						event_type: AuditEventType::ConsentGranted,
						..read_by(w.doctor, NOW)
					},
				),
				Error::<Test>::EventTypeNotAllowed,
			),
			(
				event(w.patient, AuditRecord { policy: None, ..read_by(w.doctor, NOW) }),
				Error::<Test>::InconsistentOutcome,
			),
			(
				event(w.patient, AuditRecord { deny_reason: None, ..denial_of(w.doctor) }),
				Error::<Test>::InconsistentOutcome,
			),
			// A read is dated by a block's time: never ahead of the chain.
			(event(w.patient, read_by(w.doctor, NOW + 1)), Error::<Test>::OccurredInFuture),
			(
				event(w.patient, AuditRecord { occurred: NOW + 60_001, ..denial_of(w.doctor) }),
				Error::<Test>::OccurredInFuture,
			),
			// Organizations and gateways are not persons and never access records themselves.
			(event(w.patient, read_by(w.org, NOW)), Error::<Test>::ActorNotAPerson),
			(event(w.patient, read_by(w.gateway, NOW)), Error::<Test>::ActorNotAPerson),
			// Nothing is back-dated past the backlog window, least of all to 1970.
			(event(w.patient, read_by(w.doctor, 0)), Error::<Test>::OccurredTooLongAgo),
			(
				event(w.patient, read_by(w.doctor, NOW - 86_400_001)),
				Error::<Test>::OccurredTooLongAgo,
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
				Error::<Test>::PolicyNotFound,
			),
			(
				event(
					w.patient,
					AuditRecord {
						policy: Some(AuditPolicy::Consent(REVOKED_CONSENT)),
						..read_by(w.doctor, NOW)
					},
				),
				Error::<Test>::PolicyNotForThisRead,
			),
			(
				event(
					w.patient,
					AuditRecord { policy: Some(AuditPolicy::OwnData), ..read_by(w.doctor, NOW) },
				),
				Error::<Test>::PolicyNotForThisRead,
			),
		];
		// A read names its record; a denial is justified by nothing and names no policy.
		cases.push((
			event(w.patient, AuditRecord { entity: None, ..read_by(w.doctor, NOW) }),
			Error::<Test>::ReadNamesNoRecord,
		));
		cases.push((
			event(
				w.patient,
				AuditRecord {
					policy: Some(AuditPolicy::Consent(ALLOWING_CONSENT)),
					..denial_of(w.doctor)
				},
			),
			Error::<Test>::InconsistentOutcome,
		));
		// Folded denials say how many (two or more) and when the last was (not before the
		// first, not in the future); reads are never folded.
		let folded = |count, last| Some(Repeats { count, last });
		for (repeats, error) in [
			(folded(1, NOW), Error::<Test>::InconsistentOutcome),
			(folded(3, NOW - 1), Error::<Test>::InconsistentOutcome),
			(folded(3, NOW + 60_001), Error::<Test>::OccurredInFuture),
		] {
			cases.push((event(w.patient, AuditRecord { repeats, ..denial_of(w.doctor) }), error));
		}
		cases.push((
			event(w.patient, AuditRecord { repeats: folded(2, NOW), ..read_by(w.doctor, NOW) }),
			Error::<Test>::InconsistentOutcome,
		));
		// Each record-level refusal of the rule comes back as its own error.
		let record_errors = [
			Error::<Test>::UnknownRecord,
			Error::<Test>::RecordOfAnotherPatient,
			Error::<Test>::NotTheCustodian,
			Error::<Test>::RecordErasedBeforeRead,
			Error::<Test>::ContentMismatch,
			Error::<Test>::ClassNotCovered,
			Error::<Test>::NotABreakGlassRole,
			Error::<Test>::ClosedToEmergency,
		];
		for (i, error) in record_errors.into_iter().enumerate() {
			let entity = Some(AuditEntity { record: refused_record(i), hash: None });
			cases.push((event(w.patient, AuditRecord { entity, ..read_by(w.doctor, NOW) }), error));
		}
		let mut sequence = 0u64;
		let mut count = 0u64;
		for (bad, error) in cases {
			let result = AuditLog::submit_batch(
				Seeds::signed("gw"),
				sequence,
				vec![good.clone(), good.clone(), bad, good.clone()],
			);
			assert_ok!(result);
			System::assert_last_event(
				Event::BatchAppended {
					gateway: w.gateway,
					first: sequence,
					appended: 3,
					duplicates: 0,
					refused: vec![(2, error.into())],
				}
				.into(),
			);
			sequence += 4;
			count += 3;
			assert_eq!(Heads::<Test>::get(w.patient).count, count);
			assert_eq!(GatewaySequence::<Test>::get(w.gateway), sequence);
		}
	});
}

#[test]
fn a_denial_within_the_clock_skew_is_accepted_but_a_read_never_postdates_the_chain() {
	ExtBuilder.build_and_execute(|| {
		let w = world();
		let denial = AuditRecord { occurred: NOW + 60_000, ..denial_of(w.doctor) };
		assert_ok!(AuditLog::submit_batch(
			Seeds::signed("gw"),
			0,
			vec![event(w.patient, denial), event(w.patient, read_by(w.doctor, NOW))]
		));
		assert_eq!(Heads::<Test>::get(w.patient).count, 2);
	});
}

#[test]
fn a_resent_batch_appends_only_the_events_not_taken_before() {
	ExtBuilder.build_and_execute(|| {
		let w = world();
		let batch: Vec<GatewayEvent> =
			(0..4).map(|i| event(w.patient, read_by(w.doctor, NOW - i))).collect();
		assert_ok!(AuditLog::submit_batch(Seeds::signed("gw"), 0, batch[..2].to_vec()));
		// The gateway crashed before it saw the first batch land, and sends all four again.
		let info = AuditLog::submit_batch(Seeds::signed("gw"), 0, batch.clone()).unwrap();
		System::assert_last_event(
			Event::BatchAppended {
				gateway: w.gateway,
				first: 0,
				appended: 2,
				duplicates: 2,
				refused: vec![],
			}
			.into(),
		);
		assert_eq!(Heads::<Test>::get(w.patient).count, 4);
		let third = Entries::<Test>::get(w.patient, 2).unwrap();
		assert_eq!(third.record, batch[2].record);
		// The duplicates are refunded: the weight is that of the two events judged.
		assert_eq!(info.actual_weight, Some(<() as crate::WeightInfo>::submit_batch(2)));
		// A batch sent wholly again appends nothing.
		assert_ok!(AuditLog::submit_batch(Seeds::signed("gw"), 0, batch));
		assert_eq!(Heads::<Test>::get(w.patient).count, 4);
		assert_eq!(GatewaySequence::<Test>::get(w.gateway), 4);
	});
}

#[test]
fn a_batch_past_the_gateways_sequence_is_refused_whole() {
	ExtBuilder.build_and_execute(|| {
		let w = world();
		assert_noop!(
			AuditLog::submit_batch(
				Seeds::signed("gw"),
				1,
				vec![event(w.patient, read_by(w.doctor, NOW))]
			),
			Error::<Test>::SequenceGap
		);
	});
}

#[test]
fn each_gateway_numbers_its_own_events() {
	ExtBuilder.build_and_execute(|| {
		let w = world();
		let (_, other) = Seeds::gateway("hospital", "gw2");
		assert_ok!(AuditLog::submit_batch(
			Seeds::signed("gw"),
			0,
			vec![event(w.patient, read_by(w.doctor, NOW))]
		));
		assert_ok!(AuditLog::submit_batch(
			Seeds::signed("gw2"),
			0,
			vec![event(w.patient, read_by(w.doctor, NOW))]
		));
		assert_eq!(Heads::<Test>::get(w.patient).count, 2);
		assert_eq!(GatewaySequence::<Test>::get(w.gateway), 1);
		assert_eq!(GatewaySequence::<Test>::get(other), 1);
	});
}

#[test]
fn the_declared_weight_covers_a_full_batch() {
	ExtBuilder.build_and_execute(|| {
		let w = world();
		let call = crate::Call::<Test>::submit_batch {
			first: 0,
			events: vec![event(w.patient, read_by(w.doctor, NOW)); 8],
		};
		assert_eq!(
			call.get_dispatch_info().call_weight,
			<() as crate::WeightInfo>::submit_batch(8)
		);
	});
}

#[test]
fn folded_denials_go_on_the_trail_with_their_count_and_last_time() {
	ExtBuilder.build_and_execute(|| {
		let w = world();
		let repeats = Some(Repeats { count: 40, last: NOW });
		let folded = AuditRecord { occurred: NOW - 10_000, repeats, ..denial_of(w.doctor) };
		assert_ok!(AuditLog::submit_batch(Seeds::signed("gw"), 0, vec![event(w.patient, folded)]));
		let entry = Entries::<Test>::get(w.patient, 0).unwrap();
		assert_eq!(entry.record.repeats, repeats);
		assert_eq!(entry.record.occurred, NOW - 10_000);
	});
}

#[test]
fn a_late_resend_of_an_earlier_batch_never_lowers_the_sequence() {
	ExtBuilder.build_and_execute(|| {
		let w = world();
		let batch: Vec<GatewayEvent> =
			(0..4).map(|i| event(w.patient, read_by(w.doctor, NOW - i))).collect();
		assert_ok!(AuditLog::submit_batch(Seeds::signed("gw"), 0, batch[..2].to_vec()));
		assert_ok!(AuditLog::submit_batch(Seeds::signed("gw"), 2, batch[2..].to_vec()));
		// The first batch, sent again in a round that had not seen it land, lands last.
		assert_ok!(AuditLog::submit_batch(Seeds::signed("gw"), 0, batch[..2].to_vec()));
		assert_eq!(GatewaySequence::<Test>::get(w.gateway), 4);
		// So the second one, sent again too, is still a duplicate.
		assert_ok!(AuditLog::submit_batch(Seeds::signed("gw"), 2, batch[2..].to_vec()));
		assert_eq!(Heads::<Test>::get(w.patient).count, 4);
	});
}

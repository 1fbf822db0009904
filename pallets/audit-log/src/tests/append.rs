use medchain_primitives::{
	audit::{entry_hash, AuditSource},
	traits::AuditSink,
};
use sp_core::H256;

use super::*;
use crate::{Entries, Event, Heads};

#[test]
fn runtime_appends_link_each_entry_to_the_previous() {
	ExtBuilder.build_and_execute(|| {
		let patient = SubjectId([1; 32]);
		let actor = SubjectId([2; 32]);
		assert_eq!(<AuditLog as AuditSink>::append(&patient, read_by(actor, NOW)), 0);
		assert_eq!(<AuditLog as AuditSink>::append(&patient, read_by(actor, NOW)), 1);

		let first = Entries::<Test>::get(patient, 0).unwrap();
		let second = Entries::<Test>::get(patient, 1).unwrap();
		assert_eq!(first.prev_hash, H256::zero());
		assert_eq!(second.prev_hash, first.hash);
		assert_eq!(first.hash, entry_hash(&System::block_hash(0), &patient, &first));
		assert_eq!(first.source, AuditSource::Runtime);
		assert_eq!(first.recorded, NOW);
		let head = Heads::<Test>::get(patient);
		assert_eq!((head.count, head.hash), (2, second.hash));
		System::assert_last_event(
			Event::EntryAppended {
				patient,
				seq: 1,
				event_type: AuditEventType::RecordRead,
				hash: second.hash,
			}
			.into(),
		);
	});
}

#[test]
fn trails_are_per_patient() {
	ExtBuilder.build_and_execute(|| {
		let (a, b) = (SubjectId([1; 32]), SubjectId([3; 32]));
		let actor = SubjectId([2; 32]);
		AuditLog::append(&a, read_by(actor, NOW), AuditSource::Runtime);
		AuditLog::append(&b, read_by(actor, NOW), AuditSource::Runtime);
		AuditLog::append(&a, read_by(actor, NOW), AuditSource::Runtime);
		assert_eq!(Heads::<Test>::get(a).count, 2);
		assert_eq!(Heads::<Test>::get(b).count, 1);
		assert_eq!(Entries::<Test>::get(b, 0).unwrap().prev_hash, H256::zero());
	});
}

#[test]
fn recorded_time_and_block_come_from_the_chain() {
	ExtBuilder.build_and_execute(|| {
		let patient = SubjectId([1; 32]);
		System::set_block_number(5);
		Timestamp::set_timestamp(NOW + 10_000);
		AuditLog::append(&patient, read_by(SubjectId([2; 32]), NOW), AuditSource::Runtime);
		let entry = Entries::<Test>::get(patient, 0).unwrap();
		assert_eq!((entry.block, entry.recorded, entry.record.occurred), (5, NOW + 10_000, NOW));
	});
}

#[test]
fn an_entry_hash_is_bound_to_its_domain_and_its_chain() {
	ExtBuilder.build_and_execute(|| {
		let patient = SubjectId([1; 32]);
		<AuditLog as AuditSink>::append(&patient, read_by(SubjectId([2; 32]), NOW));
		let e = Entries::<Test>::get(patient, 0).unwrap();
		let genesis = System::block_hash(0);
		let preimage = medchain_primitives::audit::entry_preimage(
			&genesis,
			&patient,
			e.seq,
			&e.record,
			&e.source,
			e.recorded,
			e.block,
			&e.prev_hash,
		);
		let tag = medchain_primitives::audit::ENTRY_DOMAIN;
		assert!(preimage.starts_with(tag));
		assert_eq!(&preimage[tag.len()..tag.len() + 32], genesis.as_bytes());
		// The same entry on another chain hashes differently: it cannot be replayed there.
		assert_ne!(entry_hash(&H256::repeat_byte(1), &patient, &e), e.hash);
	});
}

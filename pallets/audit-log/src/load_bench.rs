//! The audit query benchmark's genesis fill: a million entries appended through the real append
//! path. Compiled only with the `load-bench` feature, so production runtimes carry none of it.

use medchain_primitives::{
	audit::{AuditAction, AuditPolicy},
	consent::{ConsentId, PurposeOfUse},
};

use crate::*;

/// Appends `per_patient` synthetic read events to each of `patients` synthetic trails, through
/// [`Pallet::append`]: the state the load benchmark (scripts/bench-audit.sh) queries.
pub fn fill<T: Config>(patients: u32, per_patient: u32) {
	for p in 0..patients {
		let patient = synthetic_subject(b"patient", p);
		for i in 0..per_patient {
			let actor = synthetic_subject(b"actor", p.wrapping_add(i) % 64);
			let record = AuditRecord {
				event_type: AuditEventType::RecordRead,
				action: AuditAction::Read,
				outcome: AuditOutcome::Success,
				actor,
				requestor: true,
				policy: Some(AuditPolicy::Consent(ConsentId(u64::from(p)))),
				deny_reason: None,
				entity: None,
				purpose: Some(PurposeOfUse::Treat),
				occurred: 0,
				repeats: None,
			};
			Pallet::<T>::append(&patient, record, AuditSource::Runtime);
		}
	}
}

/// The `index`-th synthetic subject of a benchmark fill: blake2-256 of
/// `"medchain:bench:" ++ role ++ index (u32 LE)`.
pub fn synthetic_subject(role: &[u8], index: u32) -> SubjectId {
	let mut preimage = b"medchain:bench:".to_vec();
	preimage.extend_from_slice(role);
	preimage.extend_from_slice(&index.to_le_bytes());
	SubjectId(sp_io::hashing::blake2_256(&preimage))
}

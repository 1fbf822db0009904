//! Tests, one file per concern. Most run inside `ExtBuilder::build_and_execute`, which re-hashes
//! every trail afterwards.

mod append;
mod batch;
mod queries;
mod tamper;

use medchain_primitives::{
	audit::{AuditAction, AuditEntity, AuditEventType, AuditOutcome, AuditPolicy, AuditRecord},
	consent::{ConsentId, DenyReason, PurposeOfUse},
	identity::SubjectId,
};

use crate::{mock::*, GatewayEvent};

/// A successful read of [`RECORD`] by `actor` under consent 7.
pub fn read_by(actor: SubjectId, occurred: u64) -> AuditRecord {
	AuditRecord {
		event_type: AuditEventType::RecordRead,
		action: AuditAction::Read,
		outcome: AuditOutcome::Success,
		actor,
		requestor: true,
		policy: Some(AuditPolicy::Consent(ConsentId(7))),
		deny_reason: None,
		entity: Some(AuditEntity { record: RECORD, hash: None }),
		purpose: Some(PurposeOfUse::Treat),
		occurred,
		repeats: None,
	}
}

/// A denial of `actor` for lack of consent.
pub fn denial_of(actor: SubjectId) -> AuditRecord {
	AuditRecord {
		event_type: AuditEventType::AccessDenied,
		outcome: AuditOutcome::MinorFailure,
		policy: None,
		deny_reason: Some(DenyReason::NoConsent),
		..read_by(actor, NOW)
	}
}

pub fn event(patient: SubjectId, record: AuditRecord) -> GatewayEvent {
	GatewayEvent { patient, record }
}

//! Tests, one file per call plus the access rule. Each runs inside `ExtBuilder::build_and_execute`.

mod emergency;
mod grant;
mod hardening;
mod read_policies;
mod revoke;
mod rule;

use frame_support::assert_ok;
use medchain_primitives::identity::{GuardianRights, SubjectKind};
pub use medchain_primitives::records::RecordStatus;

use crate::{mock::*, *};

/// Read access to labs and medications for treatment, open-ended from now.
pub fn treat_terms(grantee: Grantee) -> GrantTerms {
	ConsentTerms {
		grantee,
		actions: ActionSet::of(&[ConsentAction::Read]),
		classes: DataClassSet::of(&[DataClass::Labs, DataClass::Medications]),
		records: Vec::new(),
		excluded: DataClassSet::EMPTY,
		purposes: PurposeSet::of(&[PurposeOfUse::Treat]),
		valid_from: NOW,
		valid_until: None,
	}
}

/// A patient ("patient") and a practitioner ("doctor") of "hospital".
pub fn patient_and_doctor() -> (SubjectId, SubjectId) {
	(Seeds::register("patient", SubjectKind::Patient), Seeds::practitioner("doctor", "hospital"))
}

/// The organization "hospital" (admitted by [`patient_and_doctor`]).
pub fn hospital() -> SubjectId {
	Seeds::of("hospital")
}

/// Grants `terms` as "patient" and returns the consent's id.
pub fn grant(terms: GrantTerms) -> ConsentId {
	let patient = Seeds::of("patient");
	assert_ok!(Consent::grant(Seeds::signed("patient"), patient, terms));
	ConsentId(NextConsentId::<Test>::get() - 1)
}

pub fn check(
	patient: SubjectId,
	accessor: SubjectId,
	action: ConsentAction,
	class: DataClass,
	purpose: PurposeOfUse,
) -> AccessDecision {
	Consent::check_access(&patient, &accessor, action, &AccessTarget::Class(class), purpose)
}

pub fn read_labs(patient: SubjectId, accessor: SubjectId) -> AccessDecision {
	check(patient, accessor, ConsentAction::Read, DataClass::Labs, PurposeOfUse::Treat)
}

pub const DELEGATE: GuardianRights = GuardianRights { delegate: true, recovery: false };

/// The patient's audit trail, oldest first.
pub fn trail(patient: SubjectId) -> Vec<medchain_primitives::audit::AuditEntry> {
	let mut entries = AuditLog::entries(&patient, None, 100).expect("valid page");
	entries.reverse();
	entries
}

//! THE access rule of MedChain. See the crate documentation for the rule as a list; docs/consent.md
//! has it as a decision table.

use frame_support::traits::Time;
use medchain_primitives::identity::{SubjectKind, SubjectRegistry};

use crate::*;

/// How far a consent got through the checks: a later stage is a closer miss, and its reason is
/// the one reported when nothing permits.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Stage {
	NotYetValid,
	Expired,
	ActionNotAllowed,
	PurposeNotAllowed,
	ClassExcluded,
	NotCovered,
}

impl Stage {
	fn reason(self) -> DenyReason {
		match self {
			Self::NotYetValid => DenyReason::NotYetValid,
			Self::Expired => DenyReason::Expired,
			Self::ActionNotAllowed => DenyReason::ActionNotAllowed,
			Self::PurposeNotAllowed => DenyReason::PurposeNotAllowed,
			Self::ClassExcluded => DenyReason::ClassExcluded,
			Self::NotCovered => DenyReason::NotCovered,
		}
	}
}

/// Checks one consent's provision against a request: `Ok` if it permits, else how far it got.
fn evaluate<T: Config>(
	consent: &ConsentOf<T>,
	action: ConsentAction,
	target: &AccessTarget,
	purpose: PurposeOfUse,
	now: Moment,
) -> Result<(), Stage> {
	let terms = &consent.terms;
	if now < terms.valid_from {
		return Err(Stage::NotYetValid);
	}
	if terms.valid_until.is_some_and(|until| now >= until) {
		return Err(Stage::Expired);
	}
	if !terms.actions.contains(action) {
		return Err(Stage::ActionNotAllowed);
	}
	if !terms.purposes.contains(purpose) {
		return Err(Stage::PurposeNotAllowed);
	}
	let class = target.class();
	if terms.excluded.contains(class) {
		return Err(Stage::ClassExcluded);
	}
	let named = matches!(target, AccessTarget::Record(id, _) if terms.records.contains(id));
	if !terms.classes.contains(class) && !named {
		return Err(Stage::NotCovered);
	}
	Ok(())
}

impl<T: Config> Pallet<T> {
	/// May `accessor` take `action` on `target` of `patient`'s data for `purpose` at `now`?
	///
	/// Reads a bounded amount of state: the accessor's live attestations (at most
	/// `MaxAttestations`), and for the accessor and each attesting organization at most
	/// `MaxConsentsPerPair` active consents.
	pub fn check_access(
		patient: &SubjectId,
		accessor: &SubjectId,
		action: ConsentAction,
		target: &AccessTarget,
		purpose: PurposeOfUse,
		now: Option<Moment>,
	) -> AccessDecision {
		let now = now.unwrap_or_else(T::Time::now);
		match T::Identity::active_kind(patient) {
			Some(SubjectKind::Patient) => {},
			None if T::Identity::exists(patient) => {
				return AccessDecision::Deny(DenyReason::PatientDeactivated)
			},
			_ => return AccessDecision::Deny(DenyReason::UnknownPatient),
		}
		if accessor == patient {
			return AccessDecision::Permit(PermitBasis::OwnData);
		}
		let grantees: Vec<SubjectId> = match T::Identity::active_kind(accessor) {
			None => return AccessDecision::Deny(DenyReason::UnknownAccessor),
			Some(SubjectKind::Practitioner) => {
				let organizations = T::Identity::organizations_of(accessor, now);
				if organizations.is_empty() {
					return AccessDecision::Deny(DenyReason::NotAnAttestedPractitioner);
				}
				core::iter::once(*accessor).chain(organizations).collect()
			},
			Some(_) => alloc::vec![*accessor],
		};

		let mut emergency_ended = false;
		if let Some((id, grant)) = LatestEmergency::<T>::get((*patient, *accessor))
			.and_then(|id| Emergencies::<T>::get(id).map(|g| (id, g)))
		{
			if now < grant.expires_at {
				if action == ConsentAction::Read && purpose == PurposeOfUse::EmergencyTreat {
					return AccessDecision::Permit(PermitBasis::Emergency(id));
				}
			} else {
				emergency_ended = true;
			}
		}

		let mut closest: Option<Stage> = None;
		let mut any_revoked = false;
		for grantee in &grantees {
			let pair = (*patient, *grantee);
			for (id, ()) in ActiveConsents::<T>::iter_prefix(pair) {
				let Some(consent) = Consents::<T>::get(id) else { continue };
				match evaluate::<T>(&consent, action, target, purpose, now) {
					Ok(()) => return AccessDecision::Permit(PermitBasis::Consent(id)),
					Err(stage) => closest = closest.max(Some(stage)),
				}
			}
			any_revoked |= LastRevoked::<T>::contains_key(pair);
		}

		let reason = match closest {
			Some(stage) => stage.reason(),
			None if emergency_ended => DenyReason::EmergencyExpired,
			None if any_revoked => DenyReason::Revoked,
			None => DenyReason::NoConsent,
		};
		AccessDecision::Deny(reason)
	}
}

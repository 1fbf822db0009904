//! THE access rule of MedChain. See the crate documentation for the rule as a list; docs/consent.md
//! has it as a decision table.

use frame_support::{ensure, traits::Time};
use medchain_primitives::{
	audit::AuditPolicy,
	identity::SubjectKind,
	records::RecordStatus,
	traits::{AccessRule, PolicyRefusal, ReadClaim, ReadPolicies, RecordRegistry, SubjectRegistry},
};

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
	(class, record): (DataClass, Option<RecordId>),
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
	if terms.excluded.contains(class) {
		return Err(Stage::ClassExcluded);
	}
	let named = record.is_some_and(|id| terms.records.contains(&id));
	if !terms.classes.contains(class) && !named {
		return Err(Stage::NotCovered);
	}
	Ok(())
}

impl<T: Config> Pallet<T> {
	/// May `accessor` take `action` on `target` of `patient`'s data for `purpose`, as of the
	/// current block: its state and its time (one meaning of time; to ask about the past, ask at
	/// a past block).
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
	) -> AccessDecision {
		let now = T::Time::now();
		match T::Identity::active_kind(patient) {
			Some(SubjectKind::Patient) => {},
			None if T::Identity::exists(patient) => {
				return AccessDecision::Deny(DenyReason::PatientDeactivated)
			},
			_ => return AccessDecision::Deny(DenyReason::UnknownPatient),
		}
		// A record is judged by the class its anchor gives, and only as one of this patient's.
		let target = match *target {
			AccessTarget::Class(class) => (class, None),
			AccessTarget::Record(id) => match T::Records::anchor(&id) {
				Some(anchor) if anchor.patient == *patient => {
					if anchor.status == RecordStatus::Erased {
						return AccessDecision::Deny(DenyReason::RecordErased);
					}
					(anchor.class, Some(id))
				},
				_ => return AccessDecision::Deny(DenyReason::UnknownRecord),
			},
		};
		if accessor == patient || T::Identity::is_delegate(patient, accessor) {
			return AccessDecision::Permit(PermitBasis::OwnData);
		}
		// Only attested practitioners access others' data: an organization's own key or a
		// gateway is never an accessor, even under an organization-wide consent.
		let grantees: Vec<SubjectId> = match T::Identity::active_kind(accessor) {
			None => return AccessDecision::Deny(DenyReason::UnknownAccessor),
			Some(SubjectKind::Practitioner) => {
				let organizations = T::Identity::organizations_of(accessor, now);
				if organizations.is_empty() {
					return AccessDecision::Deny(DenyReason::NotAnAttestedPractitioner);
				}
				core::iter::once(*accessor).chain(organizations).collect()
			},
			Some(_) => return AccessDecision::Deny(DenyReason::NotAnAttestedPractitioner),
		};

		let mut emergency_ended = false;
		let mut closed_to_emergency = false;
		if let Some((id, grant)) = LatestEmergency::<T>::get((*patient, *accessor))
			.and_then(|id| Emergencies::<T>::get(id).map(|g| (id, g)))
		{
			if now >= grant.expires_at {
				emergency_ended = true;
			} else if action == ConsentAction::Read
				&& purpose == PurposeOfUse::EmergencyTreat
				&& T::Identity::live_roles(accessor, now).0 & BreakGlassRoles::<T>::get().0 != 0
			{
				// The glass stays broken only while the practitioner still holds a role that may
				// break it.
				if ClosedToEmergency::<T>::get(patient).contains(target.0) {
					closed_to_emergency = true;
				} else {
					return AccessDecision::Permit(PermitBasis::Emergency(id));
				}
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
			None if closed_to_emergency => DenyReason::ClassClosedToEmergency,
			None if emergency_ended => DenyReason::EmergencyExpired,
			None if any_revoked => DenyReason::Revoked,
			None => DenyReason::NoConsent,
		};
		AccessDecision::Deny(reason)
	}
}

/// Records ask here whether an author may anchor a record.
impl<T: Config> AccessRule for Pallet<T> {
	fn check_access(
		patient: &SubjectId,
		accessor: &SubjectId,
		action: ConsentAction,
		target: &AccessTarget,
		purpose: PurposeOfUse,
	) -> AccessDecision {
		Pallet::<T>::check_access(patient, accessor, action, target, purpose)
	}

	fn consenting_organization(basis: &PermitBasis) -> Option<SubjectId> {
		match basis {
			PermitBasis::Consent(id) => match Consents::<T>::get(id)?.terms.grantee {
				Grantee::Organization(organization) => Some(organization),
				Grantee::Practitioner(_) => None,
			},
			_ => None,
		}
	}

	#[cfg(feature = "runtime-benchmarks")]
	fn benchmark_allow_create(patient: &SubjectId, practitioner: &SubjectId) {
		let now = T::Time::now();
		let terms = |grantee, actions: &[ConsentAction]| ConsentTerms {
			grantee,
			actions: ActionSet::of(actions),
			classes: DataClassSet::of(&DataClass::ALL),
			records: Default::default(),
			excluded: DataClassSet::EMPTY,
			purposes: PurposeSet::of(&PurposeOfUse::ALL),
			valid_from: 0,
			valid_until: None,
		};
		let insert = |terms| {
			Pallet::<T>::insert_consent(*patient, *patient, terms, now)
				.expect("benchmarks grant far fewer consents than the identifier space holds");
		};
		// Read-only consents do not allow a create: the rule looks at every one of them.
		let filler = T::MaxConsentsPerPair::get().saturating_sub(1);
		for organization in T::Identity::organizations_of(practitioner, now) {
			for _ in 0..filler.saturating_add(1) {
				insert(terms(Grantee::Organization(organization), &[ConsentAction::Read]));
			}
		}
		for _ in 0..filler {
			insert(terms(Grantee::Practitioner(*practitioner), &[ConsentAction::Read]));
		}
		insert(terms(Grantee::Practitioner(*practitioner), &[ConsentAction::Create]));
	}
}

impl<T: Config> Pallet<T> {
	/// The classes `patient` had closed to emergency access at `at`: the set in force before the
	/// first change after `at` ([`ClosedToEmergencyHistory`]), or the current set if none came
	/// after. A change made at `at` itself counts (`check_access` in that block saw it). A read
	/// older than the kept history is judged by every class closed (see the storage's doc).
	pub fn closed_to_emergency_at(patient: &SubjectId, at: Moment) -> DataClassSet {
		ClosedToEmergencyHistory::<T>::get(patient)
			.into_iter()
			.find(|(changed_at, _)| *changed_at > at)
			.map_or_else(|| ClosedToEmergency::<T>::get(patient), |(_, previous)| previous)
	}
}

/// The audit log asks here whether a gateway's read was justified by the policy it names.
///
/// Everything is judged as of `claim.occurred`, the time of the block whose `check_access`
/// permitted the read: a change made in that block counts as `check_access` saw it, one made
/// later does not. Identity answers from its history (attestations, roles, delegates), records
/// from the erasure times, this pallet from consents' grant and revocation times, emergency
/// grants' periods and [`ClosedToEmergencyHistory`]. One thing is judged as it is now:
/// [`BreakGlassRoles`], which governance changes rarely and which keeps no history; a change of
/// it applies to reads already served but not yet reported.
impl<T: Config> ReadPolicies for Pallet<T> {
	fn allowed_read(claim: &ReadClaim) -> Result<(), PolicyRefusal> {
		let ReadClaim {
			patient,
			actor,
			policy,
			purpose,
			record,
			content_hash,
			custodian,
			occurred,
		} = *claim;

		// The record, as `check_access` judged it: this patient's, not yet erased. A record
		// anchored after the read did not exist for it.
		let anchor = T::Records::anchor(&record)
			.filter(|anchor| anchor.created <= occurred)
			.ok_or(PolicyRefusal::UnknownRecord)?;
		ensure!(anchor.patient == patient, PolicyRefusal::RecordOfAnotherPatient);
		ensure!(anchor.custodian == custodian, PolicyRefusal::NotTheCustodian);
		let erased_before = match T::Records::erased_at(&record) {
			Some(erased_at) => erased_at <= occurred,
			// Erased at a time the chain did not keep: as if erased before any read.
			None => anchor.status == RecordStatus::Erased,
		};
		ensure!(!erased_before, PolicyRefusal::RecordErased);
		ensure!(
			content_hash.is_none_or(|hash| hash == anchor.content_hash),
			PolicyRefusal::ContentMismatch
		);
		// `check_access` denies every read of a deactivated patient's data.
		ensure!(
			T::Identity::deactivated_at(&patient).is_none_or(|deactivated| occurred < deactivated),
			PolicyRefusal::PatientDeactivated
		);

		match policy {
			AuditPolicy::OwnData => ensure!(
				actor == patient || T::Identity::was_delegate_at(&patient, &actor, occurred),
				PolicyRefusal::NotForThisRead
			),
			AuditPolicy::Emergency(id) => {
				let grant = Emergencies::<T>::get(id).ok_or(PolicyRefusal::NotFound)?;
				// An emergency ended early had its `expires_at` moved to its end: the range is
				// the time it was really open.
				ensure!(
					grant.patient == patient
						&& grant.practitioner == actor
						&& (grant.opened_at..grant.expires_at).contains(&occurred)
						&& purpose == PurposeOfUse::EmergencyTreat,
					PolicyRefusal::NotForThisRead
				);
				let roles = T::Identity::roles_at(&actor, occurred);
				ensure!(
					roles.0 & BreakGlassRoles::<T>::get().0 != 0,
					PolicyRefusal::NotABreakGlassRole
				);
				ensure!(
					!Self::closed_to_emergency_at(&patient, occurred).contains(anchor.class),
					PolicyRefusal::ClosedToEmergency
				);
			},
			AuditPolicy::Consent(id) => {
				let consent = Consents::<T>::get(id).ok_or(PolicyRefusal::NotFound)?;
				// The actor must have been an attested practitioner at the read, as
				// `check_access` required then.
				let names_actor = match consent.terms.grantee {
					Grantee::Practitioner(p) => {
						p == actor && T::Identity::held_attestation_at(&actor, None, occurred)
					},
					Grantee::Organization(o) => {
						T::Identity::held_attestation_at(&actor, Some(&o), occurred)
					},
				};
				// A consent revoked after the read still justifies it; one revoked before does
				// not, nor one granted after it (whatever its `valid_from`).
				let in_force = match consent.status {
					ConsentStatus::Active => true,
					ConsentStatus::Revoked { at, .. } => occurred < at,
				};
				ensure!(
					consent.patient == patient
						&& names_actor && in_force
						&& occurred >= consent.granted_at,
					PolicyRefusal::NotForThisRead
				);
				// The provision exactly as `check_access` evaluates it, so that no read it denied
				// is accepted here: a named record does not override an excluded class.
				let target = (anchor.class, Some(record));
				evaluate::<T>(&consent, ConsentAction::Read, target, purpose, occurred).map_err(
					|stage| match stage {
						Stage::NotYetValid
						| Stage::Expired
						| Stage::ActionNotAllowed
						| Stage::PurposeNotAllowed => PolicyRefusal::NotForThisRead,
						Stage::ClassExcluded | Stage::NotCovered => PolicyRefusal::ClassNotCovered,
					},
				)?;
			},
		}
		Ok(())
	}

	/// The worst case of the rule: a record kept by `custodian`, an emergency grant, and an actor
	/// holding as many attestations as they may, each looked at for their roles then.
	#[cfg(feature = "runtime-benchmarks")]
	fn benchmark_read(
		patient: &SubjectId,
		actor: &SubjectId,
		custodian: &SubjectId,
	) -> (AuditPolicy, RecordId) {
		let now = T::Time::now();
		let record = T::Records::benchmark_anchor(patient, custodian, DataClass::Labs);
		// `benchmark_attest` attests physicians, a break-glass role: whichever attestation identity
		// looks at last holds one.
		let seed = u32::from_le_bytes([actor.0[0], actor.0[1], actor.0[2], actor.0[3]]);
		let held =
			u32::try_from(T::Identity::organizations_of(actor, now).len()).unwrap_or(u32::MAX);
		for i in held..T::Identity::benchmark_max_attestations() {
			let organization = T::Identity::benchmark_subject(
				SubjectKind::Organization,
				frame_benchmarking::account("read-organization", i, seed),
				None,
			);
			T::Identity::benchmark_attest(actor, &organization);
		}
		// Opened as `open_emergency_access` would, without its checks and audit entry.
		let id = EmergencyId(NextEmergencyId::<T>::get());
		NextEmergencyId::<T>::put(id.0.saturating_add(1));
		Emergencies::<T>::insert(
			id,
			EmergencyGrant {
				patient: *patient,
				practitioner: *actor,
				opened_at: now,
				expires_at: now.saturating_add(MaxEmergencyDuration::<T>::get()),
				justification: H256::repeat_byte(0x4a),
			},
		);
		LatestEmergency::<T>::insert((*patient, *actor), id);
		(AuditPolicy::Emergency(id), record)
	}
}

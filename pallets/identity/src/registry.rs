//! What the other pallets ask of identity: the [`SubjectRegistry`] answers and the
//! [`EnsureSubject`] origin check, one way from a signed origin to a subject for every pallet.

use alloc::vec::Vec;
use frame_support::traits::EnsureOrigin;
use medchain_primitives::{identity::RoleSet, traits::SubjectRegistry};
#[cfg(feature = "runtime-benchmarks")]
use {frame_support::traits::Time, sp_core::H256};

use crate::*;

impl<T: Config> SubjectRegistry<T::AccountId> for Pallet<T> {
	fn subject_of(account: &T::AccountId) -> Option<SubjectId> {
		Self::subject_controlled_by(account).ok().map(|(id, _)| id)
	}

	fn active_kind(subject: &SubjectId) -> Option<SubjectKind> {
		Subjects::<T>::get(subject).filter(|s| s.is_active()).map(|s| s.kind)
	}

	fn exists(subject: &SubjectId) -> bool {
		Subjects::<T>::contains_key(subject)
	}

	fn kind_of(subject: &SubjectId) -> Option<SubjectKind> {
		Subjects::<T>::get(subject).map(|s| s.kind)
	}

	fn held_attestation_at(
		practitioner: &SubjectId,
		organization: Option<&SubjectId>,
		at: Moment,
	) -> bool {
		// Tombstones count: a practitioner who left still held what they held then, and nothing
		// from their deactivation on.
		if Self::kind_of(practitioner) != Some(SubjectKind::Practitioner)
			|| !Self::active_at(practitioner, at)
		{
			return false;
		}
		match organization {
			Some(organization) => Self::role_held_at(practitioner, organization, at).is_some(),
			None => Self::roles_held_at(practitioner, at).next().is_some(),
		}
	}

	fn roles_at(practitioner: &SubjectId, at: Moment) -> RoleSet {
		if Self::kind_of(practitioner) != Some(SubjectKind::Practitioner)
			|| !Self::active_at(practitioner, at)
		{
			return RoleSet::EMPTY;
		}
		let roles: Vec<PractitionerRole> = Self::roles_held_at(practitioner, at).collect();
		RoleSet::of(&roles)
	}

	fn organizations_of(practitioner: &SubjectId, now: Moment) -> Vec<SubjectId> {
		if Self::active_kind(practitioner) != Some(SubjectKind::Practitioner) {
			return Vec::new();
		}
		Attestations::<T>::iter_prefix(practitioner)
			.filter(|(organization, a)| Self::attestation_live(organization, a, now))
			.map(|(organization, _)| organization)
			.collect()
	}

	fn is_practitioner(practitioner: &SubjectId, now: Moment) -> bool {
		Self::active_kind(practitioner) == Some(SubjectKind::Practitioner)
			&& Attestations::<T>::iter_prefix(practitioner)
				.any(|(organization, a)| Self::attestation_live(&organization, &a, now))
	}

	fn live_roles(practitioner: &SubjectId, now: Moment) -> RoleSet {
		if Self::active_kind(practitioner) != Some(SubjectKind::Practitioner) {
			return RoleSet::EMPTY;
		}
		let roles: Vec<PractitionerRole> = Attestations::<T>::iter_prefix(practitioner)
			.filter(|(organization, a)| Self::attestation_live(organization, a, now))
			.map(|(_, a)| a.role)
			.collect();
		RoleSet::of(&roles)
	}

	fn is_attested_by(practitioner: &SubjectId, organization: &SubjectId, now: Moment) -> bool {
		Self::active_kind(practitioner) == Some(SubjectKind::Practitioner)
			&& Attestations::<T>::get(practitioner, organization)
				.is_some_and(|a| Self::attestation_live(organization, &a, now))
	}

	fn is_delegate(patient: &SubjectId, guardian: &SubjectId) -> bool {
		Self::active_kind(guardian).is_some()
			&& Guardians::<T>::get(patient, guardian).is_some_and(|r| r.delegate)
	}

	fn deactivated_at(subject: &SubjectId) -> Option<Moment> {
		DeactivatedAt::<T>::get(subject)
	}

	fn was_delegate_at(patient: &SubjectId, guardian: &SubjectId, at: Moment) -> bool {
		DelegatePeriods::<T>::get(patient, guardian).is_some_and(|period| period.contains(at))
			&& DeactivatedAt::<T>::get(guardian).is_none_or(|deactivated| at < deactivated)
	}

	fn gateway_organization(gateway: &SubjectId) -> Option<SubjectId> {
		let record = Subjects::<T>::get(gateway)
			.filter(|s| s.is_active() && s.kind == SubjectKind::Gateway)?;
		let organization = record.organization?;
		(Self::active_kind(&organization) == Some(SubjectKind::Organization))
			.then_some(organization)
	}

	#[cfg(feature = "runtime-benchmarks")]
	fn benchmark_subject(
		kind: SubjectKind,
		controller: T::AccountId,
		organization: Option<SubjectId>,
	) -> SubjectId {
		let id = Self::create_subject(kind, controller, [0; 32], H256::zero(), organization)
			.expect("benchmarks register far fewer subjects than the identifier space holds");
		if let Some(organization) = organization {
			OrganizationGateways::<T>::insert(organization, id, ());
			GatewayCount::<T>::mutate(organization, |n| *n = n.saturating_add(1));
		}
		id
	}

	#[cfg(feature = "runtime-benchmarks")]
	fn benchmark_max_attestations() -> u32 {
		T::MaxAttestations::get()
	}

	#[cfg(feature = "runtime-benchmarks")]
	fn benchmark_delegate(patient: &SubjectId, guardian: &SubjectId) {
		let previous = Guardians::<T>::get(patient, guardian);
		if previous.is_none() {
			GuardianCount::<T>::mutate(patient, |n| *n = n.saturating_add(1));
		}
		if !previous.is_some_and(|r| r.delegate) {
			Self::open_delegate_period(patient, guardian, T::Time::now());
		}
		Guardians::<T>::insert(
			patient,
			guardian,
			GuardianRights { delegate: true, recovery: false },
		);
	}

	#[cfg(feature = "runtime-benchmarks")]
	fn benchmark_attest(practitioner: &SubjectId, organization: &SubjectId) {
		if !Attestations::<T>::contains_key(practitioner, organization) {
			AttestationCount::<T>::mutate(practitioner, |n| *n = n.saturating_add(1));
		}
		let now = T::Time::now();
		Attestations::<T>::insert(
			practitioner,
			organization,
			Attestation {
				role: PractitionerRole::Physician,
				license_hash: H256::zero(),
				expires_at: now.saturating_add(86_400_000),
				issued: now,
				issued_at: frame_system::Pallet::<T>::block_number(),
			},
		);
	}
}

/// An origin check for other pallets: a signed origin whose account controls an active subject.
/// Succeeds with the subject's identifier.
pub struct EnsureSubject<T>(core::marker::PhantomData<T>);

#[cfg(feature = "runtime-benchmarks")]
impl<T: Config> EnsureSubject<T> {
	fn benchmark_subject_of(kind: SubjectKind, who: T::AccountId) -> SubjectId {
		<Pallet<T> as SubjectRegistry<T::AccountId>>::benchmark_subject(kind, who, None)
	}
}

impl<T: Config> EnsureOrigin<T::RuntimeOrigin> for EnsureSubject<T> {
	type Success = SubjectId;

	fn try_origin(o: T::RuntimeOrigin) -> Result<Self::Success, T::RuntimeOrigin> {
		let who = frame_system::EnsureSigned::<T::AccountId>::try_origin(o.clone())?;
		Pallet::<T>::subject_controlled_by(&who).map(|(id, _)| id).map_err(|_| o)
	}

	/// A freshly registered patient's signed origin.
	#[cfg(feature = "runtime-benchmarks")]
	fn try_successful_origin() -> Result<T::RuntimeOrigin, ()> {
		let who: T::AccountId = frame_benchmarking::account("ensure-subject", 0, 0);
		if Controllers::<T>::get(&who).is_none() {
			Self::benchmark_subject_of(SubjectKind::Patient, who.clone());
		}
		Ok(frame_system::RawOrigin::Signed(who).into())
	}
}

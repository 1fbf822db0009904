//! The identity pallet's own helpers: lookups, checks and the state changes its calls share.

use alloc::vec::Vec;
use frame_support::traits::Time;
use medchain_primitives::{
	audit::{AuditAction, AuditEventType, AuditRecord},
	traits::AuditSink,
};
use sp_core::H256;
use sp_runtime::{traits::SaturatedConversion, Saturating};

use crate::{did::derive_id, *};

impl<T: Config> Pallet<T> {
	/// The active subject `who` controls, with its record.
	pub fn subject_controlled_by(
		who: &T::AccountId,
	) -> Result<(SubjectId, SubjectOf<T>), Error<T>> {
		let id = Controllers::<T>::get(who).ok_or(Error::<T>::NotRegistered)?;
		let subject = Subjects::<T>::get(id).ok_or(Error::<T>::SubjectNotFound)?;
		if !subject.is_active() {
			return Err(Error::<T>::SubjectDeactivated);
		}
		Ok((id, subject))
	}

	/// Appends an `identity-changed` entry to `patient`'s audit trail, if `patient` is a patient
	/// (practitioners, organizations and gateways have no trail).
	pub(crate) fn audit(patient: &SubjectId, actor: SubjectId, action: AuditAction) {
		if Subjects::<T>::get(patient).is_some_and(|s| s.kind == SubjectKind::Patient) {
			T::Audit::append(
				patient,
				AuditRecord::runtime_change(
					AuditEventType::IdentityChanged,
					action,
					actor,
					None,
					None,
					T::Time::now(),
				),
			);
		}
	}

	/// The signed origin's active subject.
	pub fn ensure_subject(
		origin: frame_system::pallet_prelude::OriginFor<T>,
	) -> Result<SubjectId, sp_runtime::DispatchError> {
		let who = frame_system::ensure_signed(origin)?;
		Ok(Self::subject_controlled_by(&who)?.0)
	}

	/// The subject `account` controls now, tombstones included (the `IdentityApi` answer; other
	/// pallets ask [`SubjectRegistry::subject_of`](medchain_primitives::traits::SubjectRegistry),
	/// which knows only active subjects).
	pub fn subject_of_account(account: &T::AccountId) -> Option<SubjectId> {
		Controllers::<T>::get(account)
	}

	/// The identity document of the subject `account` controls, tombstones included.
	pub fn identity_of_account(account: &T::AccountId) -> Option<IdentityDocument<T::AccountId>> {
		Self::identity(&Self::subject_of_account(account)?)
	}

	/// The identity document of `subject`, as the `IdentityApi` runtime API returns it.
	pub fn identity(subject: &SubjectId) -> Option<IdentityDocument<T::AccountId>> {
		let record = Subjects::<T>::get(subject)?;
		let now = T::Time::now();
		let attestations: Vec<AttestationView> = Attestations::<T>::iter_prefix(subject)
			.map(|(organization, a)| AttestationView {
				organization,
				role: a.role,
				license_hash: a.license_hash,
				expires_at: a.expires_at,
				live: Self::attestation_live(&organization, &a, now),
			})
			.collect();
		let is_practitioner = record.is_active()
			&& record.kind == SubjectKind::Practitioner
			&& attestations.iter().any(|a| a.live);
		Some(IdentityDocument {
			id: *subject,
			kind: record.kind,
			status: record.status,
			controller: record.controller,
			key_agreement: record.key_agreement,
			profile_hash: record.profile_hash,
			organization: record.organization,
			registered_at: record.registered_at.saturated_into(),
			attestations,
			is_practitioner,
			guardians: Guardians::<T>::iter_prefix(subject).collect(),
		})
	}

	pub(crate) fn attestation_live(
		organization: &SubjectId,
		attestation: &AttestationOf<T>,
		now: Moment,
	) -> bool {
		now < attestation.expires_at
			&& Subjects::<T>::get(organization)
				.is_some_and(|o| o.is_active() && o.kind == SubjectKind::Organization)
	}

	pub(crate) fn create_subject(
		kind: SubjectKind,
		controller: T::AccountId,
		key_agreement: KeyAgreementKey,
		profile_hash: H256,
		organization: Option<SubjectId>,
	) -> Result<SubjectId, Error<T>> {
		// Indices never repeat, so neither do identifiers: refuse rather than wrap.
		let index = SubjectCount::<T>::get()
			.checked_add(1)
			.ok_or(Error::<T>::IdentifiersExhausted)?;
		SubjectCount::<T>::put(index);
		let id = derive_id(&controller, index);
		Subjects::<T>::insert(
			id,
			Subject {
				kind,
				status: SubjectStatus::Active,
				controller: controller.clone(),
				key_agreement,
				profile_hash,
				organization,
				registered_at: frame_system::Pallet::<T>::block_number(),
				rotations: 0,
			},
		);
		// The identity keeps its controller's account alive, so an account with no balance (a
		// patient's) can keep its nonce; never released, so no retired account's nonce restarts
		// and lets an old signed transaction replay.
		frame_system::Pallet::<T>::inc_providers(&controller);
		Controllers::<T>::insert(controller, id);
		Ok(id)
	}

	pub(crate) fn rebind_controller(
		id: SubjectId,
		mut subject: SubjectOf<T>,
		new_controller: T::AccountId,
	) {
		Controllers::<T>::remove(&subject.controller);
		RetiredAccounts::<T>::insert(&subject.controller, id);
		frame_system::Pallet::<T>::inc_providers(&new_controller);
		Controllers::<T>::insert(&new_controller, id);
		subject.controller = new_controller;
		subject.rotations = subject.rotations.saturating_add(1);
		Subjects::<T>::insert(id, subject);
	}

	/// Makes `id` a tombstone and keeps when ([`DeactivatedAt`]): its attestations (for an
	/// organization) and its delegate rights (for a guardian) count only before that moment.
	pub(crate) fn tombstone(id: SubjectId, mut subject: SubjectOf<T>) {
		subject.status =
			SubjectStatus::Deactivated(frame_system::Pallet::<T>::block_number().saturated_into());
		Subjects::<T>::insert(id, subject);
		DeactivatedAt::<T>::insert(id, T::Time::now());
		Self::end_recovery(&id);
	}

	/// Ends `patient`'s recovery under way, if any, and frees the account it reserved.
	pub(crate) fn end_recovery(patient: &SubjectId) {
		if let Some(recovery) = Recoveries::<T>::take(patient) {
			PendingControllers::<T>::remove(&recovery.new_controller);
		}
	}

	/// Whether a recovery under way has lapsed ([`Config::RecoveryExpiry`] after it started).
	pub(crate) fn recovery_lapsed(recovery: &ActiveRecoveryOf<T>) -> bool {
		frame_system::Pallet::<T>::block_number()
			>= recovery.initiated_at.saturating_add(T::RecoveryExpiry::get())
	}

	/// Tombstones every gateway of `organization` and returns them.
	pub(crate) fn remove_gateways_of(organization: &SubjectId) -> Vec<SubjectId> {
		let gateways: Vec<SubjectId> =
			OrganizationGateways::<T>::drain_prefix(organization).map(|(g, ())| g).collect();
		for gateway in &gateways {
			if let Some(subject) = Subjects::<T>::get(gateway).filter(|s| s.is_active()) {
				Self::tombstone(*gateway, subject);
			}
		}
		GatewayCount::<T>::remove(organization);
		gateways
	}

	/// Drops `gateway` from `organization`'s gateway index.
	pub(crate) fn forget_gateway(organization: &SubjectId, gateway: &SubjectId) {
		OrganizationGateways::<T>::remove(organization, gateway);
		GatewayCount::<T>::mutate_exists(organization, |n| {
			*n = n.and_then(|n| n.checked_sub(1)).filter(|n| *n > 0)
		});
	}

	/// Removes `practitioner`'s attestations that hold no rights at `now` (expired, or of an
	/// organization no longer active), freeing their slots, and keeps each as history
	/// ([`Self::end_attestation`]). At most `MaxAttestations` entries.
	pub(crate) fn prune_dead_attestations(practitioner: &SubjectId, now: Moment) {
		let dead: Vec<(SubjectId, AttestationOf<T>)> = Attestations::<T>::iter_prefix(practitioner)
			.filter(|(organization, a)| !Self::attestation_live(organization, a, now))
			.collect();
		for (organization, attestation) in dead {
			Attestations::<T>::remove(practitioner, organization);
			AttestationCount::<T>::mutate_exists(practitioner, |n| {
				*n = n.and_then(|n| n.checked_sub(1)).filter(|n| *n > 0)
			});
			Self::end_attestation(practitioner, &organization, &attestation, now);
		}
	}

	/// Whether an attestation by `organization`, issued at `issued` and counting until `end`
	/// (its expiry, or when it was revoked), held at `at`: issued by then, not ended by then, and
	/// its organization not removed by then. Shared by live and ended attestations.
	pub(crate) fn attestation_held_at(
		organization: &SubjectId,
		issued: Moment,
		end: Moment,
		at: Moment,
	) -> bool {
		issued <= at
			&& at < end
			&& DeactivatedAt::<T>::get(organization).is_none_or(|removed| at < removed)
	}

	/// Whether `subject` had not been deactivated by `at`.
	pub(crate) fn active_at(subject: &SubjectId, at: Moment) -> bool {
		DeactivatedAt::<T>::get(subject).is_none_or(|deactivated| at < deactivated)
	}

	/// The role of `organization`'s attestation of `practitioner` that held at `at`, if one did:
	/// the attestation kept now, or the one that ended last.
	pub(crate) fn role_held_at(
		practitioner: &SubjectId,
		organization: &SubjectId,
		at: Moment,
	) -> Option<PractitionerRole> {
		Attestations::<T>::get(practitioner, organization)
			.filter(|a| Self::attestation_held_at(organization, a.issued, a.expires_at, at))
			.map(|a| a.role)
			.or_else(|| {
				EndedAttestations::<T>::get(practitioner, organization)
					.filter(|p| Self::attestation_held_at(organization, p.issued, p.ended, at))
					.map(|p| p.role)
			})
	}

	/// The roles of every attestation `practitioner` held at `at`, kept now or ended. Reads at
	/// most `MaxAttestations` attestations and one ended period per organization.
	pub(crate) fn roles_held_at(
		practitioner: &SubjectId,
		at: Moment,
	) -> impl Iterator<Item = PractitionerRole> {
		let kept = Attestations::<T>::iter_prefix(practitioner)
			.filter(move |(organization, a)| {
				Self::attestation_held_at(organization, a.issued, a.expires_at, at)
			})
			.map(|(_, a)| a.role);
		let ended = EndedAttestations::<T>::iter_prefix(practitioner)
			.filter(move |(organization, p)| {
				Self::attestation_held_at(organization, p.issued, p.ended, at)
			})
			.map(|(_, p)| p.role);
		kept.chain(ended)
	}

	/// Keeps `organization`'s attestation of `practitioner`, ending at `now` (revoked, lapsed
	/// and replaced, or cleaned up), as history: it held until the earlier of `now` and its
	/// expiry. Replaces the pair's earlier ended period: only the latest is kept.
	pub(crate) fn end_attestation(
		practitioner: &SubjectId,
		organization: &SubjectId,
		attestation: &AttestationOf<T>,
		now: Moment,
	) {
		EndedAttestations::<T>::insert(
			practitioner,
			organization,
			AttestationPeriod {
				role: attestation.role,
				issued: attestation.issued,
				ended: now.min(attestation.expires_at),
			},
		);
	}

	/// Drops `practitioner`'s ended attestations that ended more than
	/// [`Config::HistoryRetention`] before `now`: no read that old is judged any more. Walks one
	/// entry per organization that attested the practitioner.
	pub(crate) fn prune_ended_attestations(practitioner: &SubjectId, now: Moment) {
		let retention = T::HistoryRetention::get();
		let stale: Vec<SubjectId> = EndedAttestations::<T>::iter_prefix(practitioner)
			.filter(|(_, period)| period.ended.saturating_add(retention) < now)
			.map(|(organization, _)| organization)
			.collect();
		for organization in stale {
			EndedAttestations::<T>::remove(practitioner, organization);
		}
	}

	/// Most delegate periods kept for one patient: the open ones (at most one per guardian, so
	/// at most [`Config::MaxGuardians`]) and as many closed ones.
	pub(crate) fn max_delegate_periods() -> u32 {
		T::MaxGuardians::get().saturating_mul(2)
	}

	/// Opens `guardian`'s delegate period for `patient` at `now`, replacing a closed one of the
	/// same pair (only the latest is kept). At the bound ([`Self::max_delegate_periods`]), the
	/// patient's period that closed first is dropped to make room: a patient who changes
	/// guardians that often loses the oldest history, not the right to name a guardian.
	pub(crate) fn open_delegate_period(patient: &SubjectId, guardian: &SubjectId, now: Moment) {
		if !DelegatePeriods::<T>::contains_key(patient, guardian) {
			if DelegatePeriodCount::<T>::get(patient) >= Self::max_delegate_periods() {
				Self::drop_first_closed_delegate_period(patient);
			}
			DelegatePeriodCount::<T>::mutate(patient, |n| *n = n.saturating_add(1));
		}
		DelegatePeriods::<T>::insert(patient, guardian, DelegatePeriod { since: now, until: None });
	}

	/// Closes `guardian`'s open delegate period for `patient` at `now`, if there is one.
	pub(crate) fn close_delegate_period(patient: &SubjectId, guardian: &SubjectId, now: Moment) {
		DelegatePeriods::<T>::mutate(patient, guardian, |period| {
			if let Some(period) = period {
				if period.until.is_none() {
					period.until = Some(now);
				}
			}
		});
	}

	/// Drops `patient`'s delegate periods that closed more than [`Config::HistoryRetention`]
	/// before `now`. Walks at most [`Self::max_delegate_periods`] entries.
	pub(crate) fn prune_delegate_periods(patient: &SubjectId, now: Moment) {
		let retention = T::HistoryRetention::get();
		let stale: Vec<SubjectId> = DelegatePeriods::<T>::iter_prefix(patient)
			.filter(|(_, period)| {
				period.until.is_some_and(|until| until.saturating_add(retention) < now)
			})
			.map(|(guardian, _)| guardian)
			.collect();
		if stale.is_empty() {
			return;
		}
		for guardian in &stale {
			DelegatePeriods::<T>::remove(patient, guardian);
		}
		let dropped = u32::try_from(stale.len()).unwrap_or(u32::MAX);
		DelegatePeriodCount::<T>::mutate_exists(patient, |n| {
			*n = n.map(|n| n.saturating_sub(dropped)).filter(|n| *n > 0)
		});
	}

	/// Drops `patient`'s closed delegate period that closed first, if any.
	fn drop_first_closed_delegate_period(patient: &SubjectId) {
		let first = DelegatePeriods::<T>::iter_prefix(patient)
			.filter_map(|(guardian, period)| period.until.map(|until| (until, guardian)))
			.min_by_key(|(until, _)| *until);
		if let Some((_, guardian)) = first {
			DelegatePeriods::<T>::remove(patient, guardian);
			DelegatePeriodCount::<T>::mutate_exists(patient, |n| {
				*n = n.and_then(|n| n.checked_sub(1)).filter(|n| *n > 0)
			});
		}
	}

	/// Refuses an account that controls, once controlled, or is reserved to take over an
	/// identity. A reservation by a recovery that has lapsed no longer holds: that recovery
	/// ends here and the account is free.
	pub(crate) fn ensure_account_unused(account: &T::AccountId) -> Result<(), Error<T>> {
		if Controllers::<T>::contains_key(account) || RetiredAccounts::<T>::contains_key(account) {
			return Err(Error::<T>::AccountInUse);
		}
		if let Some(patient) = PendingControllers::<T>::get(account) {
			let lapsed = Recoveries::<T>::get(patient).is_none_or(|r| Self::recovery_lapsed(&r));
			if !lapsed {
				return Err(Error::<T>::AccountInUse);
			}
			Self::end_recovery(&patient);
		}
		Ok(())
	}

	/// How many of a recovery's approvals count: those of guardians who still hold the recovery
	/// right and are still active.
	pub(crate) fn valid_approvals(patient: &SubjectId, recovery: &ActiveRecoveryOf<T>) -> u32 {
		let valid = recovery
			.approvals
			.iter()
			.filter(|g| {
				Guardians::<T>::get(patient, g).is_some_and(|r| r.recovery)
					&& Subjects::<T>::get(g).is_some_and(|s| s.is_active())
			})
			.count();
		u32::try_from(valid).unwrap_or(u32::MAX)
	}

	pub(crate) fn active_subject(id: &SubjectId) -> Result<SubjectOf<T>, Error<T>> {
		let subject = Subjects::<T>::get(id).ok_or(Error::<T>::SubjectNotFound)?;
		if !subject.is_active() {
			return Err(Error::<T>::SubjectDeactivated);
		}
		Ok(subject)
	}

	/// The signed origin's active subject, which must be of `kind`.
	pub(crate) fn ensure_kind(
		origin: frame_system::pallet_prelude::OriginFor<T>,
		kind: SubjectKind,
	) -> Result<(SubjectId, T::AccountId), sp_runtime::DispatchError> {
		let who = frame_system::ensure_signed(origin)?;
		let (id, subject) = Self::subject_controlled_by(&who)?;
		if subject.kind != kind {
			return Err(match kind {
				SubjectKind::Organization => Error::<T>::NotAnOrganization,
				SubjectKind::Practitioner => Error::<T>::NotAPractitioner,
				_ => Error::<T>::NotAPatient,
			}
			.into());
		}
		Ok((id, who))
	}

	pub(crate) fn ensure_recovery_guardian(
		origin: frame_system::pallet_prelude::OriginFor<T>,
		patient: &SubjectId,
	) -> Result<SubjectId, sp_runtime::DispatchError> {
		let guardian = Self::ensure_subject(origin)?;
		Self::active_subject(patient)?;
		if !Guardians::<T>::get(patient, guardian).is_some_and(|r| r.recovery) {
			return Err(Error::<T>::NotARecoveryGuardian.into());
		}
		Ok(guardian)
	}

	pub(crate) fn ensure_threshold_reachable(
		patient: &SubjectId,
		recovery_guardians: u32,
	) -> Result<(), Error<T>> {
		if RecoveryConfigs::<T>::get(patient).is_some_and(|c| c.threshold > recovery_guardians) {
			return Err(Error::<T>::ThresholdUnreachable);
		}
		Ok(())
	}
}

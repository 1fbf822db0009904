//! The runtime fuzz harness: random sequences of every identity, consent, records and audit-log
//! call, dispatched in the runtime itself (its bounds, origins and pallets wired to each other as
//! the chain runs them), from a pool of identities of every kind, with random and boundary
//! arguments, block by block.
//!
//! After every call: a failed call changed nothing (the state root is as before). After every
//! block: each of those pallets' `try_state` holds. No call may panic. The run is reproducible from
//! its seed, and starts a fresh chain every 2,000 calls (40 blocks) so that a long run costs the
//! same per call throughout. `MEDCHAIN_FUZZ_CALLS` (default 20,000) and `MEDCHAIN_FUZZ_SEED`
//! (default 1) set it; `scripts/fuzz.sh` runs the long version.
//!
//! Calls go straight to dispatch (`dispatch_bypass_filter`): transaction extensions (fees, the
//! patients' allowance) and the runtime's call filter have their own tests.

use frame_support::{
	dispatch::{DispatchErrorWithPostInfo, PostDispatchInfo},
	traits::{Get, UnfilteredDispatchable},
};
use medchain_primitives::{
	audit::{AuditAction, AuditEntity, AuditEventType, AuditOutcome, AuditPolicy, AuditRecord},
	consent::{
		ActionSet, ConsentId, DataClass, DataClassSet, DenyReason, EmergencyId, Grantee,
		PurposeOfUse, PurposeSet, RecordId,
	},
	identity::{GuardianRights, PractitionerRole, RoleSet, SubjectId, SubjectKind},
	traits::SubjectRegistry,
};
use medchain_runtime::{
	BlockNumber, Identity, Runtime, RuntimeCall, RuntimeOrigin, System, MILLI_SECS_PER_BLOCK,
};
use pallet_audit_log::GatewayEvent;
use pallet_consent::{ConsentTerms, GrantTerms};
use pallet_patient_identity::mock::{account, pair, DAY, HOUR, NOW};
use rand::{rngs::StdRng, Rng, SeedableRng};
use sp_core::{Pair, H256};
use sp_runtime::{BuildStorage, DispatchError, MultiSignature, StateVersion};

/// Subjects of the runtime, made through identity's calls.
type Seeds = pallet_patient_identity::mock::Seeds<Runtime>;

/// Everyone the fuzzer acts as or names: registered subjects of every kind, and strangers.
const SEEDS: [&str; 16] = [
	"p0", "p1", "p2", "p3", "d0", "d1", "d2", "d3", "o0", "o1", "g0", "g1", "n0", "n1", "n2", "n3",
];

/// Pool slots by kind (indices into [`SEEDS`]).
const PATIENTS: &[usize] = &[0, 1, 2, 3];
const DOCTORS: &[usize] = &[4, 5, 6, 7];
const ORGS: &[usize] = &[8, 9];
const GATEWAYS: &[usize] = &[10, 11];
const STRANGERS: &[usize] = &[12, 13, 14, 15];
/// Who writes records: the patients (their own) and the practitioners (under a consent).
const AUTHORS: &[usize] = &[0, 1, 2, 3, 4, 5, 6, 7];
/// The caller of governance calls.
const ROOT: &str = "root";

/// Calls per fresh chain: see the harness loop.
const EPOCH: u64 = 2_000;

/// Calls per block: the chain clock and block number move between blocks.
const CALLS_PER_BLOCK: u32 = 50;

struct Fuzzer {
	rng: StdRng,
	/// Each pool slot's generation: a slot whose subject was deactivated, rotated away or lost
	/// its role is refilled under a fresh seed (`p0`, then `p0#1`, …), so the pool stays alive
	/// while the tombstones and old state it leaves behind stay in play.
	generations: [u32; SEEDS.len()],
}

impl Fuzzer {
	/// The live seed of pool slot `slot`.
	fn live(&self, slot: usize) -> String {
		match self.generations[slot] {
			0 => SEEDS[slot].to_string(),
			g => format!("{}#{g}", SEEDS[slot]),
		}
	}

	fn seed(&mut self) -> String {
		let slot = self.rng.gen_range(0..SEEDS.len());
		self.live(slot)
	}

	fn subject(&mut self) -> SubjectId {
		// Mostly known subjects; sometimes an identifier nobody holds.
		if self.rng.gen_ratio(1, 10) {
			return SubjectId(self.rng.gen());
		}
		let seed = self.seed();
		pallet_patient_identity::Controllers::<Runtime>::get(account(&seed))
			.unwrap_or(SubjectId([self.rng.gen(); 32]))
	}

	/// The subject of one of `seeds` (mostly), or any subject.
	fn subject_in(&mut self, slots: &[usize]) -> SubjectId {
		let seed = self.one_of(slots);
		pallet_patient_identity::Controllers::<Runtime>::get(account(&seed))
			.unwrap_or_else(|| self.subject())
	}

	/// A record of one of the pool's patients (any version, any status), mostly; sometimes an
	/// identifier no anchor has.
	fn record(&mut self) -> RecordId {
		let patient = self.subject_in(PATIENTS);
		let count = pallet_medical_records::PatientRecordCount::<Runtime>::get(patient);
		if count == 0 || self.rng.gen_ratio(1, 10) {
			return RecordId(self.rng.gen());
		}
		let index = self.rng.gen_range(0..count);
		pallet_medical_records::PatientAnchors::<Runtime>::get(patient, index)
			.unwrap_or(RecordId(self.rng.gen()))
	}

	fn now() -> u64 {
		pallet_timestamp::Now::<Runtime>::get()
	}

	fn moment(&mut self) -> u64 {
		let now = Self::now();
		match self.rng.gen_range(0..8) {
			0 => 0,
			1 => u64::MAX,
			2 => now,
			3 => now.saturating_sub(self.rng.gen_range(0..2 * DAY)),
			_ => now.saturating_add(self.rng.gen_range(0..2 * DAY)),
		}
	}

	fn small(&mut self) -> u64 {
		match self.rng.gen_range(0..6) {
			0 => 0,
			1 => u64::MAX,
			2 => 1,
			_ => self.rng.gen_range(0..5 * HOUR),
		}
	}

	/// A record's byte size: empty, huge, or ordinary.
	fn size(&mut self) -> u64 {
		match self.rng.gen_range(0..6) {
			0 => 0,
			1 => u64::MAX,
			_ => self.rng.gen_range(1..1 << 28),
		}
	}

	fn bits32(&mut self) -> u32 {
		match self.rng.gen_range(0..4) {
			0 => 0,
			1 => u32::MAX,
			_ => self.rng.gen_range(0..1 << 15),
		}
	}

	fn bits8(&mut self) -> u8 {
		match self.rng.gen_range(0..4) {
			0 => 0,
			1 => u8::MAX,
			_ => self.rng.gen_range(0..1 << 6),
		}
	}

	fn hash(&mut self) -> H256 {
		if self.rng.gen_ratio(1, 8) {
			H256::zero()
		} else {
			H256(self.rng.gen())
		}
	}

	fn kind(&mut self) -> SubjectKind {
		[
			SubjectKind::Patient,
			SubjectKind::Practitioner,
			SubjectKind::Organization,
			SubjectKind::Gateway,
		][self.rng.gen_range(0..4)]
	}

	fn role(&mut self) -> PractitionerRole {
		PractitionerRole::ALL[self.rng.gen_range(0..PractitionerRole::ALL.len())]
	}

	fn class(&mut self) -> DataClass {
		DataClass::ALL[self.rng.gen_range(0..DataClass::ALL.len())]
	}

	fn purpose(&mut self) -> PurposeOfUse {
		PurposeOfUse::ALL[self.rng.gen_range(0..PurposeOfUse::ALL.len())]
	}

	/// A custodian to name: mostly one of the pool's organizations, sometimes anyone, sometimes
	/// none (the chain picks one, or refuses).
	fn custodian(&mut self) -> Option<SubjectId> {
		match self.rng.gen_range(0..5) {
			0 => None,
			1 => Some(self.subject()),
			_ => Some(self.subject_in(ORGS)),
		}
	}

	fn terms(&mut self) -> GrantTerms {
		let grantee = if self.rng.gen_bool(0.7) {
			Grantee::Practitioner(self.subject_in(DOCTORS))
		} else {
			Grantee::Organization(self.subject_in(ORGS))
		};
		let records = (0..self.rng.gen_range(0..7)).map(|_| self.record()).collect();
		ConsentTerms {
			grantee,
			actions: ActionSet(self.bits8()),
			classes: DataClassSet(self.bits32()),
			records,
			excluded: DataClassSet(if self.rng.gen_bool(0.7) { 0 } else { self.bits32() }),
			purposes: PurposeSet(self.bits8()),
			valid_from: self.moment(),
			valid_until: if self.rng.gen_bool(0.5) { None } else { Some(self.moment()) },
		}
	}

	fn audit_record(&mut self) -> AuditRecord {
		let event_type = [
			AuditEventType::RecordRead,
			AuditEventType::AccessDenied,
			AuditEventType::ConsentGranted,
		][self.rng.gen_range(0..3)];
		let policy = match self.rng.gen_range(0..5) {
			0 => None,
			1 => Some(AuditPolicy::OwnData),
			2 => Some(AuditPolicy::Emergency(EmergencyId(self.rng.gen_range(0..4)))),
			_ => Some(AuditPolicy::Consent(ConsentId(self.rng.gen_range(0..40)))),
		};
		let entity = self.rng.gen_bool(0.5).then(|| {
			// An anchored record with its own hash, mostly: a read the chain may justify.
			let record = self.record();
			let hash = match pallet_medical_records::Anchors::<Runtime>::get(record) {
				Some(anchor) if self.rng.gen_bool(0.7) => anchor.content_hash,
				_ => self.hash(),
			};
			AuditEntity { record, hash: Some(hash) }
		});
		AuditRecord {
			event_type,
			action: AuditAction::Read,
			outcome: if self.rng.gen_bool(0.6) {
				AuditOutcome::Success
			} else {
				AuditOutcome::MinorFailure
			},
			actor: self.subject_in(&[4, 5, 6, 7, 0, 1]),
			requestor: true,
			policy,
			deny_reason: self.rng.gen_bool(0.4).then_some(DenyReason::NoConsent),
			entity,
			purpose: Some(self.purpose()),
			occurred: Self::now()
				.saturating_sub(self.rng.gen_range(0..HOUR))
				.saturating_add(if self.rng.gen_ratio(1, 10) { self.moment() } else { 0 }),
			repeats: None,
		}
	}

	/// The live seed of one of the given pool slots, mostly; anyone's, sometimes.
	fn one_of(&mut self, slots: &[usize]) -> String {
		if self.rng.gen_ratio(1, 5) {
			self.seed()
		} else {
			let slot = slots[self.rng.gen_range(0..slots.len())];
			self.live(slot)
		}
	}

	fn actions(&mut self) -> ActionSet {
		ActionSet(if self.rng.gen_ratio(1, 10) { self.bits8() } else { self.rng.gen_range(1..8) })
	}

	fn purposes(&mut self) -> PurposeSet {
		PurposeSet(if self.rng.gen_ratio(1, 10) { self.bits8() } else { self.rng.gen_range(1..64) })
	}

	/// A recovery delay: none, one block, either side of the runtime's bounds, or the most a
	/// block number holds.
	fn delay(&mut self) -> BlockNumber {
		let min: BlockNumber =
			<Runtime as pallet_patient_identity::Config>::MinRecoveryDelay::get();
		let max: BlockNumber =
			<Runtime as pallet_patient_identity::Config>::MaxRecoveryDelay::get();
		let delays = [
			0,
			1,
			min.saturating_sub(1),
			min,
			min.saturating_add(1),
			max,
			max.saturating_add(1),
			BlockNumber::MAX,
		];
		delays[self.rng.gen_range(0..delays.len())]
	}

	/// A random call of any of the four pallets, and the origin to dispatch it from: mostly a
	/// plausible caller for the call (so calls get past the origin checks and change state),
	/// sometimes anyone, sometimes Root.
	fn call(&mut self) -> (RuntimeCall, RuntimeOrigin) {
		use pallet_audit_log::Call as A;
		use pallet_consent::Call as C;
		use pallet_medical_records::Call as R;
		use pallet_patient_identity::Call as I;
		// Calls that end identities are rare, so the pool lives long enough to do things.
		let pick = self.rng.gen_range(0..1000);
		let (call, caller): (RuntimeCall, String) = match pick {
			0..=39 => (
				I::register {
					kind: self.kind(),
					key_agreement: self.rng.gen(),
					profile_hash: self.hash(),
				}
				.into(),
				self.one_of(STRANGERS),
			),
			40..=59 => (
				I::admit_organization {
					controller: account(&self.seed()),
					key_agreement: self.rng.gen(),
					profile_hash: self.hash(),
				}
				.into(),
				ROOT.to_string(),
			),
			60..=62 => {
				(I::remove_organization { organization: self.subject() }.into(), ROOT.to_string())
			},
			63..=122 => (
				I::attest_practitioner {
					practitioner: self.subject_in(DOCTORS),
					role: self.role(),
					license_hash: self.hash(),
					expires_at: self.moment(),
				}
				.into(),
				self.one_of(ORGS),
			),
			123..=142 => {
				(I::revoke_attestation { practitioner: self.subject() }.into(), self.one_of(ORGS))
			},
			143..=157 => (
				I::register_gateway {
					controller: account(&self.seed()),
					key_agreement: self.rng.gen(),
					profile_hash: self.hash(),
				}
				.into(),
				self.one_of(ORGS),
			),
			158..=162 => (I::remove_gateway { gateway: self.subject() }.into(), self.one_of(ORGS)),
			163..=177 => {
				// A proof signed by the new key over the real payload, or garbage.
				let caller = self.seed();
				let new = self.seed();
				let subject =
					pallet_patient_identity::Controllers::<Runtime>::get(account(&caller))
						.unwrap_or_default();
				let proof: MultiSignature =
					match Identity::rotation_payload(&subject, &account(&new)) {
						Some(p) if self.rng.gen_bool(0.7) => pair(&new).sign(&p.payload).into(),
						_ => sp_core::sr25519::Signature::from_raw([self.rng.gen(); 64]).into(),
					};
				(I::rotate_controller { new_controller: account(&new), proof }.into(), caller)
			},
			178..=197 => {
				(I::rotate_key_agreement { key_agreement: self.rng.gen() }.into(), self.seed())
			},
			198..=257 => (
				I::add_guardian {
					guardian: self.subject_in(&[0, 1, 2, 3, 4, 5]),
					rights: GuardianRights { delegate: self.rng.gen(), recovery: self.rng.gen() },
				}
				.into(),
				self.one_of(PATIENTS),
			),
			258..=277 => {
				(I::remove_guardian { guardian: self.subject() }.into(), self.one_of(PATIENTS))
			},
			278..=307 => (
				I::set_recovery { threshold: self.rng.gen_range(0..4), delay: self.delay() }.into(),
				self.one_of(PATIENTS),
			),
			308..=337 => {
				// The proposed key signs its consent to the takeover, or garbage stands in.
				let patient = self.subject_in(PATIENTS);
				let new = self.seed();
				let proof: MultiSignature =
					match Identity::rotation_payload(&patient, &account(&new)) {
						Some(p) if self.rng.gen_bool(0.8) => pair(&new).sign(&p.payload).into(),
						_ => sp_core::sr25519::Signature::from_raw([self.rng.gen(); 64]).into(),
					};
				(
					I::initiate_recovery { patient, new_controller: account(&new), proof }.into(),
					self.one_of(PATIENTS),
				)
			},
			338..=367 => (
				I::approve_recovery {
					patient: self.subject_in(PATIENTS),
					new_controller: account(&self.seed()),
				}
				.into(),
				self.one_of(PATIENTS),
			),
			368..=387 => {
				(I::complete_recovery { patient: self.subject_in(PATIENTS) }.into(), self.seed())
			},
			388..=397 => (I::cancel_recovery {}.into(), self.one_of(PATIENTS)),
			398..=400 => (I::deactivate {}.into(), self.seed()),
			401..=560 => {
				let caller = self.one_of(PATIENTS);
				let patient = if self.rng.gen_ratio(4, 5) {
					pallet_patient_identity::Controllers::<Runtime>::get(account(&caller))
						.unwrap_or_default()
				} else {
					self.subject()
				};
				let mut terms = self.terms();
				terms.actions = self.actions();
				terms.purposes = self.purposes();
				(C::grant { patient, terms }.into(), caller)
			},
			561..=620 => (
				C::revoke { id: ConsentId(self.rng.gen_range(0..40)) }.into(),
				self.one_of(PATIENTS),
			),
			621..=700 => (
				C::open_emergency_access {
					patient: self.subject_in(PATIENTS),
					duration: self.small(),
					justification: self.hash(),
				}
				.into(),
				self.one_of(DOCTORS),
			),
			701..=730 => (
				C::end_emergency_access { id: EmergencyId(self.rng.gen_range(0..20)) }.into(),
				self.seed(),
			),
			731..=740 => {
				(C::set_max_emergency_duration { duration: self.small() }.into(), ROOT.to_string())
			},
			741..=750 => {
				(C::set_break_glass_roles { roles: RoleSet(self.bits8()) }.into(), ROOT.to_string())
			},
			751..=780 => (
				C::set_closed_to_emergency {
					patient: self.subject(),
					classes: DataClassSet(self.bits32()),
				}
				.into(),
				self.one_of(PATIENTS),
			),
			781..=840 => {
				// Mostly a patient's own record, or a practitioner writing for a patient.
				let caller = self.one_of(AUTHORS);
				let own = pallet_patient_identity::Controllers::<Runtime>::get(account(&caller));
				let patient = match own {
					Some(own) if self.rng.gen_ratio(1, 2) => own,
					_ => self.subject_in(PATIENTS),
				};
				(
					R::anchor {
						patient,
						class: self.class(),
						content_hash: self.hash(),
						size: self.size(),
						custodian: self.custodian(),
						purpose: self.purpose(),
					}
					.into(),
					caller,
				)
			},
			841..=870 => (
				R::amend {
					predecessor: self.record(),
					content_hash: self.hash(),
					size: self.size(),
					custodian: self.custodian(),
					purpose: self.purpose(),
				}
				.into(),
				self.one_of(AUTHORS),
			),
			871..=885 => (R::erase { record: self.record() }.into(), self.one_of(PATIENTS)),
			_ => {
				let events = (0..self.rng.gen_range(0..10))
					.map(|_| GatewayEvent {
						patient: self.subject_in(PATIENTS),
						record: self.audit_record(),
					})
					.collect();
				let gateway = self.one_of(GATEWAYS);
				let taken = pallet_patient_identity::Controllers::<Runtime>::get(account(&gateway))
					.map_or(0, pallet_audit_log::GatewaySequence::<Runtime>::get);
				// Mostly where the chain's count stands; sometimes a resend, sometimes a gap.
				let first = match self.rng.gen_range(0..10) {
					0 => taken.saturating_sub(1),
					1 => taken.saturating_add(1),
					_ => taken,
				};
				(A::submit_batch { first, events }.into(), gateway)
			},
		};
		let origin = match caller.as_str() {
			ROOT if self.rng.gen_ratio(9, 10) => RuntimeOrigin::root(),
			ROOT => Seeds::signed(&self.seed()),
			_ if self.rng.gen_ratio(1, 30) => RuntimeOrigin::root(),
			seed => Seeds::signed(seed),
		};
		(call, origin)
	}
}

impl Fuzzer {
	/// The active subject slot `slot`'s live seed controls, if it is of `kind`.
	fn alive(&self, slot: usize, kind: SubjectKind) -> Option<SubjectId> {
		let id = pallet_patient_identity::Controllers::<Runtime>::get(account(&self.live(slot)))?;
		(<Identity as SubjectRegistry<_>>::active_kind(&id) == Some(kind)).then_some(id)
	}

	/// Refills the pool between blocks: four patients, four practitioners attested by two
	/// organizations, a gateway for each organization, four strangers who never register unless
	/// the fuzzer makes them. A slot whose subject is gone moves to a fresh seed. The refill's
	/// own calls may be refused (a bound reached, say); the slot then waits for the next block.
	fn heal(&mut self) {
		let key = [1; 32];
		for &slot in ORGS {
			if self.alive(slot, SubjectKind::Organization).is_none() {
				self.generations[slot] += 1;
				let _ = Identity::admit_organization(
					RuntimeOrigin::root(),
					account(&self.live(slot)),
					key,
					H256::zero(),
				);
			}
		}
		for &slot in PATIENTS {
			if self.alive(slot, SubjectKind::Patient).is_none() {
				self.generations[slot] += 1;
				let _ = Identity::register(
					Seeds::signed(&self.live(slot)),
					SubjectKind::Patient,
					key,
					H256::zero(),
				);
			}
		}
		let now = Self::now();
		for (i, &slot) in DOCTORS.iter().enumerate() {
			if self.alive(slot, SubjectKind::Practitioner).is_none() {
				self.generations[slot] += 1;
				let _ = Identity::register(
					Seeds::signed(&self.live(slot)),
					SubjectKind::Practitioner,
					key,
					H256::zero(),
				);
			}
			let Some(doctor) = self.alive(slot, SubjectKind::Practitioner) else { continue };
			if !<Identity as SubjectRegistry<_>>::is_practitioner(&doctor, now) {
				let _ = Identity::attest_practitioner(
					Seeds::signed(&self.live(ORGS[i % ORGS.len()])),
					doctor,
					PractitionerRole::Physician,
					H256::zero(),
					now.saturating_add(30 * DAY),
				);
			}
		}
		for (i, &slot) in GATEWAYS.iter().enumerate() {
			if self.alive(slot, SubjectKind::Gateway).is_none() {
				self.generations[slot] += 1;
				let _ = Identity::register_gateway(
					Seeds::signed(&self.live(ORGS[i % ORGS.len()])),
					account(&self.live(slot)),
					key,
					H256::zero(),
				);
			}
		}
	}
}

/// A fresh chain of this runtime: System's genesis only (the fuzzed pallets start empty), block
/// 1, the clock at [`NOW`]. The clock is written directly: `Timestamp::set` would have Aura check
/// it against a slot no block here has.
fn new_chain() -> sp_io::TestExternalities {
	let storage = frame_system::GenesisConfig::<Runtime>::default()
		.build_storage()
		.expect("builds");
	let mut ext = sp_io::TestExternalities::new(storage);
	ext.execute_with(|| {
		System::set_block_number(1);
		pallet_timestamp::Now::<Runtime>::put(NOW);
	});
	ext
}

/// The next block, `step` ms later. The block number moves with the clock, a block per slot, so
/// that what is counted in blocks (a recovery's delay) passes as it would on the chain.
fn next_block(step: u64) {
	let blocks = BlockNumber::try_from(step / MILLI_SECS_PER_BLOCK).unwrap_or(1).max(1);
	System::reset_events();
	System::set_block_number(System::block_number().saturating_add(blocks));
	pallet_timestamp::Now::<Runtime>::mutate(|now| *now = now.saturating_add(step));
}

fn state_root() -> Vec<u8> {
	sp_io::storage::root(StateVersion::V1)
}

fn env(name: &str, default: u64) -> u64 {
	std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

#[test]
fn random_call_sequences_break_no_invariant() {
	let calls = env("MEDCHAIN_FUZZ_CALLS", 20_000);
	let seed = env("MEDCHAIN_FUZZ_SEED", 1);
	let mut fuzzer = Fuzzer { rng: StdRng::seed_from_u64(seed), generations: [0; SEEDS.len()] };
	let (mut ok, mut failed) = (0u64, 0u64);
	let mut refusals = std::collections::BTreeMap::<String, u64>::new();
	let mut n = 0u64;
	// A fresh chain every EPOCH calls keeps each call's cost flat (the state-root and
	// invariant checks grow with the state), so a long run scales linearly.
	while n < calls {
		let end = calls.min(n + EPOCH);
		fuzzer.generations = [0; SEEDS.len()];
		new_chain().execute_with(|| {
			fuzzer.heal();
			while n < end {
				let (call, origin) = fuzzer.call();
				let shown = call.clone();
				let before = state_root();
				match call.dispatch_bypass_filter(origin) {
					Ok(PostDispatchInfo { .. }) => ok += 1,
					Err(DispatchErrorWithPostInfo { error, .. }) => {
						failed += 1;
						let name = match error {
							DispatchError::Module(e) => e.message.unwrap_or("?").to_string(),
							other => format!("{other:?}"),
						};
						*refusals.entry(name).or_default() += 1;
						assert!(
							matches!(error, DispatchError::Module(_) | DispatchError::BadOrigin),
							"call {n} ({shown:?}) failed without a pallet error: {error:?}"
						);
						assert_eq!(
							state_root(),
							before,
							"call {n} ({shown:?}) failed with {error:?} but changed state"
						);
					},
				}
				n += 1;
				if n.is_multiple_of(u64::from(CALLS_PER_BLOCK)) {
					next_block([2_000, 60_000, HOUR, DAY][fuzzer.rng.gen_range(0..4)]);
					check_invariants(n);
					fuzzer.heal();
				}
			}
			check_invariants(n);
		});
	}
	println!(
		"fuzz: seed {seed}, {calls} calls, {ok} succeeded, {failed} refused with a pallet error"
	);
	let mut refusals: Vec<_> = refusals.into_iter().collect();
	refusals.sort_by_key(|(_, n)| std::cmp::Reverse(*n));
	println!("fuzz: most frequent refusals: {:?}", &refusals[..refusals.len().min(15)]);
	assert!(ok > calls / 50, "the fuzzer must reach real state changes, not only refusals");
}

fn check_invariants(n: u64) {
	pallet_patient_identity::try_state::do_try_state::<Runtime>()
		.unwrap_or_else(|e| panic!("identity invariant broken after call {n}: {e:?}"));
	pallet_consent::try_state::do_try_state::<Runtime>()
		.unwrap_or_else(|e| panic!("consent invariant broken after call {n}: {e:?}"));
	pallet_medical_records::try_state::do_try_state::<Runtime>()
		.unwrap_or_else(|e| panic!("records invariant broken after call {n}: {e:?}"));
	pallet_audit_log::try_state::do_try_state::<Runtime>()
		.unwrap_or_else(|e| panic!("audit invariant broken after call {n}: {e:?}"));
}

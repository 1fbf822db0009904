//! Test helpers for every pallet whose tests need subjects: keys from dev seeds, and patients,
//! practitioners, organizations and gateways made through the identity pallet's own calls.
//!
//! Exported behind the `mock` feature (as KILT's ctype mock is) so that the consent, audit-log
//! and records test runtimes reuse one set instead of copying it. A test runtime aliases
//! [`Seeds`] for itself (`pub type Seeds = Seeds<Test>;`) and builds its externalities
//! with [`new_test_ext`].

use core::marker::PhantomData;
use frame_system::RawOrigin;
use medchain_primitives::identity::{PractitionerRole, SubjectId, SubjectKind};
use sp_core::{sr25519, Pair, H256};
use sp_keystore::{testing::MemoryKeystore, KeystoreExt};
use sp_runtime::{AccountId32, BuildStorage};

use crate::{Config, Controllers, Pallet};

/// 2026-01-01T00:00:00Z on the chain clock.
pub const NOW: u64 = 1_767_225_600_000;
/// One hour, ms.
pub const HOUR: u64 = 3_600_000;
/// One day, ms.
pub const DAY: u64 = 24 * HOUR;
/// The key-agreement key the helpers register patients and practitioners with.
pub const PERSON_KEY: [u8; 32] = [1; 32];
/// The key-agreement key the helpers admit organizations with.
pub const ORGANIZATION_KEY: [u8; 32] = [2; 32];
/// The key-agreement key the helpers register gateways with.
pub const GATEWAY_KEY: [u8; 32] = [3; 32];

std::thread_local! {
	/// Derived key pairs by seed: deriving `//seed` from the dev phrase runs PBKDF2 each time,
	/// which would dominate tests (and the fuzz harness) that name accounts by seed.
	static PAIRS: core::cell::RefCell<std::collections::BTreeMap<String, sr25519::Pair>> =
		Default::default();
}

/// A key pair from a dev seed: `pair("Alice")` is `//Alice`.
pub fn pair(seed: &str) -> sr25519::Pair {
	PAIRS.with(|pairs| {
		pairs
			.borrow_mut()
			.entry(seed.to_string())
			.or_insert_with(|| {
				sr25519::Pair::from_string(&format!("//{seed}"), None).expect("static seed")
			})
			.clone()
	})
}

/// The account of a dev seed.
pub fn account(seed: &str) -> AccountId32 {
	pair(seed).public().into()
}

/// Subjects made through the identity pallet's calls, in any test runtime `T` that runs it with
/// 32-byte accounts and a millisecond timestamp.
pub struct Seeds<T>(PhantomData<T>);

impl<T> Seeds<T>
where
	T: Config<AccountId = AccountId32> + pallet_timestamp::Config<Moment = u64>,
{
	/// A signed origin for a dev seed's account.
	pub fn signed(seed: &str) -> T::RuntimeOrigin {
		RawOrigin::Signed(account(seed)).into()
	}

	/// The subject a dev seed's account controls.
	pub fn of(seed: &str) -> SubjectId {
		Controllers::<T>::get(account(seed)).unwrap_or_else(|| panic!("{seed} is registered"))
	}

	/// Registers `seed` as a patient or practitioner.
	pub fn register(seed: &str, kind: SubjectKind) -> SubjectId {
		Pallet::<T>::register(Self::signed(seed), kind, PERSON_KEY, H256::zero())
			.unwrap_or_else(|e| panic!("{seed} registers: {e:?}"));
		Self::of(seed)
	}

	/// Admits `seed` as an organization, unless it already is one.
	pub fn organization(seed: &str) -> SubjectId {
		if Controllers::<T>::get(account(seed)).is_none() {
			Pallet::<T>::admit_organization(
				RawOrigin::Root.into(),
				account(seed),
				ORGANIZATION_KEY,
				H256::zero(),
			)
			.unwrap_or_else(|e| panic!("{seed} is admitted: {e:?}"));
		}
		Self::of(seed)
	}

	/// Registers `seed` as a practitioner attested by organization `org` (admitted if need be)
	/// as a physician for 30 days from [`NOW`].
	pub fn practitioner(seed: &str, org: &str) -> SubjectId {
		Self::organization(org);
		let id = Self::register(seed, SubjectKind::Practitioner);
		Self::attest(seed, org, PractitionerRole::Physician);
		id
	}

	/// Makes organization `org` attest practitioner `seed` in `role` for 30 days from [`NOW`].
	pub fn attest(seed: &str, org: &str, role: PractitionerRole) {
		Pallet::<T>::attest_practitioner(
			Self::signed(org),
			Self::of(seed),
			role,
			H256::zero(),
			NOW + 30 * DAY,
		)
		.unwrap_or_else(|e| panic!("{org} attests {seed}: {e:?}"));
	}

	/// Admits `org` (if need be) and registers `gateway` for it; returns (organization, gateway).
	pub fn gateway(org: &str, gateway: &str) -> (SubjectId, SubjectId) {
		let organization = Self::organization(org);
		Pallet::<T>::register_gateway(
			Self::signed(org),
			account(gateway),
			GATEWAY_KEY,
			H256::zero(),
		)
		.unwrap_or_else(|e| panic!("{org} registers gateway {gateway}: {e:?}"));
		(organization, Self::of(gateway))
	}
}

/// Test externalities of runtime `T`: its default genesis, block 1, the clock at [`NOW`], and a
/// keystore for the benchmarks' signatures.
pub fn new_test_ext<T>() -> sp_io::TestExternalities
where
	T: frame_system::Config + pallet_timestamp::Config<Moment = u64>,
	frame_system::GenesisConfig<T>: BuildStorage,
{
	let storage = frame_system::GenesisConfig::<T>::default().build_storage().expect("builds");
	let mut ext = sp_io::TestExternalities::new(storage);
	ext.register_extension(KeystoreExt::new(MemoryKeystore::new()));
	ext.execute_with(|| {
		frame_system::Pallet::<T>::set_block_number(1u32.into());
		pallet_timestamp::Pallet::<T>::set_timestamp(NOW);
	});
	ext
}

/// Declares a MedChain pallet's test runtime `Test`: System, Timestamp, the identity pallet and
/// the audit log at indices 0 to 3, the invoking pallet's own ones after them, every pallet
/// configured from its `TestDefaultConfig`, the [`Seeds`] of that runtime, and an `ExtBuilder`
/// whose `build_and_execute` runs `after_each` (the invariant checks) after every test.
///
/// The invoking module names the pallets it declares (`use crate as pallet_consent;`) and brings
/// what the arguments refer to into scope; it then adds only its own pallets' `Config`s.
///
/// - `identity_audit`: where identity's audit entries go (`AuditLog`, or `()` to keep trails to
///   what a test appends).
/// - `audit_policies`: what justifies a gateway's read (the consent pallet, a test double, `()`).
#[macro_export]
macro_rules! test_runtime {
	(
		identity_audit: $audit:tt,
		audit_policies: $policies:tt,
		pallets: { $( $index:tt => $name:ident = $pallet:ident ),* $(,)? },
		after_each: $after:block $(,)?
	) => {
		use frame_support::derive_impl;

		type Block = frame_system::mocking::MockBlock<Test>;

		#[frame_support::runtime]
		mod runtime {
			#[runtime::runtime]
			#[runtime::derive(RuntimeCall, RuntimeEvent, RuntimeError, RuntimeOrigin, RuntimeTask)]
			pub struct Test;

			#[runtime::pallet_index(0)]
			pub type System = frame_system;

			#[runtime::pallet_index(1)]
			pub type Timestamp = pallet_timestamp;

			#[runtime::pallet_index(2)]
			pub type Identity = pallet_patient_identity;

			#[runtime::pallet_index(3)]
			pub type AuditLog = pallet_audit_log;

			$(
				#[runtime::pallet_index($index)]
				pub type $name = $pallet;
			)*
		}

		#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
		impl frame_system::Config for Test {
			type Block = Block;
			type AccountId = sp_runtime::AccountId32;
			type Lookup = sp_runtime::traits::IdentityLookup<sp_runtime::AccountId32>;
		}

		#[derive_impl(pallet_timestamp::config_preludes::TestDefaultConfig)]
		impl pallet_timestamp::Config for Test {}

		#[derive_impl(pallet_patient_identity::config_preludes::TestDefaultConfig)]
		impl pallet_patient_identity::Config for Test {
			type GovernanceOrigin = frame_system::EnsureRoot<sp_runtime::AccountId32>;
			type Time = Timestamp;
			type Audit = $audit;
			#[cfg(feature = "runtime-benchmarks")]
			type BenchmarkHelper = pallet_patient_identity::Sr25519BenchmarkHelper;
		}

		#[derive_impl(pallet_audit_log::config_preludes::TestDefaultConfig)]
		impl pallet_audit_log::Config for Test {
			type Identity = Identity;
			type SubjectOrigin = pallet_patient_identity::EnsureSubject<Test>;
			type Policies = $policies;
			type Time = Timestamp;
		}

		/// Subjects of this runtime, made through identity's calls.
		pub type Seeds = pallet_patient_identity::mock::Seeds<Test>;

		/// Builds the test externalities; `build_and_execute` checks the invariants afterwards.
		pub struct ExtBuilder;

		impl ExtBuilder {
			/// Block 1, the clock at `NOW`, a keystore.
			pub fn build(self) -> sp_io::TestExternalities {
				pallet_patient_identity::mock::new_test_ext::<Test>()
			}

			/// Runs `test`, then the invariant checks.
			pub fn build_and_execute(self, test: impl FnOnce()) {
				self.build().execute_with(|| {
					test();
					$after
				});
			}
		}
	};
}

/// The identity pallet's own test runtime: System, Timestamp, identity, and the real audit log,
/// so that identity's audit entries are tested where they are written.
#[cfg(test)]
pub mod runtime {
	use crate as pallet_patient_identity;

	crate::test_runtime! {
		identity_audit: AuditLog,
		audit_policies: (),
		pallets: {},
		after_each: {
			crate::try_state::do_try_state::<Test>().expect("identity invariants hold");
			pallet_audit_log::try_state::do_try_state::<Test>().expect("trails verify");
		},
	}
}

//! The consent pallet's test runtime: System, Timestamp, the real identity pallet and audit log,
//! and consent, with a double for record anchors ([`TestRecords`]). Subjects come from identity's
//! shared helpers ([`Seeds`]).

use frame_system::EnsureRoot;
use medchain_primitives::{
	consent::{DataClass, RecordId},
	identity::SubjectId,
	records::{RecordAnchor, RecordStatus},
	traits::RecordRegistry,
};
use sp_runtime::AccountId32;

pub use pallet_patient_identity::mock::{DAY, HOUR, NOW};

use crate as pallet_consent;

pallet_patient_identity::test_runtime! {
	identity_audit: AuditLog,
	audit_policies: Consent,
	pallets: { 4 => Consent = pallet_consent },
	after_each: {
		crate::try_state::do_try_state::<Test>().expect("consent invariants hold");
		pallet_audit_log::try_state::do_try_state::<Test>().expect("trails verify");
	},
}

#[derive_impl(pallet_consent::config_preludes::TestDefaultConfig)]
impl pallet_consent::Config for Test {
	type Identity = Identity;
	type SubjectOrigin = pallet_patient_identity::EnsureSubject<Test>;
	type Audit = AuditLog;
	type Records = TestRecords;
	type Time = Timestamp;
	type GovernanceOrigin = EnsureRoot<AccountId32>;
}

thread_local! {
	static ANCHORS: core::cell::RefCell<std::collections::BTreeMap<RecordId, RecordAnchor>> =
		Default::default();
	static ERASED_AT: core::cell::RefCell<std::collections::BTreeMap<RecordId, u64>> =
		Default::default();
}

/// Record anchors and erasure times as the records pallet would answer them, set by each test
/// with [`anchor`] and [`erase`].
pub struct TestRecords;

impl RecordRegistry for TestRecords {
	fn anchor(record: &RecordId) -> Option<RecordAnchor> {
		ANCHORS.with(|anchors| anchors.borrow().get(record).copied())
	}

	fn erased_at(record: &RecordId) -> Option<u64> {
		ERASED_AT.with(|erased| erased.borrow().get(record).copied())
	}

	#[cfg(feature = "runtime-benchmarks")]
	fn benchmark_anchor(patient: &SubjectId, custodian: &SubjectId, class: DataClass) -> RecordId {
		let mut id = [0xbe; 32];
		let index = ANCHORS.with(|anchors| anchors.borrow().len()) as u64;
		id[..8].copy_from_slice(&index.to_le_bytes());
		let id = RecordId(id);
		anchor(id, *patient, *custodian, class, RecordStatus::Active);
		id
	}
}

/// Anchors record `id` of `patient`, kept by `custodian`, of `class`, in `status`, at [`NOW`]
/// with content hash zero (for this thread's test).
pub fn anchor(
	id: RecordId,
	patient: SubjectId,
	custodian: SubjectId,
	class: DataClass,
	status: RecordStatus,
) {
	let anchor = RecordAnchor {
		id,
		patient,
		author: patient,
		custodian,
		class,
		content_hash: Default::default(),
		size: 1,
		created: NOW,
		predecessor: None,
		version: 1,
		status,
		index: 0,
	};
	ANCHORS.with(|anchors| anchors.borrow_mut().insert(id, anchor));
}

/// Erases anchored record `id` at `at`, as the records pallet's `erase` would.
pub fn erase(id: RecordId, at: u64) {
	ANCHORS.with(|anchors| {
		if let Some(anchor) = anchors.borrow_mut().get_mut(&id) {
			anchor.status = RecordStatus::Erased;
		}
	});
	ERASED_AT.with(|erased| erased.borrow_mut().insert(id, at));
}

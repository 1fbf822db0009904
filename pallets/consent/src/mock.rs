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

pub use pallet_patient_identity::mock::{account, pair, DAY, HOUR, NOW};

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
}

/// Record anchors as the records pallet would answer them, set by each test with [`anchor`].
pub struct TestRecords;

impl RecordRegistry for TestRecords {
	fn anchor(record: &RecordId) -> Option<RecordAnchor> {
		ANCHORS.with(|anchors| anchors.borrow().get(record).copied())
	}
}

/// Anchors record `id` of `patient`, of `class`, in `status` (for this thread's test).
pub fn anchor(id: RecordId, patient: SubjectId, class: DataClass, status: RecordStatus) {
	let anchor = RecordAnchor {
		id,
		patient,
		author: patient,
		custodian: patient,
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

//! The records pallet's test runtime: System, Timestamp, the real identity pallet, audit log and
//! consent (so the access rule a record is anchored under is THE rule), and records. Subjects come
//! from identity's shared helpers ([`Seeds`]).

use frame_system::EnsureRoot;
use sp_runtime::AccountId32;

pub use pallet_patient_identity::mock::NOW;

use crate as pallet_medical_records;

pallet_patient_identity::test_runtime! {
	identity_audit: AuditLog,
	audit_policies: Consent,
	pallets: { 4 => Consent = pallet_consent, 5 => Records = pallet_medical_records },
	after_each: {
		crate::try_state::do_try_state::<Test>().expect("records invariants hold");
		pallet_audit_log::try_state::do_try_state::<Test>().expect("trails verify");
	},
}

#[derive_impl(pallet_consent::config_preludes::TestDefaultConfig)]
impl pallet_consent::Config for Test {
	type Identity = Identity;
	type SubjectOrigin = pallet_patient_identity::EnsureSubject<Test>;
	type Audit = AuditLog;
	type Records = Records;
	type Time = Timestamp;
	type GovernanceOrigin = EnsureRoot<AccountId32>;
}

#[derive_impl(pallet_medical_records::config_preludes::TestDefaultConfig)]
impl pallet_medical_records::Config for Test {
	type Identity = Identity;
	type SubjectOrigin = pallet_patient_identity::EnsureSubject<Test>;
	type Access = Consent;
	type Audit = AuditLog;
	type Time = Timestamp;
}

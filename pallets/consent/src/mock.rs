//! The consent pallet's test runtime: System, Timestamp, the real identity pallet and audit log,
//! and consent. Subjects come from identity's shared helpers ([`Seeds`]).

use frame_system::EnsureRoot;
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
	type Time = Timestamp;
	type GovernanceOrigin = EnsureRoot<AccountId32>;
}

//! Tests, one file per group of calls. Each runs inside `ExtBuilder::build_and_execute`, so the
//! pallet's invariants are checked after every one.

mod guardians;
mod organizations;
mod recovery;
mod registration;
mod registry;
mod rotation;

use frame_support::assert_ok;
use sp_core::{Pair, H256};
use sp_runtime::MultiSignature;

use crate::{mock::*, *};

pub const KEY_A: KeyAgreementKey = [0xaa; 32];
pub const KEY_B: KeyAgreementKey = [0xbb; 32];
pub const PROFILE: H256 = H256::repeat_byte(0x11);
pub const LICENSE: H256 = H256::repeat_byte(0x22);

/// The last event the identity pallet emitted.
pub fn last_event() -> Event<Test> {
	System::events()
		.into_iter()
		.rev()
		.find_map(|r| match r.event {
			RuntimeEvent::Identity(e) => Some(e),
			_ => None,
		})
		.expect("an identity event")
}

/// Registers `seed`'s account as a subject of `kind` and returns the new identifier.
pub fn register(seed: &str, kind: SubjectKind) -> SubjectId {
	assert_ok!(Identity::register(signed(seed), kind, KEY_A, PROFILE));
	Controllers::<Test>::get(account(seed)).expect("just registered")
}

/// Admits `seed`'s account as an organization.
pub fn admit(seed: &str) -> SubjectId {
	assert_ok!(Identity::admit_organization(RuntimeOrigin::root(), account(seed), KEY_B, PROFILE));
	Controllers::<Test>::get(account(seed)).expect("just admitted")
}

/// A practitioner attested by an organization until `NOW + 30 days`.
pub fn attested_practitioner(seed: &str, org_seed: &str) -> (SubjectId, SubjectId) {
	let org = Controllers::<Test>::get(account(org_seed)).unwrap_or_else(|| admit(org_seed));
	let practitioner = register(seed, SubjectKind::Practitioner);
	assert_ok!(Identity::attest_practitioner(
		signed(org_seed),
		practitioner,
		PractitionerRole::Physician,
		LICENSE,
		NOW + 30 * DAY,
	));
	(practitioner, org)
}

/// `new_seed`'s signature over the rotation payload of `subject`.
pub fn rotation_proof(subject: &SubjectId, new_seed: &str) -> MultiSignature {
	let payload = Identity::rotation_payload(subject, &account(new_seed)).expect("subject exists");
	pair(new_seed).sign(&payload).into()
}

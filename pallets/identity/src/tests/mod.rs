//! Tests, one file per group of calls. Each runs inside `ExtBuilder::build_and_execute`, so the
//! pallet's invariants are checked after every one.

mod guardians;
mod hardening;
mod history;
mod organizations;
mod recovery;
mod refunds;
mod registration;
mod registry;
mod rotation;

use medchain_primitives::traits::SubjectRegistry;
use sp_core::{Pair, H256};
use sp_runtime::{DispatchResult, MultiSignature};

use crate::{
	mock::{account, pair, runtime::*, DAY, NOW},
	*,
};

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

/// A practitioner attested by an organization (admitted if need be) until `NOW + 30 days`;
/// returns (practitioner, organization).
pub fn attested_practitioner(seed: &str, org_seed: &str) -> (SubjectId, SubjectId) {
	(Seeds::practitioner(seed, org_seed), Seeds::of(org_seed))
}

/// A recovery guardian `guardian` proposes `new_seed`'s account for `patient`, with that key's
/// signed consent to the takeover.
pub fn initiate(guardian: &str, patient: SubjectId, new_seed: &str) -> DispatchResult {
	Identity::initiate_recovery(
		Seeds::signed(guardian),
		patient,
		account(new_seed),
		rotation_proof(&patient, new_seed),
	)
}

/// `new_seed`'s signature over the rotation payload of `subject`.
pub fn rotation_proof(subject: &SubjectId, new_seed: &str) -> MultiSignature {
	let payload = Identity::rotation_payload(subject, &account(new_seed))
		.expect("subject exists")
		.payload;
	pair(new_seed).sign(&payload).into()
}

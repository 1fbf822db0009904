//! Identifiers and key proofs: how a subject's `did:medchain` identifier is derived, and the
//! payload a new controller signs to take a subject over.

use alloc::vec::Vec;
use codec::Encode;
use medchain_primitives::identity::{RotationPayload, SubjectId};

use crate::*;

/// Domain separator of the identifier derivation.
const DID_CONTEXT: &[u8] = b"medchain:did";
/// Domain separator of the controller-rotation payload.
pub const ROTATION_CONTEXT: &[u8] = b"medchain:rotate-controller";

/// The identifier of the `index`-th subject registered, first controlled by `controller`:
/// blake2-256 of (context, controller, index). Nobody can choose it, and it never changes.
pub(crate) fn derive_id<AccountId: Encode>(controller: &AccountId, index: u64) -> SubjectId {
	SubjectId(sp_io::hashing::blake2_256(&(DID_CONTEXT, controller, index).encode()))
}

impl<T: Config> Pallet<T> {
	/// The exact bytes `new_controller` signs to take over `subject` with `rotate_controller`:
	/// a context tag, the genesis hash (no replay on another chain), the subject, the new account
	/// and the subject's rotation count (no replay after a rotation).
	pub fn rotation_payload(
		subject: &SubjectId,
		new_controller: &T::AccountId,
	) -> Option<RotationPayload> {
		let record = Subjects::<T>::get(subject)?;
		Some(RotationPayload {
			payload: Self::rotation_payload_for(subject, &record, new_controller),
		})
	}

	pub(crate) fn rotation_payload_for(
		subject: &SubjectId,
		record: &SubjectOf<T>,
		new_controller: &T::AccountId,
	) -> Vec<u8> {
		let genesis = frame_system::Pallet::<T>::block_hash(
			frame_system::pallet_prelude::BlockNumberFor::<T>::default(),
		);
		let mut payload = ROTATION_CONTEXT.to_vec();
		(genesis, subject, new_controller, record.rotations).encode_to(&mut payload);
		payload
	}
}

/// Benchmark signatures from an sr25519 key generated in the benchmark keystore.
#[cfg(feature = "runtime-benchmarks")]
pub struct Sr25519BenchmarkHelper;

#[cfg(feature = "runtime-benchmarks")]
impl BenchmarkHelper<sp_runtime::MultiSigner, sp_runtime::MultiSignature>
	for Sr25519BenchmarkHelper
{
	fn new_key() -> sp_runtime::MultiSigner {
		sp_io::crypto::sr25519_generate(BENCHMARK_KEY_TYPE, None).into()
	}

	fn sign(public: &sp_runtime::MultiSigner, message: &[u8]) -> sp_runtime::MultiSignature {
		let sp_runtime::MultiSigner::Sr25519(public) = public else {
			panic!("Sr25519BenchmarkHelper only makes sr25519 keys");
		};
		sp_io::crypto::sr25519_sign(BENCHMARK_KEY_TYPE, public, message)
			.expect("the key was generated in this keystore")
			.into()
	}
}

#[cfg(feature = "runtime-benchmarks")]
const BENCHMARK_KEY_TYPE: sp_core::crypto::KeyTypeId = sp_core::crypto::KeyTypeId(*b"mdid");

//! The patients' fee classifier: which calls are a patient's own, and so free within the
//! allowance pallet-patient-allowance keeps (its limits are runtime parameters, in
//! [`super::council::dynamic_params`]).

use frame_support::traits::ConstU32;
use medchain_primitives::{
	identity::{SubjectId, SubjectKind},
	traits::SubjectRegistry,
};
use pallet_patient_allowance::{ClassifyCall, FreeCall};

use super::council::dynamic_params;
use crate::{AccountId, Identity, Runtime, RuntimeCall};

/// A patient's own calls: identity, consent and records calls by the controller of an active
/// patient (counted against that patient, whatever they are), and a patient registration from an
/// account that has never controlled an identity and is not reserved by a recovery (so it will not
/// fail on its account).
pub struct PatientCalls;
impl ClassifyCall<AccountId, RuntimeCall, SubjectId> for PatientCalls {
	fn classify(who: &AccountId, call: &RuntimeCall) -> Option<FreeCall<SubjectId>> {
		if !matches!(
			call,
			RuntimeCall::Identity(_) | RuntimeCall::Consent(_) | RuntimeCall::Records(_)
		) {
			return None;
		}
		if let Some(subject) = Identity::subject_of(who) {
			return (Identity::active_kind(&subject) == Some(SubjectKind::Patient))
				.then_some(FreeCall::Patient(subject));
		}
		let registers_a_patient = matches!(
			call,
			RuntimeCall::Identity(pallet_patient_identity::Call::register {
				kind: SubjectKind::Patient,
				..
			})
		);
		// `subject_of` is None for a deactivated identity's controller, still in `Controllers`.
		let fresh = !pallet_patient_identity::Controllers::<Runtime>::contains_key(who)
			&& !pallet_patient_identity::RetiredAccounts::<Runtime>::contains_key(who)
			&& !pallet_patient_identity::PendingControllers::<Runtime>::contains_key(who);
		(registers_a_patient && fresh).then_some(FreeCall::NewPatient)
	}
}

impl pallet_patient_allowance::Config for Runtime {
	type PatientId = SubjectId;
	type Classifier = PatientCalls;
	type CallsPerPeriod = dynamic_params::patients::CallsPerPeriod;
	type Period = dynamic_params::patients::Period;
	type RegistrationsPerPeriod = dynamic_params::patients::RegistrationsPerPeriod;
	type FreeBlockShare = dynamic_params::patients::FreeBlockShare;
	/// A grant naming its full 64 records, with room; an anchor or a revocation is far shorter.
	type MaxFreeLength = ConstU32<4096>;
}

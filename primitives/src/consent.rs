//! Consent vocabulary: what may be shared (data classes, records), with whom, for which action and
//! purpose, and the answer of the one access rule. Modelled on FHIR R4 `Consent`.

use alloc::vec::Vec;
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;
use sp_core::H256;

use crate::{identity::SubjectId, Moment};

/// A class of health data, from a fixed vocabulary. FHIR `Consent.provision.class`
/// (codes of MedChain's `data-class` CodeSystem, aligned with US Core / IPS sections).
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
)]
pub enum DataClass {
	/// Name, birth date, contact: the Patient resource.
	Demographics = 0,
	/// Visits and admissions.
	Encounters = 1,
	/// Prescriptions and medication statements.
	Medications = 2,
	/// Allergies and intolerances.
	Allergies = 3,
	/// Problems and diagnoses.
	Conditions = 4,
	/// Laboratory results.
	Labs = 5,
	/// Imaging studies and reports.
	Imaging = 6,
	/// Immunizations.
	Immunizations = 7,
	/// Procedures.
	Procedures = 8,
	/// Vital signs.
	VitalSigns = 9,
	/// Clinical notes.
	ClinicalNotes = 10,
	/// Mental health: specially protected.
	MentalHealth = 11,
	/// Substance use (42 CFR Part 2): specially protected.
	SubstanceUse = 12,
	/// Sexual and reproductive health: specially protected.
	SexualHealth = 13,
	/// Genomic data: specially protected.
	Genomics = 14,
}

impl DataClass {
	/// Every class, in code order.
	pub const ALL: [DataClass; 15] = [
		Self::Demographics,
		Self::Encounters,
		Self::Medications,
		Self::Allergies,
		Self::Conditions,
		Self::Labs,
		Self::Imaging,
		Self::Immunizations,
		Self::Procedures,
		Self::VitalSigns,
		Self::ClinicalNotes,
		Self::MentalHealth,
		Self::SubstanceUse,
		Self::SexualHealth,
		Self::Genomics,
	];

	/// The code in MedChain's `data-class` CodeSystem.
	pub fn code(&self) -> &'static str {
		match self {
			Self::Demographics => "demographics",
			Self::Encounters => "encounters",
			Self::Medications => "medications",
			Self::Allergies => "allergies",
			Self::Conditions => "conditions",
			Self::Labs => "labs",
			Self::Imaging => "imaging",
			Self::Immunizations => "immunizations",
			Self::Procedures => "procedures",
			Self::VitalSigns => "vital-signs",
			Self::ClinicalNotes => "clinical-notes",
			Self::MentalHealth => "mental-health",
			Self::SubstanceUse => "substance-use",
			Self::SexualHealth => "sexual-health",
			Self::Genomics => "genomics",
		}
	}
}

code_set!(
	/// A set of data classes (bit `n` = class with code `n`).
	DataClassSet of DataClass as u32
);

/// Why data is used: HL7 v3 `PurposeOfUse`. FHIR `Consent.provision.purpose`.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
)]
pub enum PurposeOfUse {
	/// TREAT: treatment.
	Treat = 0,
	/// ETREAT: emergency treatment; the only purpose break-glass access allows.
	EmergencyTreat = 1,
	/// HPAYMT: healthcare payment.
	Payment = 2,
	/// HOPERAT: healthcare operations.
	Operations = 3,
	/// HRESCH: healthcare research.
	Research = 4,
	/// PUBHLTH: public health.
	PublicHealth = 5,
}

impl PurposeOfUse {
	/// Every purpose, in code order.
	pub const ALL: [PurposeOfUse; 6] = [
		Self::Treat,
		Self::EmergencyTreat,
		Self::Payment,
		Self::Operations,
		Self::Research,
		Self::PublicHealth,
	];

	/// The HL7 v3 ActReason code.
	pub fn code(&self) -> &'static str {
		match self {
			Self::Treat => "TREAT",
			Self::EmergencyTreat => "ETREAT",
			Self::Payment => "HPAYMT",
			Self::Operations => "HOPERAT",
			Self::Research => "HRESCH",
			Self::PublicHealth => "PUBHLTH",
		}
	}
}

code_set!(
	/// A set of purposes of use.
	PurposeSet of PurposeOfUse as u8
);

/// What a grantee may do. FHIR `Consent.provision.action` (consentaction codes).
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
)]
pub enum ConsentAction {
	/// Read records (`access`).
	Read = 0,
	/// Create or append records (`correct`).
	Create = 1,
	/// Share onward to a third party (`disclose`).
	Share = 2,
}

impl ConsentAction {
	/// Every action, in code order.
	pub const ALL: [ConsentAction; 3] = [Self::Read, Self::Create, Self::Share];

	/// The FHIR `consentaction` code.
	pub fn code(&self) -> &'static str {
		match self {
			Self::Read => "access",
			Self::Create => "correct",
			Self::Share => "disclose",
		}
	}
}

code_set!(
	/// A set of actions.
	ActionSet of ConsentAction as u8
);

/// A record's identifier: 32 bytes the chain derives when the record is anchored
/// ([`crate::records::record_id`]); no PHI.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	PartialOrd,
	Ord,
	Debug,
	Default,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
)]
pub struct RecordId(pub [u8; 32]);

/// A consent's identifier: a chain-wide sequence number.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	PartialOrd,
	Ord,
	Debug,
	Default,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
)]
pub struct ConsentId(pub u64);

/// An emergency (break-glass) grant's identifier: a chain-wide sequence number.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	PartialOrd,
	Ord,
	Debug,
	Default,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
)]
pub struct EmergencyId(pub u64);

/// Who a consent is granted to. FHIR `Consent.provision.actor.reference`.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
)]
pub enum Grantee {
	/// One practitioner, while attested by an active organization.
	Practitioner(SubjectId),
	/// A whole organization: its currently attested practitioners.
	Organization(SubjectId),
}

impl Grantee {
	/// The grantee's subject identifier.
	pub fn subject(&self) -> SubjectId {
		match self {
			Self::Practitioner(s) | Self::Organization(s) => *s,
		}
	}
}

/// What is being accessed.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
)]
pub enum AccessTarget {
	/// Any data of a class.
	Class(DataClass),
	/// One anchored record: the rule takes its class from the anchor, never from the caller.
	Record(RecordId),
}

/// Why access is allowed.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
)]
pub enum PermitBasis {
	/// The patient reads their own data.
	OwnData,
	/// A consent allows it.
	Consent(ConsentId),
	/// An emergency (break-glass) grant allows it.
	Emergency(EmergencyId),
}

/// Why access is refused. The order is the rule's order: the first failing check is reported,
/// from the consent that came furthest.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
)]
pub enum DenyReason {
	/// The patient is not a registered patient.
	UnknownPatient,
	/// The patient's identity is deactivated.
	PatientDeactivated,
	/// The accessor is not a registered, active subject.
	UnknownAccessor,
	/// The accessor is not a practitioner with a live attestation.
	NotAnAttestedPractitioner,
	/// No consent names the accessor (or their organization).
	NoConsent,
	/// The consent that would apply was revoked.
	Revoked,
	/// The consent is not valid yet.
	NotYetValid,
	/// The consent has expired.
	Expired,
	/// The consent does not allow this action.
	ActionNotAllowed,
	/// The consent does not allow this purpose of use.
	PurposeNotAllowed,
	/// The consent explicitly excludes this data class.
	ClassExcluded,
	/// The consent covers neither this data class nor this record.
	NotCovered,
	/// The emergency access has ended.
	EmergencyExpired,
	/// Break-glass access never opens this class: the patient (or the default) closed it.
	ClassClosedToEmergency,
	/// No record of this patient is anchored under that identifier.
	UnknownRecord,
	/// The record was erased: its ciphertext is gone and nobody may access it.
	RecordErased,
}

impl DenyReason {
	/// The code in MedChain's `deny-reason` CodeSystem.
	pub fn code(&self) -> &'static str {
		match self {
			Self::UnknownPatient => "unknown-patient",
			Self::PatientDeactivated => "patient-deactivated",
			Self::UnknownAccessor => "unknown-accessor",
			Self::NotAnAttestedPractitioner => "not-an-attested-practitioner",
			Self::NoConsent => "no-consent",
			Self::Revoked => "revoked",
			Self::NotYetValid => "not-yet-valid",
			Self::Expired => "expired",
			Self::ActionNotAllowed => "action-not-allowed",
			Self::PurposeNotAllowed => "purpose-not-allowed",
			Self::ClassExcluded => "class-excluded",
			Self::NotCovered => "not-covered",
			Self::EmergencyExpired => "emergency-expired",
			Self::ClassClosedToEmergency => "class-closed-to-emergency",
			Self::UnknownRecord => "unknown-record",
			Self::RecordErased => "record-erased",
		}
	}
}

/// The answer of the access rule.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
)]
pub enum AccessDecision {
	/// Access is allowed, on this basis.
	Permit(PermitBasis),
	/// Access is refused, for this reason.
	Deny(DenyReason),
}

impl AccessDecision {
	/// Whether access is allowed.
	pub fn is_permit(&self) -> bool {
		matches!(self, Self::Permit(_))
	}
}

/// Whether a consent still counts. FHIR `Consent.status` (`active` / `inactive`).
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
)]
pub enum ConsentStatus {
	/// In force (within its period).
	Active,
	/// Revoked by `by` at chain time `at`; it stopped counting from the next block.
	Revoked {
		/// When, ms since the Unix epoch.
		at: Moment,
		/// The patient or guardian who revoked it.
		by: SubjectId,
	},
}

/// A consent as the runtime API returns it. Each field names the FHIR `Consent` element it
/// becomes; docs/consent.md has the full mapping.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, TypeInfo)]
pub struct ConsentRecord {
	/// FHIR `Consent.id` (`medchain-consent-<n>`).
	pub id: ConsentId,
	/// The patient whose data it covers. FHIR `patient`.
	pub patient: SubjectId,
	/// Who granted it: the patient or a guardian. FHIR `performer`.
	pub grantor: SubjectId,
	/// Who may access. FHIR `provision.actor`.
	pub grantee: Grantee,
	/// What they may do. FHIR `provision.action`.
	pub actions: ActionSet,
	/// Data classes covered. FHIR `provision.class`.
	pub classes: DataClassSet,
	/// Records covered by name. FHIR `provision.data`.
	pub records: Vec<RecordId>,
	/// Classes excluded even where otherwise covered. FHIR nested `provision` of type `deny`.
	pub excluded: DataClassSet,
	/// Purposes allowed. FHIR `provision.purpose`.
	pub purposes: PurposeSet,
	/// Start of validity (inclusive), ms. FHIR `provision.period.start`.
	pub valid_from: Moment,
	/// End of validity (exclusive), ms, if any. FHIR `provision.period.end`.
	pub valid_until: Option<Moment>,
	/// Active or revoked. FHIR `status`.
	pub status: ConsentStatus,
	/// When it was granted, ms. FHIR `dateTime`.
	pub granted_at: Moment,
}

/// An emergency (break-glass) grant: a practitioner's time-boxed access without consent.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
)]
pub struct EmergencyGrant {
	/// The patient.
	pub patient: SubjectId,
	/// The attested practitioner who opened it.
	pub practitioner: SubjectId,
	/// When it opened, ms.
	pub opened_at: Moment,
	/// When it ends by itself (exclusive), ms.
	pub expires_at: Moment,
	/// blake2-256 of the off-chain justification text.
	pub justification: H256,
}

//! Consent vocabulary: what may be shared (data classes, records), with whom, for which action and
//! purpose, and the answer of the one access rule. Modelled on FHIR R4 `Consent`.

use alloc::vec::Vec;
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use core::fmt;
use scale_info::TypeInfo;
use sp_core::H256;
use strum::{EnumIter, EnumMessage, IntoStaticStr};

use crate::{
	identity::SubjectId,
	text::{hex_digits32, write_hex, ParseError},
	Moment,
};

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
	EnumIter,
	IntoStaticStr,
	EnumMessage,
)]
pub enum DataClass {
	/// Name, birth date, contact: the Patient resource.
	#[strum(to_string = "demographics", message = "Demographics")]
	Demographics = 0,
	/// Visits and admissions.
	#[strum(to_string = "encounters", message = "Encounters")]
	Encounters = 1,
	/// Prescriptions and medication statements.
	#[strum(to_string = "medications", message = "Medications")]
	Medications = 2,
	/// Allergies and intolerances.
	#[strum(to_string = "allergies", message = "Allergies")]
	Allergies = 3,
	/// Problems and diagnoses.
	#[strum(to_string = "conditions", message = "Conditions")]
	Conditions = 4,
	/// Laboratory results.
	#[strum(to_string = "labs", message = "Laboratory results")]
	Labs = 5,
	/// Imaging studies and reports.
	#[strum(to_string = "imaging", message = "Imaging")]
	Imaging = 6,
	/// Immunizations.
	#[strum(to_string = "immunizations", message = "Immunizations")]
	Immunizations = 7,
	/// Procedures.
	#[strum(to_string = "procedures", message = "Procedures")]
	Procedures = 8,
	/// Vital signs.
	#[strum(to_string = "vital-signs", message = "Vital signs")]
	VitalSigns = 9,
	/// Clinical notes.
	#[strum(to_string = "clinical-notes", message = "Clinical notes")]
	ClinicalNotes = 10,
	/// Mental health: specially protected.
	#[strum(to_string = "mental-health", message = "Mental health")]
	MentalHealth = 11,
	/// Substance use (42 CFR Part 2): specially protected.
	#[strum(to_string = "substance-use", message = "Substance use")]
	SubstanceUse = 12,
	/// Sexual and reproductive health: specially protected.
	#[strum(to_string = "sexual-health", message = "Sexual health")]
	SexualHealth = 13,
	/// Genomic data: specially protected.
	#[strum(to_string = "genomics", message = "Genomics")]
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

	/// The code in MedChain's `data-class` CodeSystem: the class's name (`Display`).
	pub fn code(&self) -> &'static str {
		(*self).into()
	}
}

code_text!(DataClass, "data class");

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
	EnumIter,
	IntoStaticStr,
	EnumMessage,
)]
pub enum PurposeOfUse {
	/// TREAT: treatment.
	#[strum(to_string = "TREAT", message = "Treatment")]
	Treat = 0,
	/// ETREAT: emergency treatment; the only purpose break-glass access allows.
	#[strum(to_string = "ETREAT", message = "Emergency treatment")]
	EmergencyTreat = 1,
	/// HPAYMT: healthcare payment.
	#[strum(to_string = "HPAYMT", message = "Payment")]
	Payment = 2,
	/// HOPERAT: healthcare operations.
	#[strum(to_string = "HOPERAT", message = "Healthcare operations")]
	Operations = 3,
	/// HRESCH: healthcare research.
	#[strum(to_string = "HRESCH", message = "Research")]
	Research = 4,
	/// PUBHLTH: public health.
	#[strum(to_string = "PUBHLTH", message = "Public health")]
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

	/// The HL7 v3 ActReason code: the purpose's name (`Display`).
	pub fn code(&self) -> &'static str {
		(*self).into()
	}
}

code_text!(PurposeOfUse, "purpose of use");

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
	EnumIter,
	IntoStaticStr,
	EnumMessage,
)]
pub enum ConsentAction {
	/// Read records (`access`).
	#[strum(to_string = "read", message = "Read")]
	Read = 0,
	/// Create or append records (`correct`).
	#[strum(to_string = "create", message = "Add records")]
	Create = 1,
	/// Share onward to a third party (`disclose`).
	#[strum(to_string = "share", message = "Share onwards")]
	Share = 2,
}

impl ConsentAction {
	/// Every action, in code order.
	pub const ALL: [ConsentAction; 3] = [Self::Read, Self::Create, Self::Share];

	/// The FHIR `consentaction` code. MedChain's tools name an action `read`, `create` or
	/// `share` (`Display`), and read either spelling.
	pub fn code(&self) -> &'static str {
		match self {
			Self::Read => "access",
			Self::Create => "correct",
			Self::Share => "disclose",
		}
	}
}

code_text!(ConsentAction, "action", alias = ConsentAction::code);

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

impl RecordId {
	/// What a record identifier is called in parse errors.
	const WHAT: &'static str = "record identifier";
}

/// `0x<64 lowercase hex digits>`.
impl fmt::Display for RecordId {
	fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
		f.write_str("0x")?;
		write_hex(f, &self.0)
	}
}

/// The 64 hex digits alone (`{:x}`: FHIR identifiers, file names), or after `0x` (`{:#x}`).
impl fmt::LowerHex for RecordId {
	fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
		if f.alternate() {
			f.write_str("0x")?;
		}
		write_hex(f, &self.0)
	}
}

/// Parses 64 hex digits, `0x` optional.
impl core::str::FromStr for RecordId {
	type Err = ParseError;

	fn from_str(text: &str) -> Result<Self, ParseError> {
		hex_digits32(Self::WHAT, text, text.strip_prefix("0x").unwrap_or(text)).map(Self)
	}
}

serde_as_text!(RecordId, "a record identifier (0x<64 hex digits>)");

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
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize), serde(transparent))]
pub struct ConsentId(pub u64);

sequence_text!(ConsentId, "consent id");

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
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize), serde(transparent))]
pub struct EmergencyId(pub u64);

sequence_text!(EmergencyId, "emergency grant id");

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
#[cfg_attr(
	feature = "serde",
	derive(serde::Serialize, serde::Deserialize),
	serde(rename_all = "snake_case")
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
#[cfg_attr(
	feature = "serde",
	derive(serde::Serialize, serde::Deserialize),
	serde(rename_all = "snake_case")
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
#[cfg_attr(
	feature = "serde",
	derive(serde::Serialize, serde::Deserialize),
	serde(rename_all = "snake_case")
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
	EnumIter,
	IntoStaticStr,
	EnumMessage,
)]
pub enum DenyReason {
	/// The patient is not a registered patient.
	#[strum(to_string = "unknown-patient", message = "The patient is not a registered patient.")]
	UnknownPatient,
	/// The patient's identity is deactivated.
	#[strum(to_string = "patient-deactivated", message = "The patient's identity is deactivated.")]
	PatientDeactivated,
	/// The accessor is not a registered, active subject.
	#[strum(
		to_string = "unknown-accessor",
		message = "The requester is not a registered, active identity."
	)]
	UnknownAccessor,
	/// The accessor is not a practitioner with a live attestation.
	#[strum(
		to_string = "not-an-attested-practitioner",
		message = "The requester is not a practitioner with a live attestation."
	)]
	NotAnAttestedPractitioner,
	/// No consent names the accessor (or their organization).
	#[strum(
		to_string = "no-consent",
		message = "The patient has not granted this requester access."
	)]
	NoConsent,
	/// The consent that would apply was revoked.
	#[strum(to_string = "revoked", message = "The patient revoked the consent that allowed this.")]
	Revoked,
	/// The consent is not valid yet.
	#[strum(to_string = "not-yet-valid", message = "The consent is not valid yet.")]
	NotYetValid,
	/// The consent has expired.
	#[strum(to_string = "expired", message = "The consent has expired.")]
	Expired,
	/// The consent does not allow this action.
	#[strum(to_string = "action-not-allowed", message = "The consent does not allow this action.")]
	ActionNotAllowed,
	/// The consent does not allow this purpose of use.
	#[strum(
		to_string = "purpose-not-allowed",
		message = "The consent does not allow this purpose of use."
	)]
	PurposeNotAllowed,
	/// The consent explicitly excludes this data class.
	#[strum(to_string = "class-excluded", message = "The patient excluded this class of data.")]
	ClassExcluded,
	/// The consent covers neither this data class nor this record.
	#[strum(to_string = "not-covered", message = "No consent covers this data.")]
	NotCovered,
	/// The emergency access has ended.
	#[strum(to_string = "emergency-expired", message = "The emergency access has ended.")]
	EmergencyExpired,
	/// Break-glass access never opens this class: the patient (or the default) closed it.
	#[strum(
		to_string = "class-closed-to-emergency",
		message = "The patient closed this class of data to emergency access."
	)]
	ClassClosedToEmergency,
	/// No record of this patient is anchored under that identifier.
	#[strum(to_string = "unknown-record", message = "There is no such record.")]
	UnknownRecord,
	/// The record was erased: its ciphertext is gone and nobody may access it.
	#[strum(to_string = "record-erased", message = "The record was erased.")]
	RecordErased,
}

impl DenyReason {
	/// The code in MedChain's `deny-reason` CodeSystem: the reason's name (`Display`).
	pub fn code(&self) -> &'static str {
		(*self).into()
	}
}

code_text!(DenyReason, "deny reason");

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
#[cfg_attr(
	feature = "serde",
	derive(serde::Serialize, serde::Deserialize),
	serde(rename_all = "snake_case")
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
#[cfg_attr(
	feature = "serde",
	derive(serde::Serialize, serde::Deserialize),
	serde(rename_all = "snake_case")
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
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
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
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
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

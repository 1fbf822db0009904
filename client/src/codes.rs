//! MedChain's code sets by name, for people and scripts: `labs`, `TREAT`, `read`, `physician`.
//! Parsing is case-insensitive and takes `_` for `-`; every error lists the valid names.

use medchain_primitives::{
	consent::{ConsentAction, DataClass, PurposeOfUse},
	identity::{PractitionerRole, SubjectKind},
	records::RecordStatus,
};

fn parse<T: Copy>(
	kind: &str,
	text: &str,
	all: &[T],
	code: impl Fn(&T) -> String,
) -> Result<T, String> {
	let wanted = text.trim().to_ascii_lowercase().replace('_', "-");
	all.iter()
		.copied()
		.find(|c| code(c).to_ascii_lowercase() == wanted)
		.ok_or_else(|| {
			let names: Vec<String> = all.iter().map(&code).collect();
			format!("unknown {kind} `{text}`; expected one of: {}", names.join(", "))
		})
}

/// A data class by its code (`labs`, `vital-signs`, …).
pub fn data_class(text: &str) -> Result<DataClass, String> {
	parse("data class", text, &DataClass::ALL, |c| c.code().into())
}

/// A purpose of use by its HL7 code (`TREAT`, `ETREAT`, …).
pub fn purpose(text: &str) -> Result<PurposeOfUse, String> {
	parse("purpose of use", text, &PurposeOfUse::ALL, |c| c.code().into())
}

/// The name MedChain's tools give an action: `read`, `create`, `share`.
pub fn action_name(action: ConsentAction) -> &'static str {
	match action {
		ConsentAction::Read => "read",
		ConsentAction::Create => "create",
		ConsentAction::Share => "share",
	}
}

/// An action by name (`read`, `create`, `share`) or FHIR code (`access`, `correct`, `disclose`).
pub fn action(text: &str) -> Result<ConsentAction, String> {
	parse("action", text, &ConsentAction::ALL, |c| action_name(*c).into())
		.or_else(|_| parse("action", text, &ConsentAction::ALL, |c| c.code().into()))
}

/// The name of a practitioner role: `physician`, `mental-health`, ….
pub fn role_name(role: PractitionerRole) -> &'static str {
	match role {
		PractitionerRole::Physician => "physician",
		PractitionerRole::Nurse => "nurse",
		PractitionerRole::Pharmacist => "pharmacist",
		PractitionerRole::Lab => "lab",
		PractitionerRole::Imaging => "imaging",
		PractitionerRole::MentalHealth => "mental-health",
		PractitionerRole::Emergency => "emergency",
		PractitionerRole::Administrative => "administrative",
	}
}

/// A practitioner role by name.
pub fn role(text: &str) -> Result<PractitionerRole, String> {
	parse("role", text, &PractitionerRole::ALL, |r| role_name(*r).into())
}

/// The name of a subject kind: `patient`, `practitioner`, `organization`, `gateway`.
pub fn kind_name(kind: SubjectKind) -> &'static str {
	match kind {
		SubjectKind::Patient => "patient",
		SubjectKind::Practitioner => "practitioner",
		SubjectKind::Organization => "organization",
		SubjectKind::Gateway => "gateway",
	}
}

/// A record status by its code (`active`, `superseded`, `erased`).
pub fn record_status(text: &str) -> Result<RecordStatus, String> {
	parse(
		"record status",
		text,
		&[RecordStatus::Active, RecordStatus::Superseded, RecordStatus::Erased],
		|s| s.code().into(),
	)
}

/// A comma-separated list of codes.
pub fn list<T>(text: &str, one: impl Fn(&str) -> Result<T, String>) -> Result<Vec<T>, String> {
	text.split(',').filter(|s| !s.trim().is_empty()).map(one).collect()
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn every_code_parses_back_and_bad_ones_list_the_choices() {
		for class in DataClass::ALL {
			assert_eq!(data_class(class.code()), Ok(class));
		}
		for purpose_of_use in PurposeOfUse::ALL {
			assert_eq!(purpose(&purpose_of_use.code().to_lowercase()), Ok(purpose_of_use));
		}
		for r in PractitionerRole::ALL {
			assert_eq!(role(role_name(r)), Ok(r));
		}
		assert_eq!(data_class("Vital_Signs"), Ok(DataClass::VitalSigns));
		assert_eq!(action("correct"), Ok(ConsentAction::Create));
		assert_eq!(
			list("labs, imaging", data_class),
			Ok(vec![DataClass::Labs, DataClass::Imaging])
		);
		let error = data_class("xrays").unwrap_err();
		assert!(error.contains("xrays") && error.contains("imaging"), "{error}");
	}
}

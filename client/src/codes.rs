//! MedChain's code sets by name, for people and scripts: `labs`, `TREAT`, `read`, `physician`.
//!
//! The names, the labels and the parser are the primitives' (one table per vocabulary, see
//! [`medchain_primitives::text`]): each code's `Display` writes its name and `FromStr` reads it
//! back (any case, `_` for `-`; an error lists the valid names). These functions are that parser
//! with a `String` error, for callers written before it; new code parses with `str::parse` and
//! prints with `Display`.

use medchain_primitives::{
	consent::{ConsentAction, DataClass, PurposeOfUse},
	identity::{PractitionerRole, SubjectKind},
	records::RecordStatus,
	text::Code,
};

/// A data class by its code (`labs`, `vital-signs`, …).
pub fn data_class(text: &str) -> Result<DataClass, String> {
	text.parse().map_err(String::from)
}

/// A purpose of use by its HL7 code (`TREAT`, `ETREAT`, …).
pub fn purpose(text: &str) -> Result<PurposeOfUse, String> {
	text.parse().map_err(String::from)
}

/// The name MedChain's tools give an action: `read`, `create`, `share`.
pub fn action_name(action: ConsentAction) -> &'static str {
	action.name()
}

/// An action by name (`read`, `create`, `share`) or FHIR code (`access`, `correct`, `disclose`).
pub fn action(text: &str) -> Result<ConsentAction, String> {
	text.parse().map_err(String::from)
}

/// The name of a practitioner role: `physician`, `mental-health`, ….
pub fn role_name(role: PractitionerRole) -> &'static str {
	role.name()
}

/// A practitioner role by name.
pub fn role(text: &str) -> Result<PractitionerRole, String> {
	text.parse().map_err(String::from)
}

/// The name of a subject kind: `patient`, `practitioner`, `organization`, `gateway`.
pub fn kind_name(kind: SubjectKind) -> &'static str {
	kind.name()
}

/// A record status by its code (`active`, `superseded`, `erased`).
pub fn record_status(text: &str) -> Result<RecordStatus, String> {
	text.parse().map_err(String::from)
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

	#[test]
	fn a_wrong_action_lists_the_names_people_type() {
		assert_eq!(action_name(ConsentAction::Share), "share");
		assert_eq!(kind_name(SubjectKind::Organization), "organization");
		assert_eq!(record_status("Erased"), Ok(RecordStatus::Erased));
		assert_eq!(
			action("write").unwrap_err(),
			"unknown action `write`; expected one of: read, create, share"
		);
	}
}

//! The one textual form of MedChain's identifiers and codes: what a person reads and types, what a
//! command line, a URL or a log line carries, and (with the `serde` feature) what JSON holds.
//!
//! | type | written (`Display`) | read (`FromStr`) |
//! | --- | --- | --- |
//! | [`SubjectId`](crate::identity::SubjectId) | `did:medchain:<64 hex digits>` | that, or `0x<64 hex digits>` |
//! | [`RecordId`](crate::consent::RecordId) | `0x<64 hex digits>` | that, `0x` optional |
//! | [`ConsentId`](crate::consent::ConsentId), [`EmergencyId`](crate::consent::EmergencyId) | decimal | decimal |
//! | a [`Code`] (`DataClass`, `PurposeOfUse`, …) | its name: `labs`, `TREAT`, `read` | its name (or alias), any case, `_` for `-` |
//! | a code set (`DataClassSet`, …) | names, comma-separated: `labs,imaging` | the same, spaces and empty items ignored |
//!
//! Every refusal is a [`ParseError`] that says what is wrong (no prefix, a character that is not
//! a hex digit, the wrong number of digits, an unknown code and the codes there are).
//!
//! A code vocabulary has one table: the `#[strum(to_string = …, message = …)]` attributes on its
//! enum's variants give each code its name and its label, in the enum's (the bit sets') order.
//! The CLI, the gateway, the FHIR export and the JavaScript package (`js/src/codes.js`, generated
//! from these tables by `primitives/tests/js_codes.rs`) all read it.
//!
//! With the `serde` feature, identifiers and codes serialize as their text (sequence numbers as
//! numbers), code sets as lists of names, 32-byte keys as `0x` hex and hashes as `0x` hex; the
//! records around them (consents, anchors, audit entries, identity documents) derive their JSON
//! from those. The runtime never turns the feature on.

use alloc::{
	string::{String, ToString},
	vec::Vec,
};
use core::fmt;
use strum::{EnumMessage, IntoEnumIterator};

/// Why a text is not the identifier or code it should be.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum ParseError {
	/// An identifier without the prefix its form requires (`did:medchain:` or `0x`).
	MissingPrefix {
		/// What the text should have been (`subject identifier`).
		what: &'static str,
		/// The text as given.
		input: String,
		/// The forms that are accepted.
		expected: &'static str,
	},
	/// Hex digits, but not the 64 that 32 bytes take.
	Length {
		/// What the text should have been (`record identifier`).
		what: &'static str,
		/// The text as given.
		input: String,
		/// How many hex digits it has.
		digits: usize,
	},
	/// A character that is not a hex digit where only hex digits may be.
	NotHex {
		/// What the text should have been.
		what: &'static str,
		/// The text as given.
		input: String,
		/// The first character that is not a hex digit.
		found: char,
	},
	/// Not a whole number, where a sequence number was expected.
	NotANumber {
		/// What the text should have been (`consent id`).
		what: &'static str,
		/// The text as given.
		input: String,
	},
	/// No code of the vocabulary has this name.
	UnknownCode {
		/// The vocabulary (`data class`).
		vocabulary: &'static str,
		/// The text as given.
		input: String,
		/// Every name the vocabulary has, in its order.
		expected: Vec<&'static str>,
	},
}

impl fmt::Display for ParseError {
	fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
		match self {
			Self::MissingPrefix { what, input, expected } => {
				write!(f, "`{input}` is not a {what}: write it as {expected}")
			},
			Self::Length { what, input, digits } => {
				write!(
					f,
					"`{input}` is not a {what}: it has {digits} hex digits, not 64 (32 bytes)"
				)
			},
			Self::NotHex { what, input, found } => {
				write!(f, "`{input}` is not a {what}: `{found}` is not a hex digit")
			},
			Self::NotANumber { what, input } => {
				write!(f, "`{input}` is not a {what}: expected a whole number")
			},
			Self::UnknownCode { vocabulary, input, expected } => {
				write!(f, "unknown {vocabulary} `{input}`; expected one of: ")?;
				for (i, name) in expected.iter().enumerate() {
					if i > 0 {
						f.write_str(", ")?;
					}
					f.write_str(name)?;
				}
				Ok(())
			},
		}
	}
}

impl core::error::Error for ParseError {}

/// The error's one-line reason, for callers whose errors are strings.
impl From<ParseError> for String {
	fn from(error: ParseError) -> Self {
		error.to_string()
	}
}

/// A code from one of MedChain's fixed vocabularies (data classes, purposes of use, actions,
/// roles, deny reasons, audit event types, …), with its one textual form.
///
/// Implemented by `code_text!` for enums whose variants carry `#[strum(to_string = "<name>",
/// message = "<label>")]`: the name is what `Display` writes and `FromStr` reads, the label what a
/// person reads in a form or a table.
pub trait Code:
	Copy + Eq + fmt::Debug + 'static + IntoEnumIterator + EnumMessage + Into<&'static str>
{
	/// What the vocabulary is called in messages: `data class`, `purpose of use`.
	const VOCABULARY: &'static str;

	/// The code's name: what MedChain's tools print and read (`labs`, `TREAT`, `read`).
	fn name(self) -> &'static str {
		self.into()
	}

	/// How a person reads the code (`Laboratory results`).
	fn label(self) -> &'static str {
		self.get_message().unwrap_or_else(|| self.name())
	}

	/// Another spelling that parses to this code: an action's FHIR code (`access` for `read`).
	fn alias(self) -> Option<&'static str> {
		None
	}

	/// Every code of the vocabulary, in code order (bit `n` of a code set is the `n`th).
	fn all() -> <Self as IntoEnumIterator>::Iterator {
		Self::iter()
	}

	/// The code named `text` (its name or alias): any case, `_` for `-`, surrounding space
	/// ignored. `FromStr` is this.
	fn parse(text: &str) -> Result<Self, ParseError> {
		let wanted = text.trim();
		Self::all()
			.find(|code| {
				same_code(wanted, code.name()) || code.alias().is_some_and(|a| same_code(wanted, a))
			})
			.ok_or_else(|| ParseError::UnknownCode {
				vocabulary: Self::VOCABULARY,
				input: text.into(),
				expected: Self::all().map(Self::name).collect(),
			})
	}
}

/// Whether `text` names `code`, ASCII case aside and with `_` standing for `-`.
fn same_code(text: &str, code: &str) -> bool {
	let fold = |byte: u8| if byte == b'_' { b'-' } else { byte.to_ascii_lowercase() };
	text.len() == code.len() && text.bytes().zip(code.bytes()).all(|(a, b)| fold(a) == fold(b))
}

/// Parses 32 bytes written as 64 hex digits, `0x` optional (a key, a hash); `what` names the
/// value in the error.
pub fn parse_hex32(what: &'static str, text: &str) -> Result<[u8; 32], ParseError> {
	hex_digits32(what, text, text.strip_prefix("0x").unwrap_or(text))
}

/// The 32 bytes that `digits` (64 hex digits, any case) write; `input` is the whole text, for the
/// error.
pub(crate) fn hex_digits32(
	what: &'static str,
	input: &str,
	digits: &str,
) -> Result<[u8; 32], ParseError> {
	if let Some(found) = digits.chars().find(|c| !c.is_ascii_hexdigit()) {
		return Err(ParseError::NotHex { what, input: input.into(), found });
	}
	// Only ASCII hex digits remain, so bytes are characters.
	if digits.len() != 64 {
		return Err(ParseError::Length { what, input: input.into(), digits: digits.len() });
	}
	let nibble = |digit: u8| match digit {
		b'0'..=b'9' => digit - b'0',
		b'a'..=b'f' => digit - b'a' + 10,
		_ => digit - b'A' + 10,
	};
	let mut bytes = [0u8; 32];
	for (byte, pair) in bytes.iter_mut().zip(digits.as_bytes().chunks_exact(2)) {
		*byte = (nibble(pair[0]) << 4) | nibble(pair[1]);
	}
	Ok(bytes)
}

/// Writes `bytes` as lowercase hex digits, without a prefix.
pub(crate) fn write_hex(f: &mut fmt::Formatter<'_>, bytes: &[u8]) -> fmt::Result {
	bytes.iter().try_for_each(|byte| write!(f, "{byte:02x}"))
}

/// Bytes as MedChain writes them for people and JSON: `0x` and lowercase hex digits.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Hex<'a>(pub &'a [u8]);

impl fmt::Display for Hex<'_> {
	fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
		f.write_str("0x")?;
		write_hex(f, self.0)
	}
}

/// Deserializes a value from its text with `parse`; `expecting` completes "expected …" in the
/// error for a value that is not a string.
#[cfg(feature = "serde")]
pub(crate) fn deserialize_text<'de, D, T>(
	deserializer: D,
	expecting: &'static str,
	parse: fn(&str) -> Result<T, ParseError>,
) -> Result<T, D::Error>
where
	D: serde::Deserializer<'de>,
{
	struct Text<T> {
		expecting: &'static str,
		parse: fn(&str) -> Result<T, ParseError>,
	}

	impl<T> serde::de::Visitor<'_> for Text<T> {
		type Value = T;

		fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
			f.write_str(self.expecting)
		}

		fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<T, E> {
			(self.parse)(text).map_err(E::custom)
		}
	}

	deserializer.deserialize_str(Text { expecting, parse })
}

/// Serde for a 32-byte key as `0x` hex: `#[serde(with = "crate::text::hex32")]`.
#[cfg(feature = "serde")]
pub(crate) mod hex32 {
	/// Writes the key as `0x` hex.
	pub fn serialize<S: serde::Serializer>(
		bytes: &[u8; 32],
		serializer: S,
	) -> Result<S::Ok, S::Error> {
		serializer.collect_str(&super::Hex(bytes))
	}

	/// Reads 64 hex digits, `0x` optional.
	pub fn deserialize<'de, D: serde::Deserializer<'de>>(
		deserializer: D,
	) -> Result<[u8; 32], D::Error> {
		super::deserialize_text(deserializer, "32 bytes of hex", key)
	}

	fn key(text: &str) -> Result<[u8; 32], super::ParseError> {
		super::parse_hex32("32-byte key", text)
	}
}

#[cfg(test)]
mod tests {
	use core::{fmt::Display, str::FromStr};

	use super::*;
	use crate::{
		audit::{AuditAction, AuditEventType, AuditOutcome},
		consent::{
			ActionSet, ConsentAction, ConsentId, DataClass, DataClassSet, DenyReason, EmergencyId,
			PurposeOfUse, PurposeSet, RecordId,
		},
		identity::{PractitionerRole, RoleSet, SubjectId, SubjectKind},
		records::RecordStatus,
	};

	/// Every code of `C` prints and parses back, in any case and with `_` for `-`; its alias
	/// parses to it too; names are unique and every code has a label of its own.
	fn every_code_round_trips<C>()
	where
		C: Code + Display + FromStr<Err = ParseError>,
	{
		let names: Vec<&str> = C::all().map(C::name).collect();
		assert!(!names.is_empty(), "{} has codes", C::VOCABULARY);
		for code in C::all() {
			let text = code.to_string();
			assert_eq!(text, code.name());
			assert_eq!(text.parse::<C>(), Ok(code), "{text}");
			assert_eq!(text.to_uppercase().replace('-', "_").parse::<C>(), Ok(code), "{text}");
			assert_eq!(format!(" {} ", text.to_lowercase()).parse::<C>(), Ok(code), "{text}");
			if let Some(alias) = code.alias() {
				assert_eq!(alias.parse::<C>(), Ok(code), "{alias}");
			}
			assert_eq!(names.iter().filter(|n| n.eq_ignore_ascii_case(&text)).count(), 1);
			assert!(code.get_message().is_some(), "{text} has a label in the table");
			assert!(!code.label().is_empty());
		}
	}

	#[test]
	fn every_code_of_every_vocabulary_prints_and_parses_back() {
		every_code_round_trips::<DataClass>();
		every_code_round_trips::<PurposeOfUse>();
		every_code_round_trips::<ConsentAction>();
		every_code_round_trips::<DenyReason>();
		every_code_round_trips::<PractitionerRole>();
		every_code_round_trips::<SubjectKind>();
		every_code_round_trips::<RecordStatus>();
		every_code_round_trips::<AuditEventType>();
		every_code_round_trips::<AuditAction>();
		every_code_round_trips::<AuditOutcome>();
	}

	#[test]
	fn the_code_tables_are_in_the_order_of_the_bit_sets() {
		assert_eq!(DataClass::all().collect::<Vec<_>>(), DataClass::ALL.to_vec());
		assert_eq!(PurposeOfUse::all().collect::<Vec<_>>(), PurposeOfUse::ALL.to_vec());
		assert_eq!(ConsentAction::all().collect::<Vec<_>>(), ConsentAction::ALL.to_vec());
		assert_eq!(PractitionerRole::all().collect::<Vec<_>>(), PractitionerRole::ALL.to_vec());
		for (bit, class) in DataClass::all().enumerate() {
			assert_eq!(class as usize, bit);
		}
	}

	#[test]
	fn codes_keep_the_names_tools_and_fhir_use() {
		assert_eq!(DataClass::VitalSigns.to_string(), "vital-signs");
		assert_eq!(DataClass::Labs.label(), "Laboratory results");
		assert_eq!(PurposeOfUse::EmergencyTreat.to_string(), "ETREAT");
		assert_eq!(ConsentAction::Create.to_string(), "create");
		assert_eq!(ConsentAction::Create.code(), "correct");
		assert_eq!("disclose".parse(), Ok(ConsentAction::Share));
		assert_eq!(PractitionerRole::MentalHealth.to_string(), "mental-health");
		assert_eq!(DenyReason::NotAnAttestedPractitioner.code(), "not-an-attested-practitioner");
		assert_eq!(AuditEventType::EmergencyEnded.code(), "emergency-ended");
		assert_eq!(AuditAction::Execute.code(), "E");
		assert_eq!(AuditOutcome::MajorFailure.code(), "12");
		assert_eq!(RecordStatus::Superseded.code(), "superseded");
		assert_eq!(SubjectKind::Gateway.to_string(), "gateway");
		assert_eq!(format!("[{:<8}]", ConsentAction::Read), "[read    ]");
	}

	#[test]
	fn an_unknown_code_is_refused_with_every_name_it_could_have_been() {
		let error = "write".parse::<ConsentAction>().unwrap_err();
		assert_eq!(
			error,
			ParseError::UnknownCode {
				vocabulary: "action",
				input: "write".into(),
				expected: vec!["read", "create", "share"],
			}
		);
		assert_eq!(
			error.to_string(),
			"unknown action `write`; expected one of: read, create, share"
		);
		let error = "xrays".parse::<DataClass>().unwrap_err().to_string();
		assert!(error.starts_with("unknown data class `xrays`; expected one of: demographics, "));
		assert!(error.ends_with(", genomics"), "{error}");
		assert!("".parse::<PurposeOfUse>().is_err());
		assert!("lab s".parse::<DataClass>().is_err());
		assert!("läbs".parse::<DataClass>().is_err());
	}

	#[test]
	fn code_sets_print_and_parse_as_comma_separated_names() {
		for bits in 0..(1u8 << ConsentAction::ALL.len()) {
			let set = ActionSet(bits);
			assert_eq!(set.to_string().parse(), Ok(set), "{set}");
		}
		for bits in 0..(1u8 << PurposeOfUse::ALL.len()) {
			assert_eq!(PurposeSet(bits).to_string().parse(), Ok(PurposeSet(bits)));
		}
		for bits in 0..=u8::MAX {
			assert_eq!(RoleSet(bits).to_string().parse(), Ok(RoleSet(bits)));
		}
		let classes = DataClassSet::of(&[DataClass::Labs, DataClass::Imaging]);
		assert_eq!(classes.to_string(), "labs,imaging");
		assert_eq!(" labs, Imaging ,,".parse(), Ok(classes));
		assert_eq!("".parse(), Ok(DataClassSet::EMPTY));
		assert!(matches!(
			"labs,xrays".parse::<DataClassSet>(),
			Err(ParseError::UnknownCode { vocabulary: "data class", .. })
		));
	}

	#[test]
	fn identifiers_print_and_parse_back() {
		let mut mixed = [0u8; 32];
		for (i, byte) in mixed.iter_mut().enumerate() {
			*byte = (i as u8).wrapping_mul(37);
		}
		for bytes in [[0u8; 32], [0xab; 32], [0xff; 32], mixed] {
			let subject = SubjectId(bytes);
			assert_eq!(subject.to_string().parse(), Ok(subject));
			assert_eq!(subject.to_did(), subject.to_string());
			assert_eq!(format!("{subject:#x}").parse(), Ok(subject));
			assert_eq!(SubjectId::from_did(&subject.to_did()), Ok(subject));
			assert_eq!(format!("{subject:?}"), subject.to_string());

			let record = RecordId(bytes);
			assert_eq!(record.to_string().parse(), Ok(record));
			assert_eq!(format!("{record:x}").parse(), Ok(record));
			assert_eq!(record.to_string(), format!("{record:#x}"));
			assert_eq!(record.to_string(), Hex(&bytes).to_string());
			assert_eq!(parse_hex32("key", &Hex(&bytes).to_string()), Ok(bytes));
		}
		assert_eq!(SubjectId([0xab; 32]).to_string(), format!("did:medchain:{}", "ab".repeat(32)));
		assert_eq!(RecordId([0x0c; 32]).to_string(), format!("0x{}", "0c".repeat(32)));
		assert_eq!(format!("0x{}", "AB".repeat(32)).parse(), Ok(SubjectId([0xab; 32])));
		for id in [0, 7, u64::MAX] {
			assert_eq!(ConsentId(id).to_string().parse(), Ok(ConsentId(id)));
			assert_eq!(EmergencyId(id).to_string().parse(), Ok(EmergencyId(id)));
		}
		assert_eq!(ConsentId(42).to_string(), "42");
	}

	#[test]
	fn a_malformed_identifier_says_what_is_wrong() {
		let bare = "ab".repeat(32);
		assert!(matches!(
			bare.parse::<SubjectId>(),
			Err(ParseError::MissingPrefix { what: "subject identifier", .. })
		));
		assert!(matches!(
			SubjectId::from_did(&format!("0x{bare}")),
			Err(ParseError::MissingPrefix { .. })
		));
		assert_eq!(
			"did:medchain:zz".parse::<SubjectId>(),
			Err(ParseError::NotHex {
				what: "subject identifier",
				input: "did:medchain:zz".into(),
				found: 'z',
			})
		);
		assert_eq!(
			"0xabcd".parse::<SubjectId>(),
			Err(ParseError::Length {
				what: "subject identifier",
				input: "0xabcd".into(),
				digits: 4
			})
		);
		// A record identifier's `0x` is optional, so a bare one is fine and a short one is short.
		assert_eq!(bare.parse(), Ok(RecordId([0xab; 32])));
		let short = "0x1234".parse::<RecordId>().unwrap_err();
		assert_eq!(
			short.to_string(),
			"`0x1234` is not a record identifier: it has 4 hex digits, not 64 (32 bytes)"
		);
		assert!(matches!(
			format!("0x{}", "ab".repeat(33)).parse::<RecordId>(),
			Err(ParseError::Length { digits: 66, .. })
		));
		assert!(matches!(
			format!("0x{}g", "a".repeat(63)).parse::<RecordId>(),
			Err(ParseError::NotHex { found: 'g', .. })
		));
		assert!(matches!(" 0x12".parse::<RecordId>(), Err(ParseError::NotHex { found: ' ', .. })));
		assert!(matches!(
			"seven".parse::<ConsentId>(),
			Err(ParseError::NotANumber { what: "consent id", .. })
		));
		assert!("-1".parse::<EmergencyId>().is_err());
		let message = String::from("did:medchain:zz".parse::<SubjectId>().unwrap_err());
		assert_eq!(
			message,
			"`did:medchain:zz` is not a subject identifier: `z` is not a hex digit"
		);
		assert!(parse_hex32("key", "0x12").is_err());
	}

	#[cfg(feature = "serde")]
	mod serde_forms {
		use serde::{de::DeserializeOwned, Serialize};
		use serde_json::{json, Value};
		use sp_core::{crypto::AccountId32, H256};

		use super::*;
		use crate::{
			audit::{
				AuditEntity, AuditEntry, AuditPolicy, AuditRecord, AuditSource, Repeats, TrailHead,
			},
			consent::{
				AccessDecision, AccessTarget, ConsentRecord, ConsentStatus, EmergencyGrant,
				Grantee, PermitBasis,
			},
			identity::{AttestationView, GuardianRights, IdentityDocument, SubjectStatus},
			records::{RecordAnchor, RecordPage},
		};

		/// `value` serializes to `expected` and deserializes back to itself.
		fn round_trips<T>(value: &T, expected: Value)
		where
			T: Serialize + DeserializeOwned + PartialEq + fmt::Debug,
		{
			let json = serde_json::to_value(value).expect("serializes");
			assert_eq!(json, expected);
			assert_eq!(&serde_json::from_value::<T>(json).expect("deserializes"), value);
		}

		const P: SubjectId = SubjectId([1; 32]);
		const D: SubjectId = SubjectId([2; 32]);

		fn did(byte: u8) -> String {
			format!("did:medchain:{}", format!("{byte:02x}").repeat(32))
		}

		fn hex(byte: u8) -> String {
			format!("0x{}", format!("{byte:02x}").repeat(32))
		}

		#[test]
		fn identifiers_and_codes_are_their_text() {
			round_trips(&P, json!(did(1)));
			round_trips(&RecordId([0xab; 32]), json!(hex(0xab)));
			round_trips(&ConsentId(4), json!(4));
			round_trips(&EmergencyId(9), json!(9));
			for class in DataClass::all() {
				round_trips(&class, json!(class.name()));
			}
			for purpose in PurposeOfUse::all() {
				round_trips(&purpose, json!(purpose.name()));
			}
			for action in ConsentAction::all() {
				round_trips(&action, json!(action.name()));
			}
			for reason in DenyReason::all() {
				round_trips(&reason, json!(reason.name()));
			}
			for role in PractitionerRole::all() {
				round_trips(&role, json!(role.name()));
			}
			for kind in SubjectKind::all() {
				round_trips(&kind, json!(kind.name()));
			}
			for status in RecordStatus::all() {
				round_trips(&status, json!(status.name()));
			}
			for event in AuditEventType::all() {
				round_trips(&event, json!(event.name()));
			}
			for action in AuditAction::all() {
				round_trips(&action, json!(action.name()));
			}
			for outcome in AuditOutcome::all() {
				round_trips(&outcome, json!(outcome.name()));
			}
			round_trips(
				&DataClassSet::of(&[DataClass::Labs, DataClass::MentalHealth]),
				json!(["labs", "mental-health"]),
			);
			round_trips(&ActionSet::EMPTY, json!([]));
			round_trips(&RoleSet::of(&[PractitionerRole::Nurse]), json!(["nurse"]));
			// A subject also reads from its `0x` form; a bad one is refused with the reason.
			assert_eq!(serde_json::from_value::<SubjectId>(json!(hex(1))).unwrap(), P);
			let bad = serde_json::from_value::<SubjectId>(json!("did:medchain:zz")).unwrap_err();
			assert!(bad.to_string().contains("`z` is not a hex digit"), "{bad}");
			assert!(serde_json::from_value::<DataClass>(json!("xrays")).is_err());
			assert!(serde_json::from_value::<DataClass>(json!(5)).is_err());
		}

		#[test]
		fn a_consent_record_is_json_a_person_can_read() {
			let consent = ConsentRecord {
				id: ConsentId(4),
				patient: P,
				grantor: P,
				grantee: Grantee::Organization(D),
				actions: ActionSet::of(&[ConsentAction::Read, ConsentAction::Share]),
				classes: DataClassSet::of(&[DataClass::Labs]),
				records: vec![RecordId([0xab; 32])],
				excluded: DataClassSet::of(&[DataClass::MentalHealth]),
				purposes: PurposeSet::of(&[PurposeOfUse::Treat]),
				valid_from: 1_767_225_600_000,
				valid_until: None,
				status: ConsentStatus::Revoked { at: 1_767_225_700_000, by: P },
				granted_at: 1_767_225_600_000,
			};
			round_trips(
				&consent,
				json!({
					"id": 4,
					"patient": did(1),
					"grantor": did(1),
					"grantee": { "organization": did(2) },
					"actions": ["read", "share"],
					"classes": ["labs"],
					"records": [hex(0xab)],
					"excluded": ["mental-health"],
					"purposes": ["TREAT"],
					"valid_from": 1_767_225_600_000u64,
					"valid_until": null,
					"status": { "revoked": { "at": 1_767_225_700_000u64, "by": did(1) } },
					"granted_at": 1_767_225_600_000u64,
				}),
			);
			let mut active = consent;
			active.status = ConsentStatus::Active;
			active.grantee = Grantee::Practitioner(D);
			let json = serde_json::to_value(&active).unwrap();
			assert_eq!(json["status"], "active");
			assert_eq!(json["grantee"], json!({ "practitioner": did(2) }));
		}

		#[test]
		fn an_audit_entry_is_json_with_codes_and_hex() {
			let entry = AuditEntry {
				seq: 3,
				record: AuditRecord {
					event_type: AuditEventType::AccessDenied,
					action: AuditAction::Read,
					outcome: AuditOutcome::MinorFailure,
					actor: D,
					requestor: true,
					policy: Some(AuditPolicy::Consent(ConsentId(4))),
					deny_reason: Some(DenyReason::NoConsent),
					entity: Some(AuditEntity { record: RecordId([9; 32]), hash: None }),
					purpose: Some(PurposeOfUse::Treat),
					occurred: 10,
					repeats: Some(Repeats { count: 2, last: 11 }),
				},
				source: AuditSource::Gateway(SubjectId([3; 32])),
				recorded: 12,
				block: 9,
				prev_hash: H256::zero(),
				hash: H256::repeat_byte(7),
			};
			round_trips(
				&entry,
				json!({
					"seq": 3,
					"record": {
						"event_type": "access-denied",
						"action": "R",
						"outcome": "4",
						"actor": did(2),
						"requestor": true,
						"policy": { "consent": 4 },
						"deny_reason": "no-consent",
						"entity": { "record": hex(9), "hash": null },
						"purpose": "TREAT",
						"occurred": 10,
						"repeats": { "count": 2, "last": 11 },
					},
					"source": { "gateway": did(3) },
					"recorded": 12,
					"block": 9,
					"prev_hash": hex(0),
					"hash": hex(7),
				}),
			);
			let mut own = entry;
			own.record.policy = Some(AuditPolicy::OwnData);
			own.source = AuditSource::Runtime;
			let json = serde_json::to_value(&own).unwrap();
			assert_eq!(json["record"]["policy"], "own_data");
			assert_eq!(json["source"], "runtime");
			round_trips(
				&TrailHead { count: 1, hash: H256::repeat_byte(1) },
				json!({ "count": 1, "hash": hex(1) }),
			);
		}

		#[test]
		fn an_anchor_and_a_page_of_them_are_json() {
			let anchor = RecordAnchor {
				id: RecordId([5; 32]),
				patient: P,
				author: D,
				custodian: SubjectId([3; 32]),
				class: DataClass::VitalSigns,
				content_hash: H256::repeat_byte(6),
				size: 1024,
				created: 1,
				predecessor: Some(RecordId([4; 32])),
				version: 2,
				status: RecordStatus::Active,
				index: 0,
			};
			let json = serde_json::to_value(anchor).unwrap();
			assert_eq!(json["id"], hex(5));
			assert_eq!(json["class"], "vital-signs");
			assert_eq!(json["content_hash"], hex(6));
			assert_eq!(json["predecessor"], hex(4));
			assert_eq!(json["status"], "active");
			let page = RecordPage { records: vec![anchor], next: Some(3) };
			assert_eq!(
				serde_json::from_value::<RecordPage>(serde_json::to_value(&page).unwrap()).unwrap(),
				page
			);
		}

		#[test]
		fn an_identity_document_is_json_with_its_account_in_ss58() {
			let document = IdentityDocument::<AccountId32> {
				id: P,
				kind: SubjectKind::Practitioner,
				status: SubjectStatus::Deactivated(12),
				controller: AccountId32::new([1; 32]),
				key_agreement: [0x11; 32],
				profile_hash: H256::repeat_byte(2),
				organization: None,
				registered_at: 3,
				attestations: vec![AttestationView {
					organization: D,
					role: PractitionerRole::MentalHealth,
					license_hash: H256::repeat_byte(4),
					expires_at: 5,
					live: true,
				}],
				is_practitioner: true,
				guardians: vec![(D, GuardianRights { delegate: true, recovery: false })],
			};
			let json = serde_json::to_value(&document).unwrap();
			assert_eq!(json["id"], did(1));
			assert_eq!(json["kind"], "practitioner");
			assert_eq!(json["status"], json!({ "deactivated": 12 }));
			assert_eq!(json["controller"], AccountId32::new([1; 32]).to_string());
			assert_eq!(json["key_agreement"], hex(0x11));
			assert_eq!(json["attestations"][0]["role"], "mental-health");
			assert_eq!(
				json["guardians"][0],
				json!([did(2), { "delegate": true, "recovery": false }])
			);
			let back: IdentityDocument<AccountId32> = serde_json::from_value(json).unwrap();
			assert_eq!(back, document);
		}

		#[test]
		fn decisions_grants_and_targets_are_json() {
			round_trips(
				&AccessDecision::Permit(PermitBasis::OwnData),
				json!({ "permit": "own_data" }),
			);
			round_trips(
				&AccessDecision::Permit(PermitBasis::Consent(ConsentId(2))),
				json!({ "permit": { "consent": 2 } }),
			);
			round_trips(
				&AccessDecision::Deny(DenyReason::ClassExcluded),
				json!({ "deny": "class-excluded" }),
			);
			round_trips(&AccessTarget::Class(DataClass::Labs), json!({ "class": "labs" }));
			round_trips(&AccessTarget::Record(RecordId([1; 32])), json!({ "record": hex(1) }));
			round_trips(&SubjectStatus::Active, json!("active"));
			round_trips(
				&EmergencyGrant {
					patient: P,
					practitioner: D,
					opened_at: 1,
					expires_at: 2,
					justification: H256::repeat_byte(3),
				},
				json!({
					"patient": did(1),
					"practitioner": did(2),
					"opened_at": 1,
					"expires_at": 2,
					"justification": hex(3),
				}),
			);
		}
	}
}

//! The JavaScript package's code tables (`js/src/codes.js`) are generated from the primitives'
//! (one table per vocabulary: the `#[strum(…)]` attributes of each enum, the variant names and
//! order of its type information): this test fails when the checked-in file no longer matches,
//! and `scripts/refresh-codes.sh` rewrites it (`MEDCHAIN_REFRESH_CODES=1`).

use std::path::PathBuf;

use medchain_primitives::{
	audit::{AuditAction, AuditEventType, AuditOutcome},
	consent::{ConsentAction, DataClass, DenyReason, PurposeOfUse},
	identity::{PractitionerRole, SubjectKind},
	records::RecordStatus,
	text::Code,
};
use scale_info::{TypeDef, TypeInfo};

/// One vocabulary as the JavaScript package exports it: an array of codes and a lookup by name.
struct Table {
	/// The exported array (`CLASSES`).
	constant: &'static str,
	/// What its JSDoc says after the type.
	doc: &'static str,
	/// The exported lookup function (`dataClass`).
	lookup: &'static str,
	/// The lookup's JSDoc.
	lookup_doc: &'static str,
	/// The vocabulary's name in messages (`data class`), as in Rust.
	vocabulary: &'static str,
	/// Per code, in bit order: the runtime's variant name, the code, the label, and the FHIR code
	/// where the vocabulary has a second spelling.
	rows: Vec<Vec<&'static str>>,
}

impl Table {
	fn of<C: Code + TypeInfo>(
		constant: &'static str,
		doc: &'static str,
		lookup: &'static str,
		lookup_doc: &'static str,
	) -> Self {
		let info = C::type_info();
		let TypeDef::Variant(variants) = &info.type_def else {
			panic!("{} is an enum", C::VOCABULARY);
		};
		let codes: Vec<C> = C::all().collect();
		assert_eq!(
			variants.variants.len(),
			codes.len(),
			"{}: every variant is a code",
			C::VOCABULARY
		);
		let rows = codes
			.iter()
			.zip(&variants.variants)
			.enumerate()
			.map(|(bit, (code, variant))| {
				assert_eq!(format!("{code:?}"), variant.name, "{}: one order", C::VOCABULARY);
				assert_eq!(usize::from(variant.index), bit, "{}: index = bit", variant.name);
				let mut row = vec![variant.name, code.name(), code.label()];
				row.extend(code.alias());
				row
			})
			.collect();
		Self { constant, doc, lookup, lookup_doc, vocabulary: C::VOCABULARY, rows }
	}

	/// Whether the rows carry a FHIR code.
	fn fhir(&self) -> bool {
		self.rows.iter().any(|row| row.len() > 3)
	}
}

/// Every vocabulary the JavaScript package exports, in the order of the file.
fn tables() -> Vec<Table> {
	vec![
		Table::of::<DataClass>(
			"CLASSES",
			"Data classes; index = bit.",
			"dataClass",
			"A data class by code or name (`labs`, `Labs`, `vital_signs`), case-insensitive.",
		),
		Table::of::<PurposeOfUse>(
			"PURPOSES",
			"Purposes of use (HL7 v3 PurposeOfUse); index = bit.",
			"purpose",
			"A purpose of use by HL7 code or name (`TREAT`, `treat`, `EmergencyTreat`).",
		),
		Table::of::<ConsentAction>(
			"ACTIONS",
			"Actions; index = bit.",
			"action",
			"An action by name (`read`, `create`, `share`) or FHIR code (`access`, `correct`, `disclose`).",
		),
		Table::of::<PractitionerRole>(
			"ROLES",
			"Practitioner roles; index = bit.",
			"role",
			"A practitioner role by name (`physician`, `mental-health`).",
		),
		Table::of::<DenyReason>(
			"DENY_REASONS",
			"Why the access rule said no, in the runtime's order.",
			"denyReason",
			"A deny reason by name or code (`NoConsent`, `no-consent`).",
		),
		Table::of::<AuditEventType>(
			"AUDIT_EVENTS",
			"Audit event types, in the runtime's order.",
			"auditEvent",
			"An audit event type by name or code.",
		),
		Table::of::<AuditAction>(
			"AUDIT_ACTIONS",
			"Audit actions (FHIR `AuditEvent.action`), in the runtime's order.",
			"auditAction",
			"An audit action by name or FHIR code (`Read`, `R`).",
		),
		Table::of::<AuditOutcome>(
			"AUDIT_OUTCOMES",
			"Audit outcomes (FHIR `AuditEvent.outcome`), in the runtime's order.",
			"auditOutcome",
			"An audit outcome by name or FHIR code (`MinorFailure`, `4`).",
		),
		Table::of::<SubjectKind>(
			"KINDS",
			"Kinds of subject, in the runtime's order.",
			"subjectKind",
			"A kind of subject by name or code (`Patient`, `patient`).",
		),
		Table::of::<RecordStatus>(
			"RECORD_STATUSES",
			"Record statuses, in the runtime's order.",
			"recordStatus",
			"A record status by name or code (`Erased`, `erased`).",
		),
	]
}

/// A JavaScript string literal: single quotes, or double quotes for text with an apostrophe.
fn js(text: &str) -> String {
	if text.contains('\'') && !text.contains('"') {
		format!("\"{text}\"")
	} else {
		format!("'{}'", text.replace('\\', "\\\\").replace('\'', "\\'"))
	}
}

/// The whole of `js/src/codes.js`.
fn javascript() -> String {
	let tables = tables();
	let mut out = String::from(HEADER);
	for table in &tables {
		let kind = if table.fhir() { "(Code & { fhir: string })" } else { "Code" };
		out += &format!("/** @type {{readonly {kind}[]}} {} */\n", table.doc);
		out += &format!("export const {} = table([\n", table.constant);
		let rows: Vec<String> = table
			.rows
			.iter()
			.map(|row| {
				let cells: Vec<String> = row.iter().copied().map(js).collect();
				format!("  [{}]", cells.join(", "))
			})
			.collect();
		out += &rows.join(",\n");
		out += "\n]);\n\n";
	}
	out += LOOKUP;
	for table in &tables {
		let keys = if table.fhir() { ", ['name', 'code', 'fhir']" } else { "" };
		out += &format!("/** {} */\n", table.lookup_doc);
		out += &format!(
			"export const {} = (text) => lookup({}, {}, text{keys});\n",
			table.lookup,
			js(table.vocabulary),
			table.constant,
		);
	}
	out += BITS;
	out
}

#[test]
fn the_javascript_code_tables_are_generated_from_the_rust_ones() {
	let generated = javascript();
	let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../js/src/codes.js");
	if std::env::var_os("MEDCHAIN_REFRESH_CODES").is_some() {
		std::fs::write(&path, &generated).expect("js/src/codes.js is writable");
	}
	let checked_in = std::fs::read_to_string(&path).unwrap_or_default();
	assert!(
		checked_in == generated,
		"js/src/codes.js is stale: run scripts/refresh-codes.sh (it is generated from the code \
		 tables in primitives/src)"
	);
}

#[test]
fn a_javascript_row_is_the_runtime_name_the_code_and_the_label() {
	let tables = tables();
	let classes = &tables[0].rows;
	assert_eq!(classes[9], ["VitalSigns", "vital-signs", "Vital signs"]);
	let actions = &tables[2].rows;
	assert_eq!(actions[1], ["Create", "create", "Add records", "correct"]);
	let deny = &tables[4].rows;
	assert_eq!(
		deny[1],
		["PatientDeactivated", "patient-deactivated", "The patient's identity is deactivated."]
	);
	assert_eq!(js(deny[1][2]), "\"The patient's identity is deactivated.\"");
	assert_eq!(js("it's \"quoted\""), "'it\\'s \"quoted\"'");
}

const HEADER: &str = r"// Generated from medchain-primitives' code tables (each enum's `#[strum(...)]` attributes) by
// primitives/tests/js_codes.rs: do not edit. After changing a vocabulary, run
// scripts/refresh-codes.sh; `cargo test` fails until it is run.
//
// MedChain's code sets by name, as the runtime encodes them and as people write them: a data
// class `labs`, a purpose `TREAT`, an action `read`. The runtime keeps sets of codes as bit sets
// (bit n = the code with index n); Polkadot.js takes enum values by their variant name.

/**
 * @typedef {{ name: string, code: string, label: string }} Code
 *   `name`: the runtime's variant name (what Polkadot.js encodes); `code`: the code MedChain's
 *   tools and FHIR use; `label`: how a person reads it.
 */

/**
 * Frozen codes from rows of `[name, code, label]`, and `fhir` (the FHIR code) where there is one.
 * @param {string[][]} rows
 */
const table = (rows) => Object.freeze(rows.map(([name, code, label, fhir]) =>
  Object.freeze(fhir === undefined ? { name, code, label } : { name, code, label, fhir })));

";

const LOOKUP: &str = r"const normal = (text) => String(text).trim().toLowerCase().replace(/_/g, '-');

function lookup (kind, set, text, keys = ['name', 'code']) {
  const wanted = normal(text);
  const found = set.find((c) => keys.some((k) => c[k] !== undefined && normal(c[k]) === wanted));
  if (!found) {
    throw new RangeError(`unknown ${kind} \`${text}\`; expected one of: ${set.map((c) => c.code).join(', ')}`);
  }
  return found;
}

";

const BITS: &str = r"
/**
 * The bit set of `codes` (names or codes, or a comma-separated string) within `set`.
 * @param {readonly Code[]} set
 * @param {string | string[]} codes
 */
export function toBits (set, codes) {
  const list = typeof codes === 'string' ? codes.split(',').filter((c) => c.trim()) : codes;
  return list.reduce((bits, c) => {
    const wanted = normal(c);
    const index = set.findIndex((s) => [s.name, s.code, s.fhir].some((k) => k !== undefined && normal(k) === wanted));
    if (index < 0) throw new RangeError(`unknown code \`${c}\`; expected one of: ${set.map((s) => s.code).join(', ')}`);
    return bits | (1 << index);
  }, 0);
}

/**
 * The codes of a bit set within `set`; a bit with no code throws.
 * @param {readonly Code[]} set
 * @param {number | bigint | { toNumber(): number }} bits
 * @returns {Code[]}
 */
export function fromBits (set, bits) {
  const value = typeof bits === 'object' && bits !== null && 'toNumber' in bits ? bits.toNumber() : Number(bits);
  if (!Number.isInteger(value) || value < 0 || value >= 2 ** set.length) {
    throw new RangeError(`bit set ${value} has bits beyond the ${set.length} codes`);
  }
  return set.filter((_, i) => value & (1 << i));
}
";

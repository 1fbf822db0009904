//! FHIR R4 JSON for MedChain's on-chain facts: `Consent`, `AuditEvent`, and `Bundle`s of them.
//!
//! Identifiers become `Reference.identifier`s (`urn:medchain:did`), codes from MedChain's fixed
//! vocabularies become `Coding`s in `urn:medchain:fhir:*` systems, and standard codes use their
//! HL7 systems. docs/consent.md and docs/audit.md map every field.
//!
//! The mapping sits next to the types (`medchain-primitives`) and needs nothing else but JSON and
//! a calendar, so the node's RPC exports FHIR without a chain client; the client library
//! re-exports it as `medchain_client::fhir` for the CLI and the gateway.

#![warn(missing_docs)]

use chrono::{DateTime, SecondsFormat};
use medchain_primitives::{
	audit::{AuditEntry, AuditPolicy, AuditSource},
	consent::{ConsentRecord, ConsentStatus, DataClass, Grantee, RecordId},
	identity::SubjectId,
	Moment,
};
use serde_json::{json, Value};

/// The identifier system of MedChain subjects.
pub const DID_SYSTEM: &str = "urn:medchain:did";
/// The identifier system of record ids.
pub const RECORD_SYSTEM: &str = "urn:medchain:record";
/// The code system of MedChain data classes.
pub const DATA_CLASS_SYSTEM: &str = "urn:medchain:fhir:data-class";
/// The code system of audit event subtypes.
pub const AUDIT_SUBTYPE_SYSTEM: &str = "urn:medchain:fhir:audit-event-subtype";
/// The code system of access-denial reasons.
pub const DENY_REASON_SYSTEM: &str = "urn:medchain:fhir:deny-reason";
/// HL7 v3 ActReason: purposes of use.
pub const ACT_REASON_SYSTEM: &str = "http://terminology.hl7.org/CodeSystem/v3-ActReason";
/// HL7 v3 ActCode: the consent's policy rule.
pub const ACT_CODE_SYSTEM: &str = "http://terminology.hl7.org/CodeSystem/v3-ActCode";
/// HL7 v3 ParticipationType: the grantee's role in a consent.
pub const PARTICIPATION_TYPE_SYSTEM: &str =
	"http://terminology.hl7.org/CodeSystem/v3-ParticipationType";
/// FHIR consent actions.
pub const CONSENT_ACTION_SYSTEM: &str = "http://terminology.hl7.org/CodeSystem/consentaction";
/// FHIR consent scopes.
pub const CONSENT_SCOPE_SYSTEM: &str = "http://terminology.hl7.org/CodeSystem/consentscope";
/// FHIR audit event types.
pub const AUDIT_TYPE_SYSTEM: &str = "http://terminology.hl7.org/CodeSystem/audit-event-type";
/// FHIR audit entity types.
pub const AUDIT_ENTITY_TYPE_SYSTEM: &str =
	"http://terminology.hl7.org/CodeSystem/audit-entity-type";
/// FHIR object roles.
pub const OBJECT_ROLE_SYSTEM: &str = "http://terminology.hl7.org/CodeSystem/object-role";
/// FHIR security source types.
pub const SECURITY_SOURCE_TYPE_SYSTEM: &str =
	"http://terminology.hl7.org/CodeSystem/security-source-type";
/// LOINC.
pub const LOINC_SYSTEM: &str = "http://loinc.org";

/// A FHIR `Coding`; `display` only where there is one to show.
pub fn coding(system: &str, code: &str, display: Option<&str>) -> Value {
	let mut coding = json!({ "system": system, "code": code });
	if let Some(display) = display {
		coding["display"] = json!(display);
	}
	coding
}

/// A FHIR `CodeableConcept` of one coding.
fn concept(system: &str, code: &str) -> Value {
	json!({ "coding": [coding(system, code, None)] })
}

/// An instant as FHIR writes it (`2026-01-01T00:00:00.000Z`); instants past what FHIR can write
/// (after year 262143) are written as the latest it can.
pub fn instant(ms: Moment) -> String {
	i64::try_from(ms)
		.ok()
		.and_then(DateTime::from_timestamp_millis)
		.unwrap_or(DateTime::<chrono::Utc>::MAX_UTC)
		.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// A `Reference` to a MedChain subject by its DID.
pub fn subject_reference(subject: &SubjectId) -> Value {
	json!({ "identifier": { "system": DID_SYSTEM, "value": subject.to_did() } })
}

/// A record identifier (`urn:medchain:record`, 64 hex digits without `0x`).
fn record_identifier(record: &RecordId) -> Value {
	json!({ "system": RECORD_SYSTEM, "value": format!("{record:x}") })
}

fn class_coding(class: DataClass) -> Value {
	coding(DATA_CLASS_SYSTEM, class.code(), None)
}

/// A consent as a FHIR R4 `Consent` resource.
pub fn consent(c: &ConsentRecord) -> Value {
	let status = match c.status {
		ConsentStatus::Active => "active",
		ConsentStatus::Revoked { .. } => "inactive",
	};
	let mut period = json!({ "start": instant(c.valid_from) });
	if let Some(until) = c.valid_until {
		period["end"] = json!(instant(until));
	}
	let (grantee, grantee_type) = match c.grantee {
		Grantee::Practitioner(s) => (s, "Practitioner"),
		Grantee::Organization(s) => (s, "Organization"),
	};
	let mut actor_ref = subject_reference(&grantee);
	actor_ref["type"] = json!(grantee_type);
	let mut provision = json!({
		"type": "permit",
		"period": period,
		"actor": [{
			"role": concept(PARTICIPATION_TYPE_SYSTEM, "IRCP"),
			"reference": actor_ref
		}],
		"action": c.actions.iter().map(|a| concept(CONSENT_ACTION_SYSTEM, a.code())).collect::<Vec<_>>(),
		"purpose": c.purposes.iter().map(|p| coding(ACT_REASON_SYSTEM, p.code(), None)).collect::<Vec<_>>(),
	});
	if !c.classes.is_empty() {
		provision["class"] = json!(c.classes.iter().map(class_coding).collect::<Vec<_>>());
	}
	if !c.records.is_empty() {
		provision["data"] = json!(c
			.records
			.iter()
			.map(|r| json!({
				"meaning": "instance",
				"reference": { "identifier": record_identifier(r) }
			}))
			.collect::<Vec<_>>());
	}
	if !c.excluded.is_empty() {
		provision["provision"] = json!([{
			"type": "deny",
			"class": c.excluded.iter().map(class_coding).collect::<Vec<_>>()
		}]);
	}
	json!({
		"resourceType": "Consent",
		"id": format!("medchain-consent-{}", c.id.0),
		"status": status,
		"scope": concept(CONSENT_SCOPE_SYSTEM, "patient-privacy"),
		"category": [{ "coding": [coding(LOINC_SYSTEM, "59284-0", Some("Patient Consent"))] }],
		"patient": subject_reference(&c.patient),
		"dateTime": instant(c.granted_at),
		"performer": [subject_reference(&c.grantor)],
		"policyRule": concept(ACT_CODE_SYSTEM, "OPTIN"),
		"provision": provision,
	})
}

/// One audit entry of `patient`'s trail as a FHIR R4 `AuditEvent` resource.
pub fn audit_event(patient: &SubjectId, e: &AuditEntry) -> Value {
	let r = &e.record;
	let mut agent = json!({
		"who": subject_reference(&r.actor),
		"requestor": r.requestor,
	});
	if let Some(policy) = r.policy {
		agent["policy"] = json!([match policy {
			AuditPolicy::Consent(id) => format!("urn:medchain:consent:{}", id.0),
			AuditPolicy::Emergency(id) => format!("urn:medchain:emergency:{}", id.0),
			AuditPolicy::OwnData => "urn:medchain:policy:own-data".to_string(),
		}]);
	}
	let observer = match e.source {
		AuditSource::Runtime => json!({ "display": "MedChain runtime" }),
		AuditSource::Gateway(g) => subject_reference(&g),
	};
	let mut entities = vec![json!({
		"what": subject_reference(patient),
		"type": coding(AUDIT_ENTITY_TYPE_SYSTEM, "1", Some("Person")),
		"role": coding(OBJECT_ROLE_SYSTEM, "1", Some("Patient")),
	})];
	if let Some(entity) = r.entity {
		let mut what = json!({ "identifier": record_identifier(&entity.record) });
		if let Some(hash) = entity.hash {
			what["display"] = json!(format!("blake2-256:{hash:x}"));
		}
		entities.push(json!({
			"what": what,
			"type": coding(AUDIT_ENTITY_TYPE_SYSTEM, "2", Some("System Object")),
		}));
	}
	entities.push(json!({
		"type": coding(AUDIT_ENTITY_TYPE_SYSTEM, "4", Some("Other")),
		"description": "MedChain audit chain link",
		"detail": [
			{ "type": "seq", "valueString": e.seq.to_string() },
			{ "type": "block", "valueString": e.block.to_string() },
			{ "type": "prev-hash", "valueString": format!("{:#x}", e.prev_hash) },
			{ "type": "hash", "valueString": format!("{:#x}", e.hash) }
		]
	}));
	// The patient's first 8 bytes (16 hex digits) and the sequence number: short, and distinct in
	// any bundle of trails.
	let patient_hex = format!("{patient:x}");
	let mut event = json!({
		"resourceType": "AuditEvent",
		"id": format!("medchain-audit-{}-{}", &patient_hex[..16], e.seq),
		"type": coding(AUDIT_TYPE_SYSTEM, "rest", Some("RESTful Operation")),
		"subtype": [coding(AUDIT_SUBTYPE_SYSTEM, r.event_type.code(), None)],
		"action": r.action.code(),
		"period": {
			"start": instant(r.occurred),
			"end": instant(r.repeats.map_or(r.occurred, |repeats| repeats.last)),
		},
		"recorded": instant(e.recorded),
		"outcome": r.outcome.code(),
		"agent": [agent],
		"source": {
			"site": "MedChain",
			"observer": observer,
			"type": [coding(SECURITY_SOURCE_TYPE_SYSTEM, "4", Some("Application Server"))]
		},
		"entity": entities,
	});
	if let Some(reason) = r.deny_reason {
		// FHIR R4 `outcomeDesc` is a string: the reason's code in DENY_REASON_SYSTEM.
		event["outcomeDesc"] = json!(reason.code());
	}
	if let Some(purpose) = r.purpose {
		event["purposeOfEvent"] = json!([concept(ACT_REASON_SYSTEM, purpose.code())]);
	}
	if let Some(repeats) = r.repeats {
		// Identical accesses folded into one entry: how many, from `period.start` to `.end`.
		event["extension"] =
			json!([{ "url": REPEATS_EXTENSION, "valueUnsignedInt": repeats.count }]);
	}
	event
}

/// The extension an AuditEvent carries when its entry stands for several identical accesses:
/// how many (`valueUnsignedInt`), between `period.start` and `period.end`.
pub const REPEATS_EXTENSION: &str = "urn:medchain:fhir:extension:audit-repeats";

/// A `searchset` Bundle of resources: every match of the search, so `total` is their number.
pub fn bundle(resources: Vec<Value>) -> Value {
	json!({
		"resourceType": "Bundle",
		"type": "searchset",
		"total": resources.len(),
		"entry": matches(resources),
	})
}

/// One page of a paged search as a `searchset` Bundle, with its `link`s as (relation, URL)
/// pairs: `self`, and `next` while more pages remain. There is no `total`: FHIR's `total`
/// counts the matches on every page, which a page does not know.
pub fn bundle_page(resources: Vec<Value>, links: &[(&str, String)]) -> Value {
	json!({
		"resourceType": "Bundle",
		"type": "searchset",
		"link": links
			.iter()
			.map(|(relation, url)| json!({ "relation": relation, "url": url }))
			.collect::<Vec<_>>(),
		"entry": matches(resources),
	})
}

/// Bundle entries for search matches.
fn matches(resources: Vec<Value>) -> Vec<Value> {
	resources
		.into_iter()
		.map(|r| json!({ "resource": r, "search": { "mode": "match" } }))
		.collect()
}

#[cfg(test)]
mod tests {
	use super::*;
	use medchain_primitives::{
		audit::{AuditAction, AuditEventType, AuditOutcome, AuditRecord},
		consent::{
			ActionSet, ConsentAction, ConsentId, DataClassSet, DenyReason, PurposeOfUse, PurposeSet,
		},
	};

	const P: SubjectId = SubjectId([1; 32]);
	const D: SubjectId = SubjectId([2; 32]);

	fn record() -> ConsentRecord {
		ConsentRecord {
			id: ConsentId(4),
			patient: P,
			grantor: P,
			grantee: Grantee::Organization(D),
			actions: ActionSet::of(&[ConsentAction::Read, ConsentAction::Share]),
			classes: DataClassSet::of(&[DataClass::Labs]),
			records: vec![RecordId([0xab; 32])],
			excluded: DataClassSet::of(&[DataClass::MentalHealth]),
			purposes: PurposeSet::of(&[PurposeOfUse::Treat, PurposeOfUse::EmergencyTreat]),
			valid_from: 1_767_225_600_000,
			valid_until: Some(1_767_312_000_000),
			status: ConsentStatus::Active,
			granted_at: 1_767_225_600_000,
		}
	}

	#[test]
	fn instants_are_utc_with_milliseconds() {
		assert_eq!(instant(1_767_225_600_123), "2026-01-01T00:00:00.123Z");
	}

	#[test]
	fn instants_beyond_i64_do_not_wrap_to_before_the_epoch() {
		assert!(!instant(u64::MAX).starts_with('-'));
		assert!(!instant(u64::MAX).starts_with("1970"));
	}

	#[test]
	fn an_entity_without_a_hash_has_no_empty_display() {
		let mut entry = denial();
		entry.record.entity =
			Some(medchain_primitives::audit::AuditEntity { record: RecordId([9; 32]), hash: None });
		let v = audit_event(&P, &entry);
		assert!(v["entity"][1]["what"].get("display").is_none());
	}

	#[test]
	fn consent_maps_provision_fields() {
		let v = consent(&record());
		assert_eq!(v["resourceType"], "Consent");
		assert_eq!(v["id"], "medchain-consent-4");
		assert_eq!(v["status"], "active");
		assert_eq!(v["patient"]["identifier"]["value"], P.to_did());
		let p = &v["provision"];
		assert_eq!(p["type"], "permit");
		assert_eq!(p["period"]["end"], "2026-01-02T00:00:00.000Z");
		assert_eq!(p["actor"][0]["reference"]["type"], "Organization");
		assert_eq!(p["action"][1]["coding"][0]["code"], "disclose");
		assert_eq!(p["purpose"][1]["code"], "ETREAT");
		assert_eq!(p["class"][0]["code"], "labs");
		assert_eq!(p["data"][0]["reference"]["identifier"]["value"], "ab".repeat(32));
		assert_eq!(p["provision"][0]["type"], "deny");
		assert_eq!(p["provision"][0]["class"][0]["code"], "mental-health");
	}

	#[test]
	fn revoked_consent_is_inactive_and_open_period_has_no_end() {
		let mut r = record();
		r.status = ConsentStatus::Revoked { at: 1, by: P };
		r.valid_until = None;
		let v = consent(&r);
		assert_eq!(v["status"], "inactive");
		assert!(v["provision"]["period"].get("end").is_none());
	}

	fn denial() -> AuditEntry {
		AuditEntry {
			seq: 3,
			record: AuditRecord {
				event_type: AuditEventType::AccessDenied,
				action: AuditAction::Read,
				outcome: AuditOutcome::MinorFailure,
				actor: D,
				requestor: true,
				policy: None,
				deny_reason: Some(DenyReason::NoConsent),
				entity: None,
				purpose: Some(PurposeOfUse::Treat),
				occurred: 1_767_225_600_000,
				repeats: None,
			},
			source: AuditSource::Gateway(SubjectId([3; 32])),
			recorded: 1_767_225_602_000,
			block: 9,
			prev_hash: Default::default(),
			hash: sp_hash(),
		}
	}

	#[test]
	fn audit_event_maps_agent_outcome_and_chain_link() {
		let v = audit_event(&P, &denial());
		assert_eq!(v["resourceType"], "AuditEvent");
		assert_eq!(v["action"], "R");
		assert_eq!(v["outcome"], "4");
		assert_eq!(v["outcomeDesc"], "no-consent");
		assert_eq!(v["subtype"][0]["code"], "access-denied");
		assert_eq!(v["recorded"], "2026-01-01T00:00:02.000Z");
		assert_eq!(v["agent"][0]["who"]["identifier"]["value"], D.to_did());
		assert_eq!(v["source"]["observer"]["identifier"]["value"], SubjectId([3; 32]).to_did());
		assert_eq!(v["purposeOfEvent"][0]["coding"][0]["code"], "TREAT");
		let link = v["entity"].as_array().unwrap().last().unwrap();
		assert_eq!(link["detail"][0]["valueString"], "3");
		assert!(v.get("extension").is_none(), "one access carries no repeats");
		let b = bundle(vec![v]);
		assert_eq!(b["total"], 1);
		assert_eq!(b["entry"][0]["resource"]["resourceType"], "AuditEvent");
	}

	#[test]
	fn ids_and_hashes_are_written_as_before_the_move() {
		let mut entry = denial();
		entry.record.entity = Some(medchain_primitives::audit::AuditEntity {
			record: RecordId([0x0a; 32]),
			hash: Some(medchain_primitives::Hash::repeat_byte(0xbc)),
		});
		let v = audit_event(&P, &entry);
		assert_eq!(v["id"], "medchain-audit-0101010101010101-3");
		assert_eq!(v["entity"][1]["what"]["identifier"]["value"], "0a".repeat(32));
		assert_eq!(v["entity"][1]["what"]["display"], format!("blake2-256:{}", "bc".repeat(32)));
		let link = &v["entity"][2]["detail"];
		assert_eq!(link[2]["valueString"], format!("0x{}", "00".repeat(32)));
		assert_eq!(link[3]["valueString"], format!("0x{}", "07".repeat(32)));
	}

	#[test]
	fn a_folded_denial_says_how_many_and_until_when() {
		let mut folded = denial();
		folded.record.repeats =
			Some(medchain_primitives::audit::Repeats { count: 12, last: 1_767_225_601_500 });
		let v = audit_event(&P, &folded);
		assert_eq!(v["period"]["start"], "2026-01-01T00:00:00.000Z");
		assert_eq!(v["period"]["end"], "2026-01-01T00:00:01.500Z");
		assert_eq!(v["extension"][0]["url"], REPEATS_EXTENSION);
		assert_eq!(v["extension"][0]["valueUnsignedInt"], 12);
	}

	#[test]
	fn a_page_bundle_carries_its_links_and_no_total() {
		let links = [("self", "/fhir/Consent?_count=2".to_owned()), ("next", "/n".to_owned())];
		let b = bundle_page(vec![consent(&record())], &links);
		assert_eq!(b["type"], "searchset");
		assert!(b.get("total").is_none());
		assert_eq!(b["link"][0]["relation"], "self");
		assert_eq!(b["link"][0]["url"], "/fhir/Consent?_count=2");
		assert_eq!(b["link"][1]["relation"], "next");
		assert_eq!(b["entry"][0]["search"]["mode"], "match");
		assert_eq!(b["entry"][0]["resource"]["resourceType"], "Consent");
	}

	fn sp_hash() -> medchain_primitives::Hash {
		medchain_primitives::Hash::repeat_byte(7)
	}
}

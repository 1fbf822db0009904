// Generated from medchain-primitives' code tables (each enum's `#[strum(...)]` attributes) by
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

/** @type {readonly Code[]} Data classes; index = bit. */
export const CLASSES = table([
  ['Demographics', 'demographics', 'Demographics'],
  ['Encounters', 'encounters', 'Encounters'],
  ['Medications', 'medications', 'Medications'],
  ['Allergies', 'allergies', 'Allergies'],
  ['Conditions', 'conditions', 'Conditions'],
  ['Labs', 'labs', 'Laboratory results'],
  ['Imaging', 'imaging', 'Imaging'],
  ['Immunizations', 'immunizations', 'Immunizations'],
  ['Procedures', 'procedures', 'Procedures'],
  ['VitalSigns', 'vital-signs', 'Vital signs'],
  ['ClinicalNotes', 'clinical-notes', 'Clinical notes'],
  ['MentalHealth', 'mental-health', 'Mental health'],
  ['SubstanceUse', 'substance-use', 'Substance use'],
  ['SexualHealth', 'sexual-health', 'Sexual health'],
  ['Genomics', 'genomics', 'Genomics']
]);

/** @type {readonly Code[]} Purposes of use (HL7 v3 PurposeOfUse); index = bit. */
export const PURPOSES = table([
  ['Treat', 'TREAT', 'Treatment'],
  ['EmergencyTreat', 'ETREAT', 'Emergency treatment'],
  ['Payment', 'HPAYMT', 'Payment'],
  ['Operations', 'HOPERAT', 'Healthcare operations'],
  ['Research', 'HRESCH', 'Research'],
  ['PublicHealth', 'PUBHLTH', 'Public health']
]);

/** @type {readonly (Code & { fhir: string })[]} Actions; index = bit. */
export const ACTIONS = table([
  ['Read', 'read', 'Read', 'access'],
  ['Create', 'create', 'Add records', 'correct'],
  ['Share', 'share', 'Share onwards', 'disclose']
]);

/** @type {readonly Code[]} Practitioner roles; index = bit. */
export const ROLES = table([
  ['Physician', 'physician', 'Physician'],
  ['Nurse', 'nurse', 'Nurse'],
  ['Pharmacist', 'pharmacist', 'Pharmacist'],
  ['Lab', 'lab', 'Lab'],
  ['Imaging', 'imaging', 'Imaging'],
  ['MentalHealth', 'mental-health', 'Mental Health'],
  ['Emergency', 'emergency', 'Emergency'],
  ['Administrative', 'administrative', 'Administrative']
]);

/** @type {readonly Code[]} Why the access rule said no, in the runtime's order. */
export const DENY_REASONS = table([
  ['UnknownPatient', 'unknown-patient', 'The patient is not a registered patient.'],
  ['PatientDeactivated', 'patient-deactivated', "The patient's identity is deactivated."],
  ['UnknownAccessor', 'unknown-accessor', 'The requester is not a registered, active identity.'],
  ['NotAnAttestedPractitioner', 'not-an-attested-practitioner', 'The requester is not a practitioner with a live attestation.'],
  ['NoConsent', 'no-consent', 'The patient has not granted this requester access.'],
  ['Revoked', 'revoked', 'The patient revoked the consent that allowed this.'],
  ['NotYetValid', 'not-yet-valid', 'The consent is not valid yet.'],
  ['Expired', 'expired', 'The consent has expired.'],
  ['ActionNotAllowed', 'action-not-allowed', 'The consent does not allow this action.'],
  ['PurposeNotAllowed', 'purpose-not-allowed', 'The consent does not allow this purpose of use.'],
  ['ClassExcluded', 'class-excluded', 'The patient excluded this class of data.'],
  ['NotCovered', 'not-covered', 'No consent covers this data.'],
  ['EmergencyExpired', 'emergency-expired', 'The emergency access has ended.'],
  ['ClassClosedToEmergency', 'class-closed-to-emergency', 'The patient closed this class of data to emergency access.'],
  ['UnknownRecord', 'unknown-record', 'There is no such record.'],
  ['RecordErased', 'record-erased', 'The record was erased.']
]);

/** @type {readonly Code[]} Audit event types, in the runtime's order. */
export const AUDIT_EVENTS = table([
  ['ConsentGranted', 'consent-granted', 'Consent granted'],
  ['ConsentRevoked', 'consent-revoked', 'Consent revoked'],
  ['EmergencyAccess', 'emergency-access', 'Emergency access opened'],
  ['RecordWritten', 'record-written', 'Record written'],
  ['RecordRead', 'record-read', 'Record read'],
  ['RecordErased', 'record-erased', 'Record erased'],
  ['AccessDenied', 'access-denied', 'Access denied'],
  ['IdentityChanged', 'identity-changed', 'Identity changed'],
  ['EmergencyEnded', 'emergency-ended', 'Emergency access ended']
]);

/** @type {readonly Code[]} Audit actions (FHIR `AuditEvent.action`), in the runtime's order. */
export const AUDIT_ACTIONS = table([
  ['Create', 'C', 'Create'],
  ['Read', 'R', 'Read'],
  ['Update', 'U', 'Update'],
  ['Delete', 'D', 'Delete'],
  ['Execute', 'E', 'Execute']
]);

/** @type {readonly Code[]} Audit outcomes (FHIR `AuditEvent.outcome`), in the runtime's order. */
export const AUDIT_OUTCOMES = table([
  ['Success', '0', 'Success'],
  ['MinorFailure', '4', 'Minor failure'],
  ['SeriousFailure', '8', 'Serious failure'],
  ['MajorFailure', '12', 'Major failure']
]);

/** @type {readonly Code[]} Kinds of subject, in the runtime's order. */
export const KINDS = table([
  ['Patient', 'patient', 'Patient'],
  ['Practitioner', 'practitioner', 'Practitioner'],
  ['Organization', 'organization', 'Organization'],
  ['Gateway', 'gateway', 'Gateway']
]);

/** @type {readonly Code[]} Record statuses, in the runtime's order. */
export const RECORD_STATUSES = table([
  ['Active', 'active', 'Active'],
  ['Superseded', 'superseded', 'Superseded'],
  ['Erased', 'erased', 'Erased']
]);

const normal = (text) => String(text).trim().toLowerCase().replace(/_/g, '-');

function lookup (kind, set, text, keys = ['name', 'code']) {
  const wanted = normal(text);
  const found = set.find((c) => keys.some((k) => c[k] !== undefined && normal(c[k]) === wanted));
  if (!found) {
    throw new RangeError(`unknown ${kind} \`${text}\`; expected one of: ${set.map((c) => c.code).join(', ')}`);
  }
  return found;
}

/** A data class by code or name (`labs`, `Labs`, `vital_signs`), case-insensitive. */
export const dataClass = (text) => lookup('data class', CLASSES, text);
/** A purpose of use by HL7 code or name (`TREAT`, `treat`, `EmergencyTreat`). */
export const purpose = (text) => lookup('purpose of use', PURPOSES, text);
/** An action by name (`read`, `create`, `share`) or FHIR code (`access`, `correct`, `disclose`). */
export const action = (text) => lookup('action', ACTIONS, text, ['name', 'code', 'fhir']);
/** A practitioner role by name (`physician`, `mental-health`). */
export const role = (text) => lookup('role', ROLES, text);
/** A deny reason by name or code (`NoConsent`, `no-consent`). */
export const denyReason = (text) => lookup('deny reason', DENY_REASONS, text);
/** An audit event type by name or code. */
export const auditEvent = (text) => lookup('audit event type', AUDIT_EVENTS, text);
/** An audit action by name or FHIR code (`Read`, `R`). */
export const auditAction = (text) => lookup('audit action', AUDIT_ACTIONS, text);
/** An audit outcome by name or FHIR code (`MinorFailure`, `4`). */
export const auditOutcome = (text) => lookup('audit outcome', AUDIT_OUTCOMES, text);
/** A kind of subject by name or code (`Patient`, `patient`). */
export const subjectKind = (text) => lookup('subject kind', KINDS, text);
/** A record status by name or code (`Erased`, `erased`). */
export const recordStatus = (text) => lookup('record status', RECORD_STATUSES, text);

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

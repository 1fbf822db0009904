// MedChain's code sets by name, as the runtime encodes them and as people write them: a data
// class `labs`, a purpose `TREAT`, an action `read`. The runtime keeps sets of codes as bit sets
// (bit n = the code with index n); Polkadot.js takes enum values by their variant name.

/**
 * @typedef {{ name: string, code: string, label: string }} Code
 *   `name`: the runtime's variant name (what Polkadot.js encodes); `code`: the code MedChain's
 *   tools and FHIR use; `label`: how a person reads it.
 */

/** `MentalHealth` → `Mental<sep>Health`: the words of a variant name, joined by `sep`. */
const words = (name, sep) => name.replace(/(?<=[a-z])(?=[A-Z])/g, sep);

/** @type {readonly Code[]} Data classes; index = bit. */
export const CLASSES = Object.freeze([
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
].map(([name, code, label]) => Object.freeze({ name, code, label })));

/** @type {readonly Code[]} Purposes of use (HL7 v3 PurposeOfUse); index = bit. */
export const PURPOSES = Object.freeze([
  ['Treat', 'TREAT', 'Treatment'],
  ['EmergencyTreat', 'ETREAT', 'Emergency treatment'],
  ['Payment', 'HPAYMT', 'Payment'],
  ['Operations', 'HOPERAT', 'Healthcare operations'],
  ['Research', 'HRESCH', 'Research'],
  ['PublicHealth', 'PUBHLTH', 'Public health']
].map(([name, code, label]) => Object.freeze({ name, code, label })));

/** @type {readonly (Code & { fhir: string })[]} Actions; index = bit. */
export const ACTIONS = Object.freeze([
  ['Read', 'read', 'Read', 'access'],
  ['Create', 'create', 'Add records', 'correct'],
  ['Share', 'share', 'Share onwards', 'disclose']
].map(([name, code, label, fhir]) => Object.freeze({ name, code, label, fhir })));

/** @type {readonly Code[]} Practitioner roles; index = bit. */
export const ROLES = Object.freeze([
  'Physician', 'Nurse', 'Pharmacist', 'Lab', 'Imaging', 'MentalHealth', 'Emergency', 'Administrative'
].map((name) => Object.freeze({
  name,
  code: words(name, '-').toLowerCase(),
  label: words(name, ' ')
})));

/** @type {readonly Code[]} Why the access rule said no, in the runtime's order. */
export const DENY_REASONS = Object.freeze([
  ['UnknownPatient', 'The patient is not a registered patient.'],
  ['PatientDeactivated', "The patient's identity is deactivated."],
  ['UnknownAccessor', 'The requester is not a registered, active identity.'],
  ['NotAnAttestedPractitioner', 'The requester is not a practitioner with a live attestation.'],
  ['NoConsent', 'The patient has not granted this requester access.'],
  ['Revoked', 'The patient revoked the consent that allowed this.'],
  ['NotYetValid', 'The consent is not valid yet.'],
  ['Expired', 'The consent has expired.'],
  ['ActionNotAllowed', 'The consent does not allow this action.'],
  ['PurposeNotAllowed', 'The consent does not allow this purpose of use.'],
  ['ClassExcluded', 'The patient excluded this class of data.'],
  ['NotCovered', 'No consent covers this data.'],
  ['EmergencyExpired', 'The emergency access has ended.'],
  ['ClassClosedToEmergency', 'The patient closed this class of data to emergency access.'],
  ['UnknownRecord', 'There is no such record.'],
  ['RecordErased', 'The record was erased.']
].map(([name, label]) => Object.freeze({
  name,
  code: words(name, '-').toLowerCase(),
  label
})));

/** @type {readonly Code[]} Audit event types, in the runtime's order. */
export const AUDIT_EVENTS = Object.freeze([
  ['ConsentGranted', 'Consent granted'],
  ['ConsentRevoked', 'Consent revoked'],
  ['EmergencyAccess', 'Emergency access opened'],
  ['RecordWritten', 'Record written'],
  ['RecordRead', 'Record read'],
  ['RecordErased', 'Record erased'],
  ['AccessDenied', 'Access denied'],
  ['IdentityChanged', 'Identity changed'],
  ['EmergencyEnded', 'Emergency access ended']
].map(([name, label]) => Object.freeze({
  name,
  code: words(name, '-').toLowerCase(),
  label
})));

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

// The patient's pages: identity, records, consents (grant, revoke, who has access and why), and
// the audit trail as a verified timeline.

import {
  ACTIONS, AUDIT_EVENTS, CLASSES, PURPOSES, denyReason, parseSubject, toBits, toDid, verifyTrail
} from '@medchain/api';

import { fetchRecord, recordsOf, uploadRecord } from './records.js';
import { session, submit } from './session.js';
import { act, add, consentState, label, names, checkedValues, choices, download, field, h, short, when } from './ui.js';

const DAY = 86_400_000;

async function identityPage (m) {
  const doc = session.identity;
  const guardians = doc.guardians.map(([g, rights]) => h('li', {}, short(toDid(g)), ' — ',
    [rights.delegate.isTrue && 'may act for you', rights.recovery.isTrue && 'may help recover your key'].filter(Boolean).join(', ') || 'no rights'));
  add(m, h('section', { class: 'card' },
    h('dl', {},
      h('dt', {}, 'Your DID'), h('dd', { class: 'mono', 'data-testid': 'my-did' }, toDid(session.subject)),
      h('dt', {}, 'Status'), h('dd', {}, doc.status.isActive ? h('span', { class: 'badge ok' }, 'Active') : h('span', { class: 'badge bad' }, 'Deactivated')),
      h('dt', {}, 'Signing account'), h('dd', { class: 'mono' }, session.address),
      h('dt', {}, 'Key-agreement key (records are encrypted to it)'), h('dd', { class: 'mono' }, doc.keyAgreement.toHex()),
      h('dt', {}, 'Registered in block'), h('dd', {}, doc.registeredAt.toString()))),
  h('h2', {}, 'Guardians'),
  guardians.length ? h('ul', {}, guardians) : h('p', { class: 'hint' }, 'No guardians. A guardian may act for you or help recover a lost key.'),
  guardianForm());
}

function guardianForm () {
  const guardian = h('input', { type: 'text', name: 'guardian', placeholder: 'did:medchain:…' });
  const form = h('form', { class: 'card', onsubmit: async (e) => {
    e.preventDefault();
    await act(e.submitter, 'Naming a guardian', async (t) => {
      const rights = { delegate: form.delegate.checked, recovery: form.recovery.checked };
      await submit(session.api.tx.identity.addGuardian(parseSubject(guardian.value), rights), t);
      t.done('guardian named');
      await session.refresh();
    });
  } },
  h('h2', {}, 'Name a guardian'),
  field('Guardian (a registered patient or practitioner)', guardian),
  h('fieldset', {}, h('legend', {}, 'Rights'),
    h('label', {}, h('input', { type: 'checkbox', name: 'delegate' }), 'May grant and revoke consent, add and erase records for me'),
    h('label', {}, h('input', { type: 'checkbox', name: 'recovery' }), 'May help recover my key')),
  h('div', { class: 'row' }, h('button', { type: 'submit' }, 'Name guardian')));
  return form;
}

async function recordsPage (m) {
  const records = await recordsOf(session.subject);
  const out = h('div', { 'aria-live': 'polite' });
  const rows = records.map((r) => h('tr', {},
    h('td', { 'data-label': 'Class' }, label(CLASSES, r.class.toString())),
    h('td', { 'data-label': 'Record' }, short(r.id.toHex())),
    h('td', { 'data-label': 'Custodian' }, short(toDid(r.custodian))),
    h('td', { 'data-label': 'Written' }, when(r.created.toNumber())),
    h('td', { 'data-label': 'Status' }, r.status.toString()),
    h('td', { 'data-label': 'Open' }, r.status.toString() === 'Erased' ? '—' : h('button', { type: 'button', class: 'secondary', 'aria-label': `Open ${label(CLASSES, r.class.toString())} record ${r.id.toHex().slice(0, 10)}`, onclick: (e) => act(e.currentTarget, 'Opening the record', async (t) => {
      const body = await fetchRecord(r.id.toHex(), 'TREAT', t);
      t.done(`decrypted ${body.length} bytes`);
      showRecord(out, r, body);
    }) }, 'Open'))));
  add(m, 
    records.length
      ? h('table', { class: 'responsive' }, h('caption', { class: 'hint' }, `${records.length} record(s) anchored for you`),
        h('thead', {}, h('tr', {}, ['Class', 'Record', 'Custodian', 'Written', 'Status', 'Open'].map((c) => h('th', { scope: 'col' }, c)))),
        h('tbody', {}, rows))
      : h('p', { class: 'hint' }, 'No records yet.'),
    out,
    uploadForm());
}

export function showRecord (out, r, body) {
  const text = new TextDecoder('utf-8', { fatal: false }).decode(body);
  out.replaceChildren(h('section', { class: 'card', 'data-testid': 'record-body' },
    h('h2', {}, `${label(CLASSES, r.class.toString())} record`),
    h('pre', { class: 'record' }, text),
    h('div', { class: 'row' }, h('button', { type: 'button', class: 'secondary', onclick: () => download(`${r.id.toHex()}.bin`, body) }, 'Download'))));
}

function uploadForm () {
  const file = h('input', { type: 'file', name: 'file' });
  const text = h('textarea', { name: 'text', rows: 4 });
  const cls = h('select', { name: 'class' }, CLASSES.map((c) => h('option', { value: c.name }, c.label)));
  const form = h('form', { class: 'card', onsubmit: async (e) => {
    e.preventDefault();
    await act(e.submitter, 'Storing the record', async (t) => {
      const body = file.files[0] ? new Uint8Array(await file.files[0].arrayBuffer()) : new TextEncoder().encode(text.value);
      if (body.length === 0) throw new Error('choose a file or type the record');
      const id = await uploadRecord({ patient: session.subject, body, dataClass: cls.value, purposeName: 'Treat' }, t);
      t.done(`stored, record ${id.slice(0, 12)}…`);
      await session.refresh();
    });
  } },
  h('h2', {}, 'Add a record'),
  h('p', { class: 'hint' }, `Encrypted in this browser, anchored on chain by its hash, and kept by ${session.gatewayInfo ? toDid(session.gatewayInfo.organization).slice(0, 24) + '…' : 'the gateway'}.`),
  session.gatewayProblem && h('p', { class: 'alert warn' }, session.gatewayProblem),
  field('Data class', cls),
  field('File', file),
  field('Or type it', text),
  h('div', { class: 'row' }, h('button', { type: 'submit' }, 'Encrypt and store')));
  return form;
}

async function consentsPage (m) {
  const consents = await session.api.call.consentApi.consentsOfPatient(session.subject, null, 200);
  const now = Date.now();
  const rows = consents.map((c) => {
    const { active, badge } = consentState(c, now);
    const grantee = c.grantee.isPractitioner ? c.grantee.asPractitioner : c.grantee.asOrganization;
    return h('tr', { 'data-consent': c.id.toString() },
      h('td', { 'data-label': 'Who' }, c.grantee.isPractitioner ? 'Practitioner ' : 'Organization ', short(toDid(grantee))),
      h('td', { 'data-label': 'May' }, names(ACTIONS, c.actions)),
      h('td', { 'data-label': 'What' }, names(CLASSES, c.classes), c.records.length ? ` + ${c.records.length} record(s)` : '',
        c.excluded.toNumber() ? h('div', { class: 'hint' }, `except ${names(CLASSES, c.excluded)}`) : null),
      h('td', { 'data-label': 'Why' }, names(PURPOSES, c.purposes)),
      h('td', { 'data-label': 'Until' }, c.validUntil.isSome ? when(c.validUntil.unwrap().toNumber()) : 'until revoked'),
      h('td', { 'data-label': 'Status' }, badge),
      h('td', { 'data-label': 'Action' }, active ? h('button', { type: 'button', class: 'danger', 'aria-label': `Revoke consent ${c.id}`, onclick: (e) => act(e.currentTarget, `Revoking consent ${c.id}`, async (t) => {
        await submit(session.api.tx.consent.revoke(c.id), t);
        t.done('revoked');
        await session.refresh();
      }) }, 'Revoke') : '—'));
  });
  add(m, 
    h('h2', {}, 'Who has access, and why'),
    consents.length
      ? h('table', { class: 'responsive' },
        h('thead', {}, h('tr', {}, ['Who', 'May', 'What', 'Why', 'Until', 'Status', 'Action'].map((c) => h('th', { scope: 'col' }, c)))),
        h('tbody', {}, rows))
      : h('p', { class: 'hint' }, 'You have granted no consents.'),
    grantForm());
}

function grantForm () {
  const grantee = h('input', { type: 'text', name: 'grantee', placeholder: 'did:medchain:…', required: true });
  const days = h('input', { type: 'number', name: 'days', min: 1, max: 3650, value: 30 });
  const form = h('form', { class: 'card', 'aria-label': 'Grant access', onsubmit: async (e) => {
    e.preventDefault();
    await act(e.submitter, 'Granting access', async (t) => {
      const classes = checkedValues(form, 'classes');
      const actions = checkedValues(form, 'actions');
      const purposes = checkedValues(form, 'purposes');
      if (!classes.length || !actions.length || !purposes.length) throw new Error('choose at least one kind of data, one action and one purpose');
      const kind = new FormData(form).get('granteeKind');
      const terms = {
        grantee: { [kind]: parseSubject(grantee.value) },
        actions: toBits(ACTIONS, actions),
        classes: toBits(CLASSES, classes),
        records: [],
        excluded: 0,
        purposes: toBits(PURPOSES, purposes),
        validFrom: Date.now() - 60_000,
        validUntil: Date.now() + Number(days.value) * DAY
      };
      await submit(session.api.tx.consent.grant(session.subject, terms), t);
      t.done('access granted');
      await session.refresh();
    });
  } },
  h('h2', {}, 'Grant access'),
  h('fieldset', {}, h('legend', {}, 'To'),
    h('label', {}, h('input', { type: 'radio', name: 'granteeKind', value: 'Practitioner', checked: true }), 'A practitioner'),
    h('label', {}, h('input', { type: 'radio', name: 'granteeKind', value: 'Organization' }), 'An organization (its attested practitioners)')),
  field('Their DID', grantee, 'Ask your clinician for it: it starts with did:medchain:'),
  choices('What data', 'classes', CLASSES),
  choices('What they may do', 'actions', ACTIONS, { checked: ['Read'] }),
  choices('For what purpose', 'purposes', PURPOSES, { checked: ['Treat'] }),
  field('For how many days', days),
  h('div', { class: 'row' }, h('button', { type: 'submit' }, 'Grant access')));
  return form;
}

/** One trail entry as a timeline item. */
export function entryItem (e) {
  const r = e.record;
  const type = r.eventType.toString();
  const event = AUDIT_EVENTS.find((a) => a.name === type);
  const denied = type === 'AccessDenied';
  const emergency = type === 'EmergencyAccess' || type === 'EmergencyEnded' || (r.policy.isSome && r.policy.unwrap().isEmergency);
  const why = r.denyReason.isSome ? denyReason(r.denyReason.unwrap().toString()) : null;
  // Identical denials folded by the gateway: how many, until when (docs/audit.md).
  const repeats = r.repeats?.isSome ? r.repeats.unwrap() : null;
  return h('li', { class: denied ? 'denied' : emergency ? 'emergency' : type === 'ConsentGranted' ? 'granted' : '', 'data-event': type, 'data-occurred': r.occurred.toNumber(), 'data-seq': e.seq.toNumber() },
    h('div', { class: 'when' }, `#${e.seq} · ${when(r.occurred.toNumber())}`),
    h('strong', {}, emergency && type === 'EmergencyAccess' ? `⚠ ${event?.label ?? type}` : (event?.label ?? type)),
    ' by ', short(toDid(r.actor)),
    r.purpose.isSome ? ` for ${label(PURPOSES, r.purpose.unwrap().toString())}` : '',
    why ? h('div', {}, `Reason: ${why.label}`) : null,
    repeats ? h('div', { 'data-testid': 'repeats' }, `${repeats.count.toNumber()} times, the last ${when(repeats.last.toNumber())}`) : null,
    r.entity.isSome ? h('div', { class: 'hint' }, 'Record ', short(r.entity.unwrap().record.toHex())) : null);
}

/**
 * A trail as its events happened, newest first: by the time each writer gives (`occurred`), then
 * by place in the hash chain (`seq`), as the CLI's `audit show` orders it (oldest first there).
 * The hash chain is the order entries were recorded, not always the order of the events: a
 * gateway's read is recorded when the batch carrying it lands, in a later block than the one that
 * decided it and by which it is dated, so a break-glass read made just before `emergency end` can
 * be recorded after the end.
 */
function newestFirst (entries) {
  return [...entries].sort((a, b) =>
    b.record.occurred.toNumber() - a.record.occurred.toNumber() || b.seq.toNumber() - a.seq.toNumber());
}

async function auditPage (m) {
  const finalized = await session.api.rpc.chain.getFinalizedHead();
  const header = await session.api.rpc.chain.getHeader(finalized);
  const result = await verifyTrail(session.api, session.subject, { at: finalized });
  const status = result.ok
    ? h('p', { class: 'notice', 'data-testid': 'trail-verified' }, `✔ Verified in this browser: ${result.entries.length} entries re-hashed and linked; the newest matches the trail's head at finalized block #${header.number.toNumber()}.`)
    : h('p', { class: 'alert', role: 'alert', 'data-testid': 'trail-broken' }, `✘ The trail does not verify: ${result.problem}`);
  const timeline = newestFirst(result.entries);
  const emergencies = result.entries.filter((e) => e.record.eventType.toString() === 'EmergencyAccess');
  const type = h('select', { name: 'type' }, h('option', { value: '' }, 'All events'), AUDIT_EVENTS.map((a) => h('option', { value: a.name }, a.label)));
  const actor = h('input', { type: 'text', name: 'actor', placeholder: 'did:medchain:…' });
  const from = h('input', { type: 'date', name: 'from' });
  const to = h('input', { type: 'date', name: 'to' });
  const list = h('ol', { class: 'timeline', 'aria-label': 'Audit trail, newest first' });
  const render = () => {
    const start = from.value ? Date.parse(from.value) : -Infinity;
    const end = to.value ? Date.parse(to.value) + DAY : Infinity;
    const who = actor.value.trim().toLowerCase();
    list.replaceChildren(...timeline.filter((e) => {
      const r = e.record;
      const t = r.occurred.toNumber();
      return (!type.value || r.eventType.toString() === type.value) && t >= start && t < end &&
        (!who || toDid(r.actor).includes(who.replace(/^0x/, '')));
    }).map(entryItem));
  };
  for (const input of [type, actor, from, to]) input.addEventListener('input', render);
  render();
  add(m, 
    status,
    emergencies.length ? h('p', { class: 'alert warn', role: 'alert' }, `⚠ Break-glass: ${emergencies.length} emergency access(es) to your records. They are highlighted below.`) : null,
    h('form', { class: 'card filters', 'aria-label': 'Filter the trail', onsubmit: (e) => e.preventDefault() },
      field('Event', type), field('Actor', actor), field('From', from), field('To', to)),
    list,
    h('div', { class: 'row' }, h('button', { type: 'button', class: 'secondary', onclick: (e) => act(e.currentTarget, 'Exporting FHIR', async (t) => {
      const bundle = await session.api.rpc.audit.trail(toDid(session.subject), null, 1000);
      download('audit-trail.fhir.json', new TextEncoder().encode(JSON.stringify(bundle.toJSON(), null, 2)), 'application/fhir+json');
      t.done('downloaded as a FHIR R4 Bundle of AuditEvents');
    }) }, 'Download as FHIR')));
}

export const patientPages = {
  records: { title: 'My records', render: recordsPage },
  consents: { title: 'Access', render: consentsPage },
  audit: { title: 'Audit trail', render: auditPage },
  identity: { title: 'Identity', render: identityPage }
};

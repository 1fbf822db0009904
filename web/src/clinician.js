// The clinician's pages: patients who granted access and their records (fetched and decrypted
// here), break-glass with a hashed justification, and the clinician's own denials with reasons.

import { ACTIONS, CLASSES, GatewayError, PURPOSES, commit, denyReason, parseSubject, toDid } from '@medchain/api';

import { showRecord } from './patient.js';
import { fetchRecord, recordsOf } from './records.js';
import { session, submit } from './session.js';
import { act, add, consentState, label, names, field, h, short, when } from './ui.js';


async function patientsPage (m) {
  const consents = await session.api.call.consentApi.consentsOfGrantee(session.subject, null, 200);
  const now = Date.now();
  const byPatient = new Map();
  for (const c of consents) {
    const p = c.patient.toHex();
    if (!byPatient.has(p)) byPatient.set(p, []);
    byPatient.get(p).push(c);
  }
  const purpose = h('select', { name: 'purpose' }, PURPOSES.map((p) => h('option', { value: p.code }, p.label)));
  const lookup = h('input', { type: 'text', name: 'patient', placeholder: 'did:medchain:…' });
  add(m, 
    h('section', { class: 'card' },
      h('p', {}, 'Your DID (give it to patients who want to grant you access): ', h('span', { class: 'mono', 'data-testid': 'my-did' }, toDid(session.subject))),
      field('Purpose of your requests', purpose, 'Sent with every request and written on the patient\'s trail.')),
    byPatient.size ? null : h('p', { class: 'hint' }, 'No patient has granted you access yet.'));
  for (const [patient, list] of byPatient) {
    const section = h('section', { class: 'card', 'data-patient': patient });
    section.append(h('h2', {}, 'Patient ', short(toDid(patient))),
      h('ul', {}, list.map((c) => {
        return h('li', {}, consentState(c, now).badge,
          ` ${names(ACTIONS, c.actions)} · ${names(CLASSES, c.classes)} · for ${names(PURPOSES, c.purposes)}`,
          c.validUntil.isSome ? ` · until ${when(c.validUntil.unwrap().toNumber())}` : '');
      })));
    section.append(await recordTable(patient, purpose));
    add(m, section);
  }
  add(m, h('form', { class: 'card', onsubmit: async (e) => {
    e.preventDefault();
    const holder = h('div', {});
    e.target.append(holder);
    await act(e.submitter, 'Looking up the patient', async (t) => {
      holder.replaceChildren(await recordTable(parseSubject(lookup.value), purpose));
      t.done('records listed');
    });
  } }, h('h2', {}, 'Another patient'), field('Patient DID', lookup), h('div', { class: 'row' }, h('button', { type: 'submit', class: 'secondary' }, 'List records'))));
}

async function recordTable (patient, purpose) {
  const records = (await recordsOf(patient)).filter((r) => r.status.toString() !== 'Erased');
  const out = h('div', { 'aria-live': 'polite' });
  if (!records.length) return h('p', { class: 'hint' }, 'No records.');
  return h('div', {},
    h('table', { class: 'responsive' },
      h('thead', {}, h('tr', {}, ['Class', 'Record', 'Written', 'Open'].map((c) => h('th', { scope: 'col' }, c)))),
      h('tbody', {}, records.map((r) => h('tr', {},
        h('td', { 'data-label': 'Class' }, label(CLASSES, r.class.toString())),
        h('td', { 'data-label': 'Record' }, short(r.id.toHex())),
        h('td', { 'data-label': 'Written' }, when(r.created.toNumber())),
        h('td', { 'data-label': 'Open' }, h('button', { type: 'button', class: 'secondary', 'aria-label': `Fetch ${label(CLASSES, r.class.toString())} record ${r.id.toHex().slice(0, 10)}`, onclick: (e) => act(e.currentTarget, 'Fetching the record', async (t) => {
          try {
            const body = await fetchRecord(r.id.toHex(), purpose.value, t);
            t.done(`decrypted ${body.length} bytes`);
            showRecord(out, r, body);
          } catch (error) {
            if (error instanceof GatewayError && error.denyReason) {
              out.replaceChildren(h('p', { class: 'alert', role: 'alert', 'data-testid': 'denied' }, `Access denied: ${error.reason} (${error.denyReason}). The denial is on the patient's trail.`));
            }
            throw error;
          }
        }) }, 'Fetch and decrypt')))))),
    out);
}

function breakGlassPage (m) {
  const patient = h('input', { type: 'text', name: 'patient', placeholder: 'did:medchain:…', required: true });
  const minutes = h('input', { type: 'number', name: 'minutes', min: 1, max: 1440, value: 60 });
  const justification = h('textarea', { name: 'justification', rows: 3, required: true });
  const result = h('div', { 'aria-live': 'polite' });
  add(m, h('p', { class: 'alert warn' }, 'Break-glass opens a patient\'s records to you without their consent, for emergency treatment only. The patient is alerted, and every access is on their trail.'),
    h('form', { class: 'card', onsubmit: async (e) => {
      e.preventDefault();
      await act(e.submitter, 'Opening emergency access', async (t) => {
        if (!justification.value.trim()) throw new Error('a justification is required');
        const c = commit(justification.value.trim());
        await submit(session.api.tx.consent.openEmergencyAccess(parseSubject(patient.value), Number(minutes.value) * 60_000, c.hash), t);
        t.done('emergency access open');
        result.replaceChildren(h('p', { class: 'notice' }, 'Open. Only a salted hash of your justification is on chain; keep the justification and this salt to show it later: ',
          h('span', { class: 'mono' }, [...c.salt].map((b) => b.toString(16).padStart(2, '0')).join(''))));
      });
    } },
    field('Patient DID', patient),
    field('For how many minutes', minutes, 'The consortium caps the duration.'),
    field('Justification', justification, 'Stays off chain: only a salted hash of it is recorded.'),
    h('div', { class: 'row' }, h('button', { type: 'submit', class: 'danger' }, 'Open emergency access'))),
    result);
}

async function denialsPage (m) {
  const result = await session.api.call.auditApi.entriesByActor(session.subject, null, 200);
  if (result.isErr) throw new Error(result.asErr.toString());
  const denials = result.asOk.filter(([, e]) => e.record.eventType.toString() === 'AccessDenied');
  add(m, denials.length
    ? h('ol', { class: 'timeline', 'aria-label': 'Your denied requests, newest first' }, denials.map(([patient, e]) => {
      const why = e.record.denyReason.isSome ? denyReason(e.record.denyReason.unwrap().toString()) : null;
      return h('li', { class: 'denied' },
        h('div', { class: 'when' }, when(e.record.occurred.toNumber())),
        h('strong', {}, 'Denied'), ' — patient ', short(toDid(patient)),
        e.record.purpose.isSome ? ` for ${label(PURPOSES, e.record.purpose.unwrap().toString())}` : '',
        h('div', {}, `Reason: ${why ? why.label : 'not given'}`));
    }))
    : h('p', { class: 'hint' }, 'None of your requests has been denied.'));
}

export const clinicianPages = {
  patients: { title: 'My patients', render: patientsPage },
  emergency: { title: 'Break-glass', render: breakGlassPage },
  denials: { title: 'Denials', render: denialsPage }
};


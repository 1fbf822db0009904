// Record transfer in the browser: seal, anchor, wrap and upload; fetch, unwrap, verify against
// the chain's anchor, and decrypt. The plaintext never leaves the page.

import { eventData, openVerified, parseSubject, seal, unwrap, wrap } from '@medchain/api';

import { session, submit } from './session.js';

/** The patient's records (newest first). */
export async function recordsOf (patient) {
  const page = await session.api.call.recordsApi.recordsOf(patient, { class: null, status: null }, null, 200);
  return page.records;
}

/** Encrypts `body`, anchors it for `patient` at the gateway's organization, and uploads it. */
export async function uploadRecord ({ patient, body, dataClass, purposeName }, t) {
  if (!session.gatewayInfo) throw new Error(session.gatewayProblem ?? 'no gateway');
  t.step('encrypting in this browser…');
  const sealed = seal(body);
  try {
    // Refused before anything is anchored: an anchor whose upload cannot succeed would use up
    // one of the patient's live-record slots for nothing.
    if (sealed.size > Number(session.gatewayInfo.max_record_bytes)) {
      throw new Error(`the record is ${sealed.size} bytes sealed; this gateway keeps at most ${session.gatewayInfo.max_record_bytes}`);
    }
    const custodian = parseSubject(session.gatewayInfo.organization);
    const tx = session.api.tx.records.anchor(patient, dataClass, sealed.contentHash, sealed.size, custodian, purposeName);
    const { events } = await submit(tx, t);
    const id = eventData(events, 'records', 'RecordAnchored').id.toHex();
    t.step('wrapping the key for the custodian and the patient…');
    const patientDoc = (await session.api.call.identityApi.identity(patient)).unwrap();
    const envelopes = [
      await wrap(sealed.key, id, session.gatewayInfo.key_agreement),
      await wrap(sealed.key, id, patientDoc.keyAgreement.toU8a())
    ];
    t.step(`uploading ${sealed.size} bytes of ciphertext…`);
    await session.gateway.put(id, sealed.blob, envelopes);
    return id;
  } finally {
    sealed.key.fill(0);
  }
}

/** Fetches a record through the gateway and decrypts it here, after checking it is the anchored ciphertext. */
export async function fetchRecord (id, purposeCode, t) {
  if (!session.agreementSecret) throw new Error('opening records needs your secret phrase (your decryption key)');
  if (!session.gateway) throw new Error(session.gatewayProblem ?? 'no gateway');
  t.step('asking the custodian gateway…');
  const { blob, envelope } = await session.gateway.get(id, purposeCode);
  t.step('checking it against the anchor on chain and decrypting…');
  const anchor = await session.api.call.recordsApi.record(id);
  if (anchor.isNone) throw new Error('the chain has no anchor for this record');
  const key = await unwrap(envelope, id, session.agreementSecret);
  try {
    // The chain's anchor, not the gateway's word: hash, size, and not erased.
    return openVerified(key, blob, anchor.unwrap());
  } finally {
    key.fill(0);
  }
}

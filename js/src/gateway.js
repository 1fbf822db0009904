// A custodian gateway's HTTP API (docs/gateway.md), from browsers and Node.js alike (fetch):
// signed uploads and reads of record ciphertext, with the checks the Rust client makes.

import { u8aToHex } from '@polkadot/util';

import { envelopeFromBase64, envelopesToBase64 } from './envelope.js';
import { signedHeaders } from './httpsig.js';
import { denyReason } from './codes.js';

/** A gateway answered with an error: `status`, the OperationOutcome's `diagnostics`, and for a denied read the rule's `denyReason` code. */
export class GatewayError extends Error {
  constructor (status, diagnostics, denyReason = null) {
    super(denyReason ? `${diagnostics} (${status})` : `gateway: ${diagnostics} (${status})`);
    this.name = 'GatewayError';
    this.status = status;
    this.diagnostics = diagnostics;
    /** @type {string | null} e.g. `revoked`, `no-consent` */
    this.denyReason = denyReason;
  }

  /** A sentence for a person: the deny rule's reason, or the gateway's diagnostics. */
  get reason () {
    if (this.denyReason) {
      try { return denyReason(this.denyReason).label; } catch { return this.denyReason; }
    }
    return this.diagnostics;
  }
}

async function failure (response) {
  let diagnostics = response.statusText || `HTTP ${response.status}`;
  try {
    const outcome = await response.json();
    diagnostics = outcome?.issue?.[0]?.diagnostics ?? diagnostics;
  } catch { /* not JSON */ }
  return new GatewayError(response.status, diagnostics, response.headers.get('medchain-deny-reason'));
}

const recordHex = (record) => typeof record === 'string' ? record.toLowerCase() : u8aToHex(record);

export class Gateway {
  /**
   * @param {string} url the gateway's base URL
   * @param {import('./httpsig.js').Signer} [signer] the registered controller key signing requests
   * @param {{ fetch?: typeof fetch }} [options]
   */
  constructor (url, signer, { fetch: fetchFn = globalThis.fetch.bind(globalThis) } = {}) {
    this.url = String(url).replace(/\/+$/, '');
    this.signer = signer;
    this.fetch = fetchFn;
  }

  /** `GET /info`: `{ gateway, organization, key_agreement, … }` (check it on chain before trusting it). */
  async info () {
    const response = await this.fetch(`${this.url}/info`);
    if (!response.ok) throw await failure(response);
    return response.json();
  }

  async signed (method, path, { body, fields } = {}) {
    if (!this.signer) throw new Error('this gateway client has no signer');
    const url = `${this.url}${path}`;
    const headers = await signedHeaders(this.signer, method, url, { body, fields });
    return this.fetch(url, { method, headers, body });
  }

  /**
   * `PUT /records/{id}`: the ciphertext of an anchored record with its envelopes (the
   * gateway's and the patient's at least).
   * @param {Uint8Array | string} record
   * @param {Uint8Array} blob
   * @param {import('./envelope.js').Envelope[]} envelopes
   */
  async put (record, blob, envelopes) {
    const response = await this.signed('PUT', `/records/${recordHex(record)}`, {
      body: blob,
      fields: { 'medchain-envelopes': envelopesToBase64(envelopes) }
    });
    if (!response.ok) throw await failure(response);
  }

  /**
   * `GET /records/{id}?purpose=…`: the ciphertext and the envelope the gateway wrapped for the
   * signer's registered key. Check the blob against the anchor read from the chain
   * (`openVerified`), never against anything the gateway says.
   * @param {Uint8Array | string} record
   * @param {string} purposeCode an HL7 code, e.g. `TREAT`
   * @returns {Promise<{ blob: Uint8Array, envelope: import('./envelope.js').Envelope }>}
   */
  async get (record, purposeCode = 'TREAT') {
    const response = await this.signed('GET', `/records/${recordHex(record)}?purpose=${encodeURIComponent(purposeCode)}`);
    if (!response.ok) throw await failure(response);
    const envelope = response.headers.get('medchain-envelope');
    if (!envelope) throw new GatewayError(response.status, 'the answer carries no envelope');
    return {
      blob: new Uint8Array(await response.arrayBuffer()),
      envelope: envelopeFromBase64(envelope)
    };
  }

  /**
   * `GET /fhir/AuditEvent?patient=…`: the patient's trail as one FHIR Bundle, newest first. The
   * gateway answers a page at a time (`_count`, at most 1,000); this follows each page's `next`
   * link (signed anew) and returns every entry in one Bundle.
   */
  async auditEvents (patient, { count = 1000 } = {}) {
    let path = `/fhir/AuditEvent?patient=${encodeURIComponent(patient)}&_count=${count}`;
    let bundle = null;
    while (path) {
      const response = await this.signed('GET', path);
      if (!response.ok) throw await failure(response);
      const page = await response.json();
      if (bundle) bundle.entry.push(...(page.entry ?? []));
      else bundle = { ...page, entry: page.entry ?? [] };
      path = page.link?.find((l) => l.relation === 'next')?.url ?? null;
    }
    bundle.link = bundle.link?.filter((l) => l.relation !== 'next');
    return bundle;
  }
}

// Cross-checks with the Rust client (client/src/interop.rs): test/vectors/from-rust.json was made
// by the Rust client; this package must derive, open and verify exactly what it made.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';

import { base64Decode, cryptoWaitReady, sr25519Verify } from '@polkadot/util-crypto';
import { decodeAddress } from '@polkadot/util-crypto';
import { hexToU8a } from '@polkadot/util';

import { decodeEnvelope, keysFromPhrase, opens, openVerified, signedHeaders, unwrap } from '../src/index.js';

const rust = JSON.parse(readFileSync(new URL('./vectors/from-rust.json', import.meta.url), 'utf8'));

describe('vectors from the Rust client', () => {
  it('derives the same accounts and key-agreement keys from the same URIs', async () => {
    assert.equal(rust.keys.length, 4);
    for (const { uri, account, agreement } of rust.keys) {
      const keys = await keysFromPhrase(uri);
      assert.equal(keys.address, account, uri);
      assert.equal(keys.agreementPublicHex, agreement, uri);
    }
  });

  it('opens an envelope and a multi-chunk blob sealed in Rust', async () => {
    const v = rust.envelope;
    const bob = await keysFromPhrase(v.recipient);
    const envelope = decodeEnvelope(base64Decode(v.envelope));
    const key = await unwrap(envelope, v.record, bob.agreementSecret);
    const body = openVerified(key, base64Decode(v.blob), { contentHash: v.content_hash, size: v.size, status: 'Active' });
    assert.equal(new TextDecoder().decode(body), v.body);
    const alice = await keysFromPhrase('//Alice');
    await assert.rejects(unwrap(envelope, v.record, alice.agreementSecret));
  });

  it('verifies a request the Rust client signed, and signs the same base itself', async () => {
    await cryptoWaitReady();
    const r = rust.request;
    const params = r.headers['signature-input'].slice('medchain='.length);
    const base = ['"@method": GET', '"@path": /records/0x01', '"@query": ?purpose=TREAT',
      `"content-digest": ${r.headers['content-digest']}`, `"@signature-params": ${params}`].join('\n');
    const signature = base64Decode(r.headers.signature.slice('medchain=:'.length, -1));
    assert.ok(sr25519Verify(base, signature, decodeAddress(r.account)));
    // Same inputs here give the same Signature-Input (sr25519 signatures are randomized).
    const { pair } = await keysFromPhrase('//Alice');
    const nonce = /nonce="([^"]+)"/.exec(params)[1];
    const ours = await signedHeaders(pair, 'GET', r.url, { created: 1_700_000_000, nonce });
    assert.equal(ours['signature-input'], r.headers['signature-input']);
    assert.equal(ours['content-digest'], r.headers['content-digest']);
  });

  it('opens a commitment made in Rust', () => {
    const c = rust.commitment;
    assert.ok(opens(c.hash, hexToU8a(c.salt), c.document));
    assert.ok(!opens(c.hash, new Uint8Array(32), c.document));
  });
});

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';

import { blake2b } from '@noble/hashes/blake2.js';
import { stringToU8a, u8aConcat, u8aToHex, u8aToU8a } from '@polkadot/util';
import { base64Decode, cryptoWaitReady, sr25519Verify } from '@polkadot/util-crypto';

import {
  CHUNK, EnvelopeError, commit, commitWithSalt, contentDigest, decodeEnvelope, encodeEnvelope, envelopesToBase64,
  extensionSigner, keysFromPhrase, open, openVerified, opens, seal, signedHeaders, unwrap, wrap
} from '../src/index.js';

const RECORD = u8aToHex(new Uint8Array(32).fill(7));
const kind = (k) => (e) => e instanceof EnvelopeError && e.kind === k;

describe('keys', () => {
  it('gives the accounts Polkadot.js and subkey give, and refuses passwords and bad phrases', async () => {
    assert.equal((await keysFromPhrase('//Alice')).address, '5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY');
    const a = await keysFromPhrase('//Alice');
    const b = await keysFromPhrase('//Alice//0');
    assert.notEqual(a.agreementPublicHex, b.agreementPublicHex, 'a path gives another key-agreement key');
    assert.equal((await keysFromPhrase('  //Alice ')).agreementPublicHex, a.agreementPublicHex);
    await assert.rejects(keysFromPhrase('//Alice///secret'), /passwords/);
    await assert.rejects(keysFromPhrase('bottom drive obey lake curtain smoke basket hold race lonely fit fit'), /mnemonic/);
    const c = await keysFromPhrase('//Charlie');
    c.forget();
    assert.ok(c.agreementSecret.every((b) => b === 0) && c.pair.isLocked, 'forget wipes and locks');
  });
});

describe('record envelopes', () => {
  it('round-trips bodies of every chunk shape, a new key and nonce each time', async () => {
    const patient = await keysFromPhrase('//Eve');
    for (const size of [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 2 * CHUNK, 2 * CHUNK + 10]) {
      const body = new Uint8Array(size).map((_, i) => i % 251);
      const sealed = seal(body);
      assert.equal(sealed.size, 4 + 19 + size + 16 * Math.max(1, Math.ceil(size / CHUNK)), `size ${size}`);
      const envelope = decodeEnvelope(encodeEnvelope(await wrap(sealed.key, RECORD, patient.agreementPublic)));
      const key = await unwrap(envelope, RECORD, patient.agreementSecret);
      assert.deepEqual(openVerified(key, sealed.blob, { ...sealed, status: 'Active' }), body);
    }
    const [x, y] = [seal('same'), seal('same')];
    assert.notDeepEqual(x.blob, y.blob);
    assert.notDeepEqual(x.key, y.key);
  });

  it('detects tampering, truncation, extension and the wrong key', () => {
    const body = new Uint8Array(2 * CHUNK + 10).fill(42);
    const { blob, key } = seal(body);
    for (const i of [0, 22, 23, 23 + CHUNK + 5, blob.length - 1]) {
      const bad = blob.slice();
      bad[i] ^= 1;
      assert.throws(() => open(key, bad), (e) => kind('Tampered')(e) || kind('NotARecord')(e), `byte ${i}`);
    }
    assert.throws(() => open(key, blob.subarray(0, 23 + 2 * (CHUNK + 16))), kind('Tampered'), 'cut at a chunk boundary');
    assert.throws(() => open(key, blob.subarray(0, blob.length - 1)), kind('Tampered'));
    assert.throws(() => open(key, u8aConcat(blob, new Uint8Array(17))), kind('Tampered'));
    assert.throws(() => open(seal('y').key, blob), kind('Tampered'));
    assert.throws(() => open(key, stringToU8a('MCR2' + 'x'.repeat(40))), kind('NotARecord'));
  });

  it('opens only for the anchored hash and size, and never an erased record', () => {
    const sealed = seal('Hb 13.5');
    assert.throws(() => openVerified(sealed.key, sealed.blob, { contentHash: u8aToHex(new Uint8Array(32)), size: sealed.size, status: 'Active' }), kind('NotAnchored'));
    assert.throws(() => openVerified(sealed.key, sealed.blob, { contentHash: sealed.contentHash, size: sealed.size + 1, status: 'Active' }), kind('NotAnchored'));
    assert.throws(() => openVerified(sealed.key, sealed.blob, { ...sealed, status: 'Erased' }), /erased/);
    assert.throws(() => openVerified(sealed.key, sealed.blob, sealed), /status is missing/, 'no status, no opening');
    assert.throws(() => openVerified(sealed.key, sealed.blob, { ...sealed, status: { erased: null } }), kind('NotAnchored'));
    assert.deepEqual(openVerified(sealed.key, sealed.blob, { ...sealed, status: 'Superseded' }), stringToU8a('Hb 13.5'));
    assert.deepEqual(openVerified(sealed.key, sealed.blob, { ...sealed, status: 'Active' }), stringToU8a('Hb 13.5'));
    // As Polkadot.js gives an anchor: a Map (whose own `size` is its field count), so the field is `size_`.
    const struct = new Map([['contentHash', { toHex: () => sealed.contentHash }], ['size_', { toBigInt: () => BigInt(sealed.size) }], ['status', 'Active']]);
    assert.deepEqual(openVerified(sealed.key, sealed.blob, struct), stringToU8a('Hb 13.5'));
    struct.set('status', 'Erased');
    assert.throws(() => openVerified(sealed.key, sealed.blob, struct), /erased/);
  });

  it('opens an envelope only for its recipient and its record', async () => {
    const [patient, stranger] = [await keysFromPhrase('//Eve'), await keysFromPhrase('//Ferdie')];
    const sealed = seal('x');
    const envelope = await wrap(sealed.key, RECORD, patient.agreementPublic);
    await assert.rejects(unwrap(envelope, RECORD, stranger.agreementSecret), kind('WrongEnvelope'));
    const other = u8aToHex(new Uint8Array(32).fill(8));
    await assert.rejects(unwrap(envelope, other, patient.agreementSecret), kind('WrongEnvelope'));
    for (const field of ['sealedKey', 'encappedKey']) {
      const bad = { ...envelope, [field]: envelope[field].slice() };
      bad[field][3] ^= 1;
      await assert.rejects(unwrap(bad, RECORD, patient.agreementSecret), kind('WrongEnvelope'), field);
    }
    const bytes = encodeEnvelope(envelope);
    assert.throws(() => decodeEnvelope(bytes.subarray(0, 40)), kind('Malformed'));
    assert.throws(() => decodeEnvelope(u8aConcat(bytes, [0])), /trailing/);
    await assert.rejects(wrap(sealed.key, RECORD, new Uint8Array(31)), kind('Malformed'));
    // A list as MedChain-Envelopes carries it: compact count, then each envelope.
    assert.deepEqual(base64Decode(envelopesToBase64([envelope, envelope])), u8aConcat([8], bytes, bytes));
  });
});

describe('commitments', () => {
  it('is blake2-256(salt ‖ document), opening with its salt and document only', () => {
    const salt = new Uint8Array(32).fill(7);
    assert.equal(commitWithSalt(salt, 'doc').hash, u8aToHex(blake2b(u8aConcat(salt, stringToU8a('doc')), { dkLen: 32 })));
    const c = commit('unconscious, allergy check');
    assert.ok(opens(c.hash, c.salt, 'unconscious, allergy check'));
    assert.ok(!opens(c.hash, c.salt, 'unconscious, allergy check.'));
    assert.notEqual(commit('licence 123').hash, commit('licence 123').hash);
  });
});

describe('signed gateway requests', () => {
  it('signs the RFC 9421 base with the controller key, covering the digest and extra fields', async () => {
    await cryptoWaitReady();
    const { pair } = await keysFromPhrase('//Alice');
    const body = stringToU8a('blob');
    const headers = await signedHeaders(pair, 'put', 'http://gw.example/records/0x01', { body, fields: { 'medchain-envelopes': 'AAAA' }, created: 1_700_000_000, nonce: 'n1' });
    assert.equal(headers['content-digest'], contentDigest(body));
    assert.equal(headers['signature-input'],
      `medchain=("@method" "@path" "@query" "content-digest" "medchain-envelopes");created=1700000000;nonce="n1";keyid="${u8aToHex(pair.publicKey)}";tag="medchain-gateway-v1"`);
    const base = ['"@method": PUT', '"@path": /records/0x01', '"@query": ?', `"content-digest": ${contentDigest(body)}`,
      '"medchain-envelopes": AAAA', `"@signature-params": ${headers['signature-input'].slice('medchain='.length)}`].join('\n');
    const signature = base64Decode(headers.signature.slice('medchain=:'.length, -1));
    assert.ok(sr25519Verify(base, signature, pair.publicKey));
    assert.ok(!sr25519Verify(base.replace('/records/0x01', '/records/0x02'), signature, pair.publicKey));
    await assert.rejects(signedHeaders(pair, 'GET', 'http://gw/x', { fields: { 'X-Upper': 'a' } }), /lowercase/);
  });

  it("signs through a browser extension's signRaw, which wraps the message in <Bytes>", async () => {
    const { pair } = await keysFromPhrase('//Alice');
    const seen = [];
    const injector = {
      signer: {
        async signRaw ({ address, data, type }) {
          seen.push({ address, type });
          const wrapped = u8aConcat(stringToU8a('<Bytes>'), u8aToU8a(data), stringToU8a('</Bytes>'));
          return { signature: u8aToHex(pair.sign(wrapped)) };
        }
      }
    };
    const signer = extensionSigner(injector, pair.address);
    assert.deepEqual(signer.publicKey, pair.publicKey);
    const headers = await signedHeaders(signer, 'GET', 'http://gw/records/0x01?purpose=TREAT', { created: 1, nonce: 'n' });
    assert.deepEqual(seen, [{ address: pair.address, type: 'bytes' }]);
    assert.ok(headers.signature.startsWith('medchain=:'));
  });
});

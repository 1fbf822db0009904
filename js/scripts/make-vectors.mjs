// Writes test/vectors/from-js.json: keys, an envelope and a blob, a signed request and a
// commitment made by this package, for the Rust client's interop test
// (client/src/interop.rs) to check. Run it after changing a format: `node js/scripts/make-vectors.mjs`.

import { writeFileSync } from 'node:fs';

import { base64Encode } from '@polkadot/util-crypto';
import { u8aToHex } from '@polkadot/util';

import { commit, encodeEnvelope, keysFromPhrase, seal, signedHeaders, wrap, CHUNK } from '../src/index.js';

const URIS = ['//Alice', '//Bob', '//Alice//medchain/0', 'bottom drive obey lake curtain smoke basket hold race lonely fit walk//3'];

const keys = [];
for (const uri of URIS) {
  const k = await keysFromPhrase(uri);
  keys.push({ uri, account: k.address, agreement: k.agreementPublicHex });
}
const bob = await keysFromPhrase('//Bob');
const body = 'Hb 13.5 g/dL; sealed in JavaScript. ' + 'x'.repeat(CHUNK + 100);
const record = u8aToHex(new Uint8Array(32).fill(7));
const sealed = seal(body);
const envelope = await wrap(sealed.key, record, bob.agreementPublic);
const alice = await keysFromPhrase('//Alice');
const url = 'http://127.0.0.1:8480/records/0x01?purpose=TREAT';
const request = { method: 'GET', url, headers: await signedHeaders(alice.pair, 'GET', url, { created: 1_700_000_000, nonce: 'bm9uY2U=' }) };
const c = commit('unconscious, allergy check');

writeFileSync(new URL('../test/vectors/from-js.json', import.meta.url), JSON.stringify({
  keys,
  envelope: {
    recipient: '//Bob',
    record,
    envelope: base64Encode(encodeEnvelope(envelope)),
    blob: base64Encode(sealed.blob),
    content_hash: sealed.contentHash,
    size: sealed.size,
    body
  },
  request,
  commitment: { salt: u8aToHex(c.salt), document: 'unconscious, allergy check', hash: c.hash }
}, null, 2) + '\n');
console.log('wrote test/vectors/from-js.json');

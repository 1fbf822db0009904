// Signed gateway requests (client/src/httpsig.rs): HTTP Message Signatures (RFC 9421) made with
// the requester's registered sr25519 key over a SHA-256 Content-Digest of the body (RFC 9530).
// A signer is anything with `publicKey` and `sign(bytes)`: a Polkadot.js keyring pair, or a
// browser extension's signer (`extensionSigner`), whose `<Bytes>…</Bytes>` wrapping the gateway
// also accepts.

import { sha256 } from '@noble/hashes/sha2.js';
import { hexToU8a, stringToU8a, u8aToHex, u8aToU8a } from '@polkadot/util';
import { base64Encode, decodeAddress } from '@polkadot/util-crypto';

import { randomBytes } from './random.js';

export const LABEL = 'medchain';
export const TAG = 'medchain-gateway-v1';

/**
 * @typedef {object} Signer
 * @property {Uint8Array} publicKey the sr25519 public key (the registered controller)
 * @property {(message: Uint8Array) => Uint8Array | Promise<Uint8Array>} sign
 */

/** RFC 9530 Content-Digest of `body`. */
export const contentDigest = (body = new Uint8Array()) => `sha-256=:${base64Encode(sha256(u8aToU8a(body)))}:`;

/**
 * The headers of a signed request: Content-Digest, Signature-Input and Signature, plus `fields`
 * (extra covered headers, lowercase names, e.g. `medchain-envelopes`).
 * @param {Signer} signer
 * @param {string} method
 * @param {string | URL} url
 * @param {{ body?: Uint8Array, fields?: Record<string, string>, created?: number, nonce?: string }} [options]
 * @returns {Promise<Record<string, string>>}
 */
export async function signedHeaders (signer, method, url, { body = new Uint8Array(), fields = {}, created, nonce } = {}) {
  const { pathname, search } = new URL(url);
  const covered = { 'content-digest': contentDigest(body), ...fields };
  for (const [name, value] of Object.entries(covered)) {
    if (name !== name.toLowerCase()) throw new RangeError(`covered header names are lowercase: ${name}`);
    if (/[\r\n]/.test(value)) throw new RangeError(`header ${name} holds a line break`);
  }
  const components = ['@method', '@path', '@query', ...Object.keys(covered)];
  const keyid = u8aToHex(signer.publicKey);
  created = created ?? Math.floor(Date.now() / 1000);
  nonce = nonce ?? base64Encode(randomBytes(16));
  const params = `(${components.map((c) => `"${c}"`).join(' ')});created=${created};nonce="${nonce}";keyid="${keyid}";tag="${TAG}"`;
  const value = (c) => c === '@method' ? method.toUpperCase() : c === '@path' ? pathname : c === '@query' ? (search || '?') : covered[c].trim();
  const base = components.map((c) => `"${c}": ${value(c)}`).join('\n') + `\n"@signature-params": ${params}`;
  const signature = await signer.sign(stringToU8a(base));
  return {
    ...covered,
    'signature-input': `${LABEL}=${params}`,
    signature: `${LABEL}=:${base64Encode(signature)}:`
  };
}

/**
 * A signer from a Polkadot.js browser extension account: `injector` from `web3FromAddress`.
 * The extension signs `<Bytes>message</Bytes>` (so a signature can never be a transaction's).
 * @param {{ signer: { signRaw?: Function } }} injector
 * @param {string} address
 * @returns {Signer}
 */
export function extensionSigner (injector, address) {
  if (!injector.signer.signRaw) throw new Error('this extension cannot sign raw messages');
  return {
    publicKey: decodeAddress(address),
    async sign (message) {
      const { signature } = await injector.signer.signRaw({ address, data: u8aToHex(message), type: 'bytes' });
      return hexToU8a(signature);
    }
  };
}

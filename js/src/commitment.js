// Salted commitments (client/src/commitment.rs): the chain keeps blake2-256(salt ‖ document) with
// a fresh 32-byte salt; the owner keeps the salt and the document. An unsalted hash of a short
// text (a justification, a licence number) can be guessed; a salted one cannot.

import { blake2b } from '@noble/hashes/blake2.js';
import { u8aToHex, u8aToU8a } from '@polkadot/util';

import { randomBytes } from './random.js';

/**
 * The commitment to `document` under `salt` (32 bytes).
 * @param {Uint8Array} salt
 * @param {string | Uint8Array} document text (UTF-8) or bytes
 * @returns {{ salt: Uint8Array, hash: `0x${string}` }}
 */
export function commitWithSalt (salt, document) {
  if (salt.length !== 32) throw new RangeError('a commitment salt is 32 bytes');
  const doc = u8aToU8a(document);
  const preimage = new Uint8Array(32 + doc.length);
  preimage.set(salt);
  preimage.set(doc, 32);
  return { salt: Uint8Array.from(salt), hash: /** @type {`0x${string}`} */ (u8aToHex(blake2b(preimage, { dkLen: 32 }))) };
}

/**
 * A commitment to `document` with a fresh random salt: put `hash` on chain, keep `salt`.
 * @param {string | Uint8Array} document
 */
export const commit = (document) => commitWithSalt(randomBytes(32), document);

/** Whether `salt` and `document` open the on-chain `hash`. */
export const opens = (hash, salt, document) => commitWithSalt(salt, document).hash === String(hash).toLowerCase();

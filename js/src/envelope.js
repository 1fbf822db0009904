// Record encryption, byte-compatible with the Rust client (client/src/envelope.rs):
//
// Blob: "MCR1" ‖ 19-byte random nonce prefix ‖ chunks. A fresh 32-byte data key per record
// encrypts the body with XChaCha20-Poly1305 in RustCrypto's STREAM construction (StreamBE32):
// chunk i's nonce is prefix ‖ i as u32 big-endian ‖ 1 for the last chunk else 0; each chunk is
// at most 64 KiB of plaintext plus a 16-byte tag; the 23-byte header is every chunk's associated
// data. Truncation, reordering and extension are detected. The anchor is blake2-256 of the blob.
//
// Envelope: the data key wrapped for one recipient with HPKE (base mode, info
// "medchain:envelope:v1", associated data info ‖ record ‖ recipient), SCALE-encoded as
// record[32] ‖ recipient[32] ‖ encapped_key[32] ‖ compact length ‖ sealed key.

import { xchacha20poly1305 } from '@noble/ciphers/chacha.js';
import { x25519 } from '@noble/curves/ed25519.js';
import { blake2b } from '@noble/hashes/blake2.js';
import { compactFromU8a, compactToU8a, u8aConcat, u8aToHex, u8aToU8a, u8aEq } from '@polkadot/util';
import { base64Decode, base64Encode } from '@polkadot/util-crypto';

import { suite } from './hpke.js';
import { randomBytes } from './random.js';

export const CHUNK = 64 * 1024;
export const MAGIC = new TextEncoder().encode('MCR1');
export const ENVELOPE_DOMAIN = new TextEncoder().encode('medchain:envelope:v1');
const TAG = 16;
const PREFIX = 19;
const HEADER = MAGIC.length + PREFIX;

/** Why sealing or opening failed; `kind` is one of the Rust client's error kinds. */
export class EnvelopeError extends Error {
  /**
   * @param {'NotARecord' | 'Tampered' | 'WrongEnvelope' | 'Malformed' | 'NotAnchored'} kind
   * @param {string} message
   */
  constructor (kind, message) {
    super(message);
    this.name = 'EnvelopeError';
    this.kind = kind;
  }
}

const tampered = () => new EnvelopeError('Tampered', 'the record does not decrypt: altered, truncated, or not this key\'s');

function chunkNonce (prefix, index, last) {
  const nonce = new Uint8Array(24);
  nonce.set(prefix);
  new DataView(nonce.buffer).setUint32(PREFIX, index, false);
  nonce[23] = last ? 1 : 0;
  return nonce;
}

/** blake2-256 of bytes, as 0x hex. */
export const blake2_256 = (bytes) => /** @type {`0x${string}`} */ (u8aToHex(blake2b(bytes, { dkLen: 32 })));

/**
 * Encrypts `body` under a fresh data key.
 * @param {Uint8Array | string} body
 * @returns {{ blob: Uint8Array, key: Uint8Array, contentHash: `0x${string}`, size: number }}
 */
export function seal (body) {
  const plain = u8aToU8a(body);
  const key = randomBytes(32);
  const header = new Uint8Array(HEADER);
  header.set(MAGIC);
  header.set(randomBytes(PREFIX), MAGIC.length);
  const prefix = header.subarray(MAGIC.length);
  const chunks = Math.max(1, Math.ceil(plain.length / CHUNK));
  const blob = new Uint8Array(HEADER + plain.length + chunks * TAG);
  blob.set(header);
  let out = HEADER;
  for (let i = 0; i < chunks; i++) {
    const part = plain.subarray(i * CHUNK, Math.min((i + 1) * CHUNK, plain.length));
    const sealed = xchacha20poly1305(key, chunkNonce(prefix, i, i === chunks - 1), header).encrypt(part);
    blob.set(sealed, out);
    out += sealed.length;
  }
  return { blob, key, contentHash: blake2_256(blob), size: blob.length };
}

/**
 * Decrypts a blob with its data key.
 * @param {Uint8Array} key
 * @param {Uint8Array} blob
 * @returns {Uint8Array}
 */
export function open (key, blob) {
  if (blob.length < HEADER || !u8aEq(blob.subarray(0, MAGIC.length), MAGIC)) {
    throw new EnvelopeError('NotARecord', 'not a MedChain record blob');
  }
  const header = blob.subarray(0, HEADER);
  const prefix = header.subarray(MAGIC.length);
  const rest = blob.length - HEADER;
  const chunks = Math.max(1, Math.ceil(rest / (CHUNK + TAG)));
  const parts = [];
  for (let i = 0; i < chunks; i++) {
    const start = HEADER + i * (CHUNK + TAG);
    const part = blob.subarray(start, Math.min(start + CHUNK + TAG, blob.length));
    try {
      parts.push(xchacha20poly1305(key, chunkNonce(prefix, i, i === chunks - 1), header).decrypt(part));
    } catch {
      throw tampered();
    }
  }
  return u8aConcat(...parts);
}

/**
 * Decrypts a blob only if it is the anchored ciphertext (its blake2-256 and size) of a record
 * that is Active or Superseded (not erased). `anchor` is what the chain says
 * (`recordsApi.record(id)`), never what a gateway says: a Polkadot.js `RecordAnchor`, or
 * `{ contentHash, size, status }` with all three.
 * @param {Uint8Array} key
 * @param {Uint8Array} blob
 * @param {{ contentHash: string | { toHex(): string }, size: number | bigint | { toBigInt(): bigint }, status: string | { toString(): string } }} anchor
 */
export function openVerified (key, blob, anchor) {
  // A Polkadot.js struct is a Map whose `size` is its field count: it names the field `size_`.
  const field = (name) => (anchor instanceof Map ? anchor.get(name) ?? anchor.get(`${name}_`) : anchor[name]);
  const [hashField, sizeField, status] = [field('contentHash'), field('size'), field('status')];
  const contentHash = typeof hashField === 'string' ? hashField : hashField.toHex();
  const size = typeof sizeField === 'object' ? sizeField.toBigInt() : sizeField;
  // Only a live anchor vouches for a ciphertext: a missing status is not taken for one.
  const state = String(status ?? '').toLowerCase();
  if (state !== 'active' && state !== 'superseded') {
    throw new EnvelopeError('NotAnchored', state === 'erased'
      ? 'the record was erased: its anchor no longer vouches for any ciphertext'
      : `the anchor's status is ${status === undefined ? 'missing' : `\`${status}\``}: only an Active or Superseded record opens`);
  }
  if (blake2_256(blob) !== String(contentHash).toLowerCase() || BigInt(blob.length) !== BigInt(size)) {
    throw new EnvelopeError('NotAnchored', 'not the anchored ciphertext: its hash or size differs from the record\'s anchor');
  }
  return open(key, blob);
}

/**
 * A data key wrapped for one recipient of one record.
 * @typedef {{ record: Uint8Array, recipient: Uint8Array, encappedKey: Uint8Array, sealedKey: Uint8Array }} Envelope
 */

const bytes32 = (value, what) => {
  const out = u8aToU8a(value);
  if (out.length !== 32) throw new EnvelopeError('Malformed', `${what} is not 32 bytes`);
  return out;
};

/** A fresh ArrayBuffer holding exactly `u8`'s bytes (what WebCrypto-based hpke-js takes). */
const ab = (u8) => u8.slice().buffer;

const associatedData = (record, recipient) => u8aConcat(ENVELOPE_DOMAIN, record, recipient);

/**
 * Wraps `key` for `recipient` (X25519 public key) as the envelope of `record`.
 * @param {Uint8Array} key
 * @param {Uint8Array | string} record 32 bytes or 0x hex
 * @param {Uint8Array | string} recipient 32 bytes or 0x hex
 * @returns {Promise<Envelope>}
 */
export async function wrap (key, record, recipient) {
  const rec = bytes32(record, 'record');
  const to = bytes32(recipient, 'recipient key');
  let publicKey;
  try {
    publicKey = await suite().kem.deserializePublicKey(ab(to));
  } catch {
    throw new EnvelopeError('Malformed', 'recipient key');
  }
  const { ct, enc } = await suite().seal({ recipientPublicKey: publicKey, info: ab(ENVELOPE_DOMAIN) }, ab(key), ab(associatedData(rec, to)));
  return { record: rec, recipient: to, encappedKey: new Uint8Array(enc), sealedKey: new Uint8Array(ct) };
}

/**
 * Opens an envelope of `record` with the recipient's X25519 private key: the data key. The
 * recipient's public key in the associated data is derived from `secret`, never taken from the
 * caller or the envelope.
 * @param {Envelope} envelope
 * @param {Uint8Array | string} record
 * @param {Uint8Array} secret
 * @returns {Promise<Uint8Array>}
 */
export async function unwrap (envelope, record, secret) {
  const recipientPublic = x25519.getPublicKey(secret);
  const wrong = () => new EnvelopeError('WrongEnvelope', 'the envelope does not open: not for this recipient or this record, or altered');
  try {
    const recipientKey = await suite().kem.deserializePrivateKey(ab(secret));
    const opened = new Uint8Array(await suite().open(
      { recipientKey, enc: ab(envelope.encappedKey), info: ab(ENVELOPE_DOMAIN) },
      ab(envelope.sealedKey),
      ab(associatedData(bytes32(record, 'record'), bytes32(recipientPublic, 'recipient key')))
    ));
    if (opened.length !== 32) throw wrong();
    return opened;
  } catch (e) {
    if (e instanceof EnvelopeError && e.kind === 'Malformed') throw e;
    throw wrong();
  }
}

/** SCALE bytes of an envelope. */
export function encodeEnvelope (e) {
  return u8aConcat(e.record, e.recipient, e.encappedKey, compactToU8a(e.sealedKey.length), e.sealedKey);
}

/** An envelope from SCALE bytes; trailing bytes are refused. */
export function decodeEnvelope (bytes) {
  const input = u8aToU8a(bytes);
  if (input.length < 97) throw new EnvelopeError('Malformed', 'envelope');
  const [offset, length] = compactFromU8a(input.subarray(96));
  const end = 96 + offset + length.toNumber();
  if (end > input.length) throw new EnvelopeError('Malformed', 'envelope');
  if (end < input.length) throw new EnvelopeError('Malformed', 'envelope has trailing bytes');
  return {
    record: input.slice(0, 32),
    recipient: input.slice(32, 64),
    encappedKey: input.slice(64, 96),
    sealedKey: input.slice(96 + offset, end)
  };
}

/** An envelope as the gateway's `MedChain-Envelope` header carries it: base64 SCALE. */
export const envelopeToBase64 = (e) => base64Encode(encodeEnvelope(e));
/** @param {string} text */
export const envelopeFromBase64 = (text) => decodeEnvelope(base64Decode(text.trim()));

/** A list of envelopes as `MedChain-Envelopes` carries it: base64 of SCALE `Vec<Envelope>`. */
export const envelopesToBase64 = (list) => base64Encode(u8aConcat(compactToU8a(list.length), ...list.map(encodeEnvelope)));

// Subjects' identifiers: 32 bytes, written `did:medchain:<64 hex digits>` or `0x<64 hex digits>`.

export const DID_PREFIX = 'did:medchain:';

/**
 * A subject from a DID or 0x hex (the two ways MedChain's tools write one), as 0x hex.
 * @param {string} text
 * @returns {`0x${string}`}
 */
export function parseSubject (text) {
  const input = String(text).trim();
  let hex;
  if (input.startsWith(DID_PREFIX)) hex = input.slice(DID_PREFIX.length);
  else if (input.startsWith('0x')) hex = input.slice(2);
  else throw new RangeError(`\`${input}\` is neither a did:medchain identifier nor 0x-hex`);
  if (hex.startsWith('0x')) hex = hex.slice(2);
  if (!/^[0-9a-fA-F]*$/.test(hex)) throw new RangeError(`\`${input}\`: not hexadecimal`);
  if (hex.length !== 64) throw new RangeError(`\`${input}\`: the identifier must be 32 bytes`);
  return /** @type {`0x${string}`} */ (`0x${hex.toLowerCase()}`);
}

/**
 * The DID of a subject given as 0x hex, bytes, a DID or a Polkadot.js codec.
 * @param {string | Uint8Array | { toHex(): string }} subject
 */
export function toDid (subject) {
  let hex;
  if (subject instanceof Uint8Array) hex = [...subject].map((b) => b.toString(16).padStart(2, '0')).join('');
  else if (typeof subject === 'object' && subject !== null && 'toHex' in subject) hex = subject.toHex().slice(2);
  else hex = parseSubject(String(subject)).slice(2);
  if (hex.length !== 64) throw new RangeError('a subject is 32 bytes');
  return `${DID_PREFIX}${hex}`;
}

/** Whether `text` is a well-formed subject (DID or 0x hex). */
export function isSubject (text) {
  try { parseSubject(text); return true; } catch { return false; }
}

// Random bytes from the platform's CSPRNG (WebCrypto, in browsers and Node.js alike).

/** @param {number} n */
export function randomBytes (n) {
  const out = new Uint8Array(n);
  globalThis.crypto.getRandomValues(out);
  return out;
}

// HPKE (RFC 9180) as MedChain uses it: DHKEM(X25519, HKDF-SHA256), HKDF-SHA256,
// ChaCha20-Poly1305, base mode; from hpke-js (@hpke/*), which the Rust client's `hpke` crate
// interoperates with.

import { Chacha20Poly1305 } from '@hpke/chacha20poly1305';
import { CipherSuite, HkdfSha256 } from '@hpke/core';
import { DhkemX25519HkdfSha256 } from '@hpke/dhkem-x25519';

let cached;
/** The cipher suite (created once). */
export function suite () {
  cached ??= new CipherSuite({ kem: new DhkemX25519HkdfSha256(), kdf: new HkdfSha256(), aead: new Chacha20Poly1305() });
  return cached;
}

// A subject's keys from one BIP-39 mnemonic or secret URI, derived exactly as the Rust client
// derives them (client/src/keys.rs):
// - signing (sr25519): as Polkadot.js and subkey derive it, so the same mnemonic is the same
//   account in every wallet;
// - key agreement (X25519): HPKE's DeriveKeyPair over "medchain:key-agreement:v1" ‖ the 64-byte
//   BIP-39 seed ‖ for each junction of the URI's path: 1 if hard or 0 if soft, then its 32-byte
//   chain code.

import { Keyring } from '@polkadot/keyring';
import { u8aToHex } from '@polkadot/util';
import { cryptoWaitReady, keyExtractSuri, mnemonicToEntropy, mnemonicValidate } from '@polkadot/util-crypto';
import { pbkdf2 } from '@noble/hashes/pbkdf2.js';
import { sha512 } from '@noble/hashes/sha2.js';

import { suite } from './hpke.js';

/** The key-agreement derivation's domain. */
export const KEY_AGREEMENT_DOMAIN = 'medchain:key-agreement:v1';
/** Substrate's development mnemonic (what `//Alice` is derived from). */
export const DEV_PHRASE = 'bottom drive obey lake curtain smoke basket hold race lonely fit walk';

const encoder = new TextEncoder();

/**
 * A subject's keys.
 * @typedef {object} Keys
 * @property {import('@polkadot/keyring/types').KeyringPair} pair the sr25519 signing pair
 * @property {string} address the SS58 account
 * @property {Uint8Array} agreementSecret the X25519 private key (keep it in memory only)
 * @property {Uint8Array} agreementPublic the X25519 public key (registered on chain)
 * @property {`0x${string}`} agreementPublicHex
 * @property {() => void} forget wipes the X25519 secret and locks the signing pair
 */

/**
 * Keys from a mnemonic or secret URI (`<mnemonic>//hard/soft`, `//Alice` on a dev chain).
 * Passwords in URIs are refused, as the Rust client refuses them.
 * @param {string} phrase
 * @param {{ ss58Format?: number }} [options]
 * @returns {Promise<Keys>}
 */
export async function keysFromPhrase (phrase, { ss58Format = 42 } = {}) {
  await cryptoWaitReady();
  const text = String(phrase).trim();
  let mnemonic = text;
  let junctions = [];
  if (text.includes('/')) {
    let parsed;
    try {
      parsed = keyExtractSuri(text.startsWith('/') ? `${DEV_PHRASE}${text}` : text);
    } catch {
      throw new RangeError('not a valid secret URI');
    }
    if (parsed.password) throw new RangeError('not a valid secret URI: passwords in secret URIs are not supported');
    mnemonic = parsed.phrase.trim();
    junctions = parsed.path;
  }
  if (!mnemonicValidate(mnemonic)) throw new RangeError('not a valid BIP-39 mnemonic');
  // Polkadot.js reads `//Alice` as the development mnemonic's path, as subkey does.
  const pair = new Keyring({ type: 'sr25519', ss58Format }).addFromUri(text);
  const entropy = mnemonicToEntropy(mnemonic);
  const seed = pbkdf2(sha512, entropy, encoder.encode('mnemonic'), { c: 2048, dkLen: 64 });
  entropy.fill(0);
  const parts = [encoder.encode(KEY_AGREEMENT_DOMAIN), seed];
  for (const j of junctions) parts.push(Uint8Array.of(j.isHard ? 1 : 0), j.chainCode);
  const ikm = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) { ikm.set(p, offset); offset += p.length; }
  const kem = suite().kem;
  const pairX = await kem.deriveKeyPair(ikm.buffer);
  ikm.fill(0);
  seed.fill(0);
  const agreementSecret = new Uint8Array(await kem.serializePrivateKey(pairX.privateKey));
  const agreementPublic = new Uint8Array(await kem.serializePublicKey(pairX.publicKey));
  return {
    pair,
    address: pair.address,
    agreementSecret,
    agreementPublic,
    agreementPublicHex: u8aToHex(agreementPublic),
    forget () { agreementSecret.fill(0); pair.lock(); }
  };
}

// The signed-in session: the node connection, the user's keys (or extension account), their
// identity on chain, and the custodian gateway the portal talks to.

import { ApiPromise, WsProvider } from '@polkadot/api';
import {
  Gateway, extensionSigner, keysFromPhrase, medchainRpc, parseSubject, send
} from '@medchain/api';

import { stageText } from './ui.js';

/**
 * The operator's pinned settings, `medchain-portal.json` next to the portal's index.html (a
 * gateway with `portal_node` serves it itself): `{ "node": "wss://…", "genesis": "0x…",
 * "gateway": "https://…" (default: this origin), "devAccounts": false }`. With it, the node and
 * gateway cannot be chosen by a link or by hand, and a node of another chain is refused.
 * Resolves null only when the file is absent (404); a broken file throws (the portal then
 * refuses to run, rather than fall back to endpoints a link could choose).
 */
export async function loadConfig () {
  const response = await fetch('./medchain-portal.json', { cache: 'no-store' });
  if (response.status === 404) return null;
  if (!response.ok) throw new Error(`medchain-portal.json: HTTP ${response.status}`);
  const config = await response.json();
  for (const key of ['node', 'genesis']) {
    if (typeof config[key] !== 'string' || !config[key]) throw new Error(`medchain-portal.json: \`${key}\` is required`);
  }
  return { gateway: location.origin, devAccounts: false, ...config };
}

/** Whether this page is served from the machine it runs on (where an unpinned portal may run). */
export const isLocalPage = () => ['localhost', '127.0.0.1', '[::1]'].includes(location.hostname);

/** Where the portal connects: the operator's pinned settings, else `?node=…&gateway=…`, else what was used last, else defaults. */
export function endpoints (config) {
  if (config) return { node: config.node, gateway: config.gateway, pinned: true };
  const params = new URLSearchParams(location.search);
  const servedByGateway = location.protocol.startsWith('http') && location.port !== '5173';
  return {
    node: params.get('node') ?? localStorage.getItem('medchain.node') ?? 'ws://127.0.0.1:9944',
    gateway: params.get('gateway') ?? localStorage.getItem('medchain.gateway') ?? (servedByGateway ? location.origin : 'http://127.0.0.1:8480'),
    pinned: false,
    // Endpoints a link chose are never remembered for the next visit.
    fromLink: params.has('node') || params.has('gateway')
  };
}

export const session = {
  /** @type {ApiPromise | null} */ api: null,
  address: null,
  /** the account that signs transactions: a keyring pair, or an address (extension) */
  txSigner: null,
  txOptions: {},
  /** X25519 keys, when signed in with a phrase */
  agreementSecret: null,
  agreementPublic: null,
  /** the identity document on chain, or null */
  identity: null,
  subject: null,
  gateway: null,
  gatewayInfo: null,
  gatewayProblem: null
};

/** Connects to the node (once per URL); with a pinned genesis, refuses a node of another chain. */
export async function connect (url, config) {
  if (!(session.api && session.apiUrl === url)) {
    await session.api?.disconnect();
    const provider = new WsProvider(url, 2_000);
    session.api = await ApiPromise.create({ provider, rpc: medchainRpc, noInitWarn: true, throwOnConnect: true });
    session.apiUrl = url;
  }
  if (config?.genesis && session.api.genesisHash.toHex() !== config.genesis.toLowerCase()) {
    throw new Error(`the node at ${url} serves another chain (genesis ${session.api.genesisHash.toHex()}), not this portal's`);
  }
  return session.api;
}

/** Whether the connected chain is a development or local one (where the test accounts may be used). */
export async function isDevChain () {
  const type = await session.api.rpc.system.chainType();
  return type.isDevelopment || type.isLocal;
}

/** Signs in with a mnemonic or secret URI. */
export async function signInWithPhrase (phrase) {
  const keys = await keysFromPhrase(phrase);
  Object.assign(session, {
    keys,
    address: keys.address,
    txSigner: keys.pair,
    txOptions: {},
    gatewaySigner: keys.pair,
    agreementSecret: keys.agreementSecret,
    agreementPublic: keys.agreementPublic
  });
}

/** Signs in with an account of the Polkadot.js browser extension. */
export async function extensionAccounts () {
  const { web3Enable, web3Accounts } = await import('@polkadot/extension-dapp');
  const extensions = await web3Enable('MedChain portal');
  if (extensions.length === 0) throw new Error('no Polkadot.js extension answered (is it installed and allowed for this page?)');
  return web3Accounts();
}

export async function signInWithExtension (address) {
  const { web3FromAddress } = await import('@polkadot/extension-dapp');
  const injector = await web3FromAddress(address);
  Object.assign(session, {
    address,
    txSigner: address,
    txOptions: { signer: injector.signer },
    gatewaySigner: extensionSigner(injector, address),
    agreementSecret: null,
    agreementPublic: null
  });
}

/** Adds the key-agreement key from the phrase, for an extension session that must decrypt. */
export async function unlockDecryption (phrase) {
  const keys = await keysFromPhrase(phrase);
  if (keys.address !== session.address) {
    keys.forget();
    throw new Error('that phrase belongs to another account');
  }
  session.keys = keys;
  session.agreementSecret = keys.agreementSecret;
  session.agreementPublic = keys.agreementPublic;
}

/** Reads the signed-in account's identity. */
export async function loadIdentity () {
  const doc = await session.api.call.identityApi.identityOfAccount(session.address);
  session.identity = doc.isSome ? doc.unwrap() : null;
  session.subject = session.identity ? session.identity.id.toHex() : null;
  return session.identity;
}

/**
 * The gateway, and its `/info` checked on chain: an active gateway of the organization it
 * names, with the key it advertises (a spoofed gateway must not receive a record's key).
 */
export async function loadGateway (url) {
  session.gateway = new Gateway(url, session.gatewaySigner);
  session.gatewayInfo = null;
  session.gatewayProblem = null;
  try {
    const info = await session.gateway.info();
    const doc = await session.api.call.identityApi.identity(parseSubject(info.gateway));
    const d = doc.isSome ? doc.unwrap() : null;
    if (!d || d.kind.toString() !== 'Gateway' || !d.status.isActive) throw new Error(`${info.gateway} is not an active gateway on chain`);
    if (d.organization.unwrapOr(null)?.toHex() !== parseSubject(info.organization)) throw new Error('the gateway does not belong to the organization it names');
    if (d.keyAgreement.toHex() !== info.key_agreement) throw new Error('the gateway advertises a key it has not registered');
    if (info.genesis !== session.api.genesisHash.toHex()) throw new Error('the gateway serves another chain than the node');
    session.gatewayInfo = info;
  } catch (error) {
    session.gatewayProblem = `the gateway at ${url} cannot be used: ${error.message}`;
  }
}

/** Sends a transaction, showing its progress on `progress` (from ui.track). */
export function submit (tx, progress, waitFor = 'finalized') {
  return send(session.api, tx, session.txSigner, {
    ...session.txOptions,
    waitFor,
    onStatus: (s) => progress.step(stageText(s))
  });
}

/** Forgets the keys (the X25519 secret wiped, the signing pair locked). */
export function signOut () {
  session.keys?.forget();
  Object.assign(session, {
    keys: null, address: null, txSigner: null, txOptions: {}, gatewaySigner: null, agreementSecret: null, agreementPublic: null, identity: null, subject: null, gateway: null, gatewayInfo: null });
}

// Consortium governance on the real four-validator local network (scripts/local-network.sh):
// council motions admit an organization and set runtime parameters, a non-member cannot propose,
// a zero-balance patient registers and consents free of fees until the allowance stops it, a fifth
// validator joins by motion, authors, and leaves by motion, and a node whose peer id the chain does
// not authorize cannot join.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';

import { ApiPromise, WsProvider } from '@polkadot/api';
import { Keyring } from '@polkadot/keyring';
import { u8aToHex } from '@polkadot/util';
import { base58Decode, blake2AsHex, cryptoWaitReady, mnemonicGenerate } from '@polkadot/util-crypto';

import { freePort, nodeBinary, rpc, startNode, stopAll, submit, waitFinalized } from './lib/node.mjs';
import { ACTIONS, bits, CLASSES, commit, PURPOSES } from './lib/world.mjs';

const here = new URL('.', import.meta.url).pathname;
const script = resolve(here, '../../scripts/local-network.sh');

/** The rehearsal runtime runtime/build.rs builds beside the real one: `spec_version` one higher. */
function rehearsalRuntime () {
  const target = process.env.CARGO_TARGET_DIR || resolve(here, '../../target');
  return readFileSync(join(target, 'debug', 'wbuild', 'medchain-runtime',
    'medchain_runtime_upgrade_rehearsal.wasm'));
}

/** A network key file holding the 32-byte secret `n` (as local-network.sh makes them), and its peer id. */
function nodeKey (dir, n) {
  const file = join(dir, `node-key-${n}`);
  writeFileSync(file, n.toString(16).padStart(64, '0'));
  return { file, peerId: execFileSync(nodeBinary(), ['key', 'inspect-node-key', '--file', file]).toString().trim() };
}

describe('consortium governance on the local network', () => {
  const dir = mkdtempSync(join(tmpdir(), 'medchain-gov-'));
  let env, api, alice, bob, charlie, dave, eve, ferdie, organization, hospital;

  /** A council motion: Alice proposes, she and `ayes` vote aye, Alice closes. */
  async function motion (call, ayes = [bob, charlie]) {
    const threshold = 1 + ayes.length;
    const { events } = await submit(api, api.tx.council.propose(threshold, call, call.encodedLength), alice);
    const proposed = events.find(({ event }) => api.events.council.Proposed.is(event)).event.data;
    const [index, hash] = [proposed.proposalIndex, proposed.proposalHash];
    for (const member of [alice, ...ayes]) await submit(api, api.tx.council.vote(hash, index, true), member);
    const closed = await submit(api, api.tx.council.close(hash, index, { refTime: 3e11, proofSize: 5e6 }, call.encodedLength), alice);
    const executed = closed.events.find(({ event }) => api.events.council.Executed.is(event));
    assert.ok(executed, 'the motion was approved and executed');
    return { result: executed.event.data.result, events: closed.events };
  }

  /** The motion's call ran and succeeded. */
  async function pass (call) {
    const { result, events } = await motion(call);
    assert.ok(result.isOk, `motion failed: ${result.isErr ? JSON.stringify(result.asErr.toHuman()) : ''}`);
    return events;
  }

  before(async () => {
    await cryptoWaitReady();
    const keyring = new Keyring({ type: 'sr25519' });
    [alice, bob, charlie, dave, eve, ferdie] =
      ['//Alice', '//Bob', '//Charlie', '//Dave', '//Eve', '//Ferdie'].map((s) => keyring.addFromUri(s));
    organization = keyring.addFromMnemonic(mnemonicGenerate());
    env = {
      ...process.env,
      MEDCHAIN_NET_DIR: dir,
      MEDCHAIN_P2P_BASE: String(20000 + Math.floor(Math.random() * 20000)),
      MEDCHAIN_RPC_BASE: String(40000 + Math.floor(Math.random() * 20000))
    };
    execFileSync('bash', [script, 'start'], { env, stdio: 'inherit' });
    api = await ApiPromise.create({ provider: new WsProvider(`ws://127.0.0.1:${env.MEDCHAIN_RPC_BASE}`, 1000), noInitWarn: true });
    await waitFinalized(api, (h) => h.number.toNumber() >= 1, 120_000);
  });

  after(async () => {
    await api?.disconnect();
    await stopAll();
    if (env) execFileSync('bash', [script, 'stop'], { env, stdio: 'inherit' });
    rmSync(dir, { recursive: true, force: true });
  });

  it('starts with the four validators as the council and the validator set', async () => {
    const members = (await api.query.council.members()).map((m) => m.toString());
    assert.deepEqual(members.sort(), [alice, bob, charlie, dave].map((k) => k.address).sort());
    assert.equal((await api.query.consortium.validators()).length, 4);
  });

  it('admits an organization by motion', async () => {
    const events = await pass(api.tx.identity.admitOrganization(organization.address, blake2AsHex('org key'), commit('org')));
    const admitted = events.find(({ event }) => api.events.identity.OrganizationAdmitted.is(event));
    assert.ok(admitted, 'OrganizationAdmitted');
    hospital = admitted.event.data.organization.toHex();
    assert.equal((await api.query.identity.controllers(organization.address)).unwrap().toHex(), hospital);
  });

  it('refuses a non-member\'s proposal, and a proposal that could close short of two thirds', async () => {
    const call = api.tx.identity.admitOrganization(eve.address, blake2AsHex('x'), commit('x'));
    await assert.rejects(submit(api, api.tx.council.propose(3, call, call.encodedLength), eve), /council\.NotMember/);
    // Two of four seats is short of two thirds: such a proposal is filtered before it runs, so no
    // member can close (and use up) a motion before enough members agreed.
    await assert.rejects(submit(api, api.tx.council.propose(2, call, call.encodedLength), alice), /system\.CallFiltered/);
    assert.equal((await api.query.council.proposals()).length, 0);
    assert.ok((await api.query.identity.controllers(eve.address)).isNone);
  });

  it('lets a zero-balance patient register and consent free of fees, until the allowance stops it', async () => {
    // A motion lowers the allowance to three calls per period, so the test reaches it quickly.
    await pass(api.tx.parameters.setParameter({ Patients: { CallsPerPeriod: [null, 3] } }));
    const patient = new Keyring({ type: 'sr25519' }).addFromMnemonic(mnemonicGenerate());
    assert.equal((await api.query.system.account(patient.address)).data.free.toBigInt(), 0n);

    const registered = await submit(api, api.tx.identity.register('Patient', blake2AsHex('patient key'), commit('p')), patient);
    const subject = registered.events.find(({ event }) => api.events.identity.Registered.is(event)).event.data.subject.toHex();
    const terms = {
      grantee: { Organization: hospital },
      actions: bits(['Read'], ACTIONS),
      classes: bits(['Labs'], CLASSES),
      records: [],
      excluded: 0,
      purposes: bits(['Treat'], PURPOSES),
      validFrom: Date.now() - 60_000,
      validUntil: null
    };
    // Registering used one of the period's free registrations; the patient's own three calls follow.
    for (const purpose of ['Treat', 'Operations', 'Payment']) {
      await submit(api, api.tx.consent.grant(subject, { ...terms, purposes: bits([purpose], PURPOSES) }), patient);
    }
    const account = await api.query.system.account(patient.address);
    assert.equal(account.data.free.toBigInt(), 0n, 'the patient paid nothing');
    assert.ok(account.providers.toNumber() >= 1, 'the identity keeps the account alive');

    // The next call is refused at the pool with the allowance's own error, and nothing changes.
    await assert.rejects(
      submit(api, api.tx.consent.grant(subject, { ...terms, purposes: bits(['Research'], PURPOSES) }), patient),
      /Custom error: 1/);
    assert.equal((await api.query.system.account(patient.address)).nonce.toNumber(), 4);

    // Meanwhile the chain serves everyone else: a paid transfer lands.
    const before = (await api.query.system.account(ferdie.address)).data.free.toBigInt();
    await submit(api, api.tx.balances.transferKeepAlive(ferdie.address, 1_000_000_000n), bob);
    assert.equal((await api.query.system.account(ferdie.address)).data.free.toBigInt(), before + 1_000_000_000n);
  });

  it('adds a fifth validator by motion, which then authors, and removes it by motion', async () => {
    const eveKey = nodeKey(dir, 5);
    // The node is authorized first (owned by Eve's account), so the validators let it connect.
    await pass(api.tx.nodeAuthorization.addWellKnownNode(u8aToHex(base58Decode(eveKey.peerId)), eve.address));

    const eveNode = await startNode('gov-eve', [
      '--chain', 'local', '--eve', '--node-key-file', eveKey.file,
      '--bootnodes', `/ip4/127.0.0.1/tcp/${env.MEDCHAIN_P2P_BASE}/p2p/${nodeKey(dir, 1).peerId}`
    ], { basePath: join(dir, 'eve') });
    // Eve's operator makes session keys on her node (localhost RPC) and registers them on chain.
    const generated = await rpc(eveNode, 'author_rotateKeysWithOwner', [u8aToHex(eve.publicKey)]);
    await submit(api, api.tx.session.setKeys(generated.keys, generated.proof), eve);
    const keys = api.createType(api.tx.session.setKeys.meta.args[0].type.toString(), generated.keys);
    const eveAura = keys.aura.toHex();

    await pass(api.tx.consortium.addValidator(eve.address));
    // From the next session on, Eve is an authority and authors a block of her own.
    let authored = false;
    for (let i = 0; i < 90 && !authored; i++) {
      const header = await api.rpc.chain.getHeader();
      const authorities = (await api.query.aura.authorities.at(header.parentHash)).map((a) => a.toHex());
      const pre = header.digest.logs.find((log) => log.isPreRuntime && log.asPreRuntime[0].toString() === 'aura');
      const slot = api.createType('u64', pre.asPreRuntime[1]).toBigInt();
      authored = authorities.length === 5 && authorities[Number(slot % 5n)] === eveAura;
      if (!authored) await sleep(2000);
    }
    assert.ok(authored, 'a block authored by the fifth validator');

    await pass(api.tx.consortium.removeValidator(eve.address));
    let gone = false;
    for (let i = 0; i < 60 && !gone; i++) {
      gone = !(await api.query.aura.authorities()).map((a) => a.toHex()).includes(eveAura);
      if (!gone) await sleep(2000);
    }
    assert.ok(gone, 'the removed validator is no longer an authority');
    // Finality goes on with the four.
    const finalized = (await api.rpc.chain.getHeader(await api.rpc.chain.getFinalizedHead())).number.toNumber();
    await waitFinalized(api, (h) => h.number.toNumber() >= finalized + 3, 120_000);
  });

  it('keeps out a node whose peer id is not authorized', async () => {
    const stranger = await startNode('gov-stranger', [
      '--chain', 'local', '--node-key-file', nodeKey(dir, 6).file,
      '--bootnodes', `/ip4/127.0.0.1/tcp/${env.MEDCHAIN_P2P_BASE}/p2p/${nodeKey(dir, 1).peerId}`
    ], { basePath: join(dir, 'stranger') });
    const best = (await api.rpc.chain.getHeader()).number.toNumber();
    await sleep(20_000);
    const header = await rpc(stranger, 'chain_getHeader', []);
    assert.equal(parseInt(header.number, 16), 0, `it synced nothing while the chain went past #${best}`);
    assert.equal((await rpc(stranger, 'system_health', [])).peers, 0, 'no node keeps a sync connection with it');
    // The validators serve only safe RPC methods: the unsafe peer list is refused.
    await assert.rejects(api.rpc.system.peers(), /unsafe|not allowed|Method not found/i);
  });

  it('upgrades the runtime by motion: spec_version rises, storage stays, finality goes on', async () => {
    const code = rehearsalRuntime();
    const before = (await api.rpc.state.getRuntimeVersion()).specVersion.toNumber();
    // The motion carries the code's hash only; then anyone (Ferdie, no council seat) applies it.
    await pass(api.tx.consortium.authorizeUpgrade(blake2AsHex(code)));
    await submit(api, api.tx.system.applyAuthorizedUpgrade(u8aToHex(code)), ferdie);
    let version = before;
    for (let i = 0; i < 30 && version === before; i++) {
      await sleep(2000);
      version = (await api.rpc.state.getRuntimeVersion()).specVersion.toNumber();
    }
    assert.equal(version, before + 1);
    // What the chain held before the upgrade is still there: the organization admitted by motion.
    assert.equal((await api.query.identity.controllers(organization.address)).unwrap().toHex(), hospital);
    assert.equal((await api.query.council.members()).length, 4);
    const finalized = (await api.rpc.chain.getHeader(await api.rpc.chain.getFinalizedHead())).number.toNumber();
    await waitFinalized(api, (h) => h.number.toNumber() >= finalized + 3, 120_000);
  });
});

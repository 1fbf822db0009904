// The chain runs: a real `medchain-node --dev` driven by the real Polkadot.js client.

import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

import { Keyring } from '@polkadot/keyring';
import { cryptoWaitReady } from '@polkadot/util-crypto';

import { connect, startNode, stopAll, submit, waitFinalized } from './lib/node.mjs';

describe('a dev chain', () => {
  let node, api, alice, keyring;
  const basePath = mkdtempSync(join(tmpdir(), 'medchain-dev-'));

  before(async () => {
    await cryptoWaitReady();
    keyring = new Keyring({ type: 'sr25519' });
    alice = keyring.addFromUri('//Alice');
    node = await startNode('dev', ['--dev'], { basePath });
    api = await connect(node);
  });

  after(async () => {
    await api?.disconnect();
    await stopAll();
    rmSync(basePath, { recursive: true, force: true });
  });

  it('produces and finalizes blocks', async () => {
    const finalized = await waitFinalized(api, (h) => h.number.toNumber() >= 3);
    assert.ok(finalized.number.toNumber() >= 3);
    const best = await api.rpc.chain.getHeader();
    assert.ok(best.number.toNumber() >= finalized.number.toNumber(), 'best is at or past finalized');
  });

  it('keeps its state in ParityDB', () => {
    assert.ok(existsSync(join(basePath, 'chains', 'medchain_dev', 'paritydb')),
      'the dev chain database is a ParityDB folder');
  });

  it('serves metadata V16 and the MedChain runtime', async () => {
    const versions = await api.call.metadata.metadataVersions();
    assert.ok(versions.map((v) => v.toNumber()).includes(16), `metadata versions: ${versions}`);
    assert.equal(api.runtimeVersion.specName.toString(), 'medchain');
    assert.equal((await api.rpc.system.chain()).toString(), 'MedChain Development');
  });

  it('includes a signed extrinsic and reports its events', async () => {
    const dest = keyring.addFromUri(`//e2e-transfer-${Date.now()}`);
    const amount = 5_000_000_000_000n;
    const { blockHash, events } = await submit(api, api.tx.balances.transferKeepAlive(dest.address, amount), alice);

    const transfer = events.find(({ event }) => api.events.balances.Transfer.is(event));
    assert.ok(transfer, 'a Balances.Transfer event');
    const [from, to, value] = transfer.event.data;
    assert.equal(from.toString(), alice.address);
    assert.equal(to.toString(), dest.address);
    assert.equal(value.toBigInt(), amount);
    assert.ok(events.some(({ event }) => api.events.system.ExtrinsicSuccess.is(event)));

    const { data } = await api.query.system.account.at(blockHash, dest.address);
    assert.equal(data.free.toBigInt(), amount);
  });

  it('rejects an extrinsic with a stale nonce and says why', async () => {
    const nonce = (await api.rpc.system.accountNextIndex(alice.address)).toNumber();
    assert.ok(nonce > 0, 'alice has sent a transaction already');
    const tx = api.tx.system.remark('0x00');
    await tx.signAsync(alice, { nonce: nonce - 1 });
    await assert.rejects(api.rpc.author.submitExtrinsic(tx), /outdated|Stale/i);
  });

  it('rejects an extrinsic with a bad signature and says why', async () => {
    const tx = api.tx.system.remark('0x01');
    await tx.signAsync(alice);
    // Flip the signature's last byte in the encoded extrinsic.
    const sig = tx.signature.toHex().slice(2);
    const flipped = sig.slice(0, -2) + (parseInt(sig.slice(-2), 16) ^ 0xff).toString(16).padStart(2, '0');
    const forged = api.createType('Extrinsic', tx.toHex().replace(sig, flipped));
    assert.notEqual(forged.signature.toHex(), tx.signature.toHex(), 'the signature was altered');
    await assert.rejects(api.rpc.author.submitExtrinsic(forged), /bad signature/i);
  });
});

// The consortium network: scripts/local-network.sh starts four validators on loopback; they must
// agree on finalized blocks, and keep finalizing with one of the four gone (3 of 4 > 2/3).

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';

import { ApiPromise, WsProvider } from '@polkadot/api';

import { waitFinalized } from './lib/node.mjs';

const script = resolve(new URL('.', import.meta.url).pathname, '../../scripts/local-network.sh');

function portFree (port) {
  return new Promise((res) => {
    const srv = createServer();
    srv.once('error', () => res(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => res(true)));
  });
}

/** A base port with `count` free ports above it. */
async function freeRange (count) {
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = 20000 + Math.floor(Math.random() * 30000);
    const free = await Promise.all(Array.from({ length: count }, (_, i) => portFree(base + i)));
    if (free.every(Boolean)) return base;
  }
  throw new Error('no free port range on loopback');
}

describe('the four-validator local network', () => {
  const dir = mkdtempSync(join(tmpdir(), 'medchain-net-'));
  let env;
  const apis = [];

  before(async () => {
    env = {
      ...process.env,
      MEDCHAIN_NET_DIR: dir,
      MEDCHAIN_P2P_BASE: String(await freeRange(4)),
      MEDCHAIN_RPC_BASE: String(await freeRange(4))
    };
    execFileSync('bash', [script, 'start'], { env, stdio: 'inherit' });
    for (let i = 0; i < 4; i++) {
      const provider = new WsProvider(`ws://127.0.0.1:${Number(env.MEDCHAIN_RPC_BASE) + i}`, 1000);
      apis.push(await ApiPromise.create({ provider, throwOnConnect: true, noInitWarn: true }));
    }
  });

  after(async () => {
    await Promise.all(apis.map((api) => api.disconnect()));
    if (env) execFileSync('bash', [script, 'stop'], { env, stdio: 'inherit' });
    rmSync(dir, { recursive: true, force: true });
  });

  it('has four validators that agree on a finalized block', async () => {
    // Bob, Charlie and Dave boot from Alice and find each other through discovery.
    let peers = [];
    for (let i = 0; i < 60; i++) {
      peers = await Promise.all(apis.map(async (api) => (await api.rpc.system.health()).peers.toNumber()));
      if (peers.every((n) => n === 3)) break;
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
    assert.deepEqual(peers, [3, 3, 3, 3], 'each node sees the other three');

    const authorities = await apis[0].call.auraApi.authorities();
    assert.equal(authorities.length, 4);

    // Wait until every node has finalized block 3, then compare their hashes of it.
    await Promise.all(apis.map((api) => waitFinalized(api, (h) => h.number.toNumber() >= 3, 90_000)));
    const hashes = await Promise.all(apis.map((api) => api.rpc.chain.getBlockHash(3)));
    for (const h of hashes) assert.equal(h.toHex(), hashes[0].toHex());
    // Aura's author of a block is authorities[slot % 4], the slot being in the pre-runtime digest.
    const authors = new Set();
    for (let n = 1; n <= 3; n++) {
      const header = await apis[0].rpc.chain.getHeader(await apis[0].rpc.chain.getBlockHash(n));
      const preRuntime = header.digest.logs.find((log) => log.isPreRuntime && log.asPreRuntime[0].toString() === 'aura');
      const slot = apis[0].createType('u64', preRuntime.asPreRuntime[1]).toBigInt();
      authors.add(Number(slot % 4n));
    }
    assert.ok(authors.size >= 2, `blocks 1-3 come from more than one validator (${[...authors]})`);
  });

  it('keeps finalizing with one validator killed', async () => {
    const pid = Number(readFileSync(join(dir, 'dave.pid'), 'utf8'));
    await apis.pop().disconnect(); // Dave's client would only retry in vain.
    process.kill(pid, 'SIGKILL');
    const survivors = apis.slice(0, 3);
    const start = (await survivors[0].rpc.chain.getHeader(await survivors[0].rpc.chain.getFinalizedHead())).number.toNumber();
    const target = start + 4;
    await Promise.all(survivors.map((api) => waitFinalized(api, (h) => h.number.toNumber() >= target, 120_000)));
    const hashes = await Promise.all(survivors.map((api) => api.rpc.chain.getBlockHash(target)));
    for (const h of hashes) assert.equal(h.toHex(), hashes[0].toHex());
  });
});

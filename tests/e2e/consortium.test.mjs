// A consortium chain from scripts/consortium-spec.sh: fresh keys made here (no well-known key), one
// hospital; the chain has no sudo key, authors and finalizes with the hospital's validator, and a
// malformed hospitals file is refused with a line naming the problem.

import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';

import { connect, nodeBinary, startNode, stopAll, waitFinalized } from './lib/node.mjs';

const script = resolve(new URL('.', import.meta.url).pathname, '../../scripts/consortium-spec.sh');

const key = (scheme) =>
  JSON.parse(execFileSync(nodeBinary(), ['key', 'generate', '--scheme', scheme, '--output-type', 'json']).toString());

describe('a consortium chain spec', () => {
  const dir = mkdtempSync(join(tmpdir(), 'medchain-consortium-'));
  let api, spec;

  before(async () => {
    const [account, aura, grandpa] = [key('sr25519'), key('sr25519'), key('ed25519')];
    const nodeKey = join(dir, 'node-key');
    writeFileSync(nodeKey, 'ab'.repeat(32));
    const peerId = execFileSync(nodeBinary(), ['key', 'inspect-node-key', '--file', nodeKey]).toString().trim();
    const hospitals = join(dir, 'hospitals.json');
    writeFileSync(hospitals, JSON.stringify([{
      name: 'Test Hospital', account: account.ss58Address, aura: aura.ss58Address, grandpa: grandpa.publicKey, peer_id: peerId
    }]));
    spec = join(dir, 'spec.json');
    writeFileSync(spec, execFileSync('bash', [script, hospitals, '--name', 'E2E Consortium'], { maxBuffer: 64 << 20 }));
    const base = join(dir, 'node');
    for (const [scheme, type, k] of [['sr25519', 'aura', aura], ['ed25519', 'gran', grandpa]]) {
      execFileSync(nodeBinary(), ['key', 'insert', '--chain', spec, '--base-path', base,
        '--scheme', scheme, '--key-type', type, '--suri', k.secretPhrase]);
    }
    const node = await startNode('consortium', ['--chain', spec, '--validator', '--node-key-file', nodeKey], { basePath: base });
    api = await connect(node);
    api.hospital = account.ss58Address;
  });

  after(async () => {
    await api?.disconnect();
    await stopAll();
    rmSync(dir, { recursive: true, force: true });
  });

  it('has no sudo key, and the hospital is council, validator and authorized node', async () => {
    assert.ok((await api.query.sudo.key()).isNone, 'no sudo key');
    assert.deepEqual((await api.query.council.members()).map(String), [api.hospital]);
    assert.deepEqual((await api.query.consortium.validators()).map(String), [api.hospital]);
    assert.equal((await api.query.nodeAuthorization.wellKnownNodes()).size, 1);
    assert.equal((await api.query.system.account(api.hospital)).data.free.toBigInt(), 10_000n * 10n ** 12n);
  });

  it('authors and finalizes with the hospital\'s own keys', async () => {
    await waitFinalized(api, (h) => h.number.toNumber() >= 2, 120_000);
  });

  it('refuses a malformed hospitals file with one readable line', () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify([{ name: 'X', account: 'nope', aura: 'x', grandpa: 'y', peer_id: 'z' }]));
    const run = spawnSync('bash', [script, bad], { encoding: 'utf8' });
    assert.notEqual(run.status, 0);
    assert.match(run.stderr, /X: `account` is not an SS58 address/);
  });
});

// No read outruns its trail: a real dev node and a real medchain-gateway process. A flood of
// denied requests from several identities is folded on the trail (one entry per reader, record
// and reason, with a count) and does not hold back a permitted read's entry; with the node
// paused (SIGSTOP) reads turn 503 once the oldest unsettled read is older than the gateway's
// bound, and after SIGCONT they resume by themselves, every served read on chain exactly once.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

import { Keyring } from '@polkadot/keyring';
import { cryptoWaitReady } from '@polkadot/util-crypto';
import { parseSubject, signedHeaders } from '@medchain/api';

import { connect, startNode, stopAll } from './lib/node.mjs';
import { cli, startGateway, stopGateways } from './lib/gateway.mjs';

const dir = mkdtempSync(join(tmpdir(), 'medchain-trail-'));
/** The gateway's bound on the audit lag in these tests, seconds. */
const MAX_LAG = 6;

describe('every read on the patient\'s trail, with a real node and gateway', () => {
  const w = {};
  const keyring = new Keyring({ type: 'sr25519' });
  let node, api, gateway;
  const { ok } = cli(dir, () => node.url, () => gateway?.url ?? 'http://127.0.0.1:1');

  before(async () => {
    await cryptoWaitReady();
    node = await startNode('trail-dev', ['--dev']);
    api = await connect(node);
  });
  after(async () => { await api?.disconnect(); await stopGateways(); await stopAll(); });

  /** Reads the gateway served the physician, so far: each must be on the trail once. */
  let servedToDoc = 0;
  /** A signed read of the record by `who` for TREAT: the response (body read). */
  const read = async (who) => {
    const url = `${gateway.url}/records/${w.record}?purpose=TREAT`;
    const headers = await signedHeaders(w[who].pair, 'GET', url);
    const response = await fetch(url, { headers, signal: AbortSignal.timeout(30_000) });
    const body = Buffer.from(await response.arrayBuffer()).toString();
    if (who === 'doc' && response.status === 200) servedToDoc++;
    return { status: response.status, headers: response.headers, body };
  };
  const diagnostics = (response) => JSON.parse(response.body).issue[0].diagnostics;

  /** The patient's trail at the finalized head, oldest first. */
  const finalizedTrail = async () => {
    const at = await api.at(await api.rpc.chain.getFinalizedHead());
    const page = (await at.call.auditApi.entries(parseSubject(w.patient.id), null, 1000)).asOk;
    return [...page].reverse();
  };
  const readsBy = (trail, who) => trail.filter((e) =>
    e.record.eventType.toString() === 'RecordRead' && e.record.actor.toHex() === parseSubject(w[who].id));

  it('sets up a patient with a record, an attested physician, three strangers and a gateway', async () => {
    const people = ['patient', 'doc', 'hospital', 'gw', 's1', 's2', 's3'];
    for (const who of people) {
      w[who] = await ok(`${who}.json`, ['keys', 'new']);
      w[who].pair = keyring.addFromUri(w[who].mnemonic);
    }
    await ok('sudo.json', ['keys', 'import'], { input: '//Alice\n' });
    for (const who of people) {
      await ok('sudo.json', ['--wait', 'in-block', 'balance', 'transfer', '--to', w[who].account, '--units', '100']);
    }
    w.patient.id = (await ok('patient.json', ['identity', 'register', '--kind', 'patient'])).id;
    for (const who of ['doc', 's1', 's2', 's3']) {
      w[who].id = (await ok(`${who}.json`, ['identity', 'register', '--kind', 'practitioner'])).id;
    }
    w.hospital.id = (await ok('sudo.json', ['org', 'admit', '--controller', w.hospital.account, '--key-agreement', w.hospital.key_agreement])).id;
    await ok('hospital.json', ['practitioner', 'attest', w.doc.id, '--role', 'physician', '--days', '30']);
    w.gw.id = (await ok('hospital.json', ['org', 'add-gateway', '--controller', w.gw.account, '--key-agreement', w.gw.key_agreement])).id;
    gateway = await startGateway('trail-gateway', {
      node: node.url,
      data_dir: join(dir, 'gateway-data'),
      key_file: join(dir, 'gw.json'),
      requests_per_second: 100_000,
      burst: 100_000,
      audit_max_lag_seconds: MAX_LAG,
      max_view_age_seconds: 600
    });
    writeFileSync(join(dir, 'labs.txt'), 'Hb 13.5 g/dL');
    w.record = (await ok('patient.json', ['record', 'put', '--file', join(dir, 'labs.txt'), '--class', 'labs', '--out', join(dir, 'records')])).id;
    await ok('patient.json', ['consent', 'grant', '--to', w.doc.id, '--classes', 'labs', '--actions', 'read', '--purposes', 'TREAT', '--days', '30']);
    assert.equal((await read('doc')).status, 200);
  });

  it('folds a denial flood from several identities and keeps a permitted read within the lag bound', async () => {
    const flood = async (who, count) => {
      let denied = 0;
      for (let i = 0; i < count; i++) {
        const status = (await read(who)).status;
        assert.equal(status, 403, `${who}'s request ${i} was denied, not ${status}`);
        denied++;
      }
      return denied;
    };
    const permitted = async () => {
      const served = [];
      for (let i = 0; i < 10; i++) {
        const response = await read('doc');
        assert.equal(response.status, 200, 'a permitted read is served during the flood');
        served.push(Date.now());
        await sleep(300);
      }
      return served;
    };
    const [served, ...denials] = await Promise.all([
      permitted(),
      ...['s1', 's2', 's3'].flatMap((who) => [flood(who, 60), flood(who, 60)])
    ]);
    const denied = denials.reduce((a, b) => a + b, 0);

    // Each served read is in a finalized block within the bound of its serving.
    const deadline = served[served.length - 1] + MAX_LAG * 1000;
    let trail;
    do {
      trail = await finalizedTrail();
      if (readsBy(trail, 'doc').length >= servedToDoc) break;
      await sleep(250);
    } while (Date.now() < deadline);
    assert.equal(readsBy(trail, 'doc').length, servedToDoc,
      `every permitted read was finalized within ${MAX_LAG} s of the last one`);

    // Denials wait behind reads; once they land, their counts add up to every 403 sent.
    let folded;
    for (let i = 0; i < 120; i++) {
      folded = (await finalizedTrail()).filter((e) => e.record.eventType.toString() === 'AccessDenied');
      const total = folded.reduce((n, e) => n + (e.record.repeats.isSome ? e.record.repeats.unwrap().count.toNumber() : 1), 0);
      if (total >= denied) break;
      await sleep(500);
    }
    const total = folded.reduce((n, e) => n + (e.record.repeats.isSome ? e.record.repeats.unwrap().count.toNumber() : 1), 0);
    assert.equal(total, denied, 'the folded denials count every denied request');
    assert.ok(folded.length <= denied / 5, `${denied} denials took ${folded.length} entries`);
    for (const entry of folded) {
      assert.equal(entry.record.denyReason.unwrap().toString(), 'NotAnAttestedPractitioner');
      if (entry.record.repeats.isSome) {
        assert.ok(entry.record.repeats.unwrap().last.toNumber() >= entry.record.occurred.toNumber());
      }
    }
  });

  it('refuses reads with 503 while the node is paused and the trail falls behind, then resumes', async () => {
    // A read just before the pause: its entry cannot reach a finalized block while it lasts.
    assert.equal((await read('doc')).status, 200);
    node.signal('SIGSTOP');
    let refused;
    try {
      const deadline = Date.now() + (MAX_LAG + 40) * 1000;
      while (Date.now() < deadline) {
        const response = await read('doc');
        if (response.status === 503 && /audit trail is behind/.test(diagnostics(response))) {
          refused = response;
          break;
        }
        // Served from the view's cache, or (a question the paused node cannot answer) refused.
        if (response.status !== 200) assert.match(diagnostics(response), /chain cannot answer/);
        await sleep(250);
      }
      assert.ok(refused, 'reads were refused once the trail fell behind');
      assert.ok(Number(refused.headers.get('retry-after')) > 0, 'a 503 says when to retry');
      const again = await read('doc');
      assert.equal(again.status, 503);
      assert.equal(JSON.parse(again.body).resourceType, 'OperationOutcome');
      assert.match(diagnostics(again), /audit trail is behind/);
      const health = await (await fetch(`${gateway.url}/health`)).json();
      assert.ok(health.audit.lag_seconds > MAX_LAG, `lag ${health.audit.lag_seconds} s`);
      assert.match(health.audit.reads_refused, /audit trail is behind/);
    } finally {
      node.signal('SIGCONT');
    }

    let resumed = false;
    const deadline = Date.now() + 120_000;
    while (Date.now() < deadline) {
      const response = await read('doc');
      if (response.status === 200) { resumed = true; break; }
      assert.equal(response.status, 503, `a read either waits for the trail or is served: ${response.body}`);
      await sleep(500);
    }
    assert.ok(resumed, 'reads resumed by themselves once the trail caught up');

    // Every served read is on chain exactly once: no loss, no duplicate from the resends.
    const expected = servedToDoc;
    let count = 0;
    for (let i = 0; i < 120 && count < expected; i++) {
      count = readsBy(await finalizedTrail(), 'doc').length;
      if (count < expected) await sleep(500);
    }
    assert.equal(count, expected);
    await sleep(6000);
    assert.equal(readsBy(await finalizedTrail(), 'doc').length, expected, 'nothing was appended twice');
    const health = await (await fetch(`${gateway.url}/health`)).json();
    assert.equal(health.audit.reads_refused, null);
  });
});

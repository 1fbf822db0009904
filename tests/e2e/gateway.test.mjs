// The custodian gateway end to end: a real dev node and a real medchain-gateway process, driven
// by the `medchain` CLI (record put/get) and by requests signed here in JavaScript. Practitioner
// A stores a record; B is denied until the patient consents, then reads it byte for byte; a
// revocation denies again; break-glass lets C read for ETREAT; erasure deletes the bytes and
// reads get 410; every step is on the patient's trail, which verifies. Also: tampered blobs,
// replayed and stale requests, uploads that do not match their anchor, SIGKILL mid-upload and
// right after a read, TLS; the FHIR searches a page at a time (`_count`, `next` links).

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { request as httpRequest } from 'node:http';
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

import { Keyring } from '@polkadot/keyring';
import { cryptoWaitReady } from '@polkadot/util-crypto';
import { signedHeaders } from '@medchain/api';

import { startNode, stopAll } from './lib/node.mjs';
import { binary, startGateway, stopGateways } from './lib/gateway.mjs';

const dir = mkdtempSync(join(tmpdir(), 'medchain-gateway-'));
const records = join(dir, 'records');
const data = join(dir, 'gateway-data');
let nodeUrl;
let gateway;
let gatewayCa = null;

function medchain (keyFile, args, { input, env = {} } = {}) {
  return new Promise((resolveRun) => {
    const ca = gatewayCa ? ['--gateway-ca', join(dir, 'ca.pem')] : [];
    const child = execFile(binary('medchain'), ['--node', nodeUrl, '--gateway', gateway?.url ?? 'http://127.0.0.1:1', ...ca, '--key-file', join(dir, keyFile), '--json', ...args], {
      env: { ...process.env, MEDCHAIN_PASSPHRASE: 'correct horse', ...env },
      timeout: 180_000
    }, (error, stdout, stderr) => {
      let json = null;
      try { json = JSON.parse(stdout); } catch { /* a failure */ }
      resolveRun({ code: error ? error.code : 0, json, stdout, stderr });
    });
    child.stdin.on('error', () => {});
    child.stdin.end(input ?? '');
  });
}

async function ok (keyFile, args, options) {
  const run = await medchain(keyFile, args, options);
  assert.equal(run.code, 0, `medchain ${args.join(' ')} failed: ${run.stderr}`);
  return run.json;
}

async function fails (keyFile, args, pattern) {
  const run = await medchain(keyFile, args);
  assert.equal(run.code, 1, `medchain ${args.join(' ')} should fail: ${run.stdout} ${run.stderr}`);
  const lines = run.stderr.trim().split('\n');
  assert.equal(lines.length, 1, `one line of error, not: ${run.stderr}`);
  assert.match(lines[0], pattern);
  return lines[0];
}

/** Polls the patient's trail until `predicate(trail)` holds (gateway batches wait for finality). */
async function trailUntil (predicate, what, timeoutMs = 90_000) {
  const deadline = Date.now() + timeoutMs;
  let trail;
  while (Date.now() < deadline) {
    trail = await ok('patient.json', ['audit', 'show']);
    if (predicate(trail)) return trail;
    await sleep(1000);
  }
  assert.fail(`the trail never showed ${what}: ${JSON.stringify(trail?.map((e) => [e.type, e.actor]))}`);
}

const gatewayConfig = () => ({ node: nodeUrl, data_dir: data, key_file: join(dir, 'gw.json'), requests_per_second: 1000, burst: 1000 });

describe('the custodian gateway, with a real node and gateway process', () => {
  const w = {};
  const keyring = new Keyring({ type: 'sr25519' });

  before(async () => {
    await cryptoWaitReady();
    nodeUrl = (await startNode('gateway-dev', ['--dev'])).url;
  });
  after(async () => { await stopGateways(); await stopAll(); });

  it('sets up a patient, three practitioners, a hospital and its gateway', async () => {
    for (const who of ['patient', 'alice', 'bob', 'carol', 'hospital', 'gw']) {
      w[who] = await ok(`${who}.json`, ['keys', 'new']);
      w[who].pair = keyring.addFromUri(w[who].mnemonic);
      assert.equal(w[who].pair.address, w[who].account, 'the CLI and Polkadot.js derive the same account');
    }
    await ok('sudo.json', ['keys', 'import'], { input: '//Alice\n' });
    for (const who of ['patient', 'alice', 'bob', 'carol', 'hospital', 'gw']) {
      await ok('sudo.json', ['--wait', 'in-block', 'balance', 'transfer', '--to', w[who].account, '--units', '100']);
    }
    w.patient.id = (await ok('patient.json', ['identity', 'register', '--kind', 'patient'])).id;
    for (const who of ['alice', 'bob', 'carol']) {
      w[who].id = (await ok(`${who}.json`, ['identity', 'register', '--kind', 'practitioner'])).id;
    }
    w.hospital.id = (await ok('sudo.json', ['org', 'admit', '--controller', w.hospital.account, '--key-agreement', w.hospital.key_agreement])).id;
    for (const who of ['alice', 'bob', 'carol']) {
      await ok('hospital.json', ['practitioner', 'attest', w[who].id, '--role', 'physician', '--days', '30']);
    }
    w.gw.id = (await ok('hospital.json', ['org', 'add-gateway', '--controller', w.gw.account, '--key-agreement', w.gw.key_agreement])).id;
    gateway = await startGateway('gateway', gatewayConfig());
    const info = await (await fetch(`${gateway.url}/info`)).json();
    assert.deepEqual([info.gateway, info.organization, info.key_agreement], [w.gw.id, w.hospital.id, w.gw.key_agreement]);
    const openapi = await (await fetch(`${gateway.url}/openapi.json`)).json();
    assert.ok(openapi.paths['/records/{id}'].get && openapi.paths['/records/{id}'].put);
  });

  it('A stores a record for the patient under a create consent; B is denied, on the trail', async () => {
    await ok('patient.json', ['consent', 'grant', '--to', w.alice.id, '--classes', 'labs', '--actions', 'read,create', '--purposes', 'TREAT', '--days', '30']);
    writeFileSync(join(dir, 'labs.txt'), 'Hb 13.5 g/dL; WBC 6.1; ' + 'x'.repeat(200_000));
    const put = await ok('alice.json', ['record', 'put', '--file', join(dir, 'labs.txt'), '--class', 'labs', '--patient', w.patient.id, '--out', records]);
    assert.equal(put.custodian, w.hospital.id);
    assert.equal(put.gateway, w.gw.id);
    w.labs = put.id;
    assert.ok(existsSync(join(data, 'blobs', w.labs.slice(2))), 'the gateway holds the ciphertext');

    const denied = await fails('bob.json', ['record', 'get', w.labs, '--out', join(dir, 'bob.out')], /denied by the gateway: no-consent/);
    assert.match(denied, /^error: /);
    const trail = await trailUntil((t) => t.some((e) => e.type === 'access-denied' && e.actor === w.bob.id), 'B\'s denial');
    const denial = trail.find((e) => e.type === 'access-denied' && e.actor === w.bob.id);
    assert.equal(denial.deny_reason, 'no-consent');
    assert.equal(denial.record, w.labs);
  });

  it('the patient grants B; B fetches and the plaintext matches byte for byte; revocation denies again', async () => {
    const consent = await ok('patient.json', ['consent', 'grant', '--to', w.bob.id, '--classes', 'labs', '--actions', 'read', '--purposes', 'TREAT', '--days', '30']);
    const got = await ok('bob.json', ['record', 'get', w.labs, '--out', join(dir, 'bob.out')]);
    assert.equal(got.size, readFileSync(join(dir, 'labs.txt')).length);
    assert.ok(readFileSync(join(dir, 'bob.out')).equals(readFileSync(join(dir, 'labs.txt'))));
    await trailUntil((t) => t.some((e) => e.type === 'record-read' && e.actor === w.bob.id), 'B\'s read');
    // The read needs a purpose the consent allows.
    await fails('bob.json', ['record', 'get', w.labs, '--out', join(dir, 'bob-research.out'), '--purpose', 'HRESCH'], /denied by the gateway: purpose-not-allowed/);
    assert.ok(!existsSync(join(dir, 'bob-research.out')), 'nothing written on a denial');
    await trailUntil((t) => t.some((e) => e.deny_reason === 'purpose-not-allowed'), 'B\'s denied research read');
    await ok('patient.json', ['consent', 'revoke', String(consent.id)]);
    await fails('bob.json', ['record', 'get', w.labs, '--out', join(dir, 'bob2.out')], /denied by the gateway: revoked/);
    assert.ok(!existsSync(join(dir, 'bob2.out')), 'nothing written on a denial');
  });

  it('break-glass lets C read for ETREAT, and the patient sees the alert', async () => {
    await fails('carol.json', ['record', 'get', w.labs, '--out', join(dir, 'carol.out'), '--purpose', 'ETREAT'], /denied by the gateway/);
    await trailUntil((t) => t.some((e) => e.type === 'access-denied' && e.actor === w.carol.id), 'C\'s denial');
    await ok('carol.json', ['emergency', 'open', '--patient', w.patient.id, '--minutes', '30'], { input: 'unconscious on arrival, allergy check\n' });
    await ok('carol.json', ['record', 'get', w.labs, '--out', join(dir, 'carol.out'), '--purpose', 'ETREAT']);
    assert.ok(readFileSync(join(dir, 'carol.out')).equals(readFileSync(join(dir, 'labs.txt'))));
    const trail = await trailUntil((t) => t.some((e) => e.type === 'record-read' && e.actor === w.carol.id), 'C\'s read');
    assert.ok(trail.some((e) => e.type === 'emergency-access' && e.actor === w.carol.id), 'the break-glass alert is on the trail');
    const read = trail.find((e) => e.type === 'record-read' && e.actor === w.carol.id);
    assert.equal(read.purpose, 'ETREAT');
    assert.match(read.policy, /Emergency/);
  });

  it('the client refuses a tampered blob; the gateway refuses unsigned, replayed, stale and forged requests', async () => {
    const blob = join(data, 'blobs', w.labs.slice(2));
    const original = readFileSync(blob);
    const tampered = Buffer.from(original);
    tampered[tampered.length - 100] ^= 1;
    writeFileSync(blob, tampered);
    await fails('patient.json', ['record', 'get', w.labs, '--out', join(dir, 'p.out')], /not the anchored ciphertext/);
    writeFileSync(blob, original);
    await ok('patient.json', ['record', 'get', w.labs, '--out', join(dir, 'p.out')]);

    const url = `${gateway.url}/records/${w.labs}?purpose=TREAT`;
    assert.equal((await fetch(url)).status, 401);
    const headers = await signedHeaders(w.patient.pair, 'GET', url);
    const first = await fetch(url, { headers });
    assert.equal(first.status, 200);
    assert.ok(first.headers.get('medchain-envelope'));
    assert.equal((await first.arrayBuffer()).byteLength, original.length);
    const replay = await fetch(url, { headers });
    assert.equal(replay.status, 401);
    assert.match((await replay.json()).issue[0].diagnostics, /nonce was already used/);
    const stale = await fetch(url, { headers: await signedHeaders(w.patient.pair, 'GET', url, { created: Math.floor(Date.now() / 1000) - 3600 }) });
    assert.equal(stale.status, 401);
    assert.match((await stale.json()).issue[0].diagnostics, /not fresh/);
    // Signed for another record, sent for this one; signed by B with the patient's keyid.
    const moved = await signedHeaders(w.patient.pair, 'GET', `${gateway.url}/records/0x${'00'.repeat(32)}?purpose=TREAT`);
    assert.equal((await fetch(url, { headers: moved })).status, 401);
    const forged = await signedHeaders(w.bob.pair, 'GET', url);
    forged['signature-input'] = (await signedHeaders(w.patient.pair, 'GET', url))['signature-input'];
    assert.equal((await fetch(url, { headers: forged })).status, 401);
    // An unknown signer, and bad input.
    const stranger = keyring.addFromUri('//Stranger');
    assert.equal((await fetch(url, { headers: await signedHeaders(stranger, 'GET', url) })).status, 401);
    const bad = `${gateway.url}/records/0x1234`;
    const badAnswer = await fetch(bad, { headers: await signedHeaders(w.patient.pair, 'GET', bad) });
    assert.equal(badAnswer.status, 400);
    assert.equal((await badAnswer.json()).resourceType, 'OperationOutcome');
  });

  it('serves the patient\'s AuditEvents and Consents as FHIR Bundles, to the patient only', async () => {
    const audit = `${gateway.url}/fhir/AuditEvent?patient=${w.patient.id}`;
    const bundle = await (await fetch(audit, { headers: await signedHeaders(w.patient.pair, 'GET', audit) })).json();
    assert.equal(bundle.resourceType, 'Bundle');
    assert.ok(bundle.entry.length > 5);
    assert.ok(bundle.entry.every((e) => e.resource.resourceType === 'AuditEvent'));
    const consents = `${gateway.url}/fhir/Consent?patient=${w.patient.id}`;
    const consentBundle = await (await fetch(consents, { headers: await signedHeaders(w.patient.pair, 'GET', consents) })).json();
    assert.equal(consentBundle.entry.length, 2);
    assert.ok(consentBundle.entry.every((e) => e.resource.resourceType === 'Consent'));
    const bobs = await fetch(audit, { headers: await signedHeaders(w.bob.pair, 'GET', audit) });
    assert.equal(bobs.status, 403);
    // The hospital's privacy office sees the entries about the records its gateway keeps.
    const office = await (await fetch(audit, { headers: await signedHeaders(w.hospital.pair, 'GET', audit) })).json();
    assert.ok(office.entry.length > 0 && office.entry.length < bundle.entry.length);
  });

  it('pages the trail through FHIR: following `next`, every entry once, newest first; `_count` is clamped', async () => {
    const base = `/fhir/AuditEvent?patient=${encodeURIComponent(w.patient.id)}`;
    // 5000 is clamped to 1000, the runtime's largest page: the whole trail in one page.
    const whole = await signedJson(w.patient.pair, `${base}&_count=5000`);
    assert.equal(whole.status, 200);
    assert.equal(link(whole.body, 'self'), `${base}&_count=1000`);
    assert.equal(link(whole.body, 'next'), undefined);
    const all = whole.body.entry.map(seqOf);
    assert.ok(all.length > 8, `a trail of more than two pages of 4: ${all.length}`);
    assert.deepEqual(all, countdown(all[0]), 'the whole trail, newest first');

    const bundles = await pages(w.patient.pair, `${base}&_count=4`);
    const next = link(bundles[0], 'next');
    assert.ok(next.startsWith(base), next);
    assert.match(next.slice(base.length), /^&_count=4&_cursor=\d+$/);
    assert.ok(bundles.slice(0, -1).every((b) => b.entry.length === 4), 'every page but the last is full');
    const paged = bundles.flatMap((b) => b.entry.map(seqOf));
    // Entries are only appended (the gateway's batches may land meanwhile), never between pages
    // already read: from the first page's newest entry down, each entry exactly once, in order.
    assert.deepEqual(paged, countdown(paged[0]));
    assert.ok(paged[0] >= all[0]);

    const one = await signedJson(w.patient.pair, `${base}&_count=0`);
    assert.equal(one.body.entry.length, 1, '0 is clamped to 1');
    assert.equal(link(one.body, 'self'), `${base}&_count=1`);
    for (const [query, reason] of [['&_count=ten', /`_count`/], ['&_cursor=abc', /`_cursor`/], [`&_cursor=${paged[0] + 1000}`, /past the end of the patient's trail/]]) {
      const bad = await signedJson(w.patient.pair, `${base}${query}`);
      assert.equal(bad.status, 400, query);
      assert.equal(bad.body.resourceType, 'OperationOutcome');
      assert.match(bad.body.issue[0].diagnostics, reason);
    }

    // The organization's view is filtered page by page: pages come back short, `next` points on,
    // and nothing is lost or repeated.
    const office = (await signedJson(w.hospital.pair, `${base}&_count=1000`)).body.entry.map(seqOf);
    const officePages = await pages(w.hospital.pair, `${base}&_count=3`);
    const officePaged = officePages.flatMap((b) => b.entry.map(seqOf));
    assert.ok(officePages.some((b, i) => i < officePages.length - 1 && b.entry.length < 3), 'a short page with a next link');
    assert.deepEqual(officePaged, [...new Set(officePaged)].sort((a, b) => b - a));
    assert.ok(office.every((seq) => officePaged.includes(seq)));
  });

  it('pages the consents through FHIR, two at a time', async () => {
    // A third consent beside A's and B's (one block): pages of 2 and 1.
    const granted = await ok('patient.json', ['consent', 'grant', '--to', w.carol.id, '--classes', 'imaging', '--actions', 'read', '--purposes', 'TREAT', '--days', '1']);
    const base = `/fhir/Consent?patient=${encodeURIComponent(w.patient.id)}`;
    const newest = `medchain-consent-${granted.id}`;
    let bundles = [];
    // The gateway answers at its finalized view, which follows the grant's finality a moment later.
    for (let i = 0; i < 50 && bundles[0]?.entry[0]?.resource.id !== newest; i++) {
      if (i > 0) await sleep(200);
      bundles = await pages(w.patient.pair, `${base}&_count=2`);
    }
    assert.deepEqual(bundles.map((b) => b.entry.length), [2, 1]);
    const ids = bundles.flatMap((b) => b.entry.map((e) => Number(e.resource.id.replace('medchain-consent-', ''))));
    assert.equal(ids[0], Number(granted.id));
    assert.deepEqual(ids, [...new Set(ids)].sort((a, b) => b - a), 'each consent once, newest first');
    assert.equal(link(bundles[0], 'next'), `${base}&_count=2&_cursor=1`);
    assert.equal(link(bundles[1], 'self'), `${base}&_count=2&_cursor=1`);
    assert.equal(link(bundles[1], 'next'), undefined);
    const past = await signedJson(w.patient.pair, `${base}&_cursor=4`);
    assert.equal(past.status, 400);
    assert.match(past.body.issue[0].diagnostics, /past the end of the patient's consents \(3 in all\)/);
  });

  it('refuses an upload that does not match its anchor, and keeps nothing of an upload killed midway', async () => {
    writeFileSync(join(dir, 'imaging.txt'), 'CT head: no bleed. ' + 'y'.repeat(300_000));
    const anchored = await ok('alice.json', ['record', 'anchor', '--file', join(dir, 'imaging.txt'), '--class', 'labs', '--patient', w.patient.id, '--out', records, '--for-gateway']);
    w.second = anchored.id;
    const blobFile = join(records, `${w.second}.blob`);
    const blob = readFileSync(blobFile);
    const altered = Buffer.from(blob);
    altered[1000] ^= 1;
    writeFileSync(blobFile, altered);
    await fails('alice.json', ['record', 'upload', w.second, '--dir', records], /\(422\).*not the anchored ciphertext/);
    assert.deepEqual(readdirSync(join(data, 'tmp')), [], 'the refused body was not kept');
    writeFileSync(blobFile, blob);
    // Only the author or the patient may upload.
    await fails('bob.json', ['record', 'upload', w.second, '--dir', records], /\(403\)/);

    // Half the body, then the gateway is killed.
    const envelopes = readdirSync(records).filter((f) => f.startsWith(`${w.second}.`) && f.endsWith('.envelope'));
    const encoded = Buffer.concat([compactLength(envelopes.length), ...envelopes.map((f) => readFileSync(join(records, f)))]);
    const url = `${gateway.url}/records/${w.second}`;
    const fields = { 'medchain-envelopes': encoded.toString('base64') };
    const headers = { ...await signedHeaders(w.alice.pair, 'PUT', url, { body: blob, fields }), 'content-length': String(blob.length) };
    const upload = httpRequest(url, { method: 'PUT', headers });
    const broken = new Promise((resolveBroken) => { upload.on('error', resolveBroken); upload.on('response', (r) => resolveBroken(r.statusCode)); });
    upload.write(blob.subarray(0, blob.length / 2));
    for (let i = 0; i < 50 && readdirSync(join(data, 'tmp')).length === 0; i++) await sleep(100);
    assert.equal(readdirSync(join(data, 'tmp')).length, 1, 'the upload is being written');
    await gateway.killed();
    assert.ok((await broken) instanceof Error, 'the upload broke off');
    gateway = await startGateway('gateway-restarted', gatewayConfig());
    assert.deepEqual(readdirSync(join(data, 'tmp')), [], 'the partial upload is gone');
    assert.ok(!existsSync(join(data, 'blobs', w.second.slice(2))));
    await fails('patient.json', ['record', 'get', w.second, '--out', join(dir, 'x.out')], /\(404\).*anchored but its content was never uploaded here: its author or patient can upload it with `medchain record upload 0x/);
    await ok('alice.json', ['record', 'upload', w.second, '--dir', records]);
    await ok('patient.json', ['record', 'get', w.second, '--out', join(dir, 'second.out')]);
    assert.ok(readFileSync(join(dir, 'second.out')).equals(readFileSync(join(dir, 'imaging.txt'))));
  });

  it('a read audited right before a SIGKILL lands on the trail after the restart (and over TLS)', async () => {
    const reads = (t) => t.filter((e) => e.type === 'record-read' && e.actor === w.patient.id && e.record === w.second).length;
    const before = reads(await trailUntil((t) => reads(t) >= 1, 'the patient\'s first read of the second record'));
    await ok('patient.json', ['record', 'get', w.second, '--out', join(dir, 'second.out'), '--force']);
    await gateway.killed();
    // Restart with TLS: a certificate of a test CA the CLI is told to trust.
    const ssl = (...args) => execFileSync('openssl', args, { stdio: 'ignore', cwd: dir });
    const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
    ssl('req', '-x509', ...ec, '-days', '1', '-subj', '/CN=MedChain test CA', '-keyout', 'ca.key', '-out', 'ca.pem');
    ssl('req', ...ec, '-subj', '/CN=127.0.0.1', '-keyout', 'key.pem', '-out', 'gateway.csr');
    writeFileSync(join(dir, 'leaf.ext'), 'subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\n');
    ssl('x509', '-req', '-in', 'gateway.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '1', '-extfile', 'leaf.ext', '-out', 'cert.pem');
    gatewayCa = readFileSync(join(dir, 'ca.pem'), 'utf8');
    gateway = await startGateway('gateway-tls', gatewayConfig(), { tls: { cert: join(dir, 'cert.pem'), key: join(dir, 'key.pem') }, ca: gatewayCa });
    assert.match(gateway.url, /^https:/);
    await trailUntil((t) => reads(t) >= before + 1, 'the read served right before the SIGKILL');
    await ok('patient.json', ['record', 'get', w.second, '--out', join(dir, 'second.out'), '--force']);
    assert.ok(readFileSync(join(dir, 'second.out')).equals(readFileSync(join(dir, 'imaging.txt'))));
  });

  it('erasure deletes the bytes at the gateway; reads get 410; the whole trail is in order and verifies', async () => {
    await ok('patient.json', ['record', 'erase', w.labs]);
    const blob = join(data, 'blobs', w.labs.slice(2));
    for (let i = 0; i < 100 && existsSync(blob); i++) await sleep(200);
    assert.ok(!existsSync(blob), 'the ciphertext is gone from the store');
    await fails('bob.json', ['record', 'get', w.labs, '--out', join(dir, 'gone.out')], /erased \(410 Gone\)/);

    const trail = await trailUntil((t) => t.some((e) => e.type === 'record-erased'), 'the erasure');
    const about = trail.filter((e) => e.record === w.labs || ['consent-granted', 'consent-revoked', 'emergency-access'].includes(e.type));
    const steps = about.map((e) => `${e.type}:${[w.patient.id, w.alice.id, w.bob.id, w.carol.id].indexOf(e.actor)}`);
    const expected = [
      'consent-granted:0', 'record-written:1', 'access-denied:2', 'consent-granted:0', 'record-read:2',
      'access-denied:2', 'consent-revoked:0', 'access-denied:2', 'access-denied:3', 'emergency-access:3',
      'record-read:3', 'record-read:0', 'record-read:0', 'record-erased:0'
    ];
    // Every step, in the order it happened (gateway batches land after the block they are read in,
    // so a step is found in order, not necessarily next to the one before).
    let at = 0;
    for (const step of expected) {
      const found = steps.indexOf(step, at);
      assert.ok(found >= 0, `${step} after position ${at} in ${steps.join(', ')}`);
      at = found + 1;
    }
    const verified = await ok('patient.json', ['audit', 'verify']);
    assert.equal(verified.verified, true);
    assert.ok(verified.entries >= trail.length);
    const metrics = await medchainMetrics();
    // Counted since the last restart (the TLS one): a permitted read, the erasure, the 410.
    assert.match(metrics, /medchain_gateway_read_decisions_total\{decision="permit"\} [1-9]/);
    assert.match(metrics, /medchain_gateway_requests_total\{route="GET \/records\/\{id\}",status="410"\} 1/);
    assert.match(metrics, /medchain_gateway_erased_total [1-9]/);
  });
});

/** A signed GET of a gateway path (a Bundle's links are paths): the status and the JSON. */
async function signedJson (pair, path) {
  const url = `${gateway.url}${path}`;
  const response = await fetch(url, { headers: await signedHeaders(pair, 'GET', url) });
  return { status: response.status, body: await response.json() };
}

/** Every page of a FHIR search from `path`, following `next` links. */
async function pages (pair, path) {
  const bundles = [];
  for (let next = path; next; next = link(bundles.at(-1), 'next')) {
    assert.ok(bundles.length < 100, 'the pages end');
    const { status, body } = await signedJson(pair, next);
    assert.equal(status, 200, JSON.stringify(body));
    assert.equal(body.type, 'searchset');
    bundles.push(body);
  }
  return bundles;
}

const link = (bundle, relation) => bundle.link.find((l) => l.relation === relation)?.url;
/** An AuditEvent's trail sequence number (its chain-link entity's `seq` detail). */
const seqOf = (entry) => Number(entry.resource.entity.at(-1).detail.find((d) => d.type === 'seq').valueString);
/** `[n, n - 1, …, 0]`. */
const countdown = (n) => Array.from({ length: n + 1 }, (_, i) => n - i);

function compactLength (n) {
  assert.ok(n < 64);
  return Buffer.from([n << 2]);
}

async function medchainMetrics () {
  if (!gateway.url.startsWith('https:')) return (await fetch(`${gateway.url}/metrics`)).text();
  const { request } = await import('node:https');
  return new Promise((resolveText, reject) => {
    const req = request(`${gateway.url}/metrics`, { ca: gatewayCa }, (res) => {
      let text = '';
      res.on('data', (d) => { text += d; });
      res.on('end', () => resolveText(text));
    });
    req.on('error', reject);
    req.end();
  });
}

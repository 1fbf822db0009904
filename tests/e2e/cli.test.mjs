// The `medchain` CLI against a real dev node, driving the built binary only: keys, identities, an
// organization admitted through governance, attestations, records anchored, amended and erased,
// consents granted and revoked, the access rule asked, and the trail verified and exported.
// Asserts on `--json` output and exit codes, failures included.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

import { startNode, stopAll } from './lib/node.mjs';

const here = new URL('.', import.meta.url).pathname;

function cliBinary () {
  const target = process.env.CARGO_TARGET_DIR || resolve(here, '../../target');
  const bin = process.env.MEDCHAIN_CLI || join(target, 'debug', 'medchain');
  if (!existsSync(bin)) throw new Error(`medchain binary not found at ${bin}: build it first (scripts/test.sh does)`);
  return bin;
}

const dir = mkdtempSync(join(tmpdir(), 'medchain-cli-'));
const records = join(dir, 'records');
let url;

/** Runs `medchain` as the holder of `keyFile`; resolves { code, json, stdout, stderr }. */
function medchain (keyFile, args, { passphrase = 'correct horse', env = {}, input } = {}) {
  return new Promise((resolveRun) => {
    const child = execFile(cliBinary(), ['--node', url, '--key-file', join(dir, keyFile), '--json', ...args], {
      env: { ...process.env, MEDCHAIN_PASSPHRASE: passphrase, ...env },
      timeout: 120_000
    }, (error, stdout, stderr) => {
      let json = null;
      try { json = JSON.parse(stdout); } catch { /* not JSON (a failure, or completions) */ }
      resolveRun({ code: error ? error.code : 0, json, stdout, stderr });
    });
    // stdin ends at once unless a test gives input: no command waits on a terminal that is not there.
    // A command that exits without reading it closes the pipe first: that EPIPE is not a failure.
    child.stdin.on('error', () => {});
    child.stdin.end(input ?? '');
  });
}

/** Runs `medchain` and requires success. */
async function ok (keyFile, args, options) {
  const run = await medchain(keyFile, args, options);
  assert.equal(run.code, 0, `medchain ${args.join(' ')} failed: ${run.stderr}`);
  return run.json;
}

/** Runs `medchain` and requires failure with `code`, a single readable line naming `pattern`. */
async function fails (keyFile, args, pattern, code = 1) {
  const run = await medchain(keyFile, args);
  assert.equal(run.code, code, `medchain ${args.join(' ')} should exit ${code}: ${run.stdout} ${run.stderr}`);
  const lines = run.stderr.trim().split('\n');
  assert.equal(lines.length, 1, `one line of error, not: ${run.stderr}`);
  assert.match(lines[0], /^error: /);
  assert.match(lines[0], pattern);
  return lines[0];
}

describe('the medchain CLI against a dev node', () => {
  const w = {};

  before(async () => {
    const node = await startNode('cli-dev', ['--dev']);
    url = node.url;
  });
  after(stopAll);

  it('makes keys, and refuses a wrong passphrase in one line', async () => {
    for (const who of ['patient', 'alice', 'bob', 'hospital']) {
      const keys = await ok(`${who}.json`, ['keys', 'new']);
      assert.match(keys.account, /^5/);
      assert.equal(keys.mnemonic.split(' ').length, 12);
      w[who] = keys;
    }
    const sudo = await ok('sudo.json', ['keys', 'import'], { input: '//Alice\n' });
    assert.equal(sudo.account, '5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY');
    const shown = await ok('patient.json', ['keys', 'show']);
    assert.equal(shown.account, w.patient.account);
    const exported = await ok('patient.json', ['keys', 'export']);
    assert.equal(exported.mnemonic, w.patient.mnemonic);
    const wrong = await medchain('patient.json', ['keys', 'export'], { passphrase: 'wrong' });
    assert.equal(wrong.code, 1);
    assert.equal(wrong.stderr.trim(), 'error: wrong passphrase, or the key file was altered');
    // Importing the exported mnemonic gives the same account.
    const again = await ok('patient-again.json', ['keys', 'import'], { env: { MEDCHAIN_MNEMONIC: w.patient.mnemonic } });
    assert.equal(again.account, w.patient.account);
    await fails('patient.json', ['keys', 'new'], /exists: pass --force/);
  });

  it('funds the practitioners and the hospital from the dev chain\'s Alice; the patient needs no tokens', async () => {
    for (const who of ['alice', 'bob', 'hospital']) {
      await ok('sudo.json', ['balance', 'transfer', '--to', w[who].account, '--units', '100']);
      const balance = await ok(`${who}.json`, ['balance', 'show']);
      assert.equal(balance.free, String(100n * 10n ** 12n));
    }
    await fails('bob.json', ['balance', 'transfer', '--to', 'not-an-account', '--units', '1'], /is not an SS58 account/);
  });

  it('registers a patient and two practitioners; governance admits the hospital, which attests both', async () => {
    w.patient.id = (await ok('patient.json', ['identity', 'register', '--kind', 'patient'])).id;
    w.alice.id = (await ok('alice.json', ['identity', 'register', '--kind', 'practitioner'])).id;
    w.bob.id = (await ok('bob.json', ['identity', 'register', '--kind', 'practitioner'])).id;
    assert.match(w.patient.id, /^did:medchain:[0-9a-f]{64}$/);
    await fails('patient.json', ['identity', 'register', '--kind', 'patient'], /Identity::AlreadyRegistered/);

    await fails('hospital.json', ['org', 'admit', '--controller', w.hospital.account, '--key-agreement', w.hospital.key_agreement], /BadOrigin|RequireSudo|Sudo/);
    w.hospital.id = (await ok('sudo.json', ['org', 'admit', '--controller', w.hospital.account, '--key-agreement', w.hospital.key_agreement])).id;
    for (const who of ['alice', 'bob']) {
      const attested = await ok('hospital.json', ['practitioner', 'attest', w[who].id, '--role', 'physician', '--days', '30']);
      assert.equal(attested.role, 'physician');
    }
    const doc = await ok('bob.json', ['identity', 'show']);
    assert.equal(doc.id, w.bob.id);
    assert.equal(doc.is_practitioner, true);
    assert.equal(doc.attestations[0].organization, w.hospital.id);
    await fails('hospital.json', ['practitioner', 'attest', w.bob.id, '--role', 'surgeon'], /unknown role `surgeon`/);
  });

  it('anchors a record the patient encrypted, kept by the hospital', async () => {
    writeFileSync(join(dir, 'labs.txt'), 'Hb 13.5 g/dL; WBC 6.1');
    const anchored = await ok('patient.json', ['record', 'anchor', '--file', join(dir, 'labs.txt'), '--class', 'labs', '--custodian', w.hospital.id, '--out', records]);
    assert.equal(anchored.patient, w.patient.id);
    assert.equal(anchored.custodian, w.hospital.id);
    assert.equal(anchored.version, 1);
    assert.equal(anchored.files.length, 3); // the blob, and envelopes for the patient and the hospital
    w.labs = anchored.id;
    const shown = await ok('patient.json', ['record', 'show', w.labs]);
    assert.equal(shown.status, 'active');
    assert.equal(shown.class, 'labs');
    // The patient opens it again from what the custodian holds, checked against the anchor.
    const out = join(dir, 'labs.out');
    await ok('patient.json', ['record', 'open', w.labs, '--dir', records, '--out', out]);
    assert.equal(readFileSync(out, 'utf8'), 'Hb 13.5 g/dL; WBC 6.1');
    // Bob holds no envelope, and has no consent to anchor for the patient.
    await fails('bob.json', ['record', 'open', w.labs, '--dir', records, '--out', out], /no envelope for your key/);
    await fails('bob.json', ['record', 'anchor', '--patient', w.patient.id, '--file', join(dir, 'labs.txt'), '--class', 'labs', '--out', records], /Records::NotPermitted: The access rule does not let the author create/);
  });

  it('denies bob until the patient consents, then allows him; he anchors a new version', async () => {
    const check = (record) => ['consent', 'check', '--patient', w.patient.id, '--accessor', w.bob.id, '--record', record];
    const denied = await ok('bob.json', check(w.labs));
    assert.deepEqual(denied, { decision: 'deny', reason: 'no-consent' });
    await fails('bob.json', [...check(w.labs), '--require-permit'], /access denied: no-consent/, 3);

    const consent = await ok('patient.json', ['consent', 'grant', '--to', w.bob.id, '--classes', 'labs', '--exclude', 'mental-health', '--actions', 'read,create', '--purposes', 'TREAT', '--days', '30']);
    assert.equal(consent.grantee, w.bob.id);
    assert.deepEqual(consent.actions, ['read', 'create']);
    assert.deepEqual(consent.excluded, ['mental-health']);
    w.consent = consent.id;
    assert.deepEqual(await ok('bob.json', check(w.labs)), { decision: 'permit', basis: { consent: w.consent } });
    const listed = await ok('patient.json', ['consent', 'list']);
    assert.deepEqual(listed.map((c) => [c.id, c.status]), [[w.consent, 'active']]);

    writeFileSync(join(dir, 'labs-v2.txt'), 'Hb 13.7 g/dL; WBC 6.0 (corrected)');
    const amended = await ok('bob.json', ['record', 'amend', w.labs, '--file', join(dir, 'labs-v2.txt'), '--out', records]);
    assert.equal(amended.version, 2);
    assert.equal(amended.predecessor, w.labs);
    assert.equal(amended.author, w.bob.id);
    assert.equal(amended.custodian, w.hospital.id);
    w.labs2 = amended.id;
    assert.equal((await ok('bob.json', ['record', 'show', w.labs])).status, 'superseded');
    await fails('bob.json', ['record', 'amend', w.labs, '--file', join(dir, 'labs-v2.txt'), '--out', records], /Records::NotLatestVersion/);
    // Alice has no consent at all.
    const alice = await ok('alice.json', ['consent', 'check', '--patient', w.patient.id, '--class', 'labs']);
    assert.deepEqual(alice, { decision: 'deny', reason: 'no-consent' });
  });

  it('keeps an excluded class denied, whatever the record is called', async () => {
    writeFileSync(join(dir, 'notes.txt'), 'session notes');
    const notes = await ok('patient.json', ['record', 'anchor', '--file', join(dir, 'notes.txt'), '--class', 'mental-health', '--custodian', w.hospital.id, '--out', records]);
    const denied = await ok('bob.json', ['consent', 'check', '--patient', w.patient.id, '--accessor', w.bob.id, '--record', notes.id]);
    assert.deepEqual(denied, { decision: 'deny', reason: 'class-excluded' });
    // The class is the anchor's: asking about "labs" does not reach the record.
    const asLabs = await ok('bob.json', ['consent', 'check', '--patient', w.patient.id, '--accessor', w.bob.id, '--class', 'labs']);
    assert.equal(asLabs.decision, 'permit');
  });

  it('revokes, erases, and lists by status', async () => {
    await ok('patient.json', ['consent', 'revoke', String(w.consent)]);
    const revoked = await ok('bob.json', ['consent', 'check', '--patient', w.patient.id, '--accessor', w.bob.id, '--record', w.labs2]);
    assert.deepEqual(revoked, { decision: 'deny', reason: 'revoked' });
    await fails('patient.json', ['consent', 'revoke', String(w.consent)], /Consent::AlreadyRevoked/);

    await fails('bob.json', ['record', 'erase', w.labs2], /Records::NotPatientOrDelegate/);
    const erased = await ok('patient.json', ['record', 'erase', w.labs2]);
    assert.deepEqual(erased.erased, [w.labs2, w.labs]);
    const gone = await ok('patient.json', ['consent', 'check', '--record', w.labs2]);
    assert.deepEqual(gone, { decision: 'deny', reason: 'record-erased' });
    const listed = await ok('patient.json', ['record', 'list', '--status', 'erased']);
    assert.deepEqual(listed.map((r) => r.id), [w.labs2, w.labs]);
    const labs = await ok('patient.json', ['record', 'list', '--class', 'labs']);
    assert.equal(labs.length, 2);
    await fails('patient.json', ['record', 'open', w.labs2, '--dir', records, '--out', join(dir, 'x')], /is erased/);
    await fails('patient.json', ['record', 'erase', w.labs2], /Records::RecordErased/);
  });

  it('refuses bad input with one readable line and changes nothing', async () => {
    await fails('bob.json', ['consent', 'check', '--patient', w.patient.id, '--class', 'xrays'], /unknown data class `xrays`; expected one of: demographics/);
    await fails('bob.json', ['record', 'show', '0x1234'], /is not a record identifier/);
    await fails('bob.json', ['consent', 'check', '--patient', 'did:medchain:zz', '--class', 'labs'], /did:medchain:zz/);
    await fails('nobody.json', ['identity', 'show'], /cannot read key file .*nobody\.json/);
    const missing = await medchain('bob.json', ['consent', 'grant']);
    assert.equal(missing.code, 2); // clap's usage error
  });

  it('shows a trail that verifies here and on the node, and exports it as FHIR', async () => {
    const trail = await ok('patient.json', ['audit', 'show']);
    const types = trail.map((e) => e.type);
    for (const type of ['identity-changed', 'record-written', 'consent-granted', 'consent-revoked', 'record-erased']) {
      assert.ok(types.includes(type), `${type} in ${types}`);
    }
    assert.deepEqual(trail.map((e) => e.seq), trail.map((_, i) => i));
    const written = trail.filter((e) => e.type === 'record-written');
    assert.deepEqual(written.map((e) => e.actor), [w.patient.id, w.bob.id, w.patient.id]);
    const verified = await ok('patient.json', ['audit', 'verify']);
    assert.equal(verified.verified, true);
    assert.equal(verified.entries, trail.length);
    const bundle = await ok('bob.json', ['audit', 'export-fhir', '--patient', w.patient.id]);
    assert.equal(bundle.resourceType, 'Bundle');
    assert.equal(bundle.entry.length, trail.length);
    assert.ok(bundle.entry.every((e) => e.resource.resourceType === 'AuditEvent'));
  });

  it('breaks the glass for emergency treatment, with the justification off the command line', async () => {
    const etreat = ['consent', 'check', '--patient', w.patient.id, '--accessor', w.bob.id, '--class', 'labs', '--purpose', 'ETREAT'];
    assert.equal((await ok('bob.json', etreat)).decision, 'deny');
    await fails('bob.json', ['emergency', 'open', '--patient', w.patient.id, '--minutes', '30'], /the justification is empty/);
    const opened = await ok('bob.json', ['emergency', 'open', '--patient', w.patient.id, '--minutes', '30'], { input: 'unconscious on arrival, allergy check\n' });
    assert.match(opened.justification.hash, /^0x[0-9a-f]{64}$/);
    assert.deepEqual(await ok('bob.json', etreat), { decision: 'permit', basis: { emergency: opened.id } });
    await ok('bob.json', ['emergency', 'end', String(opened.id)]);
    assert.equal((await ok('bob.json', etreat)).decision, 'deny');
    const trail = await ok('patient.json', ['audit', 'show']);
    assert.deepEqual(trail.slice(-2).map((e) => e.type), ['emergency-access', 'emergency-ended']);
  });

  it('names and removes a guardian, and revokes an attestation', async () => {
    await ok('patient.json', ['identity', 'guardian', 'add', w.alice.id, '--delegate']);
    let doc = await ok('patient.json', ['identity', 'show']);
    assert.deepEqual(doc.guardians, [{ guardian: w.alice.id, delegate: true, recovery: false }]);
    await ok('patient.json', ['identity', 'guardian', 'remove', w.alice.id]);
    doc = await ok('patient.json', ['identity', 'show']);
    assert.deepEqual(doc.guardians, []);
    await ok('hospital.json', ['practitioner', 'revoke', w.alice.id]);
    assert.equal((await ok('alice.json', ['identity', 'show'])).is_practitioner, false);
    await fails('hospital.json', ['practitioner', 'revoke', w.alice.id], /Identity::NotAttested/);
  });

  it('rotates a practitioner to new keys: the old key file stops working', async () => {
    const fresh = await ok('bob-new.json', ['keys', 'new']);
    await ok('sudo.json', ['balance', 'transfer', '--to', fresh.account, '--units', '10']);
    const rotated = await ok('bob.json', ['identity', 'rotate-key', '--new-key-file', join(dir, 'bob-new.json')]);
    assert.equal(rotated.id, w.bob.id);
    assert.equal(rotated.controller, fresh.account);
    const doc = await ok('bob-new.json', ['identity', 'show']);
    assert.equal(doc.id, w.bob.id);
    assert.equal(doc.key_agreement, fresh.key_agreement);
    await fails('bob.json', ['identity', 'show'], /controls no identity/);
  });

  it('the patient did all of it without a single token', async () => {
    const balance = await ok('patient.json', ['balance', 'show']);
    assert.equal(balance.free, '0');
  });

  it('prints shell completions', async () => {
    const run = await medchain('bob.json', ['completions', 'bash']);
    assert.equal(run.code, 0);
    assert.match(run.stdout, /_medchain\(\)/);
  });
});

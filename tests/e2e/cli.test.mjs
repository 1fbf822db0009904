// The `medchain` CLI against a real dev node, driving the built binary only: keys, identities, an
// organization admitted through governance, attestations, records anchored, amended and erased,
// consents granted and revoked, the access rule asked, and the trail verified and exported; then
// the hospital's gateway (a real medchain-gateway process): records anchored offline and uploaded,
// put and amended through it, fetched, and a break-glass read on the timeline where it happened.
// Asserts on `--json` output and exit codes, failures included. Also: a new passphrase typed on a
// terminal (util-linux `script` gives the CLI one), and docs/sharing.md read as shell.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

import { startNode, stopAll } from './lib/node.mjs';
import { startGateway, stopGateways } from './lib/gateway.mjs';

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
/** The hospital's gateway, once it runs: every command is then pointed at it. */
let gateway = null;

/**
 * Runs `medchain` as the holder of `keyFile`; resolves { code, json, stdout, stderr }. With
 * `json: false` it prints for people (tables) instead.
 */
function medchain (keyFile, args, { passphrase = 'correct horse', env = {}, input, json = true } = {}) {
  return new Promise((resolveRun) => {
    const options = [
      '--node', url, '--key-file', join(dir, keyFile),
      ...(gateway ? ['--gateway', gateway.url] : []),
      ...(json ? ['--json'] : [])
    ];
    const child = execFile(cliBinary(), [...options, ...args], {
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
async function fails (keyFile, args, pattern, code = 1, options) {
  const run = await medchain(keyFile, args, options);
  assert.equal(run.code, code, `medchain ${args.join(' ')} should exit ${code}: ${run.stdout} ${run.stderr}`);
  const lines = run.stderr.trim().split('\n');
  assert.equal(lines.length, 1, `one line of error, not: ${run.stderr}`);
  assert.match(lines[0], /^error: /);
  assert.match(lines[0], pattern);
  return lines[0];
}

/** Polls the patient's trail until `predicate(trail)` holds (a gateway's entries land after the read). */
async function trailUntil (predicate, what, timeoutMs = 90_000) {
  const deadline = Date.now() + timeoutMs;
  let trail;
  while (Date.now() < deadline) {
    trail = await ok('patient.json', ['audit', 'show']);
    if (predicate(trail)) return trail;
    await sleep(1000);
  }
  assert.fail(`the trail never showed ${what}: ${JSON.stringify(trail?.map((e) => [e.seq, e.type, e.actor]))}`);
}

const quote = (word) => `'${String(word).replace(/'/g, `'\\''`)}'`;
/**
 * util-linux `script`, which runs a command on a terminal of its own: in Debian's bsdutils, an
 * Essential package, so always installed (scripts/setup.sh installs nothing for it). The terminal
 * tests require it rather than skip without it.
 */
function requireTerminal () {
  const version = spawnSync('script', ['--version'], { encoding: 'utf8' });
  assert.ok(version.status === 0 && /util-linux/.test(version.stdout),
    `the terminal tests need util-linux \`script\` on PATH to give the CLI a terminal (Debian: package bsdutils): ${version.error?.message ?? (version.stdout + version.stderr).trim()}`);
}

/**
 * Runs `medchain` on a terminal (util-linux `script` makes one), by default with `--json` and no
 * MEDCHAIN_PASSPHRASE, so that it prompts: each `[prompt, text]` of `answers` is typed once that
 * prompt has appeared, in order. Resolves { code, output } (stdout, stderr, prompts and progress
 * bars, as the terminal showed them).
 */
function onTerminal (keyFile, args, answers, { passphrase, json = true } = {}) {
  requireTerminal();
  return new Promise((resolveRun, reject) => {
    const options = [
      '--node', url, '--key-file', join(dir, keyFile),
      ...(gateway ? ['--gateway', gateway.url] : []),
      ...(json ? ['--json'] : [])
    ];
    const command = [cliBinary(), ...options, ...args].map(quote).join(' ');
    const env = { ...process.env, TERM: process.env.TERM || 'xterm', MEDCHAIN_PASSPHRASE: passphrase };
    const child = spawn('script', ['-qefc', command, '/dev/null'], { env });
    let output = '';
    let answered = 0;
    let from = 0;
    child.stdout.on('data', (chunk) => {
      output += chunk;
      for (let at; answered < answers.length && (at = output.indexOf(answers[answered][0], from)) >= 0;) {
        from = at + answers[answered][0].length;
        child.stdin.write(`${answers[answered][1]}\n`);
        answered += 1;
      }
    });
    child.stderr.on('data', (chunk) => { output += chunk; });
    child.stdin.on('error', () => {});
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`no end on the terminal: ${output}`)); }, 120_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      child.stdin.destroy();
      resolveRun({ code, output: output.replace(/\r/g, '') });
    });
  });
}

describe('the medchain CLI against a dev node', () => {
  const w = {};

  before(async () => {
    const node = await startNode('cli-dev', ['--dev']);
    url = node.url;
  });
  after(async () => { await stopGateways(); await stopAll(); });

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
    // Scripts choose their own passphrase through MEDCHAIN_PASSPHRASE, short ones included (the
    // 12-character minimum is the terminal's); an empty one is refused.
    await ok('script.json', ['keys', 'new'], { passphrase: 'bench' });
    await fails('nobody.json', ['keys', 'new'], /^error: the passphrase is empty$/, 1, { passphrase: '' });
    assert.ok(!existsSync(join(dir, 'nobody.json')));
  });

  it('asks a person at a terminal for a new passphrase twice, and for 12 characters at least', async () => {
    const first = 'New key file passphrase: ';
    const again = 'The same passphrase again: ';
    const typed = await onTerminal('typed.json', ['keys', 'new'], [
      [first, 'bench'], [first, 'correct horse battery'], [again, 'correct horse batterz'],
      [first, 'correct horse battery'], [again, 'correct horse battery']
    ]);
    assert.equal(typed.code, 0, typed.output);
    assert.match(typed.output, /needs at least 12 characters, not 5/);
    assert.match(typed.output, /the two passphrases differ/);
    const keys = JSON.parse(typed.output.slice(typed.output.indexOf('{'), typed.output.lastIndexOf('}') + 1));
    const exported = await ok('typed.json', ['keys', 'export'], { passphrase: 'correct horse battery' });
    assert.equal(exported.mnemonic, keys.mnemonic);

    const refused = await onTerminal('refused.json', ['keys', 'new'], [[first, 'bench'], [first, 'horse'], [first, 'staple']]);
    assert.equal(refused.code, 1, refused.output);
    assert.match(refused.output, /error: no passphrase chosen in 3 tries: it needs at least 12 characters, typed the same twice/);
    assert.ok(!existsSync(join(dir, 'refused.json')), 'no key file');
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
    // A plaintext never replaces a file unless asked to.
    writeFileSync(out, 'my own notes');
    await fails('patient.json', ['record', 'open', w.labs, '--dir', records, '--out', out], /labs\.out exists: pass --force to overwrite it$/);
    assert.equal(readFileSync(out, 'utf8'), 'my own notes');
    await ok('patient.json', ['record', 'open', w.labs, '--dir', records, '--out', out, '--force']);
    assert.equal(readFileSync(out, 'utf8'), 'Hb 13.5 g/dL; WBC 6.1');
    // Bob holds no envelope, and has no consent to anchor for the patient.
    await fails('bob.json', ['record', 'open', w.labs, '--dir', records, '--out', join(dir, 'labs-bob.out')], /no envelope for your key/);
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
    // An amend goes through the custodian's gateway as `record put` does: without one, it stops
    // before anything is anchored, and says how to write the files instead.
    await fails('bob.json', ['--gateway', 'http://127.0.0.1:1', 'record', 'amend', w.labs, '--file', join(dir, 'labs-v2.txt'), '--out', records], /cannot reach the gateway at http:\/\/127\.0\.0\.1:1.*with --offline it writes its files to --out instead/);
    assert.equal((await ok('bob.json', ['record', 'show', w.labs])).status, 'active');
    const amended = await ok('bob.json', ['record', 'amend', w.labs, '--file', join(dir, 'labs-v2.txt'), '--out', records, '--offline']);
    assert.equal(amended.version, 2);
    assert.equal(amended.predecessor, w.labs);
    assert.equal(amended.author, w.bob.id);
    assert.equal(amended.custodian, w.hospital.id);
    w.labs2 = amended.id;
    assert.equal((await ok('bob.json', ['record', 'show', w.labs])).status, 'superseded');
    await fails('bob.json', ['record', 'amend', w.labs, '--file', join(dir, 'labs-v2.txt'), '--out', records, '--offline'], /Records::NotLatestVersion/);
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
    // Actions by the names the CLI takes, not FHIR's codes.
    await fails('patient.json', ['consent', 'grant', '--to', w.bob.id, '--actions', 'read,write'], /^error: unknown action `write`; expected one of: read, create, share$/);
    // An upload of a record that has no files here names the file looked for and the record.
    const unknown = `0x${'ab'.repeat(32)}`;
    const noFiles = await fails('patient.json', ['record', 'upload', unknown, '--dir', records], /^error: no files of record 0x(ab){32} in /);
    assert.ok(noFiles.includes(join(records, `${unknown}.blob`)), noFiles);
    assert.doesNotMatch(noFiles, /i\/o/);
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

  it('starts the hospital\'s gateway', async () => {
    w.gw = await ok('gw.json', ['keys', 'new']);
    await ok('sudo.json', ['balance', 'transfer', '--to', w.gw.account, '--units', '100']);
    w.gw.id = (await ok('hospital.json', ['org', 'add-gateway', '--controller', w.gw.account, '--key-agreement', w.gw.key_agreement])).id;
    gateway = await startGateway('cli-gateway', {
      node: url, data_dir: join(dir, 'gateway-data'), key_file: join(dir, 'gw.json'), requests_per_second: 1000, burst: 1000
    });
    // The patient consents to Dr Alice adding and reading lab results and allergies.
    await ok('patient.json', ['consent', 'grant', '--to', w.alice.id, '--classes', 'labs,allergies', '--actions', 'read,create', '--purposes', 'TREAT', '--days', '30']);
  });

  it('uploads what `record anchor` wrote, no flag needed: its files hold the gateway\'s envelope', async () => {
    writeFileSync(join(dir, 'allergies.txt'), 'penicillin: anaphylaxis (2019)');
    const anchored = await ok('patient.json', ['record', 'anchor', '--file', join(dir, 'allergies.txt'), '--class', 'allergies', '--custodian', w.hospital.id, '--out', records]);
    assert.equal(anchored.files.length, 4, 'the blob, and envelopes for the patient, the hospital and its gateway');
    const uploaded = await ok('patient.json', ['record', 'upload', anchored.id, '--dir', records]);
    assert.deepEqual([uploaded.gateway, uploaded.envelopes], [w.gw.id, 3]);
    const out = join(dir, 'allergies.out');
    await ok('patient.json', ['record', 'get', anchored.id, '--out', out]);
    assert.equal(readFileSync(out, 'utf8'), 'penicillin: anaphylaxis (2019)');
  });

  it('completes files sealed before the gateway existed when the patient uploads them, and tells the author so', async () => {
    writeFileSync(join(dir, 'ferritin.txt'), 'ferritin 18 ug/L');
    const anchored = await ok('alice.json', ['record', 'anchor', '--file', join(dir, 'ferritin.txt'), '--class', 'labs', '--patient', w.patient.id, '--custodian', w.hospital.id, '--out', records]);
    // As if written before the gateway was registered: no envelope for its key.
    unlinkSync(join(records, `${anchored.id}.${w.gw.key_agreement.slice(2, 18)}.envelope`));
    const refused = await fails('alice.json', ['record', 'upload', anchored.id, '--dir', records], /hold no envelope for the gateway did:medchain:[0-9a-f]{64} .*the record's patient can add one/);
    assert.ok(refused.includes(w.gw.id), refused);
    const uploaded = await ok('patient.json', ['record', 'upload', anchored.id, '--dir', records]);
    assert.equal(uploaded.envelopes, 3, 'the patient\'s, the hospital\'s, and the gateway\'s the patient added');
    const out = join(dir, 'ferritin.out');
    await ok('alice.json', ['record', 'get', anchored.id, '--out', out]);
    assert.equal(readFileSync(out, 'utf8'), 'ferritin 18 ug/L');
  });

  it('amends a record kept at the gateway as `record put` stores one: version 2 is uploaded and readable', async () => {
    writeFileSync(join(dir, 'lipids.txt'), 'LDL 3.1 mmol/L');
    const put = await ok('alice.json', ['record', 'put', '--file', join(dir, 'lipids.txt'), '--class', 'labs', '--patient', w.patient.id, '--out', records]);
    assert.deepEqual([put.custodian, put.gateway, put.version], [w.hospital.id, w.gw.id, 1]);
    writeFileSync(join(dir, 'lipids-v2.txt'), 'LDL 3.4 mmol/L (repeat, fasting)');
    const amended = await ok('alice.json', ['record', 'amend', put.id, '--file', join(dir, 'lipids-v2.txt'), '--out', records]);
    assert.deepEqual([amended.version, amended.predecessor, amended.author], [2, put.id, w.alice.id]);
    assert.deepEqual([amended.custodian, amended.gateway], [w.hospital.id, w.gw.id]);
    assert.ok(!existsSync(join(records, `${amended.id}.blob`)), 'uploaded, not left behind for `record upload`');
    assert.equal((await ok('patient.json', ['record', 'show', put.id])).status, 'superseded');
    const out = join(dir, 'lipids.out');
    const got = await ok('patient.json', ['record', 'get', amended.id, '--out', out]);
    assert.equal(got.size, 'LDL 3.4 mmol/L (repeat, fasting)'.length);
    assert.equal(readFileSync(out, 'utf8'), 'LDL 3.4 mmol/L (repeat, fasting)');
    w.lipids = amended.id;
  });

  it('never overwrites a file with `record get` unless --force, and asks nobody before refusing', async () => {
    const out = join(dir, 'lipids.out');
    writeFileSync(out, 'my own notes');
    await fails('patient.json', ['record', 'get', w.lipids, '--out', out], /lipids\.out exists: pass --force to overwrite it$/);
    assert.equal(readFileSync(out, 'utf8'), 'my own notes');
    // Refused before the key file is opened or the gateway asked (this key file does not exist).
    await fails('nobody.json', ['record', 'get', w.lipids, '--out', out], /lipids\.out exists/);
    await ok('patient.json', ['record', 'get', w.lipids, '--out', out, '--force']);
    assert.equal(readFileSync(out, 'utf8'), 'LDL 3.4 mmol/L (repeat, fasting)');
  });

  it('shows how far `record get` has come, on a terminal', async () => {
    const out = join(dir, 'lipids-terminal.out');
    const shown = await onTerminal('patient.json', ['record', 'get', w.lipids, '--out', out], [], { passphrase: 'correct horse', json: false });
    assert.equal(shown.code, 0, shown.output);
    assert.match(shown.output, /fetching|decrypting/, 'a progress bar was drawn');
    assert.match(shown.output, /fetched and decrypted record 0x/);
    assert.equal(readFileSync(out, 'utf8'), 'LDL 3.4 mmol/L (repeat, fasting)');
  });

  it('shows a break-glass read before the end of its emergency, as it happened, with names and a purpose', async () => {
    const opened = await ok('alice.json', ['emergency', 'open', '--patient', w.patient.id, '--minutes', '30'], { input: 'collapsed in clinic, lipid history\n' });
    await ok('alice.json', ['record', 'get', w.lipids, '--purpose', 'ETREAT', '--out', join(dir, 'lipids-etreat.out')]);
    // Ended at once: the gateway's batch with the read lands in the end's block, or later.
    await ok('alice.json', ['--wait', 'in-block', 'emergency', 'end', String(opened.id)]);
    const isRead = (e) => e.type === 'record-read' && e.actor === w.alice.id && e.purpose === 'ETREAT';
    const trail = await trailUntil((t) => t.some(isRead), 'the break-glass read');
    const open = trail.findIndex((e) => e.type === 'emergency-access' && e.actor === w.alice.id);
    const read = trail.findIndex(isRead);
    const end = trail.findIndex((e) => e.type === 'emergency-ended' && e.actor === w.alice.id);
    assert.ok(open < read && read < end, `opened, read, ended: ${JSON.stringify(trail.slice(open).map((e) => [e.seq, e.type, e.occurred]))}`);
    assert.ok(trail.every((e, i) => i === 0 || trail[i - 1].occurred <= e.occurred), 'the timeline runs forward');

    const shown = await medchain('patient.json', ['audit', 'show'], { json: false });
    assert.equal(shown.code, 0, shown.stderr);
    const lines = shown.stdout.split('\n');
    const cells = (line) => line.split(/[│┆]/).map((cell) => cell.trim()).slice(1, -1);
    const header = cells(lines.find((line) => line.includes('record / reason')));
    assert.deepEqual(header, ['#', 'when', 'event', 'action', 'outcome', 'actor', 'purpose', 'record / reason']);
    const row = cells(lines.find((line) => line.includes('record-read') && line.includes(w.alice.id) && line.includes('ETREAT')));
    assert.deepEqual([row[3], row[4], row[6], row[7]], ['Read', 'Success', 'ETREAT', w.lipids]);
    for (const entry of lines.filter((line) => line.startsWith('│') && !line.includes('record / reason')).map(cells)) {
      assert.ok(!['C', 'R', 'U', 'D', 'E'].includes(entry[3]), `an action by its name: ${entry}`);
      assert.ok(!['0', '4', '8', '12'].includes(entry[4]), `an outcome by its name: ${entry}`);
    }
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
    // The old key file is told where its identity went, and not sent to register: the chain would
    // refuse that account's registration as an invalid transaction (1010).
    const retired = new RegExp(`^error: account ${w.bob.account} no longer controls an identity: ${w.bob.id} was moved to other keys`);
    await fails('bob.json', ['identity', 'show'], retired);
    const register = await fails('bob.json', ['identity', 'register', '--kind', 'practitioner'], retired);
    assert.doesNotMatch(register, /1010|Invalid Transaction/);
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

describe('docs/sharing.md, pasted into a shell as it is', () => {
  const root = resolve(here, '../..');
  const blocks = [...readFileSync(join(root, 'docs/sharing.md'), 'utf8').matchAll(/```sh\n([\s\S]*?)```/g)];
  const lines = blocks.flatMap((block) => block[1].split('\n'));
  /** A line without its comment (the walk-through's comments hold example output). */
  const command = (line) => line.replace(/(^|\s)#.*$/, '');

  it('is shell that parses, with nothing left to fill in by hand', () => {
    assert.ok(blocks.length > 5);
    const parsed = spawnSync('bash', ['-n'], { input: lines.join('\n'), encoding: 'utf8' });
    assert.equal(parsed.status, 0, parsed.stderr);
    for (const line of lines) assert.doesNotMatch(command(line), /<[^<>]*>/, `a placeholder to fill in: ${line}`);
  });

  it('sets every variable before it uses it (sourcing scripts/env.sh sets what that exports)', () => {
    const set = new Set(['PATH', 'HOME']);
    const exported = (file) => [...readFileSync(join(root, file), 'utf8').matchAll(/^export ([A-Z_][A-Z0-9_]*)=/gm)].map((m) => m[1]);
    for (const line of lines.map(command)) {
      // What a line sets counts for the rest of it too (`for d in …; do … $d`).
      const sourced = line.match(/(?:^|[;&]\s*)(?:source|\.) (scripts\/\S+\.sh)/);
      if (sourced) for (const name of exported(sourced[1])) set.add(name);
      for (const [, name] of line.matchAll(/(?:^|[\s;(])(?:export |for |read (?:-r )?)?([A-Za-z_][A-Za-z0-9_]*)(?:=| in )/g)) set.add(name);
      for (const [, name] of line.matchAll(/\$\{?([A-Za-z_][A-Za-z0-9_]*)/g)) {
        assert.ok(set.has(name), `$${name} is used before it is set: ${line}`);
      }
    }
  });

  it('waits for the gateway to listen before asking it anything', () => {
    const started = lines.findIndex((line) => /medchain-gateway .*&/.test(command(line)));
    assert.ok(started >= 0, 'the walk-through starts a gateway');
    const waits = (line) => /until curl .*\/health/.test(line);
    const wait = lines.findIndex((line, i) => i > started && waits(line));
    const asks = lines.findIndex((line, i) => i > started && !waits(line) && /curl |medchain .*record (put|get|upload)/.test(command(line)));
    assert.ok(wait > started && wait < asks, `a wait on /health between the start (line ${started}) and the first request (line ${asks})`);
  });
});

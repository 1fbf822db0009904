// The portal in a real browser: Debian's Chromium, headless, driven by playwright-core, against a
// real dev node and a real gateway that serves the portal's build (web/dist). A patient and a
// clinician register from the portal; the patient stores a lab result (encrypted in the browser)
// and grants the clinician access to Labs from the form; the clinician fetches and decrypts it;
// the patient revokes; the clinician is refused with the reason; break-glass opens it again for
// emergency treatment; the patient's timeline shows every step, highlights the break-glass, and
// verifies in the browser. Every page passes axe-core's WCAG 2 A/AA rules and fits a phone.
// Screenshots of each page go to the test logs ($MEDCHAIN_E2E_LOGS/portal/).

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

import { chromium } from 'playwright-core';
import { Keyring } from '@polkadot/keyring';
import { cryptoWaitReady } from '@polkadot/util-crypto';
import { commit, eventData, keysFromPhrase, parseSubject } from '@medchain/api';

import { connect, startNode, stopAll, submit } from './lib/node.mjs';
import { binary, startGateway, stopGateways } from './lib/gateway.mjs';

const here = new URL('.', import.meta.url).pathname;
const portalDir = resolve(here, '../../web/dist');
const shots = join(process.env.MEDCHAIN_E2E_LOGS || mkdtempSync(join(tmpdir(), 'medchain-e2e-')), 'portal');
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const CHROMIUM = process.env.MEDCHAIN_CHROMIUM || '/usr/bin/chromium';
const LAB_RESULT = 'Haemoglobin 13.5 g/dL; WBC 6.1 x10^9/L; sealed in the browser';
const DAY = 86_400_000;

describe('the portal, in headless Chromium, with a real node and gateway', () => {
  let node, api, gateway, browser, patient, clinician, doctorDid, patientDid;
  const keyring = new Keyring({ type: 'sr25519' });

  /** A screenshot into the logs, and axe-core's WCAG 2 A/AA rules on the page as it is. */
  async function check (page, name) {
    await page.screenshot({ path: join(shots, `${name}.png`), fullPage: true });
    assert.deepEqual(errors, [], `${name}: no uncaught errors in the pages`);
    assert.deepEqual(await page.evaluate(() => globalThis.__csp), [], `${name}: nothing the CSP refused`);
    // Evaluated through the DevTools protocol, which the page's CSP does not govern (an injected
    // <script> would be refused by it, as it should be).
    await page.evaluate(axeSource);
    const { violations } = await page.evaluate(() => globalThis.axe.run(document, { runOnly: ['wcag2a', 'wcag2aa'] }));
    assert.deepEqual(violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`), [], `${name}: accessibility`);
  }

  const errors = [];
  async function open (name, viewport = { width: 1100, height: 900 }) {
    const context = await browser.newContext({ viewport, acceptDownloads: true });
    // Every progress line the page shows, and every CSP violation, recorded as they happen.
    await context.addInitScript(() => {
      globalThis.__progress = [];
      globalThis.__csp = [];
      document.addEventListener('securitypolicyviolation', (e) => globalThis.__csp.push(`${e.violatedDirective} ${e.blockedURI}`));
      new MutationObserver(() => {
        const text = document.getElementById('progress')?.textContent;
        if (text && globalThis.__progress.at(-1) !== text) globalThis.__progress.push(text);
      }).observe(document, { subtree: true, childList: true, characterData: true });
    });
    const page = await context.newPage();
    page.setDefaultTimeout(90_000);
    page.on('pageerror', (e) => errors.push(`[${name}] ${e.message}`));
    await page.goto(`${gateway.url}/`);
    return page;
  }

  async function signIn (page, account) {
    await page.getByLabel('Development account (dev chains only)').selectOption(`//${account}`);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  }

  /** Waits for the progress line to say `text` (a RegExp), failing fast on a failure line. */
  async function progress (page, text) {
    const line = page.locator('#progress .step');
    await line.filter({ hasText: new RegExp(`${text.source}|failed:`) }).first().waitFor();
    const shown = await line.textContent();
    assert.match(shown, text, `progress: ${shown}`);
  }

  /** Waits for the decrypted record in `scope` to show `LAB_RESULT`, or fails with the progress line's reason. */
  async function expectRecord (page, scope) {
    const body = scope.getByTestId('record-body');
    await body.or(page.locator('#progress .step.error')).first().waitFor();
    if (!(await body.isVisible())) assert.fail(`no record: ${await page.locator('#progress .step').textContent()}`);
    assert.match(await body.locator('pre').textContent(), new RegExp(LAB_RESULT.replace(/[.^$*+?()[\]{}|\\]/g, '\\$&')));
  }

  const go = (page, name) => page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name }).click();

  before(async () => {
    assert.ok(existsSync(join(portalDir, 'index.html')), `build the portal first: npm run build -w web (${portalDir})`);
    assert.ok(existsSync(CHROMIUM), `Chromium not found at ${CHROMIUM}: scripts/setup.sh installs Debian's chromium`);
    mkdirSync(shots, { recursive: true });
    await cryptoWaitReady();
    node = await startNode('portal-dev', ['--dev']);
    api = await connect(node);
    // The hospital (Charlie, admitted through sudo) and its gateway (Dave), with real X25519 keys.
    const [alice, charlie] = ['//Alice', '//Charlie'].map((s) => keyring.addFromUri(s));
    const [hospitalKeys, gatewayKeys] = [await keysFromPhrase('//Charlie'), await keysFromPhrase('//Dave')];
    const admitted = await submit(api, api.tx.sudo.sudo(api.tx.identity.admitOrganization(charlie.address, hospitalKeys.agreementPublic, commit('St. Example').hash)), alice);
    assert.ok(eventData(admitted.events, 'identity', 'OrganizationAdmitted'));
    // Finalized: the gateway checks its identity at the finalized block when it starts.
    await submit(api, api.tx.identity.registerGateway(gatewayKeys.address, gatewayKeys.agreementPublic, commit('gateway').hash), charlie, { waitFor: 'finalized' });
    const dir = mkdtempSync(join(tmpdir(), 'medchain-portal-'));
    // The portal as an operator deploys it: the build, served by the gateway, which pins the
    // node and the chain in /medchain-portal.json (and, on this dev chain, offers the
    // development accounts).
    cpSync(portalDir, join(dir, 'portal'), { recursive: true });
    writeFileSync(join(dir, 'portal', '.secret'), 'not for the web');
    writeFileSync(join(dir, 'portal', 'assets', '.secret'), 'not for the web');
    execFileSync(binary('medchain'), ['--key-file', join(dir, 'gw.json'), 'keys', 'import'], {
      env: { ...process.env, MEDCHAIN_PASSPHRASE: 'correct horse', MEDCHAIN_MNEMONIC: '//Dave' }
    });
    gateway = await startGateway('portal-gateway', {
      node: node.url,
      data_dir: join(dir, 'data'),
      key_file: join(dir, 'gw.json'),
      requests_per_second: 1000,
      burst: 1000,
      portal_dir: join(dir, 'portal'),
      portal_node: node.url,
      portal_dev_accounts: true,
      cors_origins: ['http://portal.example:5173']
    });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync']
    });
  });

  after(async () => {
    await browser?.close();
    await api?.disconnect();
    await stopGateways();
    await stopAll();
  });

  it('the gateway serves the portal with a strict policy, and lets only configured origins call it', async () => {
    const index = await fetch(`${gateway.url}/`);
    assert.equal(index.status, 200);
    assert.match(await index.text(), /MedChain portal/);
    assert.match(index.headers.get('content-security-policy'), /frame-ancestors 'none'/);
    assert.equal(index.headers.get('x-frame-options'), 'DENY');
    assert.match(index.headers.get('content-security-policy'), new RegExp(`connect-src 'self' ${node.url}`));
    for (const hidden of ['/.secret', '/%2esecret', '/%2Esecret', '/assets%2F.secret', '/assets/.secret']) {
      assert.equal((await fetch(`${gateway.url}${hidden}`)).status, 404, `no dotfiles: ${hidden}`);
    }
    const pinned = await (await fetch(`${gateway.url}/medchain-portal.json`)).json();
    assert.deepEqual(pinned, { node: node.url, genesis: api.genesisHash.toHex(), devAccounts: true });
    assert.equal((await fetch(`${gateway.url}/records/0xzz`, { headers: {} })).status, 401, 'routes still win over files');
    const preflight = (origin) => fetch(`${gateway.url}/records/0x${'00'.repeat(32)}`, {
      method: 'OPTIONS',
      headers: { origin, 'access-control-request-method': 'PUT', 'access-control-request-headers': 'signature-input,signature,content-digest,medchain-envelopes' }
    });
    const allowed = await preflight('http://portal.example:5173');
    assert.equal(allowed.headers.get('access-control-allow-origin'), 'http://portal.example:5173');
    assert.match(allowed.headers.get('access-control-allow-headers'), /signature-input/);
    const other = await preflight('http://evil.example');
    assert.equal(other.headers.get('access-control-allow-origin'), null);
  });

  it('a clinician and a patient register from the portal; the hospital attests the clinician', async () => {
    // A link naming another node changes nothing: the operator pinned the node.
    const lured = await browser.newPage();
    await lured.goto(`${gateway.url}/?node=${encodeURIComponent('ws://evil.example:9944')}&gateway=${encodeURIComponent('http://evil.example')}`);
    const nodeField = lured.getByLabel('Node (WebSocket RPC)');
    assert.equal(await nodeField.inputValue(), node.url);
    assert.ok(await nodeField.getAttribute('readonly') !== null);
    assert.equal(await lured.getByLabel('Custodian gateway').inputValue(), gateway.url);
    await lured.close();

    clinician = await open('clinician');
    await check(clinician, '01-sign-in');
    await signIn(clinician, 'Ferdie');
    await clinician.getByRole('heading', { name: 'Register' }).waitFor();
    await check(clinician, '02-register');
    await clinician.getByLabel('Practitioner (an organization attests you later)').check();
    await clinician.getByLabel('Profile (stays with you)').fill('Dr Ferdie, cardiology');
    await clinician.getByRole('button', { name: 'Register' }).click();
    await clinician.getByRole('heading', { name: 'My patients' }).waitFor();
    doctorDid = (await clinician.getByTestId('my-did').textContent()).trim();
    assert.match(doctorDid, /^did:medchain:[0-9a-f]{64}$/);
    await submit(api, api.tx.identity.attestPractitioner(parseSubject(doctorDid), 'Physician', commit('licence 42').hash, Date.now() + 30 * DAY), keyring.addFromUri('//Charlie'));

    patient = await open('patient');
    await signIn(patient, 'Eve');
    await patient.getByRole('heading', { name: 'Register' }).waitFor();
    await patient.getByLabel('Profile (stays with you)').fill('Eve, born 1990');
    await patient.getByRole('button', { name: 'Register' }).click();
    await patient.getByRole('heading', { name: 'My records' }).waitFor();
    await progress(patient, /registered as did:medchain:/);
    await go(patient, 'Identity');
    patientDid = (await patient.getByTestId('my-did').textContent()).trim();
    const onChain = (await api.call.identityApi.identity(parseSubject(patientDid))).unwrap();
    assert.equal(onChain.kind.toString(), 'Patient');
    assert.equal(onChain.keyAgreement.toHex(), (await keysFromPhrase('//Eve')).agreementPublicHex, 'the portal registered the key the Rust client derives');
    await check(patient, '03-patient-identity');
  });

  it('the patient stores a lab result, encrypted in the browser and anchored on chain', async () => {
    await go(patient, 'My records');
    await patient.getByLabel('Data class').selectOption('Labs');
    await patient.getByLabel('Or type it').fill(LAB_RESULT);
    await patient.getByRole('button', { name: 'Encrypt and store' }).click();
    await progress(patient, /stored, record 0x/);
    const records = (await api.call.recordsApi.recordsOf(parseSubject(patientDid), { class: null, status: null }, null, 10)).records;
    assert.equal(records.length, 1);
    assert.equal(records[0].class.toString(), 'Labs');
    assert.ok(!JSON.stringify(records[0].toJSON()).includes('Haemoglobin'), 'no plaintext on chain');
    // The patient opens their own record back.
    await patient.getByRole('button', { name: /^Open Laboratory results record/ }).click();
    await expectRecord(patient, patient);
    await check(patient, '04-patient-records');
  });

  it('the patient grants the clinician access to Labs from the form, with progress to finality', async () => {
    await go(patient, 'Access');
    await patient.getByLabel('Their DID').fill(doctorDid);
    await patient.getByRole('checkbox', { name: 'Laboratory results' }).check();
    assert.ok(await patient.getByRole('checkbox', { name: 'Read' }).isChecked());
    assert.ok(await patient.getByRole('checkbox', { name: 'Treatment', exact: true }).isChecked());
    await patient.getByRole('button', { name: 'Grant access' }).click();
    await progress(patient, /access granted/);
    const shown = await patient.evaluate(() => globalThis.__progress.filter((t) => t.startsWith('Granting access')));
    const inBlock = shown.findIndex((t) => /in block 0x[0-9a-f]+…, waiting for finality/.test(t));
    assert.ok(inBlock >= 0 && inBlock < shown.indexOf('Granting access: access granted'), `progress shown: ${shown.join(' | ')}`);
    const row = patient.locator('tr[data-consent]');
    await row.getByText('Laboratory results').waitFor();
    await row.getByText('Active').waitFor();
    await check(patient, '05-patient-access');
  });

  it('the clinician sees the patient, fetches the record and decrypts it', async () => {
    await go(clinician, 'My patients');
    const section = clinician.locator(`section[data-patient="${parseSubject(patientDid)}"]`);
    await section.getByText('Active').waitFor();
    await section.getByRole('button', { name: /^Fetch Laboratory results record/ }).click();
    await expectRecord(clinician, section);
    await check(clinician, '06-clinician-record');
  });

  it('the patient revokes; the clinician is refused with the reason', async () => {
    await go(patient, 'Access');
    await patient.getByRole('button', { name: /^Revoke consent/ }).click();
    await progress(patient, /revoked/);
    await patient.locator('tr[data-consent]').getByText('Revoked').waitFor();
    await go(clinician, 'My patients');
    const section = clinician.locator(`section[data-patient="${parseSubject(patientDid)}"]`);
    await section.getByText('Revoked').waitFor();
    // The gateway answers at the finalized block it follows: a read in the instant before it
    // sees the revocation's block may still pass, so ask until the refusal shows.
    const denied = section.getByTestId('denied');
    for (let i = 0; i < 10 && !(await denied.isVisible()); i++) {
      await section.getByRole('button', { name: /^Fetch Laboratory results record/ }).click();
      await section.getByTestId('denied').or(section.getByTestId('record-body')).waitFor();
      if (!(await denied.isVisible())) await clinician.waitForTimeout(1000);
    }
    assert.match(await denied.textContent(), /The patient revoked the consent that allowed this\. \(revoked\)/);
    await check(clinician, '07-clinician-denied');
  });

  it('break-glass: the clinician opens emergency access with a justification and reads for ETREAT', async () => {
    await go(clinician, 'Break-glass');
    await clinician.getByLabel('Patient DID').fill(patientDid);
    await clinician.getByLabel('Justification').fill('unconscious on arrival, allergy check');
    await check(clinician, '08-clinician-break-glass');
    await clinician.getByRole('button', { name: 'Open emergency access' }).click();
    await progress(clinician, /emergency access open/);
    await go(clinician, 'My patients');
    await clinician.getByLabel('Purpose of your requests').selectOption('ETREAT');
    const section = clinician.locator(`section[data-patient="${parseSubject(patientDid)}"]`);
    // As after the revocation: ask until the gateway's finalized view has the emergency grant.
    const body = section.getByTestId('record-body');
    for (let i = 0; i < 10 && !(await body.isVisible()); i++) {
      await section.getByRole('button', { name: /^Fetch Laboratory results record/ }).click();
      await body.or(section.getByTestId('denied')).first().waitFor();
      if (!(await body.isVisible())) await clinician.waitForTimeout(1000);
    }
    await expectRecord(clinician, section);
    await go(clinician, 'Denials');
    await clinician.getByText('Reason: The patient revoked the consent that allowed this.').waitFor();
    await check(clinician, '09-clinician-denials');
  });

  it("the patient's timeline shows every step, highlights the break-glass, and verifies in the browser", async () => {
    const wanted = ['RecordWritten', 'ConsentGranted', 'RecordRead', 'ConsentRevoked', 'AccessDenied', 'EmergencyAccess'];
    let seen = [];
    // The gateway's read and denial entries reach the chain in batches after finality.
    for (let i = 0; i < 60 && !wanted.every((w) => seen.includes(w)); i++) {
      await go(patient, 'Audit trail');
      await patient.getByTestId('trail-verified').or(patient.getByTestId('trail-broken')).first().waitFor();
      assert.ok(await patient.getByTestId('trail-verified').isVisible(), await patient.locator('main').textContent());
      seen = await patient.locator('ol.timeline li').evaluateAll((items) => items.map((li) => li.dataset.event));
      if (!wanted.every((w) => seen.includes(w))) await patient.waitForTimeout(2000);
    }
    for (const w of wanted) assert.ok(seen.includes(w), `${w} on the timeline: ${seen}`);
    // Newest first as the events happened (`occurred`, then `seq`), not as they were recorded.
    const order = await patient.locator('ol.timeline li').evaluateAll((items) => items.map((li) => [Number(li.dataset.occurred), Number(li.dataset.seq)]));
    assert.ok(order.every(([t, seq], i) => i === 0 || order[i - 1][0] > t || (order[i - 1][0] === t && order[i - 1][1] > seq)), `newest first by (occurred, seq): ${JSON.stringify(order)}`);
    assert.match(await patient.getByTestId('trail-verified').textContent(), /entries re-hashed and linked; the newest matches the trail's head at finalized block #\d+/);
    await patient.getByRole('alert').filter({ hasText: 'Break-glass' }).waitFor();
    assert.ok(await patient.locator('ol.timeline li.emergency').count() >= 1);
    assert.match(await patient.locator('li[data-event="AccessDenied"]').first().textContent(), /Reason: The patient revoked/);
    await check(patient, '10-patient-timeline');
    // Filters, and the FHIR download.
    await patient.getByLabel('Event').selectOption('AccessDenied');
    assert.deepEqual([...new Set(await patient.locator('ol.timeline li').evaluateAll((items) => items.map((li) => li.dataset.event)))], ['AccessDenied']);
    const [download] = await Promise.all([patient.waitForEvent('download'), patient.getByRole('button', { name: 'Download as FHIR' }).click()]);
    const bundle = JSON.parse(readFileSync(await download.path(), 'utf8'));
    assert.equal(bundle.resourceType, 'Bundle');
    assert.ok(bundle.entry.length >= seen.length, `the export holds the trail (${bundle.entry.length} ≥ ${seen.length})`);
    assert.ok(bundle.entry.every((e) => e.resource.resourceType === 'AuditEvent'));
  });

  it('fits a phone-sized screen', async () => {
    const phone = await open('phone', { width: 390, height: 844 });
    await signIn(phone, 'Eve');
    await phone.getByRole('heading', { name: 'My records' }).waitFor();
    await go(phone, 'Access');
    await phone.locator('tr[data-consent]').first().waitFor();
    const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `no horizontal scrolling on a phone (overflow ${overflow}px)`);
    await check(phone, '11-phone-access');
  });
});

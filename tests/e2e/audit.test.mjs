// The audit log on the real node: consent changes produce entries; a gateway key submitting
// directly cannot log a read the chain would not have allowed of the record it names (an
// excluded class, another custodian's record, another patient's, no record), while the good
// events of its batch land and a resent batch appends nothing twice; reads are judged at the
// time they happened; the patient's trail reads back in order and re-hashes independently, and
// the node's FHIR bundle validates against the FHIR R4 JSON schema.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import Validator from '@asymmetrik/fhir-json-schema-validator';
import { bnToU8a, stringToU8a, u8aConcat, u8aToHex } from '@polkadot/util';
import { blake2AsU8a } from '@polkadot/util-crypto';
import { entryHash, toDid, verifyTrail } from '@medchain/api';

import { connect, rpc, startNode, stopAll, submit } from './lib/node.mjs';
import { ACTIONS, bits, buildWorld, CLASSES, PURPOSES } from './lib/world.mjs';

describe('audit log', () => {
  let api, node, w, consentId;
  const fhir = new Validator();

  before(async () => {
    node = await startNode('audit', ['--dev']);
    api = await connect(node);
    w = await buildWorld(api);
  });

  after(async () => {
    await api?.disconnect();
    await stopAll();
  });

  const entries = async (limit = 200) => (await api.call.auditApi.entries(w.patient, null, limit)).asOk;

  it('records consent grants and revocations in the patient trail', async () => {
    const terms = {
      grantee: { Practitioner: w.doctor }, actions: bits(['Read'], ACTIONS), classes: bits(['Labs'], CLASSES),
      records: [], excluded: 0, purposes: bits(['Treat'], PURPOSES), validFrom: 0, validUntil: null
    };
    const { events } = await submit(api, api.tx.consent.grant(w.patient, terms), w.eve);
    consentId = events.find(({ event }) => api.events.consent.ConsentGranted.is(event)).event.data.id.toNumber();
    await submit(api, api.tx.consent.revoke(consentId), w.eve);

    const trail = await entries();
    assert.equal(trail.length, 3);
    assert.equal(trail[0].record.eventType.toString(), 'ConsentRevoked');
    assert.equal(trail[1].record.eventType.toString(), 'ConsentGranted');
    assert.equal(trail[1].record.actor.toHex(), w.patient);
    assert.equal(trail[1].record.policy.unwrap().asConsent.toNumber(), consentId);
    assert.equal(trail[2].record.eventType.toString(), 'IdentityChanged', 'registration opened the trail');
    assert.equal(trail[2].record.action.toString(), 'Create');
  });

  /** The name of a refused event's error (`auditLog.UnknownRecord`). */
  const errorName = (error) => {
    const { section, name } = api.registry.findMetaError(error.asModule);
    return `${section}.${name}`;
  };
  /** The gateway's next sequence number, as the chain counts its events. */
  const sequence = async () => (await api.query.auditLog.gatewaySequence(w.gateway)).toNumber();
  /** The block time now (ms), a moment every change so far happened before. */
  const chainNow = async () => (await api.query.timestamp.now()).toNumber();
  /** Submits `events` as the gateway's batch from `first`; resolves the BatchAppended data. */
  const batch = async (events, first) => {
    first = first ?? await sequence();
    const { events: emitted } = await submit(api, api.tx.auditLog.submitBatch(first, events), w.dave);
    return emitted.find(({ event }) => api.events.auditLog.BatchAppended.is(event)).event.data;
  };
  const read = (record, policy, occurred, actor = w.doctor) => ({
    eventType: 'RecordRead', action: 'Read', outcome: 'Success', actor, requestor: true,
    policy, denyReason: null, entity: record ? { record, hash: null } : null,
    purpose: 'Treat', occurred, repeats: null
  });
  const records = {};

  it('binds every gateway read to its record: good events land, each bad one is refused with its error', async () => {
    // Eve's records: labs and mental health kept by the hospital, labs kept by another
    // organization; and one of another patient (Bob).
    const org2 = w.keyring.addFromUri('//Alice//org2');
    const admitted = await submit(api, api.tx.sudo.sudo(
      api.tx.identity.admitOrganization(org2.address, `0x${'42'.repeat(32)}`, `0x${'43'.repeat(32)}`)), w.alice);
    const other = admitted.events.find(({ event }) => api.events.identity.OrganizationAdmitted.is(event)).event.data.organization.toHex();
    const bob = w.keyring.addFromUri('//Bob');
    const registered = await submit(api, api.tx.identity.register('Patient', `0x${'44'.repeat(32)}`, `0x${'45'.repeat(32)}`), bob);
    w.bob = registered.events.find(({ event }) => api.events.identity.Registered.is(event)).event.data.subject.toHex();
    w.bobPair = bob;
    const anchor = async (signer, patient, cls, custodian, seed) => {
      const { events } = await submit(api, api.tx.records.anchor(patient, cls, `0x${seed.repeat(32)}`, 64, custodian, 'Treat'), signer);
      return events.find(({ event }) => api.events.records.RecordAnchored.is(event)).event.data.id.toHex();
    };
    records.labs = await anchor(w.eve, w.patient, 'Labs', w.hospital, '01');
    records.mental = await anchor(w.eve, w.patient, 'MentalHealth', w.hospital, '02');
    records.elsewhere = await anchor(w.eve, w.patient, 'Labs', other, '03');
    records.bobs = await anchor(bob, w.bob, 'Labs', w.hospital, '04');

    // Labs, and the mental-health record by name, with mental health excluded: an exclusion
    // beats a record named explicitly.
    const terms = {
      grantee: { Practitioner: w.doctor }, actions: bits(['Read'], ACTIONS), classes: bits(['Labs'], CLASSES),
      records: [records.mental], excluded: bits(['MentalHealth'], CLASSES), purposes: bits(['Treat'], PURPOSES), validFrom: 0, validUntil: null
    };
    const granted = await submit(api, api.tx.consent.grant(w.patient, terms), w.eve);
    w.current = granted.events.find(({ event }) => api.events.consent.ConsentGranted.is(event)).event.data.id.toNumber();
    const at = await chainNow();
    const consent = { Consent: w.current };
    const denial = { ...read(records.labs, null, at), eventType: 'AccessDenied', outcome: 'MinorFailure', denyReason: 'NoConsent' };
    const events = [
      read(records.labs, consent, at),
      read(records.mental, consent, at),
      read(records.elsewhere, consent, at),
      read(records.bobs, consent, at),
      read(null, consent, at),
      read(records.labs, { Consent: consentId }, at),
      denial,
      { ...denial, policy: consent }
    ].map((record) => ({ patient: w.patient, record }));
    const headBefore = (await api.call.auditApi.head(w.patient)).count.toNumber();
    const first = await sequence();
    const result = await batch(events, first);
    assert.equal(result.gateway.toHex(), w.gateway);
    assert.equal(result.first.toNumber(), first);
    assert.equal(result.appended.toNumber(), 2);
    assert.deepEqual(result.refused.map(([i, e]) => [i.toNumber(), errorName(e)]), [
      [1, 'auditLog.ClassNotCovered'],
      [2, 'auditLog.NotTheCustodian'],
      [3, 'auditLog.RecordOfAnotherPatient'],
      [4, 'auditLog.ReadNamesNoRecord'],
      [5, 'auditLog.PolicyNotForThisRead'],
      [7, 'auditLog.InconsistentOutcome']
    ]);
    const trail = await entries();
    assert.equal(trail.length, headBefore + 2);
    assert.equal(trail[0].record.eventType.toString(), 'AccessDenied');
    assert.equal(trail[0].source.asGateway.toHex(), w.gateway);
    assert.equal(trail[1].record.entity.unwrap().record.toHex(), records.labs);

    // Sent again after a crash: nothing is appended twice.
    const again = await batch(events, first);
    assert.deepEqual([again.appended.toNumber(), again.duplicates.toNumber(), again.refused.length], [0, 8, 0]);
    assert.equal((await entries()).length, headBefore + 2);
    assert.equal(await sequence(), first + 8);
    // A batch past the gateway's count would leave a gap: refused whole.
    await assert.rejects(batch([events[0]], first + 9), /auditLog\.SequenceGap/);
  });

  it('judges a read at the time it happened: before a revocation or a removal it stays justified', async () => {
    const headBefore = (await api.call.auditApi.head(w.patient)).count.toNumber();
    // The physician reads, then the hospital revokes the attestation.
    const readAt = await chainNow();
    await submit(api, api.tx.identity.revokeAttestation(w.doctor), w.charlie);
    const revokedAt = await chainNow();
    // Bob is Eve's delegate guardian, reads her record, and is removed.
    await submit(api, api.tx.identity.addGuardian(w.bob, { delegate: true, recovery: false }), w.eve);
    const guardianAt = await chainNow();
    await submit(api, api.tx.identity.removeGuardian(w.bob), w.eve);
    const removedAt = await chainNow();
    const result = await batch([
      read(records.labs, { Consent: w.current }, readAt),
      read(records.labs, { Consent: w.current }, revokedAt),
      read(records.labs, 'OwnData', guardianAt, w.bob),
      read(records.labs, 'OwnData', removedAt, w.bob)
    ].map((record) => ({ patient: w.patient, record })));
    assert.equal(result.appended.toNumber(), 2);
    assert.deepEqual(result.refused.map(([i, e]) => [i.toNumber(), errorName(e)]), [
      [1, 'auditLog.PolicyNotForThisRead'],
      [3, 'auditLog.PolicyNotForThisRead']
    ]);
    const trail = await entries();
    assert.equal(trail.length, headBefore + 4, 'the guardian\'s addition and removal, and two reads');
    assert.equal(trail[0].record.actor.toHex(), w.bob);
    assert.equal(trail[1].record.actor.toHex(), w.doctor);
    // The physician is attested again for the tests that follow.
    await submit(api, api.tx.identity.attestPractitioner(w.doctor, 'Physician', `0x${'46'.repeat(32)}`, Date.now() + 86_400_000), w.charlie);
  });

  it('refuses a batch from a non-gateway, changing nothing', async () => {
    const bad = read(null, null, Date.now());
    const before = (await entries()).length;
    await assert.rejects(submit(api, api.tx.auditLog.submitBatch(0, [{ patient: w.patient, record: bad }]), w.ferdie),
      /auditLog\.NotAGateway/);
    assert.equal((await entries()).length, before);
  });

  it('reads the trail back in order, linked, and re-hashes it independently', async () => {
    const trail = await entries();
    const head = await api.call.auditApi.head(w.patient);
    assert.equal(head.count.toNumber(), trail.length);
    // `.hash` on a Polkadot.js codec is the codec's own hash; Polkadot.js renames a field called
    // `hash` to `hash_`.
    const hashOf = (codec) => codec.hash_.toHex();
    assert.equal(hashOf(head), hashOf(trail[0]));
    for (let i = 0; i < trail.length; i++) {
      assert.equal(trail[i].seq.toNumber(), trail.length - 1 - i, 'newest first');
      const prev = i + 1 < trail.length ? hashOf(trail[i + 1]) : u8aToHex(new Uint8Array(32));
      assert.equal(trail[i].prevHash.toHex(), prev, 'each entry links to the one before');
      // docs/audit.md: blake2-256("medchain:audit-entry:v1" ‖ genesis ‖ patient ‖ seq u64 ‖ record ‖
      // source ‖ recorded u64 ‖ block u32 ‖ prev_hash)
      const e = trail[i];
      const preimage = u8aConcat(
        stringToU8a('medchain:audit-entry:v1'),
        api.genesisHash.toU8a(),
        api.createType('H256', w.patient).toU8a(),
        bnToU8a(e.seq.toBn(), { bitLength: 64 }),
        e.record.toU8a(),
        e.source.toU8a(),
        bnToU8a(e.recorded.toBn(), { bitLength: 64 }),
        bnToU8a(e.block.toBn(), { bitLength: 32 }),
        e.prevHash.toU8a()
      );
      assert.equal(u8aToHex(blake2AsU8a(preimage, 256)), hashOf(e), `entry ${e.seq} re-hashes`);
    }
    const verified = await api.call.auditApi.verify(w.patient, 0, 10_000);
    assert.equal(verified.checked.toNumber(), trail.length);
    assert.ok(verified.firstBad.isNone);
    assert.ok(verified.next.isNone, 'one page holds the whole trail');
    // @medchain/api's client-side check (what the portal runs, there at the finalized head) agrees.
    const checked = await verifyTrail(api, w.patient, { at: await api.rpc.chain.getBlockHash() });
    assert.deepEqual([checked.ok, checked.problem, checked.entries.length], [true, null, trail.length]);
    assert.equal(entryHash(api, w.patient, trail[0]), hashOf(trail[0]));
  });

  it('serves the trail as a FHIR R4 Bundle of AuditEvents that validates', async () => {
    const trail = await entries();
    const bundle = await rpc(node, 'audit_trail', [w.patient, null, 10, null]);
    assert.equal(bundle.resourceType, 'Bundle');
    assert.equal(bundle.entry.length, Math.min(10, trail.length));
    assert.deepEqual(fhir.validate(bundle), [], 'the Bundle validates as FHIR R4');
    for (const { resource } of bundle.entry) {
      assert.equal(resource.resourceType, 'AuditEvent');
      assert.deepEqual(fhir.validate(resource), []);
    }
    const denial = bundle.entry.map((e) => e.resource).find((r) => r.subtype[0].code === 'access-denied');
    assert.equal(denial.outcome, '4');
    assert.equal(denial.action, 'R');
    // The same through Polkadot.js with @medchain/api's RPC definitions.
    const typed = (await api.rpc.audit.trail(toDid(w.patient), null, 10)).toJSON();
    assert.deepEqual(typed.entry.map((e) => e.resource.id), bundle.entry.map((e) => e.resource.id));
    const byActor = await rpc(node, 'audit_byActor', [w.doctor, null, 50]);
    assert.equal(byActor.entry.length, trail.filter((e) => e.record.actor.toHex() === w.doctor).length);
    assert.deepEqual(await rpc(node, 'audit_verify', [w.patient]), { checked: trail.length, firstBad: null, next: null });
    await assert.rejects(rpc(node, 'audit_trail', [w.patient, trail.length + 1, 10, null]), /past the end of the trail/);
    await assert.rejects(rpc(node, 'audit_trail', ['did:medchain:zz', null, 10, null]), /did:medchain/);
  });
});

// The audit log on the real node: consent changes produce entries, a gateway's batch lands, the
// patient's trail reads back in order and re-hashes independently, and the node's FHIR bundle
// validates against the FHIR R4 JSON schema.

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

  const entries = async (limit = 50) => (await api.call.auditApi.entries(w.patient, null, limit)).asOk;

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

  it('refuses a read under a consent revoked before it, and appends a justified batch', async () => {
    const now = Date.now();
    const read = (policy) => ({
      eventType: 'RecordRead', action: 'Read', outcome: 'Success', actor: w.doctor, requestor: true,
      policy, denyReason: null, entity: { record: `0x${'ab'.repeat(32)}`, hash: `0x${'cd'.repeat(32)}` },
      purpose: 'Treat', occurred: now - 1000
    });
    // A read the gateway claims a millisecond after the consent was revoked is not justified.
    const revokedAt = (await api.call.consentApi.consent(consentId)).unwrap().status.asRevoked.at.toNumber();
    const afterRevocation = { ...read({ Consent: consentId }), occurred: revokedAt + 1 };
    await assert.rejects(
      submit(api, api.tx.auditLog.submitBatch([{ patient: w.patient, record: afterRevocation }]), w.dave),
      /auditLog\.PolicyNotForThisRead/);

    const terms = {
      grantee: { Practitioner: w.doctor }, actions: bits(['Read'], ACTIONS), classes: bits(['Labs'], CLASSES),
      records: [], excluded: 0, purposes: bits(['Treat'], PURPOSES), validFrom: 0, validUntil: null
    };
    const granted = await submit(api, api.tx.consent.grant(w.patient, terms), w.eve);
    const current = granted.events.find(({ event }) => api.events.consent.ConsentGranted.is(event)).event.data.id.toNumber();
    const denial = { ...read(null), eventType: 'AccessDenied', outcome: 'MinorFailure', denyReason: 'Revoked', occurred: now };
    // A read is justified only by a consent granted before it.
    const grantedAt = (await api.call.consentApi.consent(current)).unwrap().grantedAt.toNumber();
    const { events } = await submit(api, api.tx.auditLog.submitBatch([
      { patient: w.patient, record: { ...read({ Consent: current }), occurred: grantedAt + 1 } },
      { patient: w.patient, record: denial }
    ]), w.dave);
    const batch = events.find(({ event }) => api.events.auditLog.BatchAppended.is(event)).event;
    assert.equal(batch.data.gateway.toHex(), w.gateway);
    assert.equal(batch.data.count.toNumber(), 2);

    const trail = await entries();
    assert.equal(trail.length, 6);
    assert.equal(trail[0].record.eventType.toString(), 'AccessDenied');
    assert.equal(trail[0].source.asGateway.toHex(), w.gateway);
  });

  it('refuses a batch from a non-gateway, and a bad event, changing nothing', async () => {
    const bad = {
      eventType: 'RecordRead', action: 'Read', outcome: 'Success', actor: w.doctor, requestor: true,
      policy: null, denyReason: null, entity: null, purpose: 'Treat', occurred: Date.now()
    };
    await assert.rejects(submit(api, api.tx.auditLog.submitBatch([{ patient: w.patient, record: bad }]), w.ferdie),
      /auditLog\.NotAGateway/);
    await assert.rejects(submit(api, api.tx.auditLog.submitBatch([{ patient: w.patient, record: bad }]), w.dave),
      /auditLog\.InconsistentOutcome/);
    assert.equal((await entries()).length, 6);
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
    const bundle = await rpc(node, 'audit_trail', [w.patient, null, 10, null]);
    assert.equal(bundle.resourceType, 'Bundle');
    assert.equal(bundle.total, 6);
    assert.deepEqual(fhir.validate(bundle), [], 'the Bundle validates as FHIR R4');
    for (const { resource } of bundle.entry) {
      assert.equal(resource.resourceType, 'AuditEvent');
      assert.deepEqual(fhir.validate(resource), []);
    }
    const denial = bundle.entry[0].resource;
    assert.equal(denial.outcome, '4');
    assert.equal(denial.action, 'R');
    assert.equal(denial.subtype[0].code, 'access-denied');
    // The same through Polkadot.js with @medchain/api's RPC definitions.
    const typed = (await api.rpc.audit.trail(toDid(w.patient), null, 10)).toJSON();
    assert.deepEqual(typed.entry.map((e) => e.resource.id), bundle.entry.map((e) => e.resource.id));
    const byActor = await rpc(node, 'audit_byActor', [w.doctor, null, 10]);
    assert.equal(byActor.total, 2);
    assert.deepEqual(await rpc(node, 'audit_verify', [w.patient]), { checked: 6, firstBad: null, next: null });
    await assert.rejects(rpc(node, 'audit_trail', [w.patient, 99, 10, null]), /past the end of the trail/);
    await assert.rejects(rpc(node, 'audit_trail', ['did:medchain:zz', null, 10, null]), /did:medchain/);
  });
});

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';

import { ACTIONS, CLASSES, DENY_REASONS, PURPOSES, ROLES, action, dataClass, denyReason, fromBits, purpose, role, toBits } from '../src/index.js';
import { isSubject, parseSubject, toDid } from '../src/index.js';

describe('code sets', () => {
  it('parses every code by code and by name, case- and underscore-insensitively', () => {
    for (const c of CLASSES) assert.equal(dataClass(c.code), c);
    for (const p of PURPOSES) assert.equal(purpose(p.code.toLowerCase()), p);
    for (const r of ROLES) assert.equal(role(r.code), r);
    for (const r of DENY_REASONS) assert.equal(denyReason(r.code), r);
    assert.equal(dataClass('Vital_Signs').name, 'VitalSigns');
    assert.equal(action('correct').name, 'Create');
    assert.equal(purpose('EmergencyTreat').code, 'ETREAT');
  });

  it('refuses an unknown code, listing the valid ones', () => {
    assert.throws(() => dataClass('xrays'), (e) => /xrays/.test(e.message) && /imaging/.test(e.message));
    assert.throws(() => toBits(ACTIONS, ['read', 'delete']), /delete.*read, create, share/);
  });

  it('encodes sets as the runtime does (bit n = code n) and back', () => {
    assert.equal(toBits(CLASSES, ['labs']), 1 << 5);
    assert.equal(toBits(CLASSES, 'labs, imaging'), (1 << 5) | (1 << 6));
    assert.equal(toBits(PURPOSES, ['TREAT', 'ETREAT']), 3);
    assert.deepEqual(fromBits(ACTIONS, 5).map((a) => a.code), ['read', 'share']);
    assert.deepEqual(fromBits(CLASSES, { toNumber: () => 1 << 14 }).map((c) => c.code), ['genomics']);
    assert.throws(() => fromBits(ACTIONS, 8), /beyond/);
  });

  it('keeps the runtime order of the enums (a reorder would change every encoding)', () => {
    assert.deepEqual(CLASSES.slice(0, 6).map((c) => c.name), ['Demographics', 'Encounters', 'Medications', 'Allergies', 'Conditions', 'Labs']);
    assert.equal(DENY_REASONS[5].code, 'revoked');
    assert.equal(DENY_REASONS.at(-1).code, 'record-erased');
    assert.equal(ROLES[5].code, 'mental-health');
  });
});

describe('DIDs', () => {
  const hex = `0x${'ab'.repeat(32)}`;
  it('prints and parses did:medchain and 0x hex', () => {
    assert.equal(toDid(hex), `did:medchain:${'ab'.repeat(32)}`);
    assert.equal(parseSubject(toDid(hex)), hex);
    assert.equal(parseSubject(hex.toUpperCase().replace('0X', '0x')), hex);
    assert.equal(toDid(new Uint8Array(32).fill(0xab)), toDid(hex));
    assert.equal(toDid({ toHex: () => hex }), toDid(hex));
  });

  it('refuses what is not 32 bytes of hex under the method', () => {
    for (const bad of ['did:web:example.org', `did:medchain:${'ab'.repeat(31)}`, `did:medchain:${'zz'.repeat(32)}`, 'ab'.repeat(32)]) {
      assert.equal(isSubject(bad), false, bad);
      assert.throws(() => parseSubject(bad));
    }
  });
});

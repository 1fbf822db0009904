// A patient's audit trail, checked in the client: every entry re-hashed and linked to the one
// before, and the newest matched against the trail's head on chain (docs/audit.md).

import { blake2b } from '@noble/hashes/blake2.js';
import { bnToU8a, stringToU8a, u8aConcat, u8aToHex } from '@polkadot/util';

export const ENTRY_DOMAIN = 'medchain:audit-entry:v1';
const ZERO = `0x${'00'.repeat(32)}`;

/**
 * An entry's hash: blake2-256("medchain:audit-entry:v1" ‖ genesis ‖ patient ‖ seq u64 ‖ record ‖
 * source ‖ recorded u64 ‖ block u32 ‖ prev_hash), from a Polkadot.js `AuditEntry` codec.
 * @param {import('@polkadot/api').ApiPromise} api
 * @param {string} patient 0x hex
 * @param {any} entry
 */
export function entryHash (api, patient, entry) {
  const preimage = u8aConcat(
    stringToU8a(ENTRY_DOMAIN),
    api.genesisHash.toU8a(),
    api.createType('H256', patient).toU8a(),
    bnToU8a(entry.seq.toBn(), { bitLength: 64 }),
    entry.record.toU8a(),
    entry.source.toU8a(),
    bnToU8a(entry.recorded.toBn(), { bitLength: 64 }),
    bnToU8a(entry.block.toBn(), { bitLength: 32 }),
    entry.prevHash.toU8a()
  );
  return u8aToHex(blake2b(preimage, { dkLen: 32 }));
}

/**
 * Reads a patient's whole trail (newest first) and checks it here: each entry's hash recomputed,
 * each linked to the one before, the first to zero, and the newest equal to the head the chain
 * keeps, all read at one block (default: the finalized head). Resolves
 * `{ ok, entries, head, problem }`; `problem` names the first entry that fails. This proves the
 * trail consistent with the state the node serves; it trusts that node's view of finality.
 * @param {import('@polkadot/api').ApiPromise} api
 * @param {string} patient 0x hex
 * @param {{ at?: string, page?: number }} [options] `at`: a block hash
 */
export async function verifyTrail (api, patient, { at, page = 1000 } = {}) {
  // One block for every read: the head and each page must come from the same state.
  const view = await api.at(at ?? await api.rpc.chain.getFinalizedHead());
  const head = await view.call.auditApi.head(patient);
  const count = head.count.toNumber();
  const entries = [];
  let before = null;
  while (entries.length < count) {
    const result = await view.call.auditApi.entries(patient, before, Math.min(page, count - entries.length));
    if (result.isErr) return { ok: false, entries, head, problem: `the chain refused the query: ${result.asErr.toString()}` };
    const batch = result.asOk;
    if (batch.length === 0) break;
    entries.push(...batch);
    before = batch[batch.length - 1].seq.toNumber();
  }
  const hashOf = (e) => e.hash_.toHex();
  if (entries.length !== count) return { ok: false, entries, head, problem: `the chain served ${entries.length} of ${count} entries` };
  if (count > 0 && hashOf(entries[0]) !== head.hash_.toHex()) {
    return { ok: false, entries, head, problem: "the newest entry is not the trail's head on chain" };
  }
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i];
    const seq = e.seq.toNumber();
    if (seq !== count - 1 - i) return { ok: false, entries, head, problem: `entry ${seq} is out of order` };
    const prev = i + 1 < entries.length ? hashOf(entries[i + 1]) : ZERO;
    if (e.prevHash.toHex() !== prev) return { ok: false, entries, head, problem: `entry ${seq} does not link to the entry before it` };
    if (entryHash(api, patient, e) !== hashOf(e)) return { ok: false, entries, head, problem: `entry ${seq} does not re-hash to its hash` };
  }
  return { ok: true, entries, head, problem: null };
}

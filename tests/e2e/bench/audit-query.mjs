// Measures the audit queries on a running node whose genesis holds the benchmark fill
// (scripts/bench-audit.sh starts it): the runtime API `AuditApi_entries` for one patient's newest
// 100 entries (raw `state_call`), and the RPC `audit_trail` FHIR bundle of the same entries.
// Prints figures; asserts only that the answers hold 100 entries.

import { performance } from 'node:perf_hooks';

import { u8aConcat, u8aToHex } from '@polkadot/util';
import { blake2AsU8a } from '@polkadot/util-crypto';

const [url, patientsArg, perPatientArg, iterationsArg] = process.argv.slice(2);
const patients = Number(patientsArg);
const perPatient = Number(perPatientArg);
const iterations = Number(iterationsArg || 200);

/** The synthetic patient `index` of the genesis fill (pallet_audit_log::synthetic_subject). */
function syntheticPatient (index) {
  const le = new Uint8Array(4);
  new DataView(le.buffer).setUint32(0, index, true);
  return blake2AsU8a(u8aConcat(new TextEncoder().encode('medchain:bench:patient'), le), 256);
}

async function call (method, params) {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ id: 1, jsonrpc: '2.0', method, params })
  });
  const body = await res.json();
  if (body.error) throw new Error(`${method}: ${body.error.message}`);
  return body.result;
}

function stats (samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  const mean = samples.reduce((a, b) => a + b, 0) / samples.length;
  return `mean ${mean.toFixed(2)} ms, p50 ${at(0.5).toFixed(2)} ms, p95 ${at(0.95).toFixed(2)} ms, max ${sorted.at(-1).toFixed(2)} ms`;
}

async function measure (label, fn) {
  for (let i = 0; i < 10; i++) await fn(i); // warm-up
  const samples = [];
  for (let i = 0; i < iterations; i++) {
    const t = performance.now();
    await fn(i);
    samples.push(performance.now() - t);
  }
  console.log(`${label}: ${stats(samples)} over ${iterations} calls`);
}

const head = await call('state_call', ['AuditApi_head', u8aToHex(syntheticPatient(0))]);
console.log(`patients: ${patients}, entries per patient: ${perPatient}, total: ${patients * perPatient}`);
console.log(`trail head of patient 0 (SCALE): ${head}`);

// Args: patient (32 bytes) ‖ before: Option<u64> = None (0x00) ‖ limit: u32 = 100 (LE).
const entriesArgs = (i) => u8aToHex(u8aConcat(syntheticPatient((i * 7919) % patients), [0], [100, 0, 0, 0]));
await measure('runtime API AuditApi_entries (newest 100, state_call)', async (i) => {
  const result = await call('state_call', ['AuditApi_entries', entriesArgs(i)]);
  // Ok(0x00) then compact(100) = 0x9101.
  if (!result.startsWith('0x009101')) throw new Error(`expected 100 entries, got ${result.slice(0, 12)}`);
});

await measure('RPC audit_trail (newest 100 as FHIR Bundle)', async (i) => {
  const patient = u8aToHex(syntheticPatient((i * 7919) % patients));
  const bundle = await call('audit_trail', [patient, null, 100, null]);
  if (bundle.total !== 100) throw new Error(`expected 100 AuditEvents, got ${bundle.total}`);
});

// The node's own JSON-RPC methods (node/src/rpc/medchain.rs), as Polkadot.js `rpc` definitions:
//   const api = await ApiPromise.create({ provider, rpc: medchainRpc });
//   const bundle = await api.rpc.audit.trail(did, null, 20);   // a FHIR Bundle (JSON)
// Every method answers FHIR R4 JSON (or a small JSON object); errors are JSON-RPC codes 4000 bad
// request, 4001 bad query, 4004 not found, 5000 runtime. Name subjects by DID (`toDid(subject)`):
// Polkadot.js reads a `0x…` string given for a `Text` parameter as the bytes it spells.

const at = { name: 'at', type: 'Hash', isOptional: true };
const patient = { name: 'patient', type: 'Text' };
const limit = { name: 'limit', type: 'Option<u32>' };

export const medchainRpc = {
  audit: {
    trail: {
      description: "A patient's audit trail, newest first, as a FHIR Bundle of AuditEvents.",
      params: [patient, { name: 'before', type: 'Option<u64>' }, limit, at],
      type: 'Json'
    },
    trailInTime: {
      description: "A patient's entries recorded within [from, to] (ms), newest first, as a FHIR Bundle.",
      params: [patient, { name: 'from', type: 'u64' }, { name: 'to', type: 'u64' }, { name: 'before', type: 'Option<u64>' }, limit, at],
      type: 'Json'
    },
    byActor: {
      description: 'The entries naming an actor across patients, newest first (unsafe: refused by public RPC nodes).',
      params: [{ name: 'actor', type: 'Text' }, { name: 'before', type: 'Option<u64>' }, limit, at],
      type: 'Json'
    },
    verify: {
      description: "Re-hashes one page of a patient's trail from `from`: { checked, firstBad, next }.",
      params: [patient, { name: 'from', type: 'Option<u64>' }, at],
      type: 'Json'
    }
  },
  consent: {
    fhir: {
      description: 'One consent as a FHIR Consent resource.',
      params: [{ name: 'id', type: 'u64' }, at],
      type: 'Json'
    },
    patientBundle: {
      description: "A patient's consents, newest first, as a FHIR Bundle of Consents.",
      params: [patient, { name: 'before', type: 'Option<u32>' }, limit, at],
      type: 'Json'
    }
  }
};

// A small MedChain world on a fresh dev node: a patient (Eve), a hospital (Charlie, admitted by
// Alice through sudo), an attested physician (Ferdie) and the hospital's gateway (Dave).

import { Keyring } from '@polkadot/keyring';
import { blake2AsHex, cryptoWaitReady } from '@polkadot/util-crypto';
import * as medchain from '@medchain/api';

import { submit } from './node.mjs';

const DAY = 86_400_000;

/**
 * A salted commitment to a human document (profile, license, justification), as
 * @medchain/api makes it: the hash the chain keeps (the owner keeps salt and text).
 */
export const commit = (text) => medchain.commit(text).hash;

export async function buildWorld (api) {
  await cryptoWaitReady();
  const keyring = new Keyring({ type: 'sr25519' });
  const [alice, charlie, dave, eve, ferdie] =
    ['//Alice', '//Charlie', '//Dave', '//Eve', '//Ferdie'].map((s) => keyring.addFromUri(s));
  const key = (label) => blake2AsHex(`x25519 key of ${label}`);
  const subjectFrom = (events, name, field) =>
    events.find(({ event }) => api.events.identity[name].is(event)).event.data[field].toHex();

  const patient = subjectFrom((await submit(api,
    api.tx.identity.register('Patient', key('eve'), commit('eve profile')), eve)).events, 'Registered', 'subject');
  const hospital = subjectFrom((await submit(api, api.tx.sudo.sudo(
    api.tx.identity.admitOrganization(charlie.address, key('hospital'), commit('hospital'))), alice)).events,
  'OrganizationAdmitted', 'organization');
  const doctor = subjectFrom((await submit(api,
    api.tx.identity.register('Practitioner', key('ferdie'), commit('ferdie profile')), ferdie)).events,
  'Registered', 'subject');
  await submit(api, api.tx.identity.attestPractitioner(doctor, 'Physician', commit('license'), Date.now() + 30 * DAY), charlie);
  const gateway = subjectFrom((await submit(api,
    api.tx.identity.registerGateway(dave.address, key('gateway'), commit('gateway')), charlie)).events,
  'GatewayRegistered', 'gateway');

  return { keyring, alice, charlie, dave, eve, ferdie, patient, hospital, doctor, gateway };
}

/** The code sets' runtime names, from @medchain/api. */
export const CLASSES = medchain.CLASSES.map((c) => c.name);
export const PURPOSES = medchain.PURPOSES.map((c) => c.name);
export const ACTIONS = medchain.ACTIONS.map((c) => c.name);
const SETS = new Map([[CLASSES, medchain.CLASSES], [PURPOSES, medchain.PURPOSES], [ACTIONS, medchain.ACTIONS]]);

/** A bit set as the runtime encodes it (bit n = code n), by @medchain/api's `toBits`. */
export const bits = (codes, names) => medchain.toBits(SETS.get(names), codes);

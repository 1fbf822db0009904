// A small MedChain world on a fresh dev node: a patient (Eve), a hospital (Charlie, admitted by
// Alice through sudo), an attested physician (Ferdie) and the hospital's gateway (Dave).

import { Keyring } from '@polkadot/keyring';
import { stringToU8a, u8aConcat } from '@polkadot/util';
import { blake2AsHex, cryptoWaitReady, randomAsU8a } from '@polkadot/util-crypto';

import { submit } from './node.mjs';

const DAY = 86_400_000;

/**
 * A salted commitment to a human document (profile, license, justification): blake2-256 of a fresh
 * 32-byte salt followed by the text. The chain keeps only this; the owner keeps salt and text
 * (docs/identity.md: an unsalted hash of a short text can be guessed).
 */
export const commit = (text) => blake2AsHex(u8aConcat(randomAsU8a(32), stringToU8a(text)));

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

/** Bit sets as the runtime encodes them: bit n = code n. */
export const bits = (codes, vocabulary) => codes.reduce((acc, c) => acc | (1 << vocabulary.indexOf(c)), 0);
export const CLASSES = ['Demographics', 'Encounters', 'Medications', 'Allergies', 'Conditions', 'Labs', 'Imaging',
  'Immunizations', 'Procedures', 'VitalSigns', 'ClinicalNotes', 'MentalHealth', 'SubstanceUse', 'SexualHealth', 'Genomics'];
export const PURPOSES = ['Treat', 'EmergencyTreat', 'Payment', 'Operations', 'Research', 'PublicHealth'];
export const ACTIONS = ['Read', 'Create', 'Share'];

// A small MedChain world on a fresh dev node: a patient (Eve), a hospital (Charlie, admitted by
// Alice through sudo), an attested physician (Ferdie) and the hospital's gateway (Dave).

import { Keyring } from '@polkadot/keyring';
import { blake2AsHex, cryptoWaitReady } from '@polkadot/util-crypto';

import { submit } from './node.mjs';

const DAY = 86_400_000;

export async function buildWorld (api) {
  await cryptoWaitReady();
  const keyring = new Keyring({ type: 'sr25519' });
  const [alice, charlie, dave, eve, ferdie] =
    ['//Alice', '//Charlie', '//Dave', '//Eve', '//Ferdie'].map((s) => keyring.addFromUri(s));
  const key = (label) => blake2AsHex(`x25519 key of ${label}`);
  const subjectFrom = (events, name, field) =>
    events.find(({ event }) => api.events.identity[name].is(event)).event.data[field].toHex();

  const patient = subjectFrom((await submit(api,
    api.tx.identity.register('Patient', key('eve'), blake2AsHex('eve profile')), eve)).events, 'Registered', 'subject');
  const hospital = subjectFrom((await submit(api, api.tx.sudo.sudo(
    api.tx.identity.admitOrganization(charlie.address, key('hospital'), blake2AsHex('hospital'))), alice)).events,
  'OrganizationAdmitted', 'organization');
  const doctor = subjectFrom((await submit(api,
    api.tx.identity.register('Practitioner', key('ferdie'), blake2AsHex('ferdie profile')), ferdie)).events,
  'Registered', 'subject');
  await submit(api, api.tx.identity.attestPractitioner(doctor, 'Physician', blake2AsHex('license'), Date.now() + 30 * DAY), charlie);
  const gateway = subjectFrom((await submit(api,
    api.tx.identity.registerGateway(dave.address, key('gateway'), blake2AsHex('gateway')), charlie)).events,
  'GatewayRegistered', 'gateway');

  return { keyring, alice, charlie, dave, eve, ferdie, patient, hospital, doctor, gateway };
}

/** Bit sets as the runtime encodes them: bit n = code n. */
export const bits = (codes, vocabulary) => codes.reduce((acc, c) => acc | (1 << vocabulary.indexOf(c)), 0);
export const CLASSES = ['Demographics', 'Encounters', 'Medications', 'Allergies', 'Conditions', 'Labs', 'Imaging',
  'Immunizations', 'Procedures', 'VitalSigns', 'ClinicalNotes', 'MentalHealth', 'SubstanceUse', 'SexualHealth', 'Genomics'];
export const PURPOSES = ['Treat', 'EmergencyTreat', 'Payment', 'Operations', 'Research', 'PublicHealth'];
export const ACTIONS = ['Read', 'Create', 'Share'];

// The MedChain portal: sign in, then the patient's or the clinician's pages, by hash route.

import './style.css';

import { commit, toDid } from '@medchain/api';

import { clinicianPages } from './clinician.js';
import { patientPages } from './patient.js';
import {
  connect, endpoints, extensionAccounts, isDevChain, isLocalPage, loadConfig, loadGateway, loadIdentity, session,
  signInWithExtension, signInWithPhrase, signOut, submit, unlockDecryption
} from './session.js';
import { act, clearProgress, field, h } from './ui.js';

const main = document.getElementById('main');
const nav = document.getElementById('nav');
const who = document.getElementById('who');

const DEV_ACCOUNTS = ['Alice', 'Bob', 'Charlie', 'Dave', 'Eve', 'Ferdie'];
/** The operator's pinned settings (medchain-portal.json), read once. */
let config;

/** The pages of the signed-in user: `{ route: { title, render(main) } }`. */
function pages () {
  if (!session.identity) return { register: { title: 'Register', render: registerPage } };
  const kind = session.identity.kind.toString();
  if (kind === 'Patient') return patientPages;
  if (kind === 'Practitioner') return clinicianPages;
  return { unsupported: { title: 'Not supported', render: (m) => m.append(h('h1', {}, 'This portal is for patients and clinicians'), h('p', {}, `This account is a ${kind}; use the medchain CLI (docs/cli.md).`)) } };
}

/** Renders the current route; `keepProgress` keeps the last operation's outcome on screen. */
async function route (keepProgress = false) {
  if (!keepProgress) clearProgress();
  if (!session.address) return signInPage();
  const all = pages();
  const names = Object.keys(all);
  const wanted = location.hash.replace(/^#\/?/, '');
  const name = names.includes(wanted) ? wanted : names[0];
  nav.replaceChildren(...names.map((n) => h('a', {
    href: `#/${n}`,
    'aria-current': n === name ? 'page' : false,
    // The current page's link reloads its data (no hashchange fires for it).
    onclick: (e) => { if (location.hash === `#/${n}`) { e.preventDefault(); route(); } }
  }, all[n].title)));
  who.replaceChildren(...[
    !session.pinned && h('span', { class: 'badge warn', title: `node ${session.apiUrl}, not pinned by an operator` }, 'unpinned'),
    h('span', {}, session.subject ? `${session.identity.kind.toString()} ${toDid(session.subject).slice(0, 22)}…` : session.address),
    h('button', { class: 'secondary', type: 'button', onclick: () => { signOut(); history.replaceState(null, '', location.pathname + location.search); route(); } }, 'Sign out')
  ].filter(Boolean));
  main.replaceChildren(h('h1', {}, all[name].title));
  if (session.identity && !session.agreementSecret) main.append(unlockForm());
  document.title = `${all[name].title} · MedChain portal`;
  try {
    await all[name].render(main);
  } catch (error) {
    console.error(error);
    main.append(h('p', { class: 'alert', role: 'alert' }, `This page could not be loaded: ${error.message}`));
  }
  main.focus();
}

async function signInPage () {
  nav.replaceChildren();
  who.replaceChildren();
  document.title = 'Sign in · MedChain portal';
  try {
    config ??= await loadConfig();
  } catch (error) {
    main.replaceChildren(h('h1', {}, 'This portal is misconfigured'), h('p', { class: 'alert', role: 'alert' }, `${error.message}. Ask its operator to fix it (docs/portal.md).`));
    return;
  }
  if (!config && !isLocalPage()) {
    main.replaceChildren(h('h1', {}, 'This portal is not configured'), h('p', { class: 'alert', role: 'alert' },
      'Its operator must pin the node and chain it talks to (medchain-portal.json, or portal_node on the gateway; docs/portal.md). It will not run with endpoints chosen by a link.'));
    return;
  }
  const { node, gateway, pinned, fromLink } = endpoints(config);
  session.pinned = pinned;
  const nodeInput = h('input', { type: 'url', name: 'node', value: node, required: true, autocomplete: 'url', readonly: pinned });
  const gatewayInput = h('input', { type: 'url', name: 'gateway', value: gateway, required: true, readonly: pinned });
  const devAllowed = !config || config.devAccounts;
  const dev = h('select', { name: 'dev' }, h('option', { value: '' }, '—'), DEV_ACCOUNTS.map((a) => h('option', { value: `//${a}` }, a)));
  const phrase = h('textarea', { name: 'phrase', autocomplete: 'off', spellcheck: 'false', rows: 3 });
  const extensionList = h('div', {});

  const start = async (button, how) => {
    const signedIn = await act(button, 'Signing in', async (t) => {
      if (!pinned && !fromLink) {
        localStorage.setItem('medchain.node', nodeInput.value);
        localStorage.setItem('medchain.gateway', gatewayInput.value);
      }
      t.step(`connecting to ${nodeInput.value}…`);
      await connect(nodeInput.value, config);
      await how();
      t.step('reading your identity…');
      await loadIdentity();
      await loadGateway(gatewayInput.value);
      t.done('signed in');
      await route(true);
      return true;
    });
    // A failed sign-in leaves no half session behind (keys wiped, nothing routed to).
    if (!signedIn) signOut();
  };

  const form = h('form', { class: 'card', onsubmit: (e) => {
    e.preventDefault();
    const secret = phrase.value.trim() || dev.value;
    if (!secret) return act(null, 'Signing in', () => { throw new Error('choose a development account or enter your secret phrase'); });
    return start(e.submitter, async () => {
      if (!phrase.value.trim() && !(await isDevChain())) throw new Error('the development accounts are refused on this chain: it is not a development chain');
      await signInWithPhrase(secret);
    });
  } },
  h('h2', {}, 'Your keys'),
  devAllowed && field('Development account (dev chains only)', dev, 'The well-known test accounts of a development chain. Never use them on a real network.'),
  field('Or your secret phrase', phrase, 'The 12 words `medchain keys new` showed you (or a secret URI). They stay in this page: only signatures leave it.'),
  h('div', { class: 'row' }, h('button', { type: 'submit' }, 'Sign in')));

  const ext = h('section', { class: 'card' },
    h('h2', {}, 'Or a browser extension'),
    h('p', { class: 'hint' }, 'Sign with an account of the Polkadot.js extension. To open records you will also be asked for your phrase, which derives your decryption key.'),
    h('div', { class: 'row' }, h('button', { type: 'button', class: 'secondary', onclick: async (e) => {
      await act(e.currentTarget, 'Asking the extension', async (t) => {
        const accounts = await extensionAccounts();
        t.done(`${accounts.length} account(s)`);
        extensionList.replaceChildren(...accounts.map((a) => h('button', { type: 'button', class: 'secondary', onclick: (ev) => start(ev.currentTarget, () => signInWithExtension(a.address)) }, a.meta.name ?? a.address)));
      });
    } }, 'Use the extension')),
    extensionList);

  main.replaceChildren(
    h('h1', {}, 'Sign in'),
    h('p', {}, 'MedChain keeps who may see your health records, and every access to them, on a ledger run by the hospitals of the consortium. Records themselves are encrypted before they leave your device.'),
    h('section', { class: 'card' }, h('h2', {}, 'Network'),
      pinned
        ? h('p', { class: 'hint' }, 'Set by the operator of this portal.')
        : h('p', { class: 'alert warn', 'data-testid': 'unpinned' }, 'Development mode: no operator has pinned the node and gateway of this portal, so the address of this page can choose them. Connect only to ones you trust: they see what you store and decide what you are shown.'),
      field('Node (WebSocket RPC)', nodeInput), field('Custodian gateway', gatewayInput, 'The hospital gateway that keeps encrypted records.')),
    form,
    ext);
  main.focus();
}

/** Signed in through the extension: the phrase derives the decryption key (kept in memory only). */
function unlockForm () {
  const phrase = h('input', { type: 'password', name: 'unlock', autocomplete: 'off' });
  return h('form', { class: 'card', 'aria-label': 'Unlock decryption', onsubmit: (e) => {
    e.preventDefault();
    return act(e.submitter, 'Unlocking decryption', async (t) => {
      await unlockDecryption(phrase.value);
      t.done('records can be opened in this tab');
      await route(true);
    });
  } },
  field('Your secret phrase, to open records', phrase, 'Your extension signs; only your phrase derives the key that opens records. It stays in this tab.'),
  h('div', { class: 'row' }, h('button', { type: 'submit', class: 'secondary' }, 'Unlock')));
}

/** No identity yet: register as a patient or a practitioner. */
async function registerPage (m) {
  const profile = h('textarea', { name: 'profile', rows: 3 });
  const form = h('form', { class: 'card', onsubmit: async (e) => {
    e.preventDefault();
    const kind = new FormData(form).get('kind');
    await act(e.submitter, `Registering as ${kind.toLowerCase()}`, async (t) => {
      if (!session.agreementPublic) throw new Error('registering needs your secret phrase (for your key-agreement key)');
      const c = commit(profile.value);
      await submit(session.api.tx.identity.register(kind, session.agreementPublic, c.hash), t);
      await loadIdentity();
      t.done(`registered as ${toDid(session.subject)}. Keep your profile's salt: ${[...c.salt].map((b) => b.toString(16).padStart(2, '0')).join('')}`);
      await route(true);
    });
  } },
  h('p', {}, 'This account has no MedChain identity yet.'),
  h('fieldset', {}, h('legend', {}, 'Register as'),
    h('label', {}, h('input', { type: 'radio', name: 'kind', value: 'Patient', checked: true }), 'Patient'),
    h('label', {}, h('input', { type: 'radio', name: 'kind', value: 'Practitioner' }), 'Practitioner (an organization attests you later)')),
  field('Profile (stays with you)', profile, 'Only a salted hash of it goes on chain.'),
  h('div', { class: 'row' }, h('button', { type: 'submit' }, 'Register')));
  m.append(form);
}

session.refresh = () => route(true);
window.addEventListener('hashchange', () => route());
route();

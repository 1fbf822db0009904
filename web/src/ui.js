// A few DOM helpers: elements, progress of chain waits, readable failures. No framework.

import { GatewayError, MedchainError, EnvelopeError, fromBits } from '@medchain/api';

/**
 * An element: `h('button', { class: 'x', onclick }, 'Text', child)`. Attributes starting with
 * `on` are listeners; `false`/`null` attributes and children are skipped.
 */
export function h (tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs ?? {})) {
    if (value === false || value === null || value === undefined) continue;
    if (key.startsWith('on')) {
      // Never an inline handler from a string.
      if (typeof value !== 'function') throw new TypeError(`${key} must be a function`);
      el.addEventListener(key.slice(2), value);
    }
    else if (key === 'class') el.className = value;
    else if (key === 'text') el.textContent = value;
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

/** `parent.append(...)` without the `null`/`false` children (which `append` would print). */
export function add (parent, ...children) {
  parent.append(...children.flat(Infinity).filter((c) => c !== null && c !== undefined && c !== false));
}

let uid = 0;
/** A labelled input: `field('Patient DID', h('input', {...}))` gives the input an id. */
export function field (label, input, hint) {
  const id = input.id || `f${++uid}`;
  input.id = id;
  const hintEl = hint ? h('p', { class: 'hint', id: `${id}-hint` }, hint) : null;
  if (hintEl) input.setAttribute('aria-describedby', hintEl.id);
  return h('div', {}, h('label', { for: id }, label), input, hintEl);
}

/** A group of checkboxes (or radios) for a code set, named `name`, values the runtime names. */
export function choices (legend, name, codes, { type = 'checkbox', checked = [] } = {}) {
  return h('fieldset', {},
    h('legend', {}, legend),
    codes.map((c) => h('label', {},
      h('input', { type, name, value: c.name, checked: checked.includes(c.name) }),
      c.label)));
}

/** The values checked in a form's group `name`. */
export const checkedValues = (form, name) => [...form.querySelectorAll(`input[name="${name}"]:checked`)].map((i) => i.value);

const progress = () => document.getElementById('progress');

/** Shows the progress of one operation; returns { step(text), done(text), fail(error) }. */
export function track (what) {
  const box = h('p', { class: 'step' }, `${what}…`);
  progress().replaceChildren(box);
  return {
    step (text) { box.className = 'step'; box.textContent = `${what}: ${text}`; },
    done (text) { box.className = 'step done'; box.textContent = `${what}: ${text}`; },
    fail (error) { box.className = 'step error'; box.textContent = `${what} failed: ${reason(error)}`; }
  };
}

/** Clears the progress line. */
export const clearProgress = () => progress().replaceChildren();

/** The transaction stages, as a person reads them. */
export function stageText ({ stage, blockHash }) {
  switch (stage) {
    case 'signing': return 'signing…';
    case 'ready': return 'sent, waiting for a block…';
    case 'in-block': return `in block ${blockHash.slice(0, 10)}…, waiting for finality…`;
    case 'finalized': return `finalized in block ${blockHash.slice(0, 10)}…`;
    default: return stage;
  }
}

/** A failure as one readable sentence. */
export function reason (error) {
  if (error instanceof MedchainError) return error.pallet ? `${error.docs || error.error} (${error.pallet}.${error.error})` : error.reason;
  if (error instanceof GatewayError) return error.denyReason ? `access denied: ${error.reason} (${error.denyReason})` : `${error.diagnostics} (HTTP ${error.status})`;
  if (error instanceof EnvelopeError) return error.message;
  return error?.message ?? String(error);
}

/** Runs `fn` with its button disabled and a progress line; failures are shown, not thrown. */
export async function act (button, what, fn) {
  const t = track(what);
  if (button) button.disabled = true;
  try {
    const result = await fn(t);
    return result;
  } catch (error) {
    console.error(error);
    t.fail(error);
    return undefined;
  } finally {
    if (button) button.disabled = false;
  }
}

/** A date and time in the reader's locale. */
export const when = (ms) => new Date(Number(ms)).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/** A short form of a DID or hash for tables (the full value in `title`). */
export function short (text) {
  const s = String(text);
  return h('span', { class: 'mono', title: s }, s.length > 24 ? `${s.slice(0, 18)}…${s.slice(-6)}` : s);
}

/** Starts a download of `bytes` as `name`. */
export function download (name, bytes, type = 'application/octet-stream') {
  const url = URL.createObjectURL(new Blob([bytes], { type }));
  const a = h('a', { href: url, download: name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** A code's label by its runtime name, within a code set. */
export const label = (set, name) => set.find((c) => c.name === name)?.label ?? name;

/** The labels of a bit set, comma-separated. */
export const names = (set, bits) => fromBits(set, bits).map((c) => c.label).join(', ') || '—';

/** Whether a consent is in force at `now`, and its status badge. */
export function consentState (c, now = Date.now()) {
  const active = c.status.isActive && (c.validUntil.isNone || c.validUntil.unwrap().toNumber() > now);
  const badge = active ? h('span', { class: 'badge ok' }, 'Active') : h('span', { class: 'badge bad' }, c.status.isRevoked ? 'Revoked' : 'Expired');
  return { active, badge };
}

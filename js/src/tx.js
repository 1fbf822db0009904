// Sending MedChain transactions with progress, and failures as typed errors naming the pallet
// error (`consent.NotAuthorizedGrantor`) instead of an opaque `Module { index, error }`.

/** A transaction failed: on chain (`pallet`, `error`, `docs`), or in the pool (`pallet` null). */
export class MedchainError extends Error {
  /**
   * @param {string} message
   * @param {{ pallet?: string | null, error?: string | null, docs?: string, dispatchError?: unknown, events?: unknown[] }} [details]
   */
  constructor (message, { pallet = null, error = null, docs = '', dispatchError, events } = {}) {
    super(message);
    this.name = 'MedchainError';
    /** e.g. `consent` */
    this.pallet = pallet;
    /** e.g. `NotAuthorizedGrantor` */
    this.error = error;
    /** the error's documentation, a sentence for a person */
    this.docs = docs;
    this.dispatchError = dispatchError;
    this.events = events;
  }

  /** A readable reason: the error's documentation, or the message. */
  get reason () {
    return this.docs || this.message;
  }
}

/**
 * The typed error of a failed dispatch (a `DispatchError` from an ExtrinsicFailed event or a
 * transaction result).
 * @param {import('@polkadot/api').ApiPromise} api
 * @param {any} dispatchError
 */
export function dispatchErrorOf (api, dispatchError, events) {
  if (dispatchError.isModule) {
    const { section, name, docs } = api.registry.findMetaError(dispatchError.asModule);
    const text = docs.join(' ').trim();
    return new MedchainError(`${section}.${name}${text ? `: ${text}` : ''}`, { pallet: section, error: name, docs: text, dispatchError, events });
  }
  if (dispatchError.isToken || dispatchError.isArithmetic || dispatchError.isTransactional) {
    const inner = dispatchError.value.toString();
    return new MedchainError(`${dispatchError.type}.${inner}`, { pallet: null, error: `${dispatchError.type}.${inner}`, dispatchError, events });
  }
  return new MedchainError(dispatchError.toString(), { dispatchError, events });
}

/** What a pool refusal means, for the codes MedChain's extensions give. */
const CUSTOM = {
  1: "the patient's free allowance for this period is used up",
  2: 'the free patient registrations of this period are used up',
  3: 'the transaction is too long to be free'
};

function poolError (error) {
  const text = String(error?.message ?? error);
  const custom = /Custom error: (\d+)/.exec(text);
  if (custom && CUSTOM[custom[1]]) return new MedchainError(`${CUSTOM[custom[1]]} (${text})`, { error: `Custom(${custom[1]})`, docs: CUSTOM[custom[1]] });
  if (/Inability to pay some fees|balance too low/i.test(text)) {
    return new MedchainError(`the account cannot pay the fee (${text})`, { error: 'Payment', docs: 'The account cannot pay the transaction fee.' });
  }
  return new MedchainError(text);
}

/**
 * Signs and sends `tx`, reporting progress, and resolves once it is in a block (or finalized,
 * with `waitFor: 'finalized'`) with `{ blockHash, events }`; rejects with a `MedchainError`.
 * @param {import('@polkadot/api').ApiPromise} api
 * @param {any} tx a submittable extrinsic
 * @param {any} signer a keyring pair, or an address with `options.signer` from an extension
 * @param {{ waitFor?: 'in-block' | 'finalized', onStatus?: (status: { stage: 'signing' | 'ready' | 'in-block' | 'finalized', blockHash?: string }) => void, signer?: any }} [options]
 */
export function send (api, tx, signer, { waitFor = 'in-block', onStatus = () => {}, ...signOptions } = {}) {
  return new Promise((resolve, reject) => {
    let unsub;
    let inBlock = null;
    const done = (fn, value) => { unsub?.(); fn(value); };
    onStatus({ stage: 'signing' });
    tx.signAndSend(signer, signOptions, (result) => {
      const { status, events, dispatchError } = result;
      if (status.isReady || status.isBroadcast) onStatus({ stage: 'ready' });
      if (status.isInBlock && !inBlock) {
        inBlock = status.asInBlock.toHex();
        onStatus({ stage: 'in-block', blockHash: inBlock });
        if (dispatchError) return done(reject, dispatchErrorOf(api, dispatchError, events));
        if (waitFor === 'in-block') return done(resolve, { blockHash: inBlock, events });
      }
      if (status.isFinalized) {
        const blockHash = status.asFinalized.toHex();
        onStatus({ stage: 'finalized', blockHash });
        if (dispatchError) return done(reject, dispatchErrorOf(api, dispatchError, events));
        return done(resolve, { blockHash, events });
      }
      if (status.isInvalid || status.isDropped || status.isUsurped || status.isFinalityTimeout) {
        done(reject, new MedchainError(`the transaction was ${status.type.toLowerCase()}`, { error: status.type }));
      }
    }).then((u) => { unsub = u; }, (e) => reject(poolError(e)));
  });
}

/**
 * The data of the first event `section.method` among `events`, or throws.
 * @param {any[]} events
 * @param {string} section e.g. `records`
 * @param {string} method e.g. `RecordAnchored`
 */
export function eventData (events, section, method) {
  const found = events.find(({ event }) => event.section === section && event.method === method);
  if (!found) throw new MedchainError(`the chain reported no ${section}.${method} event`);
  return found.event.data;
}

// @medchain/api: MedChain for dApps, on top of @polkadot/api.

export * from './codes.js';
export * from './did.js';
export * from './commitment.js';
export * from './keys.js';
export * from './envelope.js';
export * from './httpsig.js';
export * from './gateway.js';
export * from './rpc.js';
export * from './tx.js';
export * from './audit.js';
export { randomBytes } from './random.js';

// Starts real medchain-node processes for the end-to-end tests and always stops them.
//
// A node gets free loopback ports, its own base path (or --tmp), and its log in a file under
// $MEDCHAIN_E2E_LOGS (default: a temp folder) so a failing test can point at it.

import { spawn } from 'node:child_process';
import { createWriteStream, mkdtempSync, existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

import { ApiPromise, WsProvider } from '@polkadot/api';
import { medchainRpc, send } from '@medchain/api';

const here = new URL('.', import.meta.url).pathname;

/** The node binary under test: $MEDCHAIN_NODE, else the shared cargo target dir's debug build. */
export function nodeBinary () {
  const explicit = process.env.MEDCHAIN_NODE;
  const target = process.env.CARGO_TARGET_DIR || resolve(here, '../../../target');
  const bin = explicit || join(target, 'debug', 'medchain-node');
  if (!existsSync(bin)) {
    throw new Error(`medchain-node binary not found at ${bin}: build it first (scripts/test.sh does)`);
  }
  return bin;
}

/** A TCP port nobody listens on right now. */
export async function freePort () {
  return new Promise((resolvePort, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolvePort(port));
    });
  });
}

const logDir = process.env.MEDCHAIN_E2E_LOGS || mkdtempSync(join(tmpdir(), 'medchain-e2e-'));

/**
 * Starts one node. `args` are extra CLI flags (e.g. ['--dev'] or ['--chain', 'local', '--alice']).
 * Returns { name, rpcPort, p2pPort, peerId?, url, logFile, stop(), kill() }.
 */
export async function startNode (name, args, { basePath } = {}) {
  const rpcPort = await freePort();
  const p2pPort = await freePort();
  const logFile = join(logDir, `${name}.log`);
  const log = createWriteStream(logFile);
  const fullArgs = [
    ...args,
    ...(basePath ? ['--base-path', basePath] : ['--tmp']),
    '--rpc-port', String(rpcPort),
    '--port', String(p2pPort),
    '--no-prometheus',
    '--no-telemetry',
    '--no-mdns',
    '--rpc-cors', 'all',
    '--name', name
  ];
  const child = spawn(nodeBinary(), fullArgs, { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.pipe(log);
  child.stderr.pipe(log);
  let exited = null;
  child.on('exit', (code, signal) => { exited = { code, signal }; });

  const node = {
    name,
    rpcPort,
    p2pPort,
    logFile,
    url: `ws://127.0.0.1:${rpcPort}`,
    get exited () { return exited; },
    async stop () {
      if (exited) return;
      child.kill('SIGINT');
      for (let i = 0; i < 100 && !exited; i++) await sleep(100);
      if (!exited) child.kill('SIGKILL');
    },
    kill () { if (!exited) child.kill('SIGKILL'); },
    /** Sends `signal` (e.g. SIGSTOP to pause the node, SIGCONT to let it go on). */
    signal (signal) { if (!exited) child.kill(signal); }
  };
  running.add(node);
  await waitForRpc(node);
  return node;
}

const running = new Set();

/** Stops every node this process started; tests call it from `after`. */
export async function stopAll () {
  await Promise.all([...running].map((n) => n.stop()));
  running.clear();
}

process.on('exit', () => { for (const n of running) n.kill(); });

async function waitForRpc (node, timeoutMs = 120_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (node.exited) {
      throw new Error(`${node.name} exited (${JSON.stringify(node.exited)}) before its RPC came up; see ${node.logFile}`);
    }
    try {
      const res = await fetch(`http://127.0.0.1:${node.rpcPort}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ id: 1, jsonrpc: '2.0', method: 'system_health', params: [] })
      });
      if (res.ok) return;
    } catch { /* not listening yet */ }
    await sleep(250);
  }
  throw new Error(`${node.name}'s RPC did not come up within ${timeoutMs} ms; see ${node.logFile}`);
}

/** A connected Polkadot.js API for `node`. The caller disconnects it. */
export async function connect (node) {
  const provider = new WsProvider(node.url, 1000);
  return ApiPromise.create({ provider, rpc: medchainRpc, throwOnConnect: true, noInitWarn: true });
}

/** Resolves once `predicate(header)` holds for a new finalized head, or rejects after `timeoutMs`. */
export async function waitFinalized (api, predicate, timeoutMs = 60_000) {
  return new Promise((resolveWait, reject) => {
    let unsub;
    const timer = setTimeout(() => { unsub?.(); reject(new Error(`no finalized head matched within ${timeoutMs} ms`)); }, timeoutMs);
    api.rpc.chain.subscribeFinalizedHeads((header) => {
      if (predicate(header)) {
        clearTimeout(timer);
        unsub?.();
        resolveWait(header);
      }
    }).then((u) => { unsub = u; });
  });
}

/**
 * Signs and sends `tx` as `signer` with @medchain/api's `send`, resolving with
 * { blockHash, events } once it is in a block, or rejecting with a MedchainError whose message is
 * the dispatch error's `section.name: docs`.
 */
export const submit = (api, tx, signer, options = {}) => send(api, tx, signer, options);

/** Calls a JSON-RPC method over HTTP; rejects with the server's error message. */
export async function rpc (node, method, params) {
  const res = await fetch(`http://127.0.0.1:${node.rpcPort}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ id: 1, jsonrpc: '2.0', method, params })
  });
  const body = await res.json();
  if (body.error) throw new Error(`${method}: ${body.error.message}`);
  return body.result;
}

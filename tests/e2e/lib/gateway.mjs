// Starts real medchain-gateway processes for the end-to-end tests. Requests are signed with
// @medchain/api's `signedHeaders` (js/src/httpsig.js), the JavaScript implementation of the
// protocol the Rust client speaks (client/src/httpsig.rs).

import { execFile, spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { request as httpsRequest } from 'node:https';

import { freePort } from './node.mjs';

const here = new URL('.', import.meta.url).pathname;
const logDir = process.env.MEDCHAIN_E2E_LOGS || mkdtempSync(join(tmpdir(), 'medchain-e2e-'));

/** A binary of the shared cargo target dir's debug build. */
export function binary (name) {
  const target = process.env.CARGO_TARGET_DIR || resolve(here, '../../../target');
  const bin = join(target, 'debug', name);
  if (!existsSync(bin)) throw new Error(`${name} not found at ${bin}: build it first (scripts/test.sh does)`);
  return bin;
}

const running = new Set();
process.on('exit', () => { for (const g of running) g.kill(); });

/**
 * Starts a gateway: `config` is written as its TOML file (listen is added). With `tls`
 * ({ cert, key } paths) it serves HTTPS. Returns { url, port, logFile, kill(), stop(), exited }.
 */
export async function startGateway (name, config, { passphrase = 'correct horse', port, tls, ca } = {}) {
  port = port ?? await freePort();
  const dir = mkdtempSync(join(tmpdir(), `medchain-gw-${name}-`));
  const file = join(dir, 'gateway.toml');
  const lines = Object.entries({ ...config, listen: `127.0.0.1:${port}`, ...(tls ? { tls_cert: tls.cert, tls_key: tls.key } : {}) })
    .map(([k, v]) => `${k} = ${typeof v === 'string' || Array.isArray(v) ? JSON.stringify(v) : v}`);
  writeFileSync(file, lines.join('\n') + '\n');
  const logFile = join(logDir, `${name}.log`);
  const log = createWriteStream(logFile, { flags: 'a' });
  const child = spawn(binary('medchain-gateway'), ['--config', file], {
    env: { ...process.env, MEDCHAIN_PASSPHRASE: passphrase, RUST_LOG: 'info,medchain_gateway=debug' },
    stdio: ['ignore', 'pipe', 'pipe']
  });
  child.stdout.pipe(log);
  child.stderr.pipe(log);
  let exited = null;
  child.on('exit', (code, signal) => { exited = { code, signal }; });
  const url = `${tls ? 'https' : 'http'}://127.0.0.1:${port}`;
  const gateway = {
    url,
    port,
    logFile,
    get exited () { return exited; },
    kill () { if (!exited) child.kill('SIGKILL'); },
    async killed () { this.kill(); for (let i = 0; i < 50 && !exited; i++) await sleep(100); running.delete(this); },
    async stop () {
      if (exited) return;
      child.kill('SIGTERM');
      for (let i = 0; i < 100 && !exited; i++) await sleep(100);
      if (!exited) child.kill('SIGKILL');
      running.delete(this);
    }
  };
  running.add(gateway);
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (exited) throw new Error(`gateway ${name} exited (${JSON.stringify(exited)}); see ${logFile}`);
    try {
      const status = tls ? await httpsStatus(`${url}/health`, ca) : (await fetch(`${url}/health`)).status;
      if (status === 200) return gateway;
    } catch { /* not listening yet */ }
    await sleep(200);
  }
  throw new Error(`gateway ${name} did not come up; see ${logFile}`);
}

/** GET over HTTPS trusting `ca` (PEM text): the status. */
export function httpsStatus (url, ca) {
  return new Promise((resolveStatus, reject) => {
    const req = httpsRequest(url, { ca }, (res) => { res.resume(); resolveStatus(res.statusCode); });
    req.on('error', reject);
    req.end();
  });
}

/** Stops every gateway this process started. */
export async function stopGateways () {
  await Promise.all([...running].map((g) => g.stop()));
  running.clear();
}

/**
 * The `medchain` CLI against `nodeUrl()` and `gatewayUrl()` with key files in `dir`:
 * `run(keyFile, args, { input })` resolves { code, json, stdout, stderr }; `ok` asserts success
 * and resolves the JSON output.
 */
export function cli (dir, nodeUrl, gatewayUrl = () => 'http://127.0.0.1:1') {
  const run = (keyFile, args, { input } = {}) => new Promise((resolveRun) => {
    const child = execFile(binary('medchain'), ['--node', nodeUrl(), '--gateway', gatewayUrl(), '--key-file', join(dir, keyFile), '--json', ...args], {
      env: { ...process.env, MEDCHAIN_PASSPHRASE: 'correct horse' },
      timeout: 180_000
    }, (error, stdout, stderr) => {
      let json = null;
      try { json = JSON.parse(stdout); } catch { /* a failure */ }
      resolveRun({ code: error ? error.code : 0, json, stdout, stderr });
    });
    child.stdin.on('error', () => {});
    child.stdin.end(input ?? '');
  });
  const ok = async (keyFile, args, options) => {
    const result = await run(keyFile, args, options);
    if (result.code !== 0) throw new Error(`medchain ${args.join(' ')} failed: ${result.stderr}`);
    return result.json;
  };
  return { run, ok };
}

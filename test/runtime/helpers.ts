// Shared fixtures for runtime tests: temp dirs, a tiny HTTP server script run as a real process, and
// cleanup that kills every process group a test started.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { InstanceSpec } from '../../src/model/machine-specs.js';
import { readRecord } from '../../src/runtime/state/instance-state.js';
import { isSameProcessAlive } from '../../src/runtime/process/proc-stat.js';

const cleanups = new WeakMap<TestContext, (() => unknown)[]>();

/** Runs `fn` after the test, last registered first (processes die before their dirs are removed). */
export function onCleanup(t: TestContext, fn: () => unknown): void {
  let list = cleanups.get(t);
  if (!list) {
    const fns: (() => unknown)[] = [];
    cleanups.set(t, (list = fns));
    t.after(async () => {
      for (const f of fns.reverse()) await f();
    });
  }
  list.push(fn);
}

export function tempDir(t: TestContext, prefix = 'boreas-rt-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  onCleanup(t, () => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Node HTTP server: answers `<MESSAGE env>` on / and 200 on /healthz, exits on SIGTERM. */
export const serverScript = `
import http from 'node:http';
const port = Number(process.env.PORT || 0);
const s = http.createServer((req, res) => { res.end(req.url === '/healthz' ? 'ok' : String(process.env.MESSAGE || 'hi')); });
s.listen(port, '127.0.0.1', () => { console.log('listening ' + s.address().port); });
process.on('SIGTERM', () => { console.error('got SIGTERM'); s.close(); process.exit(0); });
`;

/** Writes `server.mjs` (and any extra scripts) into dir. */
export function writeScripts(dir: string, extra: Record<string, string> = {}): void {
  writeFileSync(join(dir, 'server.mjs'), serverScript);
  for (const [name, text] of Object.entries(extra)) writeFileSync(join(dir, name), text, { mode: 0o755 });
}

export function processSpec(instance: string, over: Partial<InstanceSpec> = {}): InstanceSpec {
  return {
    app: instance.replace(/-\d+$/, ''),
    instance,
    ordinal: 0,
    node: 'local',
    host: '127.0.0.1',
    version: 'v1',
    runtime: 'process',
    process: { command: 'node', args: ['server.mjs'] },
    env: {},
    ports: {},
    filesHash: '',
    state: 'Running',
    ...over,
  };
}

/** Kills whatever the record of `instance` says runs (whole group), after the test. */
export function killAfter(t: TestContext, workDir: string, instance: string): void {
  onCleanup(t, async () => {
    const rec = await readRecord(workDir, instance).catch(() => undefined);
    if (rec?.pid) killGroup(rec.pid);
  });
}

export function killGroup(pid: number): void {
  for (const target of [-pid, pid]) {
    try {
      process.kill(target, 'SIGKILL');
    } catch {
      /* gone */
    }
  }
}

/** Running: a zombie not reaped yet counts as gone (kill(pid, 0) would still succeed on it). */
export function isAlive(pid: number): boolean {
  return isSameProcessAlive(pid);
}

export async function waitFor<T>(what: string, fn: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
}

/** GET body from 127.0.0.1:port, or undefined while it does not answer. */
export async function getText(port: number, path = '/'): Promise<string | undefined> {
  try {
    const res = await fetch(`http://127.0.0.1:${port}${path}`);
    return await res.text();
  } catch {
    return undefined;
  }
}

export { freePort } from '../helpers/ports.js';

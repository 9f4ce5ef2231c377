// Test helpers for the daemon: a real `boreas daemon` child process, a real git repository holding a
// `local` environment whose app is a tiny node HTTP server, free ports and polling.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import type { TestContext } from 'node:test';
import { join } from 'node:path';
import { packageRoot } from '../../src/util/paths.js';
import { createGitRepo, type GitRepo } from '../helpers/git-repo.js';
import { runCli } from '../helpers/cli.js';
import { freePort } from '../helpers/ports.js';

const entry = join(packageRoot, 'src', 'cli', 'main.ts');

export { freePort };

/** Polls `fn` until it returns a truthy value or the time is up (then throws with `what`). */
export async function waitFor<T>(what: string, fn: () => Promise<T | undefined | false>, timeoutMs = 20_000, everyMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (err) {
      lastError = err;
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
  throw new Error(`timed out waiting for ${what}${lastError ? ` (last error: ${(lastError as Error).message})` : ''}`);
}

/** GET (or other method) returning status and parsed JSON or text, never throwing on HTTP errors. */
export async function http(url: string, init: RequestInit = {}): Promise<{ status: number; text: string; json: any; headers: Headers }> {
  const res = await fetch(url, { ...init, signal: AbortSignal.timeout(10_000) });
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, text, json, headers: res.headers };
}

/** The app every daemon test deploys: answers `{message, pid, version}` on / and 200 on /healthz. */
const helloServer = `import http from 'node:http';
const port = Number(process.env.BOREAS_PORT_HTTP);
http.createServer((req, res) => {
  res.writeHead(200, {'content-type': 'application/json'});
  res.end(JSON.stringify(req.url === '/healthz' ? {ok: true} : {message: process.env.MESSAGE, pid: process.pid, version: process.env.BOREAS_VERSION}));
}).listen(port, '127.0.0.1');
for (const s of ['SIGTERM', 'SIGINT']) process.on(s, () => process.exit(0));
`;

export function helloManifest(port: number, message: string, version = 'v1'): string {
  return `apiVersion: boreas.dev/v1
kind: Application
metadata:
  name: hello
spec:
  environment: local
  runtime: process
  version: ${version}
  process:
    command: node
    args: [servers/hello.mjs]
  ports:
    - {name: http, port: ${port}}
  health:
    http: {port: http, path: /healthz}
    intervalSeconds: 1
    timeoutSeconds: 2
  env:
    MESSAGE: ${message}
    API_TOKEN: literal-secret-in-env
`;
}

const environment = `apiVersion: boreas.dev/v1
kind: Environment
metadata:
  name: local
spec:
  type: local
`;

/** A git repository (branch main) with the `local` environment and the hello app on `port`. */
export async function createHelloRepo(port: number, message = 'one'): Promise<GitRepo> {
  const repo = await createGitRepo({
    'manifests/environment.yaml': environment,
    'manifests/hello.yaml': helloManifest(port, message),
    'servers/hello.mjs': helloServer,
  });
  await repo.commit('hello v1');
  return repo;
}

export interface DaemonProcess {
  child: ChildProcess;
  base: string;
  /** Everything the daemon logged so far (JSON lines on stderr). */
  logs(): string;
  /** Resolves with the exit code. */
  exited: Promise<number | null>;
  /** SIGTERM and wait (SIGKILL after `ms`). */
  stop(ms?: number): Promise<number | null>;
}

/** Starts `boreas daemon <args>` listening on `port` and waits until /v1/health answers. */
export async function startDaemonProcess(args: string[], port: number, opts: { cwd?: string } = {}): Promise<DaemonProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', entry, 'daemon', '--listen', `127.0.0.1:${port}`, ...args], {
    cwd: opts.cwd ?? packageRoot,
    env: { ...process.env, NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const proc: DaemonProcess = {
    child,
    base: `http://127.0.0.1:${port}`,
    logs: () => out,
    exited,
    async stop(ms = 15_000) {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), ms);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
  let early: number | null | undefined;
  void exited.then((c) => (early = c));
  await waitFor(
    'the daemon to answer /v1/health',
    async () => {
      if (early !== undefined) throw new Error(`daemon exited with ${early}:\n${out}`);
      return (await http(`${proc.base}/v1/health`)).status === 200;
    },
    30_000,
    50,
  ).catch((err) => {
    child.kill('SIGKILL');
    throw new Error(`${(err as Error).message}\n--- daemon output ---\n${out}`);
  });
  return proc;
}

/** Parses Prometheus text exposition format strictly enough to catch malformed lines. */
export function parsePrometheus(text: string): Map<string, number> {
  const samples = new Map<string, number>();
  const typed = new Set<string>();
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const meta = /^# (HELP|TYPE) ([a-zA-Z_:][a-zA-Z0-9_:]*) (.+)$/.exec(line);
    if (meta) {
      if (meta[1] === 'TYPE') {
        if (!['counter', 'gauge', 'histogram', 'summary', 'untyped'].includes(meta[3])) throw new Error(`bad TYPE line: ${line}`);
        typed.add(meta[2]);
      }
      continue;
    }
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?:[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\.)*",?)*\})? (-?[0-9.eE+-]+|NaN|\+Inf|-Inf)$/.exec(line);
    if (!m) throw new Error(`malformed sample line: ${JSON.stringify(line)}`);
    const family = m[1].replace(/_(bucket|sum|count)$/, '');
    if (!typed.has(m[1]) && !typed.has(family)) throw new Error(`sample without a TYPE: ${line}`);
    samples.set(m[1] + (m[2] ?? ''), Number(m[3]));
  }
  return samples;
}

/** What every daemon test starts from: a temp dir, the hello repo, ports, a state file, cleanup. */
export interface DaemonFixture {
  tmp: string;
  appPort: number;
  apiPort: number;
  repo: GitRepo;
  state: string;
  /** Starts the daemon on apiPort; it is stopped (and `boreas down` run) when the test ends. */
  start(args: string[], opts?: { cwd?: string }): Promise<DaemonProcess>;
  /** Extra cleanup (servers the test started), run after the daemon stopped, before the repo goes. */
  onCleanup(fn: () => Promise<unknown> | unknown): void;
}

export async function daemonFixture(t: TestContext, name: string): Promise<DaemonFixture> {
  const tmp = await mkdtemp(join(tmpdir(), `boreas-daemon-${name}-`));
  const appPort = await freePort();
  const apiPort = await freePort();
  const repo = await createHelloRepo(appPort, 'one');
  const state = join(tmp, 'state.db');
  const daemons: DaemonProcess[] = [];
  const extra: Array<() => Promise<unknown> | unknown> = [];
  t.after(async () => {
    for (const d of daemons) await d.stop();
    await runCli(['down', '--state', state]);
    for (const fn of extra) await fn();
    await repo.cleanup();
    await rm(tmp, { recursive: true, force: true });
  });
  return {
    tmp,
    appPort,
    apiPort,
    repo,
    state,
    async start(args, opts) {
      const d = await startDaemonProcess(args, apiPort, opts);
      daemons.push(d);
      return d;
    },
    onCleanup: (fn) => void extra.push(fn),
  };
}

// Soak benchmark of the daemon at scale: one `boreas daemon` with N applications spread over real
// `boreas agent` processes (one per 127.0.0.x address, each running its instances as real, trivial
// processes), resyncing every few seconds. After the first reconcile (which starts everything) it
// prints, per no-op resync cycle, the controller's CPU time (utime + stime deltas from
// /proc/<pid>/stat) and its RSS after cycle 1 and after the last cycle. The baseline in the same
// run is the controller's CPU while idle for one resync interval before the soak starts (the
// figure every cycle would cost if a resync did nothing at all); the first reconcile's CPU is shown too.
// A bounded soak, not part of `npm test`; everything it starts is stopped at the end.
//
//   node --import tsx scripts/bench/daemon-soak.ts [--apps 1000] [--agents 20] [--resync 10s] [--cycles 60] [--cpu-prof DIR]
//
// --cpu-prof DIR runs the daemon under `node --cpu-prof` and leaves its .cpuprofile in DIR (written
// when the daemon exits at the end); the soak cycles are its last `cycles × resync` of samples.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packageRoot } from '../../src/util/paths.js';
import { killInstances } from '../../test/helpers/agent.js';

const args = process.argv.slice(2);
const flag = (name: string, dflt: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : dflt;
};
const apps = Number(flag('apps', '1000'));
const agents = Number(flag('agents', '20'));
const resyncText = flag('resync', '10s');
const resyncMs = Number.parseFloat(resyncText) * (resyncText.endsWith('ms') ? 1 : 1000);
const cycles = Number(flag('cycles', '60'));
const cpuProfDir = flag('cpu-prof', '');
// The shipped bundle (`npm run build`) when there is one, as users run it; else the sources through tsx.
const built = existsSync(join(packageRoot, 'dist', 'src', 'cli', 'main.js'));
const cli = built ? join(packageRoot, 'dist', 'src', 'cli', 'main.js') : join(packageRoot, 'src', 'cli', 'main.ts');
const agentMain = built ? join(packageRoot, 'dist', 'src', 'cli', 'agent-main.js') : join(packageRoot, 'src', 'cli', 'agent-main.ts');
/** Node arguments that run `entry`: directly when bundled, through tsx when it is a source file. */
const runArgs = (entry: string) => (entry.endsWith('.ts') ? ['--import', 'tsx', entry] : [entry]);
const ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;

const children: ChildProcess[] = [];
const dir = mkdtempSync(join(tmpdir(), 'boreas-soak-'));

/** CPU milliseconds (user + system) of a process so far. */
function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / ticksPerSecond;
}

function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Math.round(Number(m[1]) / 1024) : 0;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/** Spawns a node child running `entry` (bundled, or through tsx); resolves with the first stdout match of `ready`. */
function start(entry: string, argv: string[], ready: RegExp, what: string): Promise<{ child: ChildProcess; match: RegExpExecArray }> {
  const child = spawn(process.execPath, [...runArgs(entry), ...argv], { cwd: packageRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let out = '';
  let err = '';
  child.stderr!.on('data', (c: Buffer) => {
    err = (err + c.toString()).slice(-4000);
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what} did not start: ${err}`)), 120_000);
    child.stdout!.on('data', (c: Buffer) => {
      out = (out + c.toString()).slice(-4000);
      const m = ready.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ child, match: m });
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${what} exited with ${code}: ${err}`));
    });
  });
}

async function metric(url: string, name: string): Promise<number> {
  const res = await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(30_000) });
  const text = await res.text();
  let sum = 0;
  for (const line of text.split('\n')) if (line.startsWith(`${name}{`) || line.startsWith(`${name} `)) sum += Number(line.split(' ').at(-1));
  return sum;
}

async function waitFor<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

function git(cwd: string, ...argv: string[]): void {
  execFileSync('git', argv, {
    cwd,
    stdio: 'ignore',
    env: { ...process.env, GIT_AUTHOR_NAME: 'bench', GIT_AUTHOR_EMAIL: 'b@localhost', GIT_COMMITTER_NAME: 'bench', GIT_COMMITTER_EMAIL: 'b@localhost' },
  });
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const workDirs: string[] = [];

async function main(): Promise<void> {
  console.log(
    `daemon soak: ${apps} applications on ${agents} agents, resync ${resyncMs} ms, ${cycles} cycles (${built ? 'the bundled CLI' : 'sources under tsx'})`,
  );
  // 1. The agents, one per loopback address.
  const nodes: string[] = [];
  await Promise.all(
    Array.from({ length: agents }, async (_, i) => {
      const root = join(dir, `agent-${i}`);
      const workDir = join(root, 'work');
      const allowed = join(root, 'allowed');
      mkdirSync(allowed, { recursive: true });
      workDirs.push(workDir);
      const tokenFile = join(root, 'token');
      writeFileSync(tokenFile, `soak-token-${i}\n`, { mode: 0o600 });
      const host = `127.0.0.${11 + i}`;
      const { match } = await start(
        agentMain,
        [
          '--listen',
          `${host}:0`,
          '--node-name',
          `node-${i}`,
          '--token-file',
          tokenFile,
          '--work-dir',
          workDir,
          '--allowed-root',
          allowed,
          '--log-level',
          'error',
        ],
        /listening on http:\/\/(\S+)/,
        `agent node-${i}`,
      );
      nodes[i] =
        `apiVersion: boreas.dev/v1\nkind: Node\nmetadata: {name: node-${i}, labels: {role: soak}}\nspec:\n  address: ${match[1].replace(/\/$/, '')}\n  tokenFrom: {file: ${tokenFile}}\n`;
    }),
  );
  // 2. The repository: one pm environment over the agents, N one-instance applications (a sleeping
  // process each). `replicas: 1` is explicit: without it a pm application runs one instance per node.
  const repo = join(dir, 'repo');
  mkdirSync(join(repo, 'apps'), { recursive: true });
  writeFileSync(join(repo, 'nodes.yaml'), nodes.join('---\n'));
  writeFileSync(
    join(repo, 'environment.yaml'),
    'apiVersion: boreas.dev/v1\nkind: Environment\nmetadata: {name: soak}\nspec: {type: pm, nodeSelector: {role: soak}}\n',
  );
  for (let i = 0; i < apps; i++) {
    writeFileSync(
      join(repo, 'apps', `app-${i}.yaml`),
      `apiVersion: boreas.dev/v1\nkind: Application\nmetadata: {name: app-${i}}\nspec:\n  environment: soak\n  runtime: process\n  replicas: 1\n  version: v1\n  process: {command: /bin/sleep, args: ["100000"]}\n`,
    );
  }
  git(repo, 'init', '-q', '-b', 'main');
  git(repo, 'add', '.');
  git(repo, 'commit', '-q', '-m', 'soak');

  // 3. The daemon, at its default log level: the end of every reconcile is one log line on stderr,
  // which is how this bench sees a cycle end. Polling /metrics for that instead (5 scrapes a second)
  // cost the controller more CPU than the no-op cycle it was meant to time; one scrape is priced
  // separately below.
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const state = join(dir, 'state', 'state.db');
  const daemon = spawn(
    process.execPath,
    [
      ...(cpuProfDir ? ['--cpu-prof', '--cpu-prof-dir', cpuProfDir] : []),
      ...runArgs(cli),
      'daemon',
      '--repo',
      repo,
      '--state',
      state,
      '--listen',
      `127.0.0.1:${port}`,
      '--resync',
      resyncText,
      '--interval',
      '1h',
      '--log-level',
      'info',
    ],
    { cwd: packageRoot, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  children.push(daemon);
  const pid = daemon.pid!;
  let daemonErr = '';
  let partial = '';
  // Controller CPU read the moment each reconcile's closing log line arrived, in order.
  const ends: Array<{ seq: number; cpu: number; msg: string }> = [];
  let onEnd: (() => void) | undefined;
  daemon.stderr!.on('data', (c: Buffer) => {
    const text = partial + c.toString();
    const lines = text.split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) {
      if (!line.includes('"reconcile ') && !line.includes('"revision is invalid')) {
        if (line.includes('"level":"error"') || line.includes('"level":"warn"')) daemonErr = (daemonErr + line + '\n').slice(-4000);
        continue;
      }
      let entry: { msg?: string; seq?: number };
      try {
        entry = JSON.parse(line) as { msg?: string; seq?: number };
      } catch {
        continue;
      }
      if (!entry.msg || entry.msg === 'reconcile started' || entry.seq === undefined) continue;
      ends.push({ seq: entry.seq, cpu: cpuMs(pid), msg: entry.msg });
      onEnd?.();
    }
  });
  /** Resolves with the n-th reconcile end (1-based), waiting for it when it has not happened yet. */
  const reconcileEnd = (n: number, timeoutMs: number) =>
    new Promise<{ seq: number; cpu: number; msg: string }>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out waiting for reconcile ${n}\n${daemonErr}`)), timeoutMs);
      const check = () => {
        if (ends.length < n) return;
        clearTimeout(timer);
        onEnd = undefined;
        resolve(ends[n - 1]);
      };
      onEnd = check;
      check();
    });
  const t0 = Date.now();
  const cpu0 = await waitFor('the daemon to answer', async () => ((await fetch(`${url}/v1/ready`)).status > 0 ? cpuMs(pid) : undefined), 120_000);
  const first = await reconcileEnd(1, 900_000);
  const firstMs = Date.now() - t0;
  const cpuFirst = first.cpu - cpu0;
  const drift = await metric(url, 'boreas_drift_resources');
  console.log(
    `  first reconcile (starts ${apps} processes): ${firstMs} ms wall, ${Math.round(cpuFirst)} ms controller CPU; drift after it: ${drift} (${first.msg})`,
  );

  // 4. Baseline: the controller idle between two resyncs (started right after one ended).
  await reconcileEnd(2, resyncMs * 3 + 120_000);
  const idleWindow = Math.min(resyncMs / 2, 2_000);
  const idle0 = cpuMs(pid);
  await new Promise((r) => setTimeout(r, idleWindow));
  const idlePerCycle = ((cpuMs(pid) - idle0) / idleWindow) * resyncMs;

  // 5. The soak: CPU between consecutive resync completions (nothing else asks the daemon anything).
  const perCycle: number[] = [];
  let rssAfter1 = 0;
  let last = (await reconcileEnd(2, 0)).cpu;
  const notConverged: string[] = [];
  for (let c = 1; c <= cycles; c++) {
    const end = await reconcileEnd(2 + c, resyncMs * 3 + 120_000);
    perCycle.push(end.cpu - last);
    last = end.cpu;
    if (end.msg !== 'reconcile finished') notConverged.push(`cycle ${c}: ${end.msg}`);
    if (c === 1) rssAfter1 = rssMb(pid);
  }
  const rssAfterN = rssMb(pid);
  // 6. What one /metrics scrape costs the controller (Prometheus scrapes every 15-60 s), priced
  // right after a cycle: 20 scrapes in a row.
  const scrape0 = cpuMs(pid);
  for (let i = 0; i < 20; i++) await metric(url, 'boreas_reconcile_total');
  const perScrape = (cpuMs(pid) - scrape0) / 20;
  const drift2 = await metric(url, 'boreas_drift_resources');
  console.log(`  baseline: controller CPU idle for one resync interval     ${idlePerCycle.toFixed(1).padStart(8)} ms`);
  console.log(
    `  controller CPU per no-op resync cycle, median            ${median(perCycle).toFixed(1).padStart(8)} ms   (max ${Math.max(...perCycle).toFixed(1)}, ${cycles} cycles)`,
  );
  console.log(`  controller CPU per /metrics scrape (mean of 20)          ${perScrape.toFixed(1).padStart(8)} ms`);
  console.log(`  controller RSS after cycle 1                              ${String(rssAfter1).padStart(8)} MB`);
  console.log(
    `  controller RSS after cycle ${String(cycles).padEnd(4)}                          ${String(rssAfterN).padStart(8)} MB   drift at the end: ${drift2}`,
  );
  if (notConverged.length) console.log(`  NOT CONVERGED: ${notConverged.join('; ')}`);
}

async function cleanup(): Promise<void> {
  const daemon = children.find((c) => c.spawnargs.includes('daemon'));
  daemon?.kill('SIGTERM');
  // A profiled daemon writes its profile on exit: wait for that (bounded).
  if (daemon && cpuProfDir && daemon.exitCode === null) {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, 15_000);
      daemon.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
  await new Promise((r) => setTimeout(r, 500));
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGTERM');
  // The agents leave their instances running on purpose (an agent restart must not stop apps): stop them here.
  for (const w of workDirs) killInstances(w);
  rmSync(dir, { recursive: true, force: true });
}

try {
  await main();
} finally {
  await cleanup();
}

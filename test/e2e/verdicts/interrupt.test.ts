// Issue repro 2, through the real CLI with real processes: `slow` starts listening only when the test
// opens its gate; `after` has dependsOn [slow] and records, when it starts, whether `slow` served.
// SIGINT during the first reconcile's health wait: exit 130, "Interrupted: N done, M not started",
// the state lock released. The rerun must not start `after` before `slow` serves (health is observed
// in this run, whatever the interrupted one did), and converges once it does.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { runCli, spawnCli } from '../../helpers/cli.js';
import { createGitRepo } from '../../helpers/git-repo.js';
import { environmentYaml, freePort } from '../../helpers/local-fleet.js';

// Listens once the file START_GATE exists; logs its start to START_LOG.
const slowJs = `import http from 'node:http';
import { appendFileSync, existsSync } from 'node:fs';
appendFileSync(process.env.START_LOG, 'slow ' + process.pid + '\\n');
const server = http.createServer((req, res) => res.end('slow'));
const timer = setInterval(() => { if (existsSync(process.env.START_GATE)) { clearInterval(timer); server.listen(Number(process.env.BOREAS_PORT_HTTP), '127.0.0.1'); } }, 50);
for (const s of ['SIGTERM', 'SIGINT']) process.on(s, () => process.exit(0));
`;
// On start, asks slow once and logs what it saw ("after up" or "after down"), then serves.
const afterJs = `import http from 'node:http';
import { appendFileSync } from 'node:fs';
let seen = 'down';
try { seen = (await fetch(process.env.SLOW_URL)).ok ? 'up' : 'down'; } catch {}
appendFileSync(process.env.START_LOG, 'after ' + seen + '\\n');
http.createServer((req, res) => res.end('after')).listen(Number(process.env.BOREAS_PORT_HTTP), '127.0.0.1');
for (const s of ['SIGTERM', 'SIGINT']) process.on(s, () => process.exit(0));
`;

function app(name: string, port: number, env: Record<string, string>, dependsOn?: string): string {
  return [
    'apiVersion: boreas.dev/v1',
    'kind: Application',
    `metadata: {name: ${name}}`,
    'spec:',
    '  environment: dev',
    '  runtime: process',
    `  process: {command: node, args: [servers/${name}.mjs]}`,
    `  ports: [{name: http, port: ${port}}]`,
    '  health: {tcp: {port: http}, intervalSeconds: 1, timeoutSeconds: 1}',
    `  env: ${JSON.stringify(env)}`,
    ...(dependsOn ? [`  dependsOn: [${dependsOn}]`] : []),
    '',
  ].join('\n');
}

async function until<T>(what: string, fn: () => Promise<T | undefined | false>, ms = 60_000): Promise<T> {
  for (const deadline = Date.now() + ms; Date.now() < deadline; await new Promise((r) => setTimeout(r, 100))) {
    const v = await fn();
    if (v) return v;
  }
  throw new Error(`timed out waiting for ${what}`);
}

test('repro 2: Ctrl-C during a health wait exits 130 cleanly; the rerun waits for the dependency to serve', { timeout: 300_000 }, async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'boreas-interrupt-'));
  const repo = await createGitRepo();
  const stateDir = join(dir, 'state');
  const state = join(stateDir, 'state.db');
  t.after(async () => {
    await runCli(['down', '--state', state]);
    await repo.cleanup();
    await rm(dir, { recursive: true, force: true });
  });
  const [slowPort, afterPort] = [await freePort(1), await freePort(1)];
  const startLog = join(dir, 'starts.log');
  const gate = join(dir, 'gate');
  await repo.write({
    'environment.yaml': environmentYaml(),
    'servers/slow.mjs': slowJs,
    'servers/after.mjs': afterJs,
    'apps/slow.yaml': app('slow', slowPort, { START_LOG: startLog, START_GATE: gate }),
    'apps/after.yaml': app('after', afterPort, { START_LOG: startLog, SLOW_URL: `http://127.0.0.1:${slowPort}/` }, 'slow'),
  });
  await repo.commit('slow and after');
  const starts = async () => (await readFile(startLog, 'utf8').catch(() => '')).split('\n').filter(Boolean);
  const args = ['reconcile', '--once', '--repo', repo.dir, '--state', state, '--timeout', '120s', '--grace', '1s'];

  // First run: slow has started but does not serve; Ctrl-C while reconcile waits for its health.
  const first = spawnCli(args);
  let out = '';
  first.stdout!.on('data', (d) => (out += d));
  first.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((resolve) => first.on('exit', (code) => resolve(code)));
  await until('slow to start', async () => (await starts()).some((l) => l.startsWith('slow ')));
  first.kill('SIGINT');
  assert.equal(await exited, 130, out);
  assert.match(out, /Interrupted: 0 done, 1 not started; run again to continue\./);
  assert.doesNotMatch(out, /internal error|\n\s+at /);
  assert.equal(existsSync(join(stateDir, 'state.lock')), false, 'the state lock is released');
  assert.ok(!(await starts()).some((l) => l.startsWith('after')), 'after was not started');

  // Rerun: slow is running but still not serving. after must wait for it in this run.
  const rerun = spawnCli(args);
  let rerunOut = '';
  rerun.stdout!.on('data', (d) => (rerunOut += d));
  rerun.stderr!.on('data', (d) => (rerunOut += d));
  const rerunExited = new Promise<number | null>((resolve) => rerun.on('exit', (code) => resolve(code)));
  await until('the rerun to plan', async () => /pass 1: /.test(rerunOut));
  // Long enough for a run that ignores slow's health to have started after (a spawn, milliseconds).
  await new Promise((r) => setTimeout(r, 3000));
  assert.ok(!(await starts()).some((l) => l.startsWith('after')), `after started before slow served:\n${rerunOut}`);
  await writeFile(gate, '');
  assert.equal(await rerunExited, 0, rerunOut);
  assert.match(rerunOut, /Converged/);
  assert.deepEqual(
    (await starts()).filter((l) => l.startsWith('after')),
    ['after up'],
    'after started once, when slow already served',
  );
  assert.equal(await (await fetch(`http://127.0.0.1:${slowPort}/`)).text(), 'slow');
});

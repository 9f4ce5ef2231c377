// `boreas status` and `boreas history` through the real CLI against real local processes and a real
// Git repository: the status JSON carries environment, the last applied revision (short SHA, commit
// subject and author — never a stale `worktree:` id once the change is committed), sync state,
// health, drift and instances with endpoint and pid; a killed process shows as missing, and the run
// that restarts it reads "changed yes" in history although the desired state did not change. The v1
// shape stays under `--output v1-json`; an unknown application exits 1.
import assert from 'node:assert/strict';
import { cpSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { downLocal } from '../../src/targets/local/index.js';
import { runCli } from '../helpers/cli.js';
import { createGitRepo } from '../helpers/git-repo.js';
import { freePort, isAlive, onCleanup, tempDir, waitFor } from '../runtime/helpers.js';

const quickstart = resolve(import.meta.dirname, '../../examples/quickstart');

const app = (name: string, port: number, greeting: string) => `apiVersion: boreas.dev/v1
kind: Application
metadata: {name: ${name}}
spec:
  environment: local
  runtime: process
  version: v1.0.0
  process: {command: node, args: [servers/backend.mjs]}
  ports: [{name: http, port: ${port}}]
  health: {http: {port: http, path: /healthz}, intervalSeconds: 1, timeoutSeconds: 2}
  env: {GREETING: ${greeting}}
`;

interface StatusJson {
  name: string;
  environment: string;
  revision: { sha: string; short: string; subject: string | null; author: string | null; committedAt: string | null; pinned: boolean };
  sync: string;
  health: { status: string; level: number };
  drift: { count: number; resources: Array<{ resource: string; state: string; message: string }> };
  instances: Array<{ instance: string; node: string; version: string; endpoint: string | null; pid: number | null; sync: string; health: { level: number } }>;
}

test('status and history through the CLI: revision with commit, sync, drift, instances; restart reads changed', async (t) => {
  const state = tempDir(t, 'boreas-status-state-');
  onCleanup(t, () => downLocal(state));
  const [apiPort, workerPort] = [await freePort(), await freePort()];
  const repo = await createGitRepo({
    'environment.yaml': readFileSync(join(quickstart, 'environment.yaml'), 'utf8'),
    'api.yaml': app('api', apiPort, 'one'),
    'worker.yaml': app('worker', workerPort, 'one'),
  });
  t.after(() => repo.cleanup());
  cpSync(join(quickstart, 'servers'), join(repo.dir, 'servers'), { recursive: true });
  const first = await repo.commit('First version of api and worker');
  const db = join(state, 'state.db');
  const boreas = (...args: string[]) => runCli([...args, '--state', db]);
  const reconcile = async () => {
    const r = await boreas('reconcile', '--once', '--repo', repo.dir);
    assert.equal(r.code, 0, r.stdout + r.stderr);
  };
  const status = async (name: string): Promise<StatusJson> => {
    const r = await boreas('status', name, '--output', 'json');
    assert.equal(r.code, 0, r.stderr);
    return JSON.parse(r.stdout) as StatusJson;
  };

  await reconcile();
  const api = await status('api');
  assert.equal(api.name, 'api');
  assert.equal(api.environment, 'local');
  assert.deepEqual(api.revision, {
    sha: first,
    short: first.slice(0, 12),
    subject: 'First version of api and worker',
    author: 'Boreas Test',
    committedAt: api.revision.committedAt,
    pinned: false,
  });
  assert.match(String(api.revision.committedAt), /^\d{4}-\d\d-\d\dT/);
  assert.equal(api.sync, 'in-sync');
  assert.deepEqual(api.health, { status: 'Healthy', level: 100 });
  assert.deepEqual(api.drift, { count: 0, resources: [] });
  assert.equal(api.instances.length, 1);
  const inst = api.instances[0];
  assert.deepEqual(
    [inst.instance, inst.node, inst.version, inst.endpoint, inst.sync, inst.health.level],
    ['api-0', 'local', 'v1.0.0', `127.0.0.1:${apiPort}`, 'in-sync', 100],
  );
  assert.ok(inst.pid && isAlive(inst.pid), `pid ${inst.pid} is the running instance`);

  // An uncommitted change to worker is reconciled from the working tree, then committed: the next
  // reconcile has nothing to do, and api (untouched by both) shows the new commit, not the worktree id.
  await repo.write({ 'worker.yaml': app('worker', workerPort, 'two') });
  await reconcile();
  assert.match((await status('api')).revision.sha, /^worktree:/);
  const second = await repo.commit('Worker says two');
  await reconcile();
  const all = await boreas('status', '--output', 'json');
  const list = (JSON.parse(all.stdout) as { applications: StatusJson[] }).applications;
  assert.deepEqual(
    list.map((a) => [a.name, a.revision.short, a.revision.subject]),
    [
      ['api', second.slice(0, 12), 'Worker says two'],
      ['worker', second.slice(0, 12), 'Worker says two'],
    ],
  );
  const text = await boreas('status');
  assert.match(text.stdout, new RegExp(`^api\\s+local\\s+${second.slice(0, 12)}\\s+in sync\\s+100\\s+1/1 healthy`, 'm'));
  assert.ok(text.stdout.includes(`api (local @ ${second.slice(0, 12)} "Worker says two" by Boreas Test): in sync, health 100 Healthy`), text.stdout);

  // Drift: the process is killed. status says missing, with why; reconcile restarts it.
  process.kill(inst.pid!, 'SIGKILL');
  await waitFor('api gone', () => !isAlive(inst.pid!));
  const killed = await status('api');
  assert.equal(killed.sync, 'missing');
  assert.equal(killed.instances[0].sync, 'missing');
  assert.equal(killed.drift.count, 1);
  assert.match(killed.drift.resources[0].message, new RegExp(`process exited \\(pid ${inst.pid} not running\\)`));
  assert.notEqual(killed.health.status, 'Healthy');
  await reconcile();
  const healed = await status('api');
  assert.equal(healed.sync, 'in-sync');
  assert.notEqual(healed.instances[0].pid, inst.pid);

  const history = await boreas('history', 'api');
  assert.equal(history.code, 0, history.stderr);
  const rows = history.stdout.trimEnd().split('\n');
  assert.match(rows[1], /^REVISION\s+SUBJECT\s+AUTHOR\s+RUN\s+RESULT\s+AT\s+CHANGED$/);
  // Newest first: the restart (same desired state, a new process) and the first apply both changed something.
  assert.match(rows[2], new RegExp(`^${second.slice(0, 12)}\\s+Worker says two\\s+Boreas Test\\s+\\d+\\s+succeeded\\s+\\S+\\s+yes \\(1\\)$`));
  assert.match(rows[3], new RegExp(`^${first.slice(0, 12)}\\s+First version of api and worker\\s+Boreas Test\\s+\\d+\\s+succeeded\\s+\\S+\\s+yes \\(\\d+\\)$`));
  assert.equal(rows.length, 4, history.stdout);
  const historyJson = JSON.parse((await boreas('history', 'api', '--output', 'json')).stdout) as Array<{
    changed: boolean;
    desiredHash: string;
    revision: { author: string };
  }>;
  assert.equal(historyJson[0].desiredHash, historyJson[1].desiredHash, 'the restart did not change the desired state');
  assert.equal(historyJson[0].changed, true);
  assert.equal(historyJson[0].revision.author, 'Boreas Test');

  // The v1 shape, and the documented exit codes.
  const v1 = await boreas('status', 'api', '--output', 'v1-json');
  assert.deepEqual(JSON.parse(v1.stdout), {
    app: 'api',
    healthy: { level: 100 },
    versions: [{ version: 'v1.0.0', percent: 100, healthy: { level: 100 }, nodes: [{ node: 'local', healthy: { level: 100 } }] }],
  });
  const unknown = await boreas('status', 'nope');
  assert.equal(unknown.code, 1);
  assert.match(unknown.stderr, /application "nope" is not in the state file/);
  assert.doesNotMatch(unknown.stderr, /\n\s+at /);
  assert.equal((await boreas('history', 'nope')).code, 1);
});

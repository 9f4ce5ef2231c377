// Several `boreas daemon` replicas sharing one PostgreSQL state (docs/ha.md), through the real CLI:
// three replicas, a throwaway PostgreSQL, two real agents, four `pm` environments. Each environment
// has exactly one owner in /api/v1/cluster; kill -9 of env-1's owner → a survivor owns it within
// 20 s and a new commit to env-1 is applied exactly once, the other environments undisturbed;
// SIGSTOP of env-2's owner past its lease, another takes over and applies a commit, SIGCONT → the
// old owner starts nothing; a fourth replica joins → environments rebalance, never two owners.
// Heartbeat 500 ms and lease TTL 3 s keep it short (the defaults, 2 s / 10 s, are measured by
// scripts/bench/replicas.ts).
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { assign } from '../../src/daemon/cluster/rendezvous.js';
import { http, waitFor } from '../daemon/daemon-process.js';
import { AgentProcess, agentDirs, killInstances } from '../helpers/agent.js';
import { spawnCli } from '../helpers/cli.js';
import { httpApp } from '../helpers/local-fleet.js';
import { createGitRepo, type GitRepo } from '../helpers/git-repo.js';
import { freePort } from '../helpers/ports.js';
import { postgresSkipReason, startPostgres, type TestPostgres } from '../helpers/postgres.js';
import type { ClusterView } from '../../src/daemon/http/api.js';

const envs = ['env-1', 'env-2', 'env-3', 'env-4'];
const nodeOf = (env: string) => (env === 'env-1' || env === 'env-3' ? 'node-a' : 'node-b');

interface Replica {
  id: string;
  port: number;
  child: ChildProcess;
  log: string;
}

test('three replicas share a PostgreSQL state: one owner per environment, failover, fencing, rebalance', {
  skip: postgresSkipReason(),
  timeout: 240_000,
}, async (t) => {
  let pg: TestPostgres;
  try {
    pg = await startPostgres();
  } catch (err) {
    t.skip((err as Error).message.split('\n')[0]);
    return;
  }
  const tmp = await mkdtemp(join(tmpdir(), 'boreas-replicas-'));
  const agents = [new AgentProcess('node-a', agentDirs('node-a')), new AgentProcess('node-b', agentDirs('node-b'))];
  const replicas: Replica[] = [];
  let repo: GitRepo | undefined;
  t.after(async () => {
    for (const r of replicas) {
      if (r.child.exitCode === null && r.child.signalCode === null) {
        r.child.kill('SIGCONT');
        r.child.kill('SIGKILL');
      }
    }
    for (const a of agents) {
      await a.stop();
      killInstances(a.dirs.workDir);
      (a.dirs as ReturnType<typeof agentDirs>).cleanup();
    }
    await pg.stop();
    await repo?.cleanup();
    await rm(tmp, { recursive: true, force: true });
  });
  for (const a of agents) await a.start();

  const ports = await freePort(envs.length);
  const startLog = (env: string, version: string) => join(tmp, `starts-${env}-${version}.log`);
  const starts = (env: string, version: string) =>
    existsSync(startLog(env, version)) ? readFileSync(startLog(env, version), 'utf8').trim().split('\n').filter(Boolean).length : 0;
  const portOf = (env: string) => ports + envs.indexOf(env);
  const manifests = (versions: Record<string, string>) => {
    const files: Record<string, string> = {};
    for (const a of agents)
      files[`manifests/${a.node}.yaml`] =
        `apiVersion: boreas.dev/v1\nkind: Node\nmetadata: {name: ${a.node}}\nspec:\n  address: ${a.url.replace('http://', '')}\n  tokenFrom: {file: ${a.dirs.tokenFile}}\n`;
    for (const env of envs) {
      const v = versions[env] ?? 'v1';
      files[`manifests/${env}.yaml`] = [
        `apiVersion: boreas.dev/v1\nkind: Environment\nmetadata: {name: ${env}}\nspec: {type: pm, nodes: [${nodeOf(env)}]}\n---`,
        'apiVersion: boreas.dev/v1',
        'kind: Application',
        `metadata: {name: app-${env}}`,
        'spec:',
        `  environment: ${env}`,
        '  runtime: process',
        `  version: ${v}`,
        `  process: {command: ${process.execPath}, args: [${JSON.stringify(httpApp)}]}`,
        `  ports: [{name: http, port: ${portOf(env)}}]`,
        '  health: {http: {port: http, path: /healthz}, intervalSeconds: 1, timeoutSeconds: 1}',
        `  env: {START_LOG: ${JSON.stringify(startLog(env, v))}}`,
        '',
      ].join('\n');
    }
    return files;
  };
  repo = await createGitRepo(manifests({}));

  const startReplica = async (id: string): Promise<Replica> => {
    const port = await freePort(1);
    const child = spawnCli(
      [
        'daemon',
        '--repo',
        repo!.dir,
        '--ref',
        'main',
        '--path',
        'manifests',
        '--state',
        pg.url,
        '--replica-id',
        id,
        '--listen',
        `127.0.0.1:${port}`,
        '--interval',
        '500ms',
        '--resync',
        '1h',
        '--heartbeat',
        '500ms',
        '--lease-ttl',
        '3s',
        '--log-format',
        'json',
      ],
      { env: { BOREAS_DATA_DIR: join(tmp, id), BOREAS_STATE_KEY: 'replicas-test-state-key' } },
    );
    const r: Replica = { id, port, child, log: '' };
    child.stdout!.on('data', (c: Buffer) => (r.log += c.toString()));
    child.stderr!.on('data', (c: Buffer) => (r.log += c.toString()));
    replicas.push(r);
    await waitFor(`replica ${id} to answer`, async () => (await http(`http://127.0.0.1:${port}/v1/health`)).status === 200, 60_000);
    return r;
  };
  const clusterOf = async (r: Replica): Promise<ClusterView> => (await http(`http://127.0.0.1:${r.port}/api/v1/cluster`)).json;
  const owners = (view: ClusterView) => {
    const out = new Map<string, string[]>();
    for (const rep of view.replicas) for (const e of rep.environments) out.set(e, [...(out.get(e) ?? []), rep.id]);
    return out;
  };
  const app = async (env: string) => (await http(`http://127.0.0.1:${portOf(env)}/`)).json as { pid: number; version: string } | undefined;
  const allServing = async (versions: Record<string, string>) => {
    for (const env of envs) if ((await app(env).catch(() => undefined))?.version !== (versions[env] ?? 'v1')) return false;
    return true;
  };

  const [r1, r2, r3] = [await startReplica('r1'), await startReplica('r2'), await startReplica('r3')];
  const live = () => replicas.filter((r) => r.child.exitCode === null && r.child.signalCode === null);

  // 1. Every environment has exactly one owner (the one the hash says, once the replicas that started
  // first have handed over), the same view from every replica, and all converge.
  const settled = assign(envs, ['r1', 'r2', 'r3']);
  const first = await waitFor(
    'every environment to have its one owner',
    async () => {
      const view = await clusterOf(r1);
      const o = owners(view);
      for (const e of envs) assert.ok((o.get(e)?.length ?? 0) <= 1, `${e} has one owner (${o.get(e)?.join(', ')})`);
      return view.replicas.length === 3 && envs.every((e) => o.get(e)?.[0] === settled.get(e)) && view;
    },
    30_000,
  );
  for (const r of [r2, r3]) {
    const view = await clusterOf(r);
    assert.equal(view.self, r.id);
    assert.deepEqual(owners(view), owners(first), `${r.id} sees the same owners`);
  }
  // The dashboard's first paint lists the replicas and what each owns (server-rendered, no script).
  const page = await (await fetch(`http://127.0.0.1:${r2.port}/`)).text();
  const replicaSection = page.slice(page.indexOf('<h2>Replicas</h2>'), page.indexOf('<h2>Recent reconciles</h2>'));
  for (const r of first.replicas) {
    assert.ok(replicaSection.includes(`<b>${r.id}</b>`), `dashboard lists replica ${r.id}`);
    for (const e of r.environments) assert.ok(replicaSection.includes(e), `dashboard shows ${e} on ${r.id}`);
  }
  assert.match(replicaSection, /<b>r2<\/b> <span class="muted">\(this one\)/);
  await waitFor('all four applications serving v1', () => allServing({}), 60_000);
  for (const env of envs) assert.equal(starts(env, 'v1'), 1, `${env} started once`);

  // 2. kill -9 of env-1's owner: a survivor owns env-1 within 20 s; a new commit is applied once.
  const victimId = owners(first).get('env-1')![0];
  const victim = replicas.find((r) => r.id === victimId)!;
  const pidsBefore = Object.fromEntries(await Promise.all(envs.map(async (e) => [e, (await app(e))!.pid] as const)));
  const killedAt = Date.now();
  victim.child.kill('SIGKILL');
  const survivor = live().find((r) => r !== victim)!;
  const newOwner = await waitFor(
    'a survivor to own env-1',
    async () => {
      const o = owners(await clusterOf(survivor)).get('env-1');
      return o?.length === 1 && o[0] !== victimId && o[0];
    },
    20_000,
  );
  const takeoverMs = Date.now() - killedAt;
  assert.ok(takeoverMs < 20_000, `takeover took ${takeoverMs} ms`);
  t.diagnostic(`kill -9 → env-1 owned by ${newOwner} after ${takeoverMs} ms (lease TTL 3 s)`);
  await repo.write(manifests({ 'env-1': 'v2' }));
  await repo.commit('env-1 v2');
  await waitFor('env-1 serving v2', async () => (await app('env-1').catch(() => undefined))?.version === 'v2', 30_000);
  await new Promise((r) => setTimeout(r, 1500)); // a second apply would show here
  assert.equal(starts('env-1', 'v2'), 1, 'the new commit is applied exactly once');
  for (const env of ['env-2', 'env-3', 'env-4']) {
    assert.equal((await app(env))!.pid, pidsBefore[env], `${env} undisturbed`);
    assert.equal(starts(env, 'v1'), 1, `${env} not restarted`);
  }

  // 3. SIGSTOP env-2's owner past its lease; another replica takes over and applies a commit; SIGCONT.
  const view2 = await clusterOf(survivor);
  const frozenId = owners(view2).get('env-2')![0];
  const frozen = replicas.find((r) => r.id === frozenId)!;
  const watcher = live().find((r) => r !== frozen)!;
  frozen.child.kill('SIGSTOP');
  await waitFor(
    'another replica to own env-2',
    async () => {
      const o = owners(await clusterOf(watcher)).get('env-2');
      return o?.length === 1 && o[0] !== frozenId;
    },
    20_000,
  );
  await repo.write(manifests({ 'env-1': 'v2', 'env-2': 'v2' }));
  await repo.commit('env-2 v2');
  await waitFor('env-2 serving v2', async () => (await app('env-2').catch(() => undefined))?.version === 'v2', 30_000);
  const logBefore = frozen.log.length;
  frozen.child.kill('SIGCONT');
  await waitFor('the resumed replica to rejoin', async () => (await clusterOf(watcher)).replicas.some((r) => r.id === frozenId), 20_000);
  await waitFor(
    'every environment to have one owner again',
    async () => {
      const o = owners(await clusterOf(watcher));
      return envs.every((e) => o.get(e)?.length === 1);
    },
    20_000,
  );
  await new Promise((r) => setTimeout(r, 2000));
  const after = frozen.log.slice(logBefore);
  assert.doesNotMatch(after, /"msg":"task started"/, 'the old owner starts no task after it resumes');
  assert.match(after, /lease lost|LeaseLost|may not write/, 'the resumed replica learns it lost its lease');
  assert.equal(starts('env-2', 'v2'), 1, 'env-2 v2 applied exactly once');
  assert.equal(starts('env-2', 'v1'), 1, 'the old version is not started again');

  // 4. A fourth replica joins: environments rebalance by the hash, never two owners at once.
  const liveIds = live().map((r) => r.id);
  const joinerId = ['r4', 'r5', 'r6', 'r7', 'r8', 'r9'].find((id) => envs.some((e) => assign(envs, [...liveIds, id]).get(e) === id))!;
  const joining = startReplica(joinerId);
  let samples = 0;
  let moved = false;
  const observer = live()[0];
  while (!moved) {
    const view = await clusterOf(observer);
    samples++;
    for (const [env, who] of owners(view)) assert.equal(who.length, 1, `${env} has one owner (${who.join(', ')})`);
    moved = view.replicas.some((r) => r.id === joinerId && r.environments.length > 0);
    if (samples > 400) assert.fail('the new replica never got an environment');
    await new Promise((r) => setTimeout(r, 50));
  }
  await joining;
  const final = owners(await clusterOf(observer));
  const expected = assign(envs, [...liveIds, joinerId]);
  await waitFor('the hash assignment over four replicas', async () => {
    const o = owners(await clusterOf(observer));
    return envs.every((e) => o.get(e)?.[0] === expected.get(e));
  });
  t.diagnostic(`after the join: ${[...final].map(([e, o]) => `${e}→${o}`).join(' ')}`);
  assert.ok(await allServing({ 'env-1': 'v2', 'env-2': 'v2' }), 'everything still serves after the rebalance');
});

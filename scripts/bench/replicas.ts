// Benchmark: several `boreas daemon` replicas on one PostgreSQL state (docs/ha.md), real processes:
// a throwaway PostgreSQL, two pull-less agents, N `pm` environments with one supervised process each.
// Prints, for 3 replicas × 30 environments by default:
//   - shard sizes (max/min, the issue asks ≤ 1.5) as /api/v1/cluster shows them;
//   - environments moved when a 4th replica joins (expected ≈ 1/4);
//   - takeover time after kill -9 of a replica, with the default heartbeat 2 s / lease TTL 10 s;
//   - reconcile throughput (environments applied per second after a commit touching all of them)
//     with 1 replica — the baseline, measured in the same run — and with 3.
//   node --import tsx scripts/bench/replicas.ts [--environments 30]
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assign } from '../../src/daemon/cluster/rendezvous.js';
import { http, waitFor } from '../../test/daemon/daemon-process.js';
import { AgentProcess, agentDirs, killInstances } from '../../test/helpers/agent.js';
import { spawnCli } from '../../test/helpers/cli.js';
import { createGitRepo } from '../../test/helpers/git-repo.js';
import { freePort } from '../../test/helpers/ports.js';
import { startPostgres } from '../../test/helpers/postgres.js';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const count = arg('environments', 30);
const envs = Array.from({ length: count }, (_, i) => `env-${String(i + 1).padStart(2, '0')}`);

type View = { replicas: Array<{ id: string; environments: string[] }> };
interface Replica {
  id: string;
  port: number;
  child: ChildProcess;
}

const pg = await startPostgres();
const tmp = await mkdtemp(join(tmpdir(), 'boreas-bench-replicas-'));
const agents = [new AgentProcess('node-a', agentDirs('node-a')), new AgentProcess('node-b', agentDirs('node-b'))];
const replicas: Replica[] = [];
try {
  for (const a of agents) await a.start();
  const manifests = (version: string) => {
    const files: Record<string, string> = {};
    for (const a of agents)
      files[`manifests/${a.node}.yaml`] =
        `apiVersion: boreas.dev/v1\nkind: Node\nmetadata: {name: ${a.node}}\nspec:\n  address: ${a.url.replace('http://', '')}\n  tokenFrom: {file: ${a.dirs.tokenFile}}\n`;
    envs.forEach((env, i) => {
      files[`manifests/${env}.yaml`] = [
        `apiVersion: boreas.dev/v1\nkind: Environment\nmetadata: {name: ${env}}\nspec: {type: pm, nodes: [${agents[i % 2].node}]}\n---`,
        'apiVersion: boreas.dev/v1',
        'kind: Application',
        `metadata: {name: app-${env}}`,
        'spec:',
        `  environment: ${env}`,
        '  runtime: process',
        `  version: ${version}`,
        "  process: {command: /bin/sleep, args: ['100000']}",
        '',
      ].join('\n');
    });
    return files;
  };
  const repo = await createGitRepo(manifests('v1'));

  const start = async (id: string, defaults = false): Promise<Replica> => {
    const port = await freePort(1);
    const timing = defaults ? [] : ['--heartbeat', '500ms', '--lease-ttl', '3s'];
    const child = spawnCli(
      ['daemon', '--repo', repo.dir, '--ref', 'main', '--path', 'manifests', '--state', pg.url, '--replica-id', id, '--listen', `127.0.0.1:${port}`].concat(
        ['--interval', '300ms', '--resync', '1h', '--log-level', 'error'],
        timing,
      ),
      { env: { BOREAS_DATA_DIR: join(tmp, id), BOREAS_STATE_KEY: 'bench-state-key' } },
    );
    child.stdout?.resume();
    child.stderr?.resume();
    const r = { id, port, child };
    replicas.push(r);
    await waitFor(`replica ${id}`, async () => (await http(`http://127.0.0.1:${port}/v1/health`).catch(() => undefined))?.status === 200, 60_000);
    return r;
  };
  const stop = async (r: Replica, signal: NodeJS.Signals = 'SIGTERM') => {
    const exited = new Promise((res) => r.child.once('exit', res));
    r.child.kill(signal);
    await exited;
    replicas.splice(replicas.indexOf(r), 1);
  };
  const view = async (r: Replica): Promise<View> => (await http(`http://127.0.0.1:${r.port}/api/v1/cluster`)).json;
  const owners = (v: View) => new Map(v.replicas.flatMap((r) => r.environments.map((e) => [e, r.id] as const)));
  /** Seconds from now until every environment recorded a successful run of `sha`. */
  const applied = async (sha: string) => {
    const t0 = performance.now();
    await waitFor(
      `all ${count} environments applied ${sha.slice(0, 8)}`,
      async () => Number(await pg.sql(`SELECT count(DISTINCT application) FROM app_revisions WHERE revision = '${sha}' AND result = 'succeeded'`)) >= count,
      600_000,
      200,
    );
    return (performance.now() - t0) / 1000;
  };
  const commitAll = async (version: string) => {
    await repo.write(manifests(version));
    return repo.commit(`all ${version}`);
  };

  // Baseline: one replica owns everything.
  const solo = await start('r1');
  await applied(await repo.revParse('HEAD'));
  const oneS = await applied(await commitAll('v2'));
  await stop(solo);

  // Three replicas.
  const three = [await start('r1'), await start('r2'), await start('r3')];
  const settled = await waitFor(
    'one owner per environment',
    async () => {
      const o = owners(await view(three[0]));
      return envs.every((e) => o.get(e) === assign(envs, ['r1', 'r2', 'r3']).get(e)) && o;
    },
    60_000,
  );
  const sizes = ['r1', 'r2', 'r3'].map((id) => [...settled.values()].filter((o) => o === id).length);
  const threeS = await applied(await commitAll('v3'));

  // A fourth replica joins.
  await start('r4');
  const after = await waitFor(
    'the assignment over four replicas',
    async () => {
      const o = owners(await view(three[0]));
      return envs.every((e) => o.get(e) === assign(envs, ['r1', 'r2', 'r3', 'r4']).get(e)) && o;
    },
    60_000,
  );
  const moved = envs.filter((e) => settled.get(e) !== after.get(e)).length;
  for (const r of [...replicas]) await stop(r);

  // Takeover with the default heartbeat and lease TTL: kill -9 one of three.
  const d = [await start('d1', true), await start('d2', true), await start('d3', true)];
  const before = await waitFor(
    'one owner per environment (defaults)',
    async () => {
      const o = owners(await view(d[0]));
      return envs.every((e) => o.get(e) === assign(envs, ['d1', 'd2', 'd3']).get(e)) && o;
    },
    60_000,
  );
  const victimEnvs = envs.filter((e) => before.get(e) === 'd3');
  const killedAt = performance.now();
  await stop(d[2], 'SIGKILL');
  await waitFor(
    'survivors to own the dead replica’s environments',
    async () => {
      const o = owners(await view(d[0]));
      return victimEnvs.every((e) => o.get(e) === 'd1' || o.get(e) === 'd2');
    },
    60_000,
    100,
  );
  const takeoverS = (performance.now() - killedAt) / 1000;

  const f = (n: number) => n.toFixed(2);
  console.log(`replicas bench: ${count} pm environments, 2 agents, PostgreSQL on 127.0.0.1`);
  console.log(`shard sizes over 3 replicas:        ${sizes.join(' / ')}  max/min ${f(Math.max(...sizes) / Math.max(1, Math.min(...sizes)))} (goal ≤ 1.5)`);
  console.log(`moved when a 4th replica joined:    ${moved} of ${count} (${f(moved / count)}; expected ≈ 0.25)`);
  console.log(`takeover after kill -9 (2 s / 10 s): ${f(takeoverS)} s for ${victimEnvs.length} environments (goal ≤ 20 s)`);
  console.log(`commit → all applied, 1 replica:    ${f(oneS)} s  (${f(count / oneS)} environments/s, baseline)`);
  console.log(`commit → all applied, 3 replicas:   ${f(threeS)} s  (${f(count / threeS)} environments/s, ×${f(oneS / threeS)})`);
} finally {
  for (const r of replicas) r.child.kill('SIGKILL');
  for (const a of agents) {
    await a.stop();
    killInstances(a.dirs.workDir);
    (a.dirs as ReturnType<typeof agentDirs>).cleanup();
  }
  await pg.stop();
  await rm(tmp, { recursive: true, force: true });
}

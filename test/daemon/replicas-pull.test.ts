// Pull-mode agents with several replicas (docs/ha.md): the agent polls the replica that does NOT own
// its environment; the owner queues the task in PostgreSQL under its lease, the other replica hands
// it to the agent, the report travels back through the table. The task is queued and run once.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { assign } from '../../src/daemon/cluster/rendezvous.js';
import { resolveDaemonConfig, startDaemon, type RunningDaemon } from '../../src/daemon/index.js';
import { silentLogger } from '../../src/util/logger.js';
import { AgentProcess, agentDirs, killInstances } from '../helpers/agent.js';
import { createGitRepo } from '../helpers/git-repo.js';
import { httpApp } from '../helpers/local-fleet.js';
import { freePort } from '../helpers/ports.js';
import { postgresSkipReason, startPostgres, type TestPostgres } from '../helpers/postgres.js';
import { http, waitFor } from './daemon-process.js';

test('a pull-mode agent polling a replica that does not own its environment gets the task exactly once', {
  skip: postgresSkipReason(),
  timeout: 120_000,
}, async (t) => {
  let pg: TestPostgres;
  try {
    pg = await startPostgres();
  } catch (err) {
    t.skip((err as Error).message.split('\n')[0]);
    return;
  }
  const tmp = await mkdtemp(join(tmpdir(), 'boreas-replicas-pull-'));
  const dirs = agentDirs('pull-1');
  const port = await freePort(1);
  const startLog = join(tmp, 'starts.log');
  const repo = await createGitRepo({
    'manifests/env.yaml': 'apiVersion: boreas.dev/v1\nkind: Environment\nmetadata: {name: env-p}\nspec: {type: pm, nodes: [pull-1]}\n',
    'manifests/node.yaml': 'apiVersion: boreas.dev/v1\nkind: Node\nmetadata: {name: pull-1}\nspec: {}\n',
    'manifests/app.yaml': [
      'apiVersion: boreas.dev/v1',
      'kind: Application',
      'metadata: {name: app-p}',
      'spec:',
      '  environment: env-p',
      '  runtime: process',
      '  version: v1',
      `  process: {command: ${process.execPath}, args: [${JSON.stringify(httpApp)}]}`,
      `  ports: [{name: http, port: ${port}}]`,
      '  health: {http: {port: http, path: /healthz}, intervalSeconds: 1, timeoutSeconds: 1}',
      `  env: {START_LOG: ${JSON.stringify(startLog)}}`,
      '',
    ].join('\n'),
  });
  const daemons: RunningDaemon[] = [];
  let agent: AgentProcess | undefined;
  t.after(async () => {
    // The daemons first, while the agent still polls: a polling agent must not hold a stop open.
    await Promise.all(daemons.map((d) => d.stop()));
    await agent?.stop();
    killInstances(dirs.workDir);
    await pg.stop();
    await repo.cleanup();
    dirs.cleanup();
    await rm(tmp, { recursive: true, force: true });
  });
  await writeFile(join(tmp, 'pull-1.token'), dirs.token + '\n');
  for (const id of ['ra', 'rb']) {
    await writeFile(
      join(tmp, `${id}.yaml`),
      `repo: ${repo.dir}\npath: manifests\nstate: ${pg.url}\nlisten: 127.0.0.1:0\ninterval: 1h\nresync: 1s\nreplicaId: ${id}\nheartbeat: 300ms\nleaseTtl: 2s\nagentTokens:\n  pull-1: pull-1.token\n`,
    );
    process.env.BOREAS_DATA_DIR = join(tmp, id);
    daemons.push(await startDaemon(resolveDaemonConfig({ config: join(tmp, `${id}.yaml`) }), silentLogger));
  }
  delete process.env.BOREAS_DATA_DIR;
  const owner = assign(['env-p'], ['ra', 'rb']).get('env-p')!;
  const other = daemons[owner === 'ra' ? 1 : 0];
  const cluster = async () => (await http(`http://127.0.0.1:${other.address.port}/api/v1/cluster`)).json;
  await waitFor('the owner to hold env-p', async () => (await cluster()).replicas.find((r: { id: string }) => r.id === owner)?.environments.includes('env-p'));

  agent = new AgentProcess('pull-1', dirs, ['--controller-url', `http://127.0.0.1:${other.address.port}`]);
  await agent.start();
  await waitFor('app-p serving', async () => (await http(`http://127.0.0.1:${port}/`).catch(() => undefined))?.json?.version === 'v1', 60_000);
  await new Promise((r) => setTimeout(r, 1500)); // more resyncs: nothing runs twice

  const rows = (await pg.sql("SELECT enqueued_by || ' ' || state || ' ' || environment FROM cluster_pull_tasks WHERE task LIKE '%\"StartInstance\"%'"))
    .split('\n')
    .filter(Boolean);
  assert.deepEqual(rows, [`${owner} done env-p`], 'queued once, by the owner, under its lease, and finished');
  assert.equal(existsSync(startLog) ? readFileSync(startLog, 'utf8').trim().split('\n').length : 0, 1, 'started exactly once');
  const nodes = (await http(`http://127.0.0.1:${daemons[owner === 'ra' ? 0 : 1].address.port}/api/v1/nodes`)).json.nodes;
  assert.equal(nodes[0].node, 'pull-1');
});

// Pull-mode agents (docs/design.md, Agent protocol) on the controller side: per-node bearer tokens, heartbeat, long
// poll, report. The agent side here is a real poll loop around the agent's own handleTask, writing a
// real file, which is how `boreas agent` plugs into these endpoints.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveDaemonConfig, startDaemon, type RunningDaemon } from '../../src/daemon/index.js';
import { handleTask } from '../../src/agent/tasks/handle.js';
import { AgentState } from '../../src/agent/state/agent-state.js';
import { defaultAgentConfig, resolveAgentConfig } from '../../src/agent/config.js';
import { defaultRunners } from '../../src/agent/server.js';
import type { AgentContext } from '../../src/agent/context.js';
import type { AgentTask } from '../../src/protocol/tasks.js';
import { silentLogger } from '../../src/util/logger.js';
import { createGitRepo } from '../helpers/git-repo.js';
import { http } from './daemon-process.js';

const token = 'node-1-token-abcdef';

test('agent pull mode: token per node, heartbeat, long poll, handleTask, report settles the dispatch', { timeout: 60_000 }, async (t) => {
  const tmp = await mkdtemp(join(tmpdir(), 'boreas-daemon-pull-'));
  const repo = await createGitRepo({
    'manifests/environment.yaml': 'apiVersion: boreas.dev/v1\nkind: Environment\nmetadata:\n  name: local\nspec:\n  type: local\n',
  });
  await repo.commit('env only');
  let daemon: RunningDaemon | undefined;
  const agentState = new AgentState(':memory:');
  t.after(async () => {
    await daemon?.stop();
    agentState.close?.();
    await repo.cleanup();
    await rm(tmp, { recursive: true, force: true });
  });
  await writeFile(join(tmp, 'node-1.token'), token + '\n');
  await writeFile(join(tmp, 'node-2.token'), 'node-2-token-xyz\n');
  await writeFile(
    join(tmp, 'boreas.yaml'),
    `repo: ${repo.dir}\npath: manifests\nstate: state.db\nlisten: 127.0.0.1:0\ninterval: 1h\nresync: 1h\nagentTokens:\n  node-1: node-1.token\n  node-2: node-2.token\n`,
  );
  daemon = await startDaemon(resolveDaemonConfig({ config: join(tmp, 'boreas.yaml') }), silentLogger);
  const base = `http://127.0.0.1:${daemon.address.port}`;
  const post = (path: string, body: unknown, bearer = token) =>
    http(`${base}${path}`, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json', authorization: `Bearer ${bearer}` } });

  // Auth: wrong token, another node's token, unknown node, no token → 401; bad body → 400.
  assert.equal((await post('/agent/heartbeat', { nodeId: 'node-1' }, 'wrong')).status, 401);
  assert.equal((await post('/agent/heartbeat', { nodeId: 'node-1' }, 'node-2-token-xyz')).status, 401);
  assert.equal((await post('/agent/heartbeat', { nodeId: 'node-9' })).status, 401);
  assert.equal((await http(`${base}/agent/heartbeat`, { method: 'POST', body: JSON.stringify({ nodeId: 'node-1' }) })).status, 401);
  assert.equal((await post('/agent/tasks/poll', { nodeId: 'node-1', maxTasks: 99 })).status, 400);

  const hb = await post('/agent/heartbeat', { nodeId: 'node-1', agentVersion: '0.1.0', timestamp: Date.now(), capabilities: { systemd: false, nginx: false } });
  assert.equal(hb.status, 200);
  assert.equal(typeof hb.json.nextPollIntervalMs, 'number');
  assert.ok(Date.parse(hb.json.serverTime) > 0);
  const nodes = (await http(`${base}/api/v1/nodes`)).json.nodes;
  assert.equal(nodes.find((n: { node: string }) => n.node === 'node-1').heartbeat.agentVersion, '0.1.0');

  // Nothing queued: an empty poll.
  assert.deepEqual((await post('/agent/tasks/poll', { nodeId: 'node-1' })).json, { tasks: [] });

  // The agent: a long-poll loop that runs each task with the agent's own handleTask and reports it.
  const filesDir = join(tmp, 'node-files');
  await mkdir(filesDir);
  const config = resolveAgentConfig(defaultAgentConfig(), { nodeName: 'node-1', workDir: join(tmp, 'agent'), allowedRoots: [filesDir] });
  const agent: AgentContext = { config, state: agentState, runners: defaultRunners(config), log: silentLogger, startedAt: new Date(), baseDir: config.workDir };
  let stop = false;
  const ran: string[] = [];
  const loop = (async () => {
    while (!stop) {
      const polled = await post('/agent/tasks/poll', { nodeId: 'node-1', maxTasks: 5, waitMs: 500 });
      for (const task of polled.json.tasks as AgentTask[]) {
        ran.push(task.taskId);
        const result = await handleTask(agent, task);
        await post('/agent/tasks/report', { nodeId: 'node-1', ...result });
      }
    }
  })();

  const task: AgentTask = {
    taskId: 't-1',
    idempotencyKey: 'k-1',
    type: 'ApplyConfigFiles',
    payload: { files: [{ path: join(filesDir, 'app.yaml'), content: 'greeting: hi\n', mode: '0640' }] },
  };
  const result = await daemon.ctx.hub!.dispatch('node-1', task, 20_000);
  assert.equal(result.status, 'succeeded', JSON.stringify(result));
  assert.equal(await readFile(join(filesDir, 'app.yaml'), 'utf8'), 'greeting: hi\n');

  // The same idempotency key again (a controller restart re-dispatching): replayed, not re-run.
  const again = await daemon.ctx.hub!.dispatch('node-1', { ...task, taskId: 't-2' }, 20_000);
  assert.equal(again.status, 'succeeded');
  assert.equal((again as { replayed?: boolean }).replayed, true);

  // A failing task comes back as failed with the agent's message (path outside the allowed roots).
  const refused = await daemon.ctx.hub!.dispatch(
    'node-1',
    { taskId: 't-3', type: 'ApplyConfigFiles', payload: { files: [{ path: '/etc/boreas-not-allowed.conf', content: 'x' }] } },
    20_000,
  );
  assert.equal(refused.status, 'failed');
  assert.match(refused.errorMessage ?? '', /allowed/i);

  // node-2's tasks are never handed to node-1; a report for someone else's task is not accepted.
  const forNode2 = daemon.ctx.hub!.dispatch(
    'node-2',
    { taskId: 't-4', type: 'ApplyConfigFiles', payload: { files: [{ path: join(filesDir, 'x'), content: 'x' }] } },
    3_000,
  );
  await new Promise((r) => setTimeout(r, 1200));
  assert.ok(!ran.includes('t-4'));
  assert.equal((await post('/agent/tasks/report', { nodeId: 'node-1', taskId: 't-4', status: 'succeeded' })).json.accepted, false);
  await assert.rejects(forNode2, /node node-2 did not report task t-4/);

  stop = true;
  await loop;
  assert.deepEqual(ran, ['t-1', 't-2', 't-3']);
});

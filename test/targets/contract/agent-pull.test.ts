// The target contract against a node agent in pull mode: `boreas agent --controller-url` as its own
// process polls a real daemon's agent endpoints; the controller's tasks reach it only through that
// queue. A node that never polled is Unknown/unreachable.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveDaemonConfig, startDaemon } from '../../../src/daemon/index.js';
import { createAgentTargetFactory } from '../../../src/targets/agent/index.js';
import { silentLogger } from '../../../src/util/logger.js';
import { AgentProcess, agentDirs } from '../../helpers/agent.js';
import { createGitRepo } from '../../helpers/git-repo.js';
import { testNode, testScope, testTargetContext } from '../../helpers/targets.js';
import { machineSamples } from './machine-samples.js';
import { targetContract } from './suite.js';

targetContract('agent (pull)', async (t) => {
  const dirs = agentDirs('pull-1');
  const tmp = mkdtempSync(join(tmpdir(), 'boreas-contract-pull-'));
  const repo = await createGitRepo({ 'environment.yaml': 'apiVersion: boreas.dev/v1\nkind: Environment\nmetadata: {name: local}\nspec: {type: local}\n' });
  await repo.commit('env');
  writeFileSync(
    join(tmp, 'boreas.yaml'),
    `repo: ${repo.dir}\nstate: state.db\nlisten: 127.0.0.1:0\ninterval: 1h\nresync: 1h\nagentTokens:\n  pull-1: ${dirs.tokenFile}\n`,
  );
  const daemon = await startDaemon(resolveDaemonConfig({ config: join(tmp, 'boreas.yaml') }), silentLogger);
  const agent = new AgentProcess('pull-1', dirs, ['--controller-url', `http://127.0.0.1:${daemon.address.port}`, '--poll-wait-ms', '500']);
  t.after(async () => {
    await agent.stop('SIGKILL');
    await daemon.stop();
    await repo.cleanup();
    dirs.cleanup();
    rmSync(tmp, { recursive: true, force: true });
  });
  await agent.start();
  const hub = daemon.ctx.hub!;
  for (let i = 0; i < 100 && !hub.lastSeen('pull-1'); i++) await new Promise((r) => setTimeout(r, 100));
  const scope = testScope({ nodes: [testNode('pull-1'), testNode('never')] });
  const factory = createAgentTargetFactory({ pull: hub, observeTimeoutMs: 5000 });
  const target = await factory.create('agent:pull-1', testTargetContext(), scope);
  const never = await factory.create('agent:never', testTargetContext(), scope);
  const samples = await machineSamples(t, { target: 'agent:pull-1', node: 'pull-1', filesDir: dirs.allowedRoot, workDir: dirs.workDir });
  return { target, samples, unreachable: { target: never, reasons: ['unreachable'] } };
});

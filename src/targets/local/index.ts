// The `local` target: this machine, run by the node agent's own task handlers in this process (a
// loopback transport), so observe, apply and health are the same code here as on every node. Its
// state lives under `<stateDir>/local/` (the agent's records and instance directories); processes it
// starts are detached and outlive the CLI. The edge on this machine (nginx) is declared in Git, in a
// local Environment's `spec.nginx`, never taken from the shell.
import { type AgentConfig, defaultAgentConfig } from '../../agent/config.js';
import type { AgentContext } from '../../agent/context.js';
import { nodeFacts } from '../../agent/facts.js';
import { observeResources } from '../../agent/observe.js';
import { AgentState } from '../../agent/state/agent-state.js';
import { handleTask } from '../../agent/tasks/handle.js';
import { defaultNginxFacts, type NginxNodeFacts, nginxFactsOf } from '../../model/edge-specs.js';
import type { Runtime } from '../../model/machine-specs.js';
import { type RunnerFactory, RunnerSet } from '../../runtime/runners/index.js';
import { AgentTarget } from '../agent/index.js';
import type { AgentTransport } from '../agent/transport.js';
import type { TargetFactory, TargetScope } from '../target.js';
import { localWorkDir } from './paths.js';
import { localRunnerFactories } from './runners.js';

export interface LocalTargetOptions {
  /** Replaces runner factories for this target only (tests; a different systemctl). */
  runners?: Partial<Record<Runtime, RunnerFactory>>;
}

/** Factory for key `local`. */
export function createLocalTargetFactory(opts: LocalTargetOptions = {}): TargetFactory {
  return {
    type: 'local',
    onThisMachine: true,
    create(key, ctx, scope) {
      const config = localAgentConfig(localWorkDir(ctx.stateDir), localEdge(scope));
      const agent: AgentContext = {
        config,
        state: new AgentState(config.workDir, { readOnly: ctx.readOnly }),
        runners: new RunnerSet({ workDir: config.workDir, baseDir: ctx.repoDir }, { ...localRunnerFactories(), ...opts.runners }),
        log: ctx.log.child({ target: key }),
        startedAt: new Date(),
        baseDir: ctx.repoDir,
      };
      return new AgentTarget(key, 'local', loopbackTransport(agent), ctx);
    },
  };
}

/** The agent's handlers called directly: same code as over HTTP, no socket, no token. */
export function loopbackTransport(agent: AgentContext): AgentTransport {
  return {
    facts: async () => nodeFacts(agent),
    observe: async (items) => ({ facts: nodeFacts(agent), observations: await observeResources(agent, items) }),
    task: (task) => handleTask(agent, task),
    close: async () => agent.state.close(),
  };
}

/** The agent settings of this machine: every path is the controller user's own (allowed root `/`). */
function localAgentConfig(workDir: string, nginx: NginxNodeFacts): AgentConfig {
  return {
    ...defaultAgentConfig(),
    nodeName: 'local',
    workDir,
    allowedRoots: ['/'],
    nginxConfDir: nginx.confDir,
    nginxCertDir: nginx.certDir,
    nginxWebroot: nginx.webroot,
    ...(nginx.listenAddress ? { nginxListenAddress: nginx.listenAddress } : {}),
    nginxHttpPort: nginx.httpPort,
    nginxHttpsPort: nginx.httpsPort,
    nginxTestCommand: nginx.testCommand,
    nginxReloadCommand: nginx.reloadCommand,
  };
}

/** The edge declared by a local Environment's `spec.nginx` (validation keeps them consistent). */
function localEdge(scope: TargetScope): NginxNodeFacts {
  const declared = scope.environments().find((e) => e.spec.type === 'local' && e.spec.nginx)?.spec.nginx;
  return declared ? nginxFactsOf(declared) : defaultNginxFacts;
}

export { type DownResult, downLocal } from './down.js';
export { localWorkDir } from './paths.js';

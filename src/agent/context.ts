// Everything a task handler or an API route may touch on the node, passed explicitly (no globals) so
// several agents can run in one process (tests, the benchmark's simulated fleet).
import type { Runner } from '../runtime/runner.js';
import type { Runtime } from '../model/machine-specs.js';
import type { Logger } from '../util/logger.js';
import type { AgentConfig } from './config.js';
import type { AgentState } from './state/agent-state.js';
import type { InstanceSupervision } from './supervision.js';

/** What the agent needs of a runner set (RunnerSet satisfies it; the benchmark passes a no-op). */
export interface RunnerLookup {
  get(runtime: Runtime): Runner;
  runtimes(): Runtime[];
}

export interface AgentContext {
  config: AgentConfig;
  state: AgentState;
  /** Runners of this node by runtime (a RunnerSet from src/runtime/runners; throws for a missing one). */
  runners: RunnerLookup;
  log: Logger;
  /** Restarts crashed process/script instances; serialises work per instance (none: no supervision). */
  supervision?: InstanceSupervision;
  /** When the agent started, for /v1/health. */
  startedAt: Date;
  /** Directory relative commands and arguments resolve against (the work dir; the repo checkout for the local target). */
  baseDir: string;
}

/** What handlers need of supervision; a pass-through when the context has none (embedded uses). */
export function supervisionOf(ctx: AgentContext): Pick<InstanceSupervision, 'exclusive' | 'watch' | 'unwatch'> {
  return ctx.supervision ?? { exclusive: (_i, fn) => fn(), watch: () => undefined, unwatch: () => undefined };
}

/** The runner for a runtime, or an error naming the node and what it has. */
export function runnerFor(ctx: AgentContext, runtime: string): Runner {
  try {
    return ctx.runners.get(runtime as Runtime);
  } catch (err) {
    throw new Error(`node ${ctx.config.nodeName}: ${(err as Error).message}`);
  }
}

// Every target Boreas knows, registered explicitly (one factory per key prefix). A new target is a
// folder implementing targets/target.ts plus one line here; the engine needs no change.
import { type AgentTargetOptions, createAgentTargetFactory } from './agent/index.js';
import { certificatesTargetFactory } from './certificates/target.js';
import { createKubernetesTargetFactory } from './kubernetes/index.js';
import { createLocalTargetFactory, type LocalTargetOptions } from './local/index.js';
import type { TargetFactory } from './target.js';

export interface TargetOptions {
  /** Nodes without an address are reached through this queue (the daemon's pull hub). */
  pull?: AgentTargetOptions['pull'];
  agent?: Omit<AgentTargetOptions, 'pull'>;
  local?: LocalTargetOptions;
}

export function targetFactories(opts: TargetOptions = {}): TargetFactory[] {
  return [
    createLocalTargetFactory(opts.local),
    createAgentTargetFactory({ ...opts.agent, pull: opts.pull }),
    createKubernetesTargetFactory(),
    certificatesTargetFactory,
  ];
}

export { TargetRegistry, type RegistryContext } from './registry.js';
export type { ChallengeSink, Reachability, Target, TargetContext, TargetFacts, TargetFactory, TargetScope, WatchListener } from './target.js';

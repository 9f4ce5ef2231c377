// Every target Boreas knows, registered explicitly (one factory per key prefix). A new target is a
// folder implementing targets/target.ts plus one line here; the engine needs no change.
// Each target's module (and what it depends on: the Kubernetes client, acme-client and x509, the
// agent's HTTP client) is imported when the first target of its type is created, so a run loads
// only the targets its repository uses (start-up time, issue 12).
import type { AgentTargetOptions } from './agent/index.js';
import type { LocalTargetOptions } from './local/index.js';
import type { TargetFactory } from './target.js';

export interface TargetOptions {
  /** Nodes without an address are reached through this queue (the daemon's pull hub). */
  pull?: AgentTargetOptions['pull'];
  agent?: Omit<AgentTargetOptions, 'pull'>;
  local?: LocalTargetOptions;
}

export function targetFactories(opts: TargetOptions = {}): TargetFactory[] {
  return [
    lazyFactory('local', true, async () => (await import('./local/index.js')).createLocalTargetFactory(opts.local)),
    lazyFactory('agent', false, async () => (await import('./agent/index.js')).createAgentTargetFactory({ ...opts.agent, pull: opts.pull })),
    lazyFactory('kubernetes', false, async () => (await import('./kubernetes/index.js')).createKubernetesTargetFactory()),
    lazyFactory('certificates', false, async () => (await import('./certificates/target.js')).certificatesTargetFactory),
  ];
}

/** A factory whose module is imported on its first create(); `type` and `onThisMachine` must be the
 *  loaded factory's (test/targets/lazy-factories.test.ts compares them). */
function lazyFactory(type: string, onThisMachine: boolean, load: () => Promise<TargetFactory>): TargetFactory {
  let loaded: Promise<TargetFactory> | undefined;
  return {
    type,
    onThisMachine,
    create: async (key, ctx, scope) => (await (loaded ??= load())).create(key, ctx, scope),
  };
}

/** The factories loaded now (tests check the lazy descriptions against them). */
export async function loadedTargetFactories(opts: TargetOptions = {}): Promise<TargetFactory[]> {
  return [
    (await import('./local/index.js')).createLocalTargetFactory(opts.local),
    (await import('./agent/index.js')).createAgentTargetFactory({ ...opts.agent, pull: opts.pull }),
    (await import('./kubernetes/index.js')).createKubernetesTargetFactory(),
    (await import('./certificates/target.js')).certificatesTargetFactory,
  ];
}

export { TargetRegistry, type RegistryContext } from './registry.js';
export type { ChallengeSink, Reachability, Target, TargetContext, TargetFacts, TargetFactory, TargetScope, WatchListener } from './target.js';

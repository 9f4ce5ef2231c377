// Target contexts and scopes for tests that build one target directly from its factory (the engine
// builds them through the registry).
import { resolveSecret } from '../../src/secrets/index.js';
import type { Environment, Node } from '../../src/model/manifest-types.generated.js';
import type { Store } from '../../src/store/store.js';
import type { TargetContext, TargetScope } from '../../src/targets/target.js';
import { silentLogger } from '../../src/util/logger.js';

export function testTargetContext(over: Partial<TargetContext> = {}): TargetContext {
  return {
    store: undefined as unknown as Store,
    log: silentLogger,
    stateDir: '/nonexistent',
    repoDir: '/nonexistent',
    resolveSecret,
    readOnly: false,
    peer: () => Promise.reject(new Error('no peer targets in this test')),
    ...over,
  };
}

/** A scope over a few Nodes and Environments. */
export function testScope(opts: { nodes?: Node[]; environments?: Environment[] } = {}): TargetScope {
  const nodes = new Map((opts.nodes ?? []).map((n) => [n.metadata.name, n]));
  const envs = new Map((opts.environments ?? []).map((e) => [e.metadata.name, e]));
  return { node: (n) => nodes.get(n), environment: (n) => envs.get(n), environments: () => [...envs.values()] };
}

/** A Node manifest reached at `address` with a token from a file (push) or none (pull). */
export function testNode(name: string, spec: Node['spec'] = {}, labels: Record<string, string> = {}): Node {
  return { apiVersion: 'boreas.dev/v1', kind: 'Node', metadata: { name, labels }, spec };
}

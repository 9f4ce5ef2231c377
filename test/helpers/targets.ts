// Target contexts and scopes for tests that build one target directly from its factory (the engine
// builds them through the registry).
import { resolveSecret } from '../../src/secrets/index.js';
import type { Environment, Node } from '../../src/model/manifest-types.generated.js';
import type { Store } from '../../src/store/store.js';
import type { TargetContext, TargetScope } from '../../src/targets/target.js';
import { silentLogger } from '../../src/util/logger.js';

export function testTargetContext(over: Partial<TargetContext> = {}): TargetContext {
  return {
    store: kvOnlyStore(),
    log: silentLogger,
    stateDir: '/nonexistent',
    repoDir: '/nonexistent',
    resolveSecret,
    readOnly: false,
    peer: () => Promise.reject(new Error('no peer targets in this test')),
    ...over,
  };
}

/**
 * A store that only keeps small key/value blobs in memory (what targets read and write themselves,
 * e.g. the Kubernetes target's state id); any other call is a test bug and throws.
 */
export function kvOnlyStore(): Store {
  const kv = new Map<string, string>();
  const methods: Partial<Store> = {
    getKv: async (ns, key) => kv.get(`${ns}\0${key}`),
    setKv: async (ns, key, value) => void (value === undefined ? kv.delete(`${ns}\0${key}`) : kv.set(`${ns}\0${key}`, value)),
  };
  return new Proxy(methods as Store, {
    get(target, prop) {
      if (prop in target) return target[prop as keyof Store];
      if (prop === 'then') return undefined;
      return () => {
        throw new Error(`test store: ${String(prop)} is not implemented (only getKv/setKv)`);
      };
    },
  });
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

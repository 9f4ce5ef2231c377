// A Session for one daemon reconcile: shares the daemon's open store, reads a freshly opened source
// (so every run sees the latest commit), and closes the targets it created when the run ends.
// The engine's openSession() caches one source and one registry for a whole command, which suits a
// one-shot CLI but not a process that reconciles for weeks.
import type { Session } from '../engine/session.js';
import { identityFiles, resolveSecret } from '../secrets/index.js';
import { targetFactories } from '../engine/target-factories.js';
import type { Source } from '../source/source.js';
import type { Store } from '../store/store.js';
import { TargetRegistry } from '../targets/registry.js';
import type { Logger } from '../util/logger.js';
import type { PullDispatcher } from '../targets/agent/transport.js';

/** What lives as long as the daemon: the store, its directories and the logger. */
export interface DaemonBase {
  store: Store;
  stateDir: string;
  cacheDir: string;
  log: Logger;
  /** Queue of pull-mode agents (Nodes without an address), when agent tokens are configured. */
  pull?: PullDispatcher;
  /** age identity files (--age-identity-file, ageIdentityFile); default: BOREAS_AGE_IDENTITY_FILE. */
  ageIdentityFiles?: string[];
}

/** A session over `base` whose close() releases only this run's targets, never the shared store. */
export function runSession(base: DaemonBase, source?: () => Promise<Source>): Session {
  const registries: TargetRegistry[] = [];
  return {
    store: base.store,
    stateDir: base.stateDir,
    cacheDir: base.cacheDir,
    log: base.log,
    ageIdentityFiles: identityFiles(base.ageIdentityFiles),
    source: source ?? (() => Promise.reject(new Error('this daemon session reads no manifests'))),
    targets(manifests, repoDir, resolve = (s) => resolveSecret(s)) {
      const registry = new TargetRegistry(
        { store: base.store, log: base.log, stateDir: base.stateDir, repoDir, resolveSecret: resolve },
        targetFactories(base.store, () => manifests, { pull: base.pull }),
      );
      registries.push(registry);
      return registry;
    },
    async close() {
      await Promise.allSettled(registries.splice(0).map((r) => r.closeAll()));
    },
  };
}

// Everything one command run needs, opened once: the state store, the manifests source, the target
// registry. Commands open a session, use it, and close it in `finally`.
import { mkdirPrivate } from '../util/private-files.js';
import { join, resolve } from 'node:path';
import type { Store } from '../store/store.js';
import { openSqliteStore } from '../store/index.js';
import { openSource } from '../source/index.js';
import type { Source } from '../source/source.js';
import { TargetRegistry } from '../targets/registry.js';
import type { TargetFactory } from '../targets/target.js';
import type { ManifestSet } from '../manifests/model.js';
import { createLogger, type Logger } from '../util/logger.js';
import { resolveSecret } from './secrets.js';
import { targetFactories } from './target-factories.js';

export interface SessionOptions {
  repo?: string;
  ref?: string;
  path?: string;
  /** State file; its directory holds caches and local target state. */
  state: string;
  log?: Logger;
}

export interface Session {
  store: Store;
  stateDir: string;
  cacheDir: string;
  log: Logger;
  /** Opened lazily: status/down/history need no manifests. */
  source(): Promise<Source>;
  /** Target registry; factories that need manifests (nodes, environments) read them from `manifests`. */
  targets(manifests: ManifestSet | undefined, repoDir: string): TargetRegistry;
  close(): Promise<void>;
}

export function openSession(opts: SessionOptions): Session {
  const statePath = resolve(opts.state);
  const stateDir = resolve(statePath, '..');
  mkdirPrivate(stateDir);
  const cacheDir = join(stateDir, 'cache');
  const store = openSqliteStore(statePath);
  const log = opts.log ?? createLogger();
  let source: Promise<Source> | undefined;
  let registry: TargetRegistry | undefined;
  return {
    store,
    stateDir,
    cacheDir,
    log,
    source: () => (source ??= openSource({ repo: opts.repo ?? '.', ref: opts.ref, path: opts.path, cacheDir })),
    targets(manifests, repoDir) {
      const factories: TargetFactory[] = targetFactories(store, () => manifests);
      registry = new TargetRegistry({ store, log, stateDir, repoDir, resolveSecret }, factories);
      return registry;
    },
    async close() {
      await registry?.closeAll();
      store.close();
    },
  };
}

// Everything one command run needs, opened once: the state store, the manifests source, the target
// registry. Commands open a session, use it, and close it in `finally`.
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Store } from '../store/store.js';
import { openSqliteStore } from '../store/index.js';
import { openSource } from '../source/index.js';
import type { Source } from '../source/source.js';
import { TargetRegistry } from '../targets/registry.js';
import type { TargetFactory } from '../targets/target.js';
import type { ManifestSet } from '../manifests/model.js';
import { createLogger, type Logger } from '../util/logger.js';
import { identityFiles, resolveSecret, type SecretSource } from '../secrets/index.js';
import { targetFactories } from './target-factories.js';

export interface SessionOptions {
  repo?: string;
  ref?: string;
  path?: string;
  /** State file; its directory holds caches and local target state. */
  state: string;
  log?: Logger;
  /** age identity files (--age-identity-file); default: BOREAS_AGE_IDENTITY_FILE. */
  ageIdentityFiles?: string[];
}

export interface Session {
  store: Store;
  stateDir: string;
  cacheDir: string;
  log: Logger;
  /** The controller's age identity files, for the revision's encrypted values. */
  ageIdentityFiles: string[];
  /** Opened lazily: status/down/history need no manifests. */
  source(): Promise<Source>;
  /**
   * Target registry; factories that need manifests (nodes, environments) read them from `manifests`.
   * `resolve` resolves secrets for the revision (its encrypted values); default: env and file only.
   */
  targets(manifests: ManifestSet | undefined, repoDir: string, resolve?: (source: SecretSource) => Promise<string>): TargetRegistry;
  close(): Promise<void>;
}

export function openSession(opts: SessionOptions): Session {
  const statePath = resolve(opts.state);
  const stateDir = resolve(statePath, '..');
  mkdirSync(stateDir, { recursive: true });
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
    ageIdentityFiles: identityFiles(opts.ageIdentityFiles),
    source: () => (source ??= openSource({ repo: opts.repo ?? '.', ref: opts.ref, path: opts.path, cacheDir })),
    targets(manifests, repoDir, resolve = (s) => resolveSecret(s)) {
      const factories: TargetFactory[] = targetFactories(store, () => manifests);
      registry = new TargetRegistry({ store, log, stateDir, repoDir, resolveSecret: resolve }, factories);
      return registry;
    },
    async close() {
      await registry?.closeAll();
      store.close();
    },
  };
}

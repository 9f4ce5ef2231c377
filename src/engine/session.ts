// Everything one command run needs, opened once: the state store, the manifests source, the target
// registry. Commands open a session, use it, and close it in `finally`.
import { mkdirPrivate } from '../util/private-files.js';
import { resolve } from 'node:path';
import { cacheDirFor } from './cache-dir.js';
import { stateFilePath } from './session-options.js';
import { openSource } from '../source/index.js';
import type { Source } from '../source/source.js';
import { openSqliteStore } from '../store/index.js';
import type { Store } from '../store/store.js';
import { type TargetOptions, TargetRegistry, targetFactories } from '../targets/index.js';
import type { TargetScope } from '../targets/target.js';
import { createLogger, type Logger } from '../util/logger.js';
import { identityFiles, resolveSecret, type SecretSource } from '../secrets/index.js';

export interface SessionOptions {
  repo?: string;
  ref?: string;
  path?: string;
  /** State file; its directory holds caches and local target state. */
  state: string;
  log?: Logger;
  /** Target wiring (the daemon's pull queue, test runners). */
  targets?: TargetOptions;
  /** plan, --dry-run, status: the state file is opened read-only and nothing is created (caches go to a temp dir when the state dir does not exist). */
  readOnly?: boolean;
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
   * A target registry over the given Node/Environment specs. `readOnly` targets change nothing of
   * their own; `resolveSecret` resolves the revision's secrets (its encrypted values from the
   * preflight); default: env and file only.
   */
  targets(scope: TargetScope, repoDir: string, opts?: { readOnly?: boolean; resolveSecret?: (source: SecretSource) => Promise<string> }): TargetRegistry;
  close(): Promise<void>;
}

export function openSession(opts: SessionOptions): Session {
  const statePath = stateFilePath(opts.state);
  const stateDir = resolve(statePath, '..');
  if (!opts.readOnly) mkdirPrivate(stateDir);
  const store = openSqliteStore(statePath, { readOnly: opts.readOnly });
  const cache = cacheDirFor(stateDir, !opts.readOnly);
  const cacheDir = cache.dir;
  const session = sessionOver(
    { store, stateDir, cacheDir, log: opts.log ?? createLogger(), targets: opts.targets, ageIdentityFiles: opts.ageIdentityFiles },
    () => openSource({ repo: opts.repo ?? '.', ref: opts.ref, path: opts.path, cacheDir }),
  );
  const close = session.close;
  return {
    ...session,
    close: async () => {
      try {
        await close();
      } finally {
        cache.release();
      }
    },
  };
}

export interface SessionBase {
  store: Store;
  stateDir: string;
  cacheDir: string;
  log: Logger;
  targets?: TargetOptions;
  /** age identity files (default: BOREAS_AGE_IDENTITY_FILE). */
  ageIdentityFiles?: string[];
}

/**
 * A session over an open store (the CLI's own, or the daemon's shared one). `close()` releases the
 * registries this session created; it closes the store only when `ownsStore` (the CLI).
 */
export function sessionOver(base: SessionBase, source: () => Promise<Source>, ownsStore = true): Session {
  let opened: Promise<Source> | undefined;
  const registries: TargetRegistry[] = [];
  return {
    store: base.store,
    stateDir: base.stateDir,
    cacheDir: base.cacheDir,
    log: base.log,
    ageIdentityFiles: identityFiles(base.ageIdentityFiles),
    source: () => (opened ??= source()),
    targets(scope, repoDir, o = {}) {
      const registry = new TargetRegistry(
        {
          store: base.store,
          log: base.log,
          stateDir: base.stateDir,
          repoDir,
          resolveSecret: o.resolveSecret ?? ((s) => resolveSecret(s)),
          readOnly: !!o.readOnly,
        },
        targetFactories(base.targets),
        scope,
      );
      registries.push(registry);
      return registry;
    },
    async close() {
      await Promise.allSettled(registries.splice(0).map((r) => r.closeAll()));
      if (ownsStore) base.store.close();
    },
  };
}

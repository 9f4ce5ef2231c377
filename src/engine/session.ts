// Everything one command run needs, opened once: the state store, the manifests source, the target
// registry. Commands open a session, use it, and close it in `finally`.
import { mkdirPrivate } from '../util/private-files.js';
import { cacheDirFor } from './cache-dir.js';
import { openSource } from '../source/index.js';
import { RevisionMemo } from './revision-memo.js';
import type { Source } from '../source/source.js';
import { acquireDatabaseWriterLock, openPostgresStore, openSqliteStore, stateLocation } from '../store/index.js';
import type { Store } from '../store/store.js';
import { type TargetOptions, TargetRegistry, targetFactories } from '../targets/index.js';
import type { TargetScope } from '../targets/target.js';
import { createLogger, type Logger } from '../util/logger.js';
import { identityFiles, resolveSecret, type SecretSource } from '../secrets/index.js';
import { acquireStateLock } from './state-lock.js';

export interface SessionOptions {
  repo?: string;
  ref?: string;
  path?: string;
  /** State file (its directory holds caches and local target state) or a PostgreSQL URL. */
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
  /** Manifests and desired graphs of unchanged revisions, kept in memory (the daemon shares one across runs). */
  memo: RevisionMemo;
  /** Opened lazily: status/down/history need no manifests. */
  source(): Promise<Source>;
  /**
   * A target registry over the given Node/Environment specs. `readOnly` targets change nothing of
   * their own; `resolveSecret` resolves the revision's secrets (its encrypted values from the
   * preflight); default: env and file only.
   */
  targets(scope: TargetScope, repoDir: string, opts?: { readOnly?: boolean; resolveSecret?: (source: SecretSource) => Promise<string> }): TargetRegistry;
  /** One writer per state: takes the lock for `command` (reconcile, down) and returns its release. */
  lock(command: string): Promise<() => Promise<void> | void>;
  close(): Promise<void>;
}

/** How a session keeps other writers out: state.lock for a file; see SessionBase.lock. */
export type WriterLock = (command: string) => Promise<() => Promise<void> | void>;

export function openSession(opts: SessionOptions): Session {
  const location = stateLocation(opts.state);
  const stateDir = location.dir;
  if (!opts.readOnly) mkdirPrivate(stateDir);
  const cache = cacheDirFor(stateDir, !opts.readOnly);
  const cacheDir = cache.dir;
  let store: Store;
  let lock: WriterLock | undefined;
  if (location.kind === 'sqlite') store = openSqliteStore(location.file, { readOnly: opts.readOnly });
  else {
    const pg = openPostgresStore(location.url, { readOnly: opts.readOnly });
    store = pg;
    lock = (command) => acquireDatabaseWriterLock(pg, command);
  }
  const session = sessionOver(
    { store, stateDir, cacheDir, log: opts.log ?? createLogger(), targets: opts.targets, ageIdentityFiles: opts.ageIdentityFiles, lock },
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
  /**
   * One writer per state. Default: `state.lock` beside the SQLite file. PostgreSQL: an advisory lock
   * that daemon replicas respect; a daemon replica's own runs are fenced by leases instead.
   */
  lock?: WriterLock;
  /** Kept across sessions by a long-lived caller (the daemon); default: one for this session. */
  memo?: RevisionMemo;
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
    memo: base.memo ?? new RevisionMemo(),
    source: () => (opened ??= source()),
    lock: base.lock ?? (async (command) => acquireStateLock(base.stateDir, command)),
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
      if (ownsStore) await base.store.close();
    },
  };
}

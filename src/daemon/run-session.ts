// A Session for one daemon reconcile: shares the daemon's open store, reads a freshly opened source
// (so every run sees the latest commit), and closes the targets it created when the run ends, never
// the shared store. The CLI's openSession() owns its store instead, which suits a one-shot command.
import { sessionOver, type Session, type WriterLock } from '../engine/session.js';
import type { RevisionMemo } from '../engine/revision-memo.js';
import type { Source } from '../source/source.js';
import type { Store } from '../store/store.js';
import type { SharedAgentClients } from '../targets/agent/shared-clients.js';
import type { PullDispatcher, PushNode } from '../targets/agent/transport.js';
import type { Logger } from '../util/logger.js';

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
  /** One writer per state (default state.lock; replicas run under leases instead). */
  lock?: WriterLock;
  /** Manifests and desired graphs of unchanged revisions: a no-op resync rebuilds neither. */
  memo?: RevisionMemo;
  /** Agent connections kept from one reconcile to the next (a resync does not reconnect to every node). */
  agentClients?: SharedAgentClients<PushNode>;
}

export function runSession(base: DaemonBase, source?: () => Promise<Source>): Session {
  return sessionOver(
    {
      store: base.store,
      stateDir: base.stateDir,
      cacheDir: base.cacheDir,
      log: base.log,
      targets: { pull: base.pull, ...(base.agentClients ? { agent: { clients: base.agentClients } } : {}) },
      ageIdentityFiles: base.ageIdentityFiles,
      lock: base.lock,
      memo: base.memo,
    },
    source ?? (() => Promise.reject(new Error('this daemon session reads no manifests'))),
    false,
  );
}

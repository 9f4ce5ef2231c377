// The timed and file-system triggers: Git polling (only a new revision triggers), the periodic
// resync (always triggers: re-observe and self-heal drift), and a debounced chokidar watch of a
// local checkout. Each only calls `trigger`; the queue decides when a reconcile runs.
import { basename, relative, resolve, sep } from 'node:path';
import { watch } from 'chokidar';
import type { Logger } from '../util/logger.js';

/** Something started that has to be stopped on shutdown. */
export interface Stoppable {
  stop(): Promise<void>;
}

/** Runs `tick` every `ms`, never two at once (a slow fetch skips ticks instead of piling up). */
export function every(ms: number, tick: () => Promise<void> | void, log: Logger, name: string): Stoppable {
  let busy = false;
  const timer = setInterval(() => {
    if (busy) return;
    busy = true;
    Promise.resolve()
      .then(tick)
      .catch((err) => log.warn(`${name} failed`, { error: (err as Error)?.message ?? String(err) }))
      .finally(() => (busy = false));
  }, ms);
  return { stop: async () => clearInterval(timer) };
}

/**
 * Polls the source: a remote is fetched, a local directory re-read. Triggers when its revision
 * differs from the one last reconciled.
 */
export function startPoller(opts: {
  intervalMs: number;
  currentRevision: () => Promise<string>;
  /** The revision the last reconcile read; undefined when it failed before reading one. */
  lastRevision: () => string | undefined;
  /** False until the start-up reconcile has finished (polling before it would only queue a duplicate). */
  started: () => boolean;
  trigger: (reason: string) => void;
  log: Logger;
}): Stoppable {
  return every(
    opts.intervalMs,
    async () => {
      if (!opts.started()) return;
      const rev = await opts.currentRevision();
      const last = opts.lastRevision();
      // last is undefined when the source could not be read (remote down): now that it can, go.
      if (rev !== last) {
        opts.log.info('new revision found by polling', { revision: rev, previous: last });
        opts.trigger('poll');
      }
    },
    opts.log,
    'git poll',
  );
}

/** Names that never hold manifests; changes under them must not trigger (the state file lives in `.boreas`). */
const ignoredDirs = new Set(['.git', '.boreas', 'node_modules']);

/** Watches a local repository directory; bursts of changes within `debounceMs` trigger once. */
export function startWatcher(opts: { dir: string; stateDir: string; debounceMs?: number; trigger: (reason: string) => void; log: Logger }): Stoppable {
  const root = resolve(opts.dir);
  const stateDir = resolve(opts.stateDir);
  const debounceMs = opts.debounceMs ?? 300;
  let timer: NodeJS.Timeout | undefined;
  const ignored = (path: string) => {
    const abs = resolve(path);
    if (abs === stateDir || abs.startsWith(stateDir + sep)) return true;
    const rel = relative(root, abs);
    return rel.split(sep).some((seg) => ignoredDirs.has(seg)) || basename(abs).endsWith('.swp');
  };
  const watcher = watch(root, { ignoreInitial: true, ignored, persistent: true });
  watcher.on('all', (event, path) => {
    opts.log.debug('file change', { event, path: relative(root, path) });
    clearTimeout(timer);
    timer = setTimeout(() => opts.trigger('watch'), debounceMs);
  });
  watcher.on('error', (err) => opts.log.warn('file watcher error', { error: (err as Error)?.message ?? String(err) }));
  return {
    async stop() {
      clearTimeout(timer);
      await watcher.close();
    },
  };
}

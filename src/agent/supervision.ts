// Keeps process/script instances running between reconciles: the agent is the long-lived process on
// the node, so it runs the runtime's Supervisor (restart with backoff). Containers restart through
// Docker's restart policy and units through systemd's Restart=, so they are not watched here.
// Task handlers and the supervisor go through one lock per instance, so a controller's repair and a
// supervisor restart can never start the same instance twice.
import type { InstanceSpec } from '../model/machine-specs.js';
import type { Runner } from '../runtime/runner.js';
import { Supervisor } from '../runtime/supervisor.js';
import type { Logger } from '../util/logger.js';

const supervisedRuntimes = new Set(['process', 'script']);

export class InstanceSupervision {
  private readonly locks = new Map<string, Promise<unknown>>();
  readonly supervisor: Supervisor;

  constructor(log: Logger, opts: { minBackoffMs?: number; intervalMs?: number } = {}) {
    this.supervisor = new Supervisor({
      ...opts,
      onRestart: (instance, attempt, error) =>
        error ? log.warn('restart failed', { instance, attempt, error: error.message }) : log.info('instance restarted', { instance, attempt }),
    });
  }

  /** Runs `fn` alone for this instance (queued behind any running operation on it). */
  exclusive<T>(instance: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.locks.get(instance) ?? Promise.resolve();
    const run = prev.catch(() => undefined).then(fn);
    const tail = run.catch(() => undefined);
    this.locks.set(instance, tail);
    void tail.then(() => {
      if (this.locks.get(instance) === tail) this.locks.delete(instance);
    });
    return run;
  }

  /**
   * Watches a started instance. `env` (resolved secrets) is kept in memory only, for restarts; after
   * an agent restart the controller's next StartInstance re-arms the watch.
   */
  watch(runner: Runner, spec: InstanceSpec, specHash: string, env: Record<string, string>): void {
    if (!supervisedRuntimes.has(spec.runtime) || spec.state === 'Stopped') return this.supervisor.unwatch(spec.instance);
    const locked: Runner = {
      runtime: runner.runtime,
      ensureRunning: (s, h, e) => this.exclusive(s.instance, () => runner.ensureRunning(s, h, e)),
      stop: (i, a) => this.exclusive(i, () => runner.stop(i, a)),
      remove: (i) => this.exclusive(i, () => runner.remove(i)),
      observe: (i) => this.exclusive(i, () => runner.observe(i)),
      list: () => runner.list(),
    };
    this.supervisor.watch(locked, spec, specHash, async () => env);
  }

  unwatch(instance: string): void {
    this.supervisor.unwatch(instance);
  }

  close(): void {
    this.supervisor.close();
  }
}

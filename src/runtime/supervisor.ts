// Keeps instances running inside a long-lived process (agent, daemon): when one exits it is started
// again with exponential backoff. The CLI does not supervise: there a dead process is observed as
// drift and repaired by the next reconcile.
import type { InstanceSpec } from '../model/machine-specs.js';
import type { Runner } from './runner.js';

export interface SupervisorOptions {
  /** How often instances are checked. Default 1000 ms. */
  intervalMs?: number;
  /** First restart delay; doubled per consecutive failure. Default 1000 ms. */
  minBackoffMs?: number;
  maxBackoffMs?: number;
  /** A run at least this long resets the backoff. Default 60 s. */
  stableMs?: number;
  /** Called on every restart attempt (for logs / status). */
  onRestart?(instance: string, attempt: number, error?: Error): void;
}

interface Watched {
  runner: Runner;
  spec: InstanceSpec;
  specHash: string;
  /** Resolves env at restart time, so rotated secrets are picked up and never kept here longer than needed. */
  env: () => Promise<Record<string, string>>;
  failures: number;
  nextAttempt: number;
  runningSince?: number;
  busy: boolean;
}

export class Supervisor {
  private readonly watched = new Map<string, Watched>();
  private timer?: NodeJS.Timeout;

  constructor(private readonly opts: SupervisorOptions = {}) {}

  /** Supervises an instance (replacing an earlier watch of the same name). */
  watch(runner: Runner, spec: InstanceSpec, specHash: string, env: () => Promise<Record<string, string>>): void {
    this.watched.set(spec.instance, { runner, spec, specHash, env, failures: 0, nextAttempt: 0, busy: false, runningSince: Date.now() });
    if (!this.timer) {
      this.timer = setInterval(() => void this.tick(), this.opts.intervalMs ?? 1000);
      this.timer.unref(); // the owner's server keeps the process alive, not the supervisor
    }
  }

  unwatch(instance: string): void {
    this.watched.delete(instance);
  }

  /** Consecutive restart failures of an instance (0 when healthy or unknown). */
  failures(instance: string): number {
    return this.watched.get(instance)?.failures ?? 0;
  }

  /** One supervision pass; exposed for tests and for callers with their own scheduling. */
  async tick(): Promise<void> {
    const now = Date.now();
    await Promise.all(
      [...this.watched.values()].map(async (w) => {
        if (w.busy || w.spec.state === 'Stopped') return;
        w.busy = true;
        try {
          const obs = await w.runner.observe(w.spec.instance);
          if (obs.running) {
            if (w.runningSince && now - w.runningSince >= (this.opts.stableMs ?? 60_000)) w.failures = 0;
            return;
          }
          if (now < w.nextAttempt) return;
          const attempt = w.failures + 1;
          try {
            await w.runner.ensureRunning(w.spec, w.specHash, await w.env());
            this.opts.onRestart?.(w.spec.instance, attempt);
          } catch (err) {
            this.opts.onRestart?.(w.spec.instance, attempt, err as Error);
          }
          // Counted whether or not the start call succeeded: a process that starts and crashes
          // right away must back off too.
          w.failures = attempt;
          w.runningSince = Date.now();
          const min = this.opts.minBackoffMs ?? 1000;
          w.nextAttempt = Date.now() + Math.min(min * 2 ** (attempt - 1), this.opts.maxBackoffMs ?? 60_000);
        } finally {
          w.busy = false;
        }
      }),
    );
  }

  close(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.watched.clear();
  }
}

// The one reconcile queue every trigger (poll, webhook, watch, resync, API) goes through: runs never
// overlap, and triggers that arrive while a run is going coalesce into a single follow-up run.
import type { Logger } from '../util/logger.js';

/** Why a reconcile was asked for, e.g. `poll`, `webhook:github`, `resync`, `api`. */
export type TriggerReason = string;

export type RunFn = (reasons: TriggerReason[]) => Promise<void>;

export class ReconcileQueue {
  private pending: TriggerReason[] | undefined;
  private loop: Promise<void> | undefined;
  private closed = false;

  constructor(
    private readonly run: RunFn,
    private readonly log: Logger,
  ) {}

  /** Asks for a reconcile; false once the queue is closed (shutting down). */
  trigger(reason: TriggerReason): boolean {
    if (this.closed) return false;
    if (this.pending) {
      if (!this.pending.includes(reason)) this.pending.push(reason);
    } else this.pending = [reason];
    this.loop ??= this.drain().finally(() => (this.loop = undefined));
    return true;
  }

  /** True while a run is executing or queued. */
  get busy(): boolean {
    return this.loop !== undefined;
  }

  /** Stops accepting triggers and drops queued (not yet started) ones. */
  close(): void {
    this.closed = true;
    this.pending = undefined;
  }

  /** Resolves when no run is executing (after close(): when the current run has finished). */
  async idle(): Promise<void> {
    while (this.loop) await this.loop;
  }

  private async drain(): Promise<void> {
    while (this.pending && !this.closed) {
      const reasons = this.pending;
      this.pending = undefined;
      try {
        await this.run(reasons);
      } catch (err) {
        // run() records its own failures; this only guards the queue against a bug killing it.
        this.log.error('reconcile crashed', { error: (err as Error)?.stack ?? String(err) });
      }
    }
  }
}

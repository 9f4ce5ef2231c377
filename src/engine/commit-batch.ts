// Group commit for the executor: the verdicts of tasks that finish in the same tick share one store
// transaction (one WAL commit for many tasks instead of one each). Should one write fail, the batch
// rolls back and each of its writes is retried in a transaction of its own, so only the failing one
// rejects (no savepoint per write: 10,000 SAVEPOINT/RELEASE pairs cost more than the writes). A task counts as
// recorded only once its batch committed; a crash before that leaves it unrecorded, and a rerun
// repeats it (every target's apply is an idempotent ensure, docs/design.md).
import type { Store } from '../store/store.js';

type Write = (tx: Store) => Promise<void>;

interface Queued {
  fn: Write;
  resolve(): void;
  reject(err: unknown): void;
}

export class CommitBatch {
  private queue: Queued[] = [];
  private scheduled = false;

  constructor(private readonly store: Store) {}

  /** Runs `fn` in the next batch's transaction; resolves when that transaction committed. */
  write(fn: Write): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ fn, resolve, reject });
      if (this.scheduled) return;
      this.scheduled = true;
      setImmediate(() => void this.flush());
    });
  }

  private async flush(): Promise<void> {
    const batch = this.queue;
    this.queue = [];
    this.scheduled = false;
    try {
      await this.store.transaction(async (tx) => {
        for (const item of batch) await item.fn(tx);
      });
    } catch {
      for (const item of batch) {
        try {
          await this.store.transaction(item.fn);
          item.resolve();
        } catch (err) {
          item.reject(err);
        }
      }
      return;
    }
    for (const item of batch) item.resolve();
  }
}

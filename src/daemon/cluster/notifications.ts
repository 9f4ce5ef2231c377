// One LISTEN connection per replica (PostgreSQL LISTEN/NOTIFY): forwarded triggers, pull tasks
// queued for a node, pull tasks finished. A dropped connection is re-opened with backoff; whoever
// waits on a notification also re-checks the tables now and then, so a notification lost while
// reconnecting only delays, never loses, work.
import type pg from 'pg';
import type { Logger } from '../../util/logger.js';

type Handler = (payload: string) => void;

export class Notifications {
  private client: pg.Client | undefined;
  private readonly handlers = new Map<string, Set<Handler>>();
  private stopped = false;
  private retryMs = 500;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly connect: () => pg.Client,
    private readonly channels: readonly string[],
    private readonly log: Logger,
  ) {}

  async start(): Promise<void> {
    const client = this.connect();
    client.on('notification', (n) => {
      for (const h of this.handlers.get(n.channel) ?? []) h(n.payload ?? '');
    });
    client.on('error', (err) => {
      this.log.warn('database notifications connection lost; reconnecting', { error: err.message });
      this.reconnect(client);
    });
    client.on('end', () => this.reconnect(client));
    await client.connect();
    for (const ch of this.channels) await client.query(`LISTEN ${ch}`);
    this.client = client;
    this.retryMs = 500;
  }

  on(channel: string, handler: Handler): () => void {
    const set = this.handlers.get(channel) ?? new Set();
    this.handlers.set(channel, set);
    set.add(handler);
    return () => set.delete(handler);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    const c = this.client;
    this.client = undefined;
    await c?.end().catch(() => undefined);
  }

  private reconnect(old: pg.Client): void {
    if (this.stopped || this.client !== old) return;
    this.client = undefined;
    old.end().catch(() => undefined);
    this.timer = setTimeout(() => {
      this.start().catch((err: Error) => {
        this.log.warn('database notifications: reconnect failed', { error: err.message });
        this.retryMs = Math.min(this.retryMs * 2, 10_000);
        this.client = old;
        this.reconnect(old);
      });
    }, this.retryMs);
  }
}

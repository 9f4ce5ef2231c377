// Agent HTTP clients kept across reconciles. A CLI run builds its targets once and closes them at
// the end; the daemon builds them afresh for every reconcile, so without this each resync opened a
// new connection pool (and new TCP connections) to every node and tore it down again, a large part
// of a no-op cycle's CPU at 20 nodes. The daemon owns one of these for its lifetime: a client is
// shared while its node, address and token stay the same (a rotated token or a moved node gets a
// new client), and a client no target has held for `idleMs` is closed.
import { sha256 } from '../../util/hash.js';

/** What is shared: anything closable (an AgentClient; a type parameter keeps undici out of this module). */
export interface Closable {
  close(): Promise<void>;
}

export class SharedAgentClients<C extends Closable = Closable> {
  private readonly clients = new Map<string, { client: C; users: number; usedAt: number }>();
  private closed = false;

  constructor(
    /** A client no target held for this long is closed (its node left the repository, or its token changed). */
    private readonly idleMs = 10 * 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * The client for this node at this origin with this token (created by `create` when there is
   * none), held until `release` is called: a held client is never closed by eviction.
   */
  acquire(node: string, origin: string, token: string, create: () => C): { client: C; release: () => void } {
    if (this.closed) throw new Error('the agent clients are closed (daemon shutting down)');
    this.evictIdle(this.now());
    // The token only as a digest: the key must change with it, and keys are not secrets.
    const key = `${node}\0${origin}\0${sha256(token)}`;
    let entry = this.clients.get(key);
    if (!entry) {
      entry = { client: create(), users: 0, usedAt: this.now() };
      this.clients.set(key, entry);
    }
    const held = entry;
    held.users++;
    let released = false;
    return {
      client: held.client,
      release: () => {
        if (released) return;
        released = true;
        held.users--;
        held.usedAt = this.now();
      },
    };
  }

  /** Clients held now (tests). */
  get size(): number {
    return this.clients.size;
  }

  /** Closes every client (daemon shutdown); later get() calls throw. */
  async close(): Promise<void> {
    this.closed = true;
    const all = [...this.clients.values()];
    this.clients.clear();
    await Promise.allSettled(all.map((e) => e.client.close()));
  }

  private evictIdle(at: number): void {
    for (const [key, e] of this.clients) {
      if (e.users > 0 || at - e.usedAt < this.idleMs) continue;
      this.clients.delete(key);
      void e.client.close().catch(() => undefined);
    }
  }
}

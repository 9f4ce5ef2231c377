// A daemon replica's place among the replicas sharing a PostgreSQL state (docs/ha.md): every
// heartbeat it renews its membership row and its leases, then compares the leases with what
// rendezvous hashing (with bounded loads) over the live replicas says — acquiring free or expired leases of environments
// it should own (a new fencing token each time; a takeover when the previous owner let it expire),
// and handing back, between runs, the ones a newly joined replica should own. A lease that could not
// be renewed is dropped at once and its running reconcile aborted. Each environment has at most one
// owner at any time: the lease row says who, and only a free or expired row can change hands.
import { performance } from 'node:perf_hooks';
import type { Fence } from '../../store/fence.js';
import type { ClusterTables } from '../../store/postgres/cluster.js';
import type { Logger } from '../../util/logger.js';
import { assign } from './rendezvous.js';

export interface ClusterOptions {
  replica: string;
  /** The HTTP address others see in /api/v1/cluster. */
  listen: string;
  heartbeatMs: number;
  leaseTtlMs: number;
  tables: ClusterTables;
  log: Logger;
  /** Environments were acquired: reconcile them (adopting what a dead owner started). */
  onAcquired(environments: string[]): void;
  /** A lease was taken over from a replica that let it expire (metrics). */
  onTakeover?(environment: string, from: string): void;
  /** The set of owned environments changed (metrics). */
  onOwnedChanged?(count: number): void;
}

interface Held {
  token: number;
  /** performance.now() past which this replica no longer trusts its lease (renewal start + TTL). */
  deadline: number;
  /** Aborted when the lease is lost or handed over: the running reconcile stops. */
  abort: AbortController;
  /** Reconciles running for it; a handover waits for zero. */
  running: number;
  /** The hash prefers another live replica: no new run starts, and it is released when idle. */
  releasing: boolean;
}

export class ReplicaCluster {
  private readonly held = new Map<string, Held>();
  private known = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private ticking: Promise<void> | undefined;
  private stopped = false;
  private listen: string;

  constructor(private readonly opts: ClusterOptions) {
    this.listen = opts.listen;
  }

  get id(): string {
    return this.opts.replica;
  }

  /** Joins (first heartbeat and lease round), then keeps going every heartbeat; `listen` is the bound HTTP address. */
  async start(listen?: string): Promise<void> {
    if (listen) this.listen = listen;
    await this.tick();
    this.schedule();
  }

  /** Environments of the revision this replica reconciles (plus those in its inventory). */
  setKnown(environments: Iterable<string>): void {
    const next = new Set(environments);
    const added = [...next].some((e) => !this.known.has(e));
    this.known = next;
    // A new environment should get an owner now, not at the next heartbeat.
    if (added && !this.stopped) void this.tickNow();
  }

  /** Environments this replica owns and may start a run for, sorted. */
  owned(): string[] {
    return [...this.held]
      .filter(([, h]) => !h.releasing)
      .map(([e]) => e)
      .sort();
  }

  /** The fence of an owned environment (undefined when not owned). */
  fence(environment: string): Fence | undefined {
    const h = this.held.get(environment);
    if (!h || h.releasing) return undefined;
    const token = h.token;
    return {
      replica: this.opts.replica,
      leases: new Map([[environment, token]]),
      valid: () => {
        const now = this.held.get(environment);
        return !!now && now.token === token && performance.now() < now.deadline;
      },
    };
  }

  /** Aborted when the environment's lease is lost or handed over. */
  signal(environment: string): AbortSignal | undefined {
    return this.held.get(environment)?.abort.signal;
  }

  beginRun(environment: string): void {
    const h = this.held.get(environment);
    if (h) h.running++;
  }

  endRun(environment: string): void {
    const h = this.held.get(environment);
    if (!h) return;
    h.running--;
    if (h.releasing && h.running === 0) void this.tickNow();
  }

  /** Leaves the cluster: leases freed for the survivors at once (a clean stop, not a takeover). */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.ticking;
    for (const h of this.held.values()) h.abort.abort(new Error('replica stopping'));
    this.held.clear();
    await this.opts.tables.leave(this.opts.replica).catch((err: Error) => this.opts.log.warn('could not leave the cluster cleanly', { error: err.message }));
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      void this.tickNow().finally(() => this.schedule());
    }, this.opts.heartbeatMs);
  }

  private tickNow(): Promise<void> {
    if (!this.ticking)
      this.ticking = this.tick()
        .catch((err: Error) => this.opts.log.warn('replica heartbeat failed; leases lapse unless the next one succeeds', { error: err.message }))
        .finally(() => (this.ticking = undefined));
    return this.ticking;
  }

  /** One heartbeat: membership, renewals, then acquisitions and handovers by the hash. */
  private async tick(): Promise<void> {
    const { tables, replica, leaseTtlMs, log } = this.opts;
    const renewStart = performance.now();
    await tables.heartbeat(replica, this.listen, leaseTtlMs);
    const tokens = new Map([...this.held].map(([e, h]) => [e, h.token]));
    const renewed = await tables.renew(replica, tokens, leaseTtlMs);
    const before = this.held.size;
    for (const [env, h] of this.held) {
      if (renewed.has(env)) h.deadline = renewStart + leaseTtlMs;
      else this.drop(env, 'lease lost (not renewed in time; another replica may own it now)');
    }
    if (this.stopped) return;

    const live = (await tables.liveReplicas()).map((r) => r.id);
    if (!live.includes(replica)) live.push(replica);
    const leases = new Map((await tables.leases()).map((l) => [l.environment, l]));
    const environments = new Set([...this.known, ...leases.keys()]);
    const acquired: string[] = [];
    const owners = assign(environments, live);
    for (const env of [...environments].sort()) {
      const preferred = owners.get(env);
      const mine = this.held.get(env);
      if (mine) {
        if (preferred !== replica) {
          mine.releasing = true;
          if (mine.running === 0) {
            this.drop(env, `handed over to ${preferred}`);
            await tables.release(env, replica, mine.token);
          }
        }
        continue;
      }
      if (preferred !== replica) continue;
      const lease = leases.get(env);
      if (lease?.owner && lease.live) continue; // still someone's: wait for it to expire or be handed back
      const got = await tables.acquire(env, replica, leaseTtlMs);
      if (!got) continue;
      this.held.set(env, { token: got.token, deadline: renewStart + leaseTtlMs, abort: new AbortController(), running: 0, releasing: false });
      acquired.push(env);
      if (got.previousOwner) {
        log.warn('environment taken over from a replica whose lease expired', { environment: env, from: got.previousOwner, token: got.token });
        this.opts.onTakeover?.(env, got.previousOwner);
      } else log.info('environment lease acquired', { environment: env, token: got.token });
    }
    if (acquired.length || this.held.size !== before) this.opts.onOwnedChanged?.(this.owned().length);
    if (acquired.length) this.opts.onAcquired(acquired);
  }

  private drop(env: string, why: string): void {
    const h = this.held.get(env);
    if (!h) return;
    this.held.delete(env);
    h.abort.abort(new Error(`environment ${env}: ${why}`));
    this.opts.log.warn(`environment ${why.startsWith('handed') ? 'handed over' : 'lease lost'}`, { environment: env, reason: why, token: h.token });
    this.opts.onOwnedChanged?.(this.owned().length);
  }
}

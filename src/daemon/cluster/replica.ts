// Everything a daemon needs when its state is PostgreSQL shared with other replicas (docs/ha.md),
// wired in one place: the store, the cluster tables, the LISTEN connection, the pull queue in the
// database, membership and leases, and trigger forwarding (a webhook, poll or API call received
// here is written as a trigger row and NOTIFY'd, so every replica reconciles what it owns).
import type { PostgresStore } from '../../store/postgres/index.js';
import { channels, ClusterTables } from '../../store/postgres/cluster.js';
import type { Logger } from '../../util/logger.js';
import type { DaemonConfig } from '../config.js';
import type { DaemonMetrics } from '../metrics.js';
import { every, type Stoppable } from '../triggers.js';
import { ReplicaCluster } from './membership.js';
import { Notifications } from './notifications.js';
import { DbPullQueue } from './pull-queue.js';
import type { Shards } from './shard-runs.js';

/** Triggers that came from outside (any replica may receive them) and are forwarded to all. */
const forwarded = (reason: string) => /^(webhook|api|poll)\b/.test(reason);

export interface Replica {
  id: string;
  tables: ClusterTables;
  shards: Shards;
  pull?: DbPullQueue;
  /** Joins the cluster (membership, leases, forwarded triggers); `queue` runs local reconciles. */
  start(listen: string, trigger: (reason: string) => boolean): Promise<void>;
  /** Writes a trigger for the other replicas when it is one they must see. */
  forward(reason: string): void;
  /** Leaves the cluster (leases freed at once) and closes the LISTEN connection. */
  stop(): Promise<void>;
}

export async function openReplica(cfg: DaemonConfig, store: PostgresStore, url: string, metrics: DaemonMetrics, log: Logger): Promise<Replica> {
  await store.ready();
  const tables = new ClusterTables(store);
  const notifications = new Notifications(() => tables.listener(url), Object.values(channels), log.child({ component: 'notifications' }));
  await notifications.start();
  const id = cfg.replicaId;
  const pull = cfg.agentTokens.size ? new DbPullQueue({ replica: id, tables, notifications, log: log.child({ component: 'agents' }) }) : undefined;
  let trigger: (reason: string) => boolean = () => false;
  const cluster = new ReplicaCluster({
    replica: id,
    listen: `${cfg.host}:${cfg.port}`,
    heartbeatMs: cfg.heartbeatMs,
    leaseTtlMs: cfg.leaseTtlMs,
    tables,
    log: log.child({ component: 'cluster', replica: id }),
    onAcquired: (envs) => trigger(`lease:${envs.join(',')}`),
    onTakeover: () => metrics.recordTakeover(),
    onOwnedChanged: (n) => metrics.setOwnedEnvironments(n),
  });
  const stoppables: Stoppable[] = [];
  let lastTrigger = await tables.lastTriggerId();
  let reading: Promise<void> | undefined;
  const readTriggers = () =>
    (reading ??= (async () => {
      for (const t of await tables.triggersSince(lastTrigger)) {
        lastTrigger = Math.max(lastTrigger, t.id);
        if (t.origin !== id) trigger(`${t.reason}@${t.origin}`);
      }
    })().finally(() => (reading = undefined)));

  return {
    id,
    tables,
    pull,
    shards: { cluster, store, pull },
    async start(listen, localTrigger) {
      trigger = localTrigger;
      await cluster.start(listen);
      notifications.on(
        channels.trigger,
        () => void readTriggers().catch((err: Error) => log.warn('reading forwarded triggers failed', { error: err.message })),
      );
      // Fallbacks for notifications lost while the LISTEN connection reconnects.
      stoppables.push(every(cfg.heartbeatMs, () => readTriggers(), log, 'forwarded triggers'));
      if (pull) stoppables.push(every(cfg.heartbeatMs, () => pull.refreshAgents(), log, 'agent contacts'));
    },
    forward(reason) {
      if (forwarded(reason))
        void tables.addTrigger(reason, id).catch((err: Error) => log.warn('could not forward a trigger to the other replicas', { reason, error: err.message }));
    },
    async stop() {
      await Promise.allSettled(stoppables.map((s) => s.stop()));
      pull?.close();
      await cluster.stop();
      await notifications.stop();
    },
  };
}

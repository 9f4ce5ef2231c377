// What the daemon's HTTP handlers and triggers share: settings, the store, the controller that runs
// reconciles, the queue in front of it and the metrics.
import type { DaemonConfig } from './config.js';
import type { Controller } from './controller.js';
import type { DaemonMetrics } from './metrics.js';
import type { ReconcileQueue } from './queue.js';
import type { DaemonBase } from './run-session.js';
import type { PullQueue } from './agents/queue.js';
import type { ClusterTables } from '../store/postgres/cluster.js';
import type { WebhookDeliveries } from './webhook-deliveries.js';

export interface DaemonContext {
  cfg: DaemonConfig;
  base: DaemonBase;
  controller: Controller;
  queue: ReconcileQueue;
  metrics: DaemonMetrics;
  startedAt: Date;
  /** Push webhook deliveries acted on in the last 24 h (replays are answered as duplicates). */
  deliveries: WebhookDeliveries;
  /** Pull-mode agent tasks (docs/design.md, Agent protocol); present when agent tokens are configured. */
  hub?: PullQueue;
  /** Set when replicas share a PostgreSQL state: this replica's id and the cluster tables. */
  cluster?: { id: string; tables: ClusterTables };
  /** Asks for a reconcile (counted in metrics); false while shutting down. */
  trigger(reason: string): boolean;
}

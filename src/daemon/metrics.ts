// The daemon's Prometheus metrics through prom-client: the exposition format, escaping and the
// standard process/Node.js metrics (CPU, memory, event loop lag, GC, open fds) come from the library
// every Node service uses. Each daemon owns one Registry (no global default registry), so several
// daemons in one process (tests) never share counters. Metric names are part of users' dashboards
// and alerts: keep them stable.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { ResourceStates } from '../report/index.js';

/** How a reconcile ended. */
/** `blocked`: nothing failed, but resources the targets cannot serve or may not take over were held back. */
export type ReconcileResult = 'converged' | 'not_converged' | 'blocked' | 'invalid' | 'error';

const RESULTS: ReconcileResult[] = ['converged', 'not_converged', 'blocked', 'invalid', 'error'];
const TASK_STATES = ['succeeded', 'failed', 'skipped', 'cancelled'];
const RESOURCE_STATES: (keyof ResourceStates)[] = ['in_sync', 'drifted', 'missing', 'unknown'];
const durationBuckets = [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];

export class DaemonMetrics {
  private readonly registry = new Registry();
  private readonly reconciles = new Counter({
    name: 'boreas_reconcile_total',
    help: 'Reconciles finished, by result.',
    labelNames: ['result'],
    registers: [this.registry],
  });
  private readonly duration = new Histogram({
    name: 'boreas_reconcile_duration_seconds',
    help: 'Wall time of one reconcile (all passes).',
    buckets: durationBuckets,
    registers: [this.registry],
  });
  private readonly drift = new Gauge({
    name: 'boreas_drift_resources',
    help: 'Changes left in the plan after the last reconcile (0 when converged).',
    registers: [this.registry],
  });
  private readonly resources = new Gauge({
    name: 'boreas_resources',
    help: 'Resources by observed state in the last plan: in_sync, drifted, missing, unknown (could not be observed).',
    labelNames: ['state'],
    registers: [this.registry],
  });
  private readonly tasks = new Counter({
    name: 'boreas_tasks_total',
    help: 'Tasks finished by reconciles of this daemon, by final state.',
    labelNames: ['state'],
    registers: [this.registry],
  });
  private readonly lastTimestamp = new Gauge({
    name: 'boreas_last_reconcile_timestamp_seconds',
    help: 'Unix time the last reconcile finished.',
    registers: [this.registry],
  });
  private readonly revision = new Gauge({
    name: 'boreas_revision_info',
    help: 'The revision last reconciled (value is always 1).',
    labelNames: ['sha'],
    registers: [this.registry],
  });
  private readonly triggers = new Counter({
    name: 'boreas_triggers_total',
    help: 'Reconcile triggers received, by source.',
    labelNames: ['source'],
    registers: [this.registry],
  });
  private readonly webhooks = new Counter({
    name: 'boreas_webhooks_total',
    help: 'Webhook deliveries, by forge and result.',
    labelNames: ['forge', 'result'],
    registers: [this.registry],
  });
  private readonly replicaEnvironments = new Gauge({
    name: 'boreas_replica_environments',
    help: 'Environments this replica owns (leases held; all of them with a SQLite state).',
    registers: [this.registry],
  });
  private readonly takeovers = new Counter({
    name: 'boreas_lease_takeovers_total',
    help: 'Environment leases this replica took over from a replica that let them expire.',
    registers: [this.registry],
  });
  private finished = 0;

  constructor() {
    collectDefaultMetrics({ register: this.registry });
    // Every result and task state is exported from the start (at 0), so rate() and alerts on a
    // series that has not happened yet work.
    for (const result of RESULTS) this.reconciles.inc({ result }, 0);
    for (const state of TASK_STATES) this.tasks.inc({ state }, 0);
    this.drift.set(0);
    for (const state of RESOURCE_STATES) this.resources.set({ state }, 0);
    this.lastTimestamp.set(0);
    this.replicaEnvironments.set(0);
    this.takeovers.inc(0);
  }

  setOwnedEnvironments(count: number): void {
    this.replicaEnvironments.set(count);
  }

  recordTakeover(): void {
    this.takeovers.inc();
  }

  /** Content-Type of render()'s output (text exposition format 0.0.4). */
  get contentType(): string {
    return this.registry.contentType;
  }

  recordReconcile(
    result: ReconcileResult,
    durationMs: number,
    at: Date,
    extra: { drift?: number; revision?: string; tasks?: Record<string, number>; resources?: ResourceStates } = {},
  ): void {
    this.reconciles.inc({ result });
    this.finished++;
    this.duration.observe(durationMs / 1000);
    this.lastTimestamp.set(at.getTime() / 1000);
    if (extra.drift !== undefined) this.drift.set(extra.drift);
    // Only a reconcile that got as far as a plan knows the states; otherwise the last known ones stay.
    if (extra.resources) for (const state of RESOURCE_STATES) this.resources.set({ state }, extra.resources[state]);
    if (extra.revision) {
      this.revision.reset();
      this.revision.set({ sha: extra.revision }, 1);
    }
    for (const [state, n] of Object.entries(extra.tasks ?? {})) this.tasks.inc({ state }, n);
  }

  recordTrigger(reason: string): void {
    this.triggers.inc({ source: reason.split(':')[0] });
  }

  recordWebhook(forge: string, result: 'accepted' | 'ignored' | 'unauthorized' | 'bad_request' | 'duplicate'): void {
    this.webhooks.inc({ forge, result });
  }

  /** Total reconciles finished so far (all results). */
  get reconcileCount(): number {
    return this.finished;
  }

  /** The Prometheus text exposition of every metric. */
  render(): Promise<string> {
    return this.registry.metrics();
  }
}

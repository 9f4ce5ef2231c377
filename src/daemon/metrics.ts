// The daemon's Prometheus metrics, kept in memory and rendered in the text exposition format 0.0.4.
// Counters only grow for the life of the process, as Prometheus expects.

/** How a reconcile ended. */
export type ReconcileResult = 'converged' | 'not_converged' | 'invalid' | 'error';

const durationBuckets = [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];

export class DaemonMetrics {
  private readonly reconciles = new Map<ReconcileResult, number>();
  private readonly tasks = new Map<string, number>();
  private readonly triggers = new Map<string, number>();
  private readonly webhooks = new Map<string, number>();
  private readonly bucketCounts = durationBuckets.map(() => 0);
  private durationSum = 0;
  private durationCount = 0;
  private drift = 0;
  private lastTimestamp = 0;
  private revision: string | undefined;

  recordReconcile(
    result: ReconcileResult,
    durationMs: number,
    at: Date,
    extra: { drift?: number; revision?: string; tasks?: Record<string, number> } = {},
  ): void {
    inc(this.reconciles, result);
    const seconds = durationMs / 1000;
    durationBuckets.forEach((le, i) => {
      if (seconds <= le) this.bucketCounts[i]++;
    });
    this.durationSum += seconds;
    this.durationCount++;
    this.lastTimestamp = at.getTime() / 1000;
    if (extra.drift !== undefined) this.drift = extra.drift;
    if (extra.revision) this.revision = extra.revision;
    for (const [state, n] of Object.entries(extra.tasks ?? {})) inc(this.tasks, state, n);
  }

  recordTrigger(reason: string): void {
    inc(this.triggers, reason.split(':')[0]);
  }

  recordWebhook(forge: string, result: 'accepted' | 'ignored' | 'unauthorized' | 'bad_request' | 'duplicate'): void {
    inc(this.webhooks, `${forge}\u0000${result}`);
  }

  /** Total reconciles finished so far (all results). */
  get reconcileCount(): number {
    return [...this.reconciles.values()].reduce((a, b) => a + b, 0);
  }

  render(): string {
    const out: string[] = [];
    family(out, 'boreas_reconcile_total', 'counter', 'Reconciles finished, by result.');
    for (const r of ['converged', 'not_converged', 'invalid', 'error'] as const)
      out.push(`boreas_reconcile_total{result="${r}"} ${this.reconciles.get(r) ?? 0}`);
    family(out, 'boreas_reconcile_duration_seconds', 'histogram', 'Wall time of one reconcile (all passes).');
    durationBuckets.forEach((le, i) => out.push(`boreas_reconcile_duration_seconds_bucket{le="${le}"} ${this.bucketCounts[i]}`));
    out.push(`boreas_reconcile_duration_seconds_bucket{le="+Inf"} ${this.durationCount}`);
    out.push(`boreas_reconcile_duration_seconds_sum ${num(this.durationSum)}`);
    out.push(`boreas_reconcile_duration_seconds_count ${this.durationCount}`);
    family(out, 'boreas_drift_resources', 'gauge', 'Changes left in the plan after the last reconcile (0 when converged).');
    out.push(`boreas_drift_resources ${this.drift}`);
    family(out, 'boreas_tasks_total', 'counter', 'Tasks finished by reconciles of this daemon, by final state.');
    for (const state of ['succeeded', 'failed', 'skipped', 'cancelled']) out.push(`boreas_tasks_total{state="${state}"} ${this.tasks.get(state) ?? 0}`);
    family(out, 'boreas_last_reconcile_timestamp_seconds', 'gauge', 'Unix time the last reconcile finished.');
    out.push(`boreas_last_reconcile_timestamp_seconds ${num(this.lastTimestamp)}`);
    family(out, 'boreas_revision_info', 'gauge', 'The revision last reconciled (value is always 1).');
    if (this.revision) out.push(`boreas_revision_info{sha="${escapeLabel(this.revision)}"} 1`);
    family(out, 'boreas_triggers_total', 'counter', 'Reconcile triggers received, by source.');
    for (const [reason, n] of [...this.triggers].sort()) out.push(`boreas_triggers_total{source="${escapeLabel(reason)}"} ${n}`);
    family(out, 'boreas_webhooks_total', 'counter', 'Webhook deliveries, by forge and result.');
    for (const [key, n] of [...this.webhooks].sort()) {
      const [forge, result] = key.split('\u0000');
      out.push(`boreas_webhooks_total{forge="${escapeLabel(forge)}",result="${result}"} ${n}`);
    }
    return out.join('\n') + '\n';
  }
}

function inc<K>(map: Map<K, number>, key: K, by = 1): void {
  map.set(key, (map.get(key) ?? 0) + by);
}

function family(out: string[], name: string, type: string, help: string): void {
  out.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
}

function num(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(6).replace(/0+$/, '');
}

function escapeLabel(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

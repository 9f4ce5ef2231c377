// One daemon reconcile, start to finish: open the source afresh (fetching a remote), load and
// validate, reconcile until converged, and remember what happened for the API, metrics and logs.
// Every failure is caught and recorded here, so the daemon keeps running on a bad commit.
import { loadValidRevision, type LoadedRevision } from '../engine/load-revision.js';
import { reconcile, type ReconcileSummary } from '../engine/reconcile.js';
import { formatDiagnostic } from '../model/diagnostic.js';
import { UserError, ValidationFailed } from '../model/errors.js';
import type { Plan } from '../model/plan.js';
import { resourceStates, type ResourceStates } from '../report/index.js';
import type { ExecutorEvent } from '../engine/executor-types.js';
import type { Logger } from '../util/logger.js';
import { openSource } from '../source/index.js';
import type { Source } from '../source/source.js';
import type { DaemonConfig } from './config.js';
import type { DaemonMetrics, ReconcileResult } from './metrics.js';
import { runSession, type DaemonBase } from './run-session.js';
import { reconcileShards, type Shards } from './cluster/shard-runs.js';

/** What the daemon remembers of one reconcile (served by /api/v1/reconciles and the dashboard). */
export interface ReconcileRecord {
  /** Sequence number within this daemon process. */
  seq: number;
  reasons: string[];
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  result: ReconcileResult;
  revision?: string;
  /** The revision actually reconciled: `revision`, or the last valid one when `revision` is invalid. */
  appliedRevision?: string;
  /** The store's run id when the reconcile had work to do (a no-op writes no run). */
  runId?: number;
  converged: boolean;
  /** Changes left in the last plan. */
  drift: number;
  /** Resources by observed state in the last plan (the `boreas_resources` metric). */
  resources?: ResourceStates;
  tasks?: ReconcileSummary['tasks'];
  failures: Array<{ resource: string; message: string }>;
  /** Validation diagnostics (`file:line:col: ...`) when the revision was invalid. */
  diagnostics?: string[];
  error?: string;
}

const keptRecords = 50;

export class Controller {
  private seq = 0;
  /** Newest first. */
  readonly records: ReconcileRecord[] = [];
  /** The last plan computed by a reconcile that got that far. */
  lastPlan: Plan | undefined;
  /** The last revision that passed validation; reconciled while newer ones are invalid. */
  private lastValid: LoadedRevision | undefined;
  /** The revision the last reconcile read (valid or not), for the poller's change check. */
  lastSeenRevision: string | undefined;

  constructor(
    private readonly cfg: DaemonConfig,
    private readonly base: DaemonBase,
    private readonly metrics: DaemonMetrics,
    /** Told what each reconcile applied (the live drift watch follows it). */
    private readonly onReconciled?: (loaded: LoadedRevision, summary: Pick<ReconcileSummary, 'desired'>) => Promise<void>,
    /** Set when replicas share a PostgreSQL state: only owned environments are reconciled, fenced. */
    private readonly shards?: Shards,
  ) {}

  /** Environments the last reconcile covered on this replica. */
  environments: string[] = [];

  /** True once a reconcile has finished, whatever its result (drives /v1/ready). */
  get ready(): boolean {
    return this.records.length > 0;
  }

  /** Opens the configured source as it is now (a remote is fetched). */
  openSource(): Promise<Source> {
    return openSource({ repo: this.cfg.repo, ref: this.cfg.ref, path: this.cfg.path, cacheDir: this.base.cacheDir });
  }

  /** Runs one reconcile; never throws. */
  async run(reasons: string[]): Promise<ReconcileRecord> {
    const log = this.base.log;
    const started = new Date();
    const seq = ++this.seq;
    const lastRunBefore = (await this.base.store.listRuns(1))[0]?.id ?? 0;
    log.info('reconcile started', { seq, reasons });
    const session = runSession(this.base);
    const rec: ReconcileRecord = {
      seq,
      reasons,
      startedAt: started.toISOString(),
      finishedAt: '',
      durationMs: 0,
      result: 'error',
      converged: false,
      drift: 0,
      failures: [],
    };
    try {
      const source = await this.openSource();
      const revision = await source.resolve();
      this.lastSeenRevision = revision.sha;
      rec.revision = revision.sha;
      let loaded: LoadedRevision;
      let invalid: ValidationFailed | undefined;
      try {
        loaded = await loadValidRevision(session, source, { record: true, allowEmpty: this.cfg.allowEmpty });
        this.lastValid = loaded;
      } catch (err) {
        // A bad commit must not switch self-healing off: keep reconciling the last valid revision.
        if (!(err instanceof ValidationFailed) || !this.lastValid) throw err;
        invalid = err;
        loaded = this.lastValid;
      }
      rec.appliedRevision = loaded.revision.sha;
      const options = {
        timeoutMs: this.cfg.timeoutMs,
        dryRun: false,
        prune: this.cfg.prune,
        allowMassDelete: this.cfg.allowMassDelete,
        concurrency: this.cfg.concurrency,
        // Only the normalised fields: a raw event carries the task's resource, whose env may hold secrets.
        onEvent: (ev: unknown) => logTaskEvent(log, seq, ev as ExecutorEvent),
      };
      const summary = this.shards ? await reconcileShards(this.base, this.shards, loaded, options) : await reconcile(session, { ...options, loaded });
      this.environments = 'environments' in summary ? summary.environments : [...loaded.manifests.environments.keys()].sort();
      if (!this.shards) this.metrics.setOwnedEnvironments(this.environments.length);
      this.lastPlan = summary.plan;
      await this.onReconciled?.(loaded, summary);
      const heldBack = !summary.converged && summary.failures.length === 0 && (summary.plan.blocked?.length ?? 0) > 0;
      rec.result = summary.converged ? 'converged' : heldBack ? 'blocked' : 'not_converged';
      rec.converged = summary.converged;
      rec.drift = summary.plan.changes.length;
      rec.resources = resourceStates(summary.plan);
      rec.tasks = summary.tasks;
      rec.failures = summary.failures;
      const lastRun = (await this.base.store.listRuns(1))[0];
      if (lastRun && lastRun.id > lastRunBefore) rec.runId = lastRun.id;
      if (invalid) {
        rec.result = 'invalid';
        rec.diagnostics = invalid.diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic);
        rec.error = `${rec.diagnostics.length} validation error(s); nothing of ${revision.sha} was applied, the last valid revision ${loaded.revision.sha} is kept in sync`;
      }
    } catch (err) {
      if (err instanceof ValidationFailed) {
        rec.result = 'invalid';
        rec.diagnostics = err.diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic);
        rec.error = `${rec.diagnostics.length} validation error(s); nothing was applied`;
      } else {
        rec.result = 'error';
        rec.error = err instanceof UserError ? err.message : ((err as Error)?.message ?? String(err));
        if (!(err instanceof UserError)) log.error('reconcile failed with an internal error', { seq, error: (err as Error)?.stack ?? String(err) });
      }
    } finally {
      await session.close();
    }
    const finished = new Date();
    rec.finishedAt = finished.toISOString();
    rec.durationMs = finished.getTime() - started.getTime();
    await this.remember(rec);
    this.metrics.recordReconcile(rec.result, rec.durationMs, finished, {
      drift: rec.appliedRevision ? rec.drift : undefined,
      revision: rec.appliedRevision,
      resources: rec.resources,
      tasks: rec.tasks ? { succeeded: rec.tasks.succeeded, failed: rec.tasks.failed, skipped: rec.tasks.skipped, cancelled: rec.tasks.cancelled } : undefined,
    });
    this.logResult(rec);
    return rec;
  }

  private async remember(rec: ReconcileRecord): Promise<void> {
    this.records.unshift(rec);
    this.records.length = Math.min(this.records.length, keptRecords);
    // Only reconciles that did or tried something are audited: a quiet resync every few minutes
    // would otherwise fill the audit log with nothing.
    const prev = this.records[1];
    const repeatedInvalid = rec.result === 'invalid' && prev?.result === 'invalid' && prev.revision === rec.revision && rec.runId === undefined;
    if (!repeatedInvalid && (rec.runId !== undefined || rec.result === 'invalid' || rec.result === 'error')) {
      await this.base.store
        .audit({
          type: `daemon.reconcile.${rec.result}`,
          subject: rec.revision ?? '(unknown revision)',
          message: rec.error ?? `${rec.result}: ${rec.tasks?.succeeded ?? 0} task(s) succeeded, ${rec.tasks?.failed ?? 0} failed`,
          data: { seq: rec.seq, reasons: rec.reasons, runId: rec.runId ?? null, drift: rec.drift },
        })
        // run() never throws: a store that cannot take the audit row (database down) is logged only.
        .catch((err: Error) => this.base.log.warn('could not audit the reconcile', { error: err.message }));
    }
  }

  private logResult(rec: ReconcileRecord): void {
    const fields = {
      seq: rec.seq,
      result: rec.result,
      revision: rec.revision,
      appliedRevision: rec.appliedRevision,
      durationMs: rec.durationMs,
      drift: rec.drift,
      tasks: rec.tasks,
      runId: rec.runId,
    };
    if (rec.result === 'converged') this.base.log.info('reconcile finished', fields);
    else if (rec.result === 'invalid')
      this.base.log.warn(rec.appliedRevision ? 'revision is invalid; the last valid revision is kept in sync' : 'revision is invalid; nothing was applied', {
        ...fields,
        diagnostics: rec.diagnostics,
      });
    else this.base.log.warn('reconcile did not converge', { ...fields, error: rec.error, failures: rec.failures });
  }
}

/** One log line per task start/finish and batch, with ids and states only (never specs or env). */
function logTaskEvent(log: Logger, seq: number, ev: ExecutorEvent): void {
  switch (ev?.type) {
    case 'task-started':
      return log.info('task started', { seq, task: ev.key.slice(0, 12), resource: ev.resourceId, action: ev.action, attempt: ev.attempt });
    case 'task-finished':
      return log.info('task finished', {
        seq,
        task: ev.result.key.slice(0, 12),
        resource: ev.result.resourceId,
        action: ev.result.action,
        state: ev.result.state,
        outcome: ev.result.outcome,
        attempts: ev.result.attempts,
        durationMs: ev.result.durationMs,
        skipped: ev.result.skipped,
      });
    case 'batch-started':
      return log.info('batch started', { seq, owner: ev.owner, batch: ev.batch, tasks: ev.tasks });
    default:
      return;
  }
}

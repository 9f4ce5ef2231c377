// The reconcile loop (flux-style fixed stages): source → load → validate → desired → observe → plan →
// execute → record → re-observe, until the plan is empty, a pass fails, the deadline passes or the
// run is interrupted. `--once` runs it a single time; the daemon calls it on every trigger. The run
// row is closed in a `finally`, so an interrupted or failed run is recorded as such.
//
// The verdict is honest: "converged" only when the last pass planned nothing, every resource was
// observed (none Unknown), every desired resource is healthy now, and nothing failed on the way.
import type { Json } from '../model/json.js';
import type { Plan } from '../model/plan.js';
import type { RunResult, RunSummary as ReconcileSummary } from '../model/run-summary.js';
import { planToTasks, TOMBSTONES } from '../plan/tasks.js';
import { executeTasks } from './executor.js';
import { changedSomething, recordHistory } from './history.js';
import { type LoadedRevision, loadValidRevision } from './load-revision.js';
import { activePins, readPins, writePins } from './pins.js';
import { type PassResult, planRevision } from './plan-revision.js';
import { recordPass, recordRevisionFacts } from './record.js';
import { rollbackTarget } from './rollback.js';
import type { Session } from './session.js';
import { scopeOf } from './target-scope.js';
import { openRevisionSecrets } from '../secrets/index.js';

export interface ReconcileOptions {
  timeoutMs: number;
  dryRun: boolean;
  prune: boolean;
  concurrency: number;
  /** Let a run delete more than half of an environment (otherwise it stops before any change). */
  allowMassDelete?: boolean;
  /** A repository path with no manifests is an error unless this is set. */
  allowEmpty?: boolean;
  /** Interrupt (SIGINT/SIGTERM): no task starts after it; running ones get `graceMs`, then are aborted. */
  signal?: AbortSignal;
  /** How long running tasks may finish after an interrupt (default 10 s). */
  graceMs?: number;
  /** Progress events from the executor (task started/finished). */
  onEvent?: (event: unknown) => void;
  /** Called after each plan, before execution (progress output). */
  onPlan?: (plan: Plan, pass: number) => void;
  /** Use this revision instead of loading one (rollback, daemon). */
  loaded?: LoadedRevision;
  /** Only these environments (a daemon replica's shard); default all. */
  environments?: ReadonlySet<string>;
}

export type { RunResult, RunSummary as ReconcileSummary } from '../model/run-summary.js';

const maxPasses = 10;

export async function reconcile(session: Session, opts: ReconcileOptions): Promise<ReconcileSummary> {
  const release = opts.dryRun ? () => {} : await session.lock('reconcile');
  try {
    return await reconcileLocked(session, opts);
  } finally {
    await release();
  }
}

async function reconcileLocked(session: Session, opts: ReconcileOptions): Promise<ReconcileSummary> {
  const started = Date.now();
  const deadline = started + opts.timeoutMs;
  const { store } = session;
  const loaded = opts.loaded ?? (await loadValidRevision(session, undefined, { record: !opts.dryRun, allowEmpty: opts.allowEmpty }));
  const revision = loaded.revision.sha;
  const releases = loaded.manifests.releases;
  // Preflight: every encrypted value the revision uses is decrypted now, before any side effect; a
  // missing identity or a wrong key fails the revision here, naming the file, with nothing applied.
  const secrets = await openRevisionSecrets(loaded.manifests, loaded.source, { identityFiles: session.ageIdentityFiles, stateDir: session.stateDir });
  const registry = session.targets(scopeOf(loaded.manifests), loaded.source.rootDir, { readOnly: opts.dryRun, resolveSecret: secrets.resolve });
  if (!opts.dryRun) await recordRevisionFacts(store, revision, loaded.manifests);
  const passOptions = {
    revision,
    manifests: loaded.manifests,
    store,
    registry,
    prune: opts.prune,
    allowMassDelete: opts.allowMassDelete,
    secretDigest: secrets.digest,
    environments: opts.environments,
    memo: session.memo,
    secretsFingerprint: secrets.fingerprint(),
  };

  const totals = { run: 0, succeeded: 0, failed: 0, skipped: 0, cancelled: 0 };
  const failures: ReconcileSummary['failures'] = [];
  const rolledBack: ReconcileSummary['rolledBack'] = [];
  const changedOwners = new Set<string>();
  const changedCount = new Map<string, number>();
  let runId: number | undefined;
  let interrupted: ReconcileSummary['interrupted'];
  let passes = 0;
  let last: PassResult | undefined;
  let result: ReconcileSummary | undefined;
  try {
    last = await planRevision(passOptions);
    for (;;) {
      passes++;
      opts.onPlan?.(last.plan, passes);
      if (!opts.dryRun) await recordPass(store, revision, last);
      const plan = last.plan;
      if (plan.changes.length === 0 || plan.massDelete || opts.dryRun || passes > maxPasses || Date.now() > deadline) break;
      if (opts.signal?.aborted) {
        interrupted = { done: totals.succeeded, notStarted: plan.changes.length };
        break;
      }
      const runnable = { ...plan, changes: plan.changes.filter((c) => !c.deferred) };
      if (runnable.changes.length === 0) break;
      // A run row is written only when there is work: a no-op reconcile writes nothing.
      if (runId === undefined) {
        runId = await store.startRun('reconcile', revision);
        // Saved before any task runs: a crash after execution still leaves the revision restorable.
        await store.saveDesired(revision, last.desired);
      }
      for (const c of runnable.changes) changedOwners.add(c.owner);
      const byId = new Map(last.desired.map((r) => [r.id, r]));
      // One read of the tombstones (keys of earlier deletes) when anything is created, not one per change.
      const inventory = last.inventory;
      const creates = runnable.changes.some((c) => !inventory.has(c.id));
      const tombstones = creates ? await store.listKv(TOMBSTONES) : new Map<string, string>();
      const tasks = planToTasks(runnable, {
        inventory: last.inventory,
        batchSize: (owner) => releases.get(owner)?.manifest.spec.strategy?.batchSize,
        tombstone: (id) => tombstones.get(id),
        healthy: settledIn(last),
        resourceOf: (id) => byId.get(id),
      });
      const summary = await executeTasks(tasks, {
        store,
        runId,
        targetFor: (key: string) => registry.get(key),
        resourceOf: (id) => byId.get(id),
        log: session.log,
        concurrency: opts.concurrency,
        healthTimeoutMs: Math.max(1000, Math.min(deadline - Date.now(), 300_000)),
        failureThreshold: (owner: string) => releases.get(owner)?.manifest.spec.strategy?.failureThreshold ?? 0,
        healthTimeoutFor: (owner: string) => {
          const s = releases.get(owner)?.manifest.spec.strategy?.timeoutSeconds;
          return s === undefined ? undefined : s * 1000;
        },
        onEvent: opts.onEvent,
        signal: AbortSignal.any([AbortSignal.timeout(Math.max(1, deadline - Date.now())), ...(opts.signal ? [opts.signal] : [])]),
        graceMs: opts.graceMs ?? 10_000,
      });
      totals.run += summary.total - summary.skipped;
      totals.succeeded += summary.succeeded;
      totals.failed += summary.failed;
      totals.skipped += summary.skipped;
      totals.cancelled += summary.cancelled;
      for (const r of summary.results) if (changedSomething(r)) changedCount.set(r.owner, (changedCount.get(r.owner) ?? 0) + 1);
      if (opts.signal?.aborted) {
        interrupted = { done: totals.succeeded, notStarted: summary.results.filter((r) => r.state === 'cancelled' && r.attempts === 0).length };
        break;
      }
      for (const r of summary.results)
        if (r.state === 'failed' || r.state === 'cancelled') failures.push({ resource: r.resourceId, message: r.message ?? r.state });
      // A failed release with autoRollback returns to the revision its instances ran before, pinned
      // until Git moves on (the next pass applies the pin like any other desired state).
      const rollbacks: Array<{ application: string; to: string }> = [];
      for (const owner of summary.stoppedOwners) {
        if (!releases.get(owner)?.manifest.spec.strategy?.autoRollback || rolledBack.some((r) => r.application === owner)) continue;
        const to = await rollbackTarget(last.inventory, owner, store);
        if (to) rollbacks.push({ application: owner, to });
      }
      if (rollbacks.length) {
        const pins = await readPins(store);
        for (const r of rollbacks) {
          pins[r.application] = { to: r.to, madeAt: revision };
          await store.audit({ type: 'auto-rollback', subject: `Application/${r.application}`, message: `release failed; rolled back to ${r.to}` });
        }
        await writePins(store, pins);
        rolledBack.push(...rollbacks);
      }
      last = await planRevision(passOptions);
      if (rollbacks.length) continue;
      if (summary.failed > 0 || summary.cancelled > 0) {
        passes++;
        opts.onPlan?.(last.plan, passes);
        await recordPass(store, revision, last);
        break;
      }
    }
    const held = (await activePins(store, revision)).map(
      ([app, pin]) => `Application/${app} is held at revision ${pin.to.slice(0, 12)} after a rollback; Git's version applies from the next commit`,
    );
    result = summarize(revision, last, { started, passes, totals, failures, rolledBack, interrupted, dryRun: opts.dryRun, warnings: held });
    return result;
  } finally {
    // Closed whatever happened: an exception, an interrupt or a verdict.
    if (runId !== undefined) {
      const outcome: RunResult = result?.result ?? (opts.signal?.aborted ? 'interrupted' : 'failed');
      if (result && last) {
        await store.saveDesired(revision, last.desired);
        await recordHistory(store, runId, revision, last.desired, changedOwners, result, changedCount);
      }
      await store.finishRun(runId, outcome === 'converged', summaryJson(result, outcome, revision, started));
    }
  }
}

interface Tally {
  started: number;
  passes: number;
  totals: ReconcileSummary['tasks'];
  failures: ReconcileSummary['failures'];
  rolledBack: ReconcileSummary['rolledBack'];
  interrupted: ReconcileSummary['interrupted'];
  dryRun: boolean;
  warnings: string[];
}

/**
 * Healthy now, or a sync hook that ran and was removed by its delete policy (in sync while absent:
 * what depends on it does not wait for it).
 */
function settledIn(pass: PassResult): (id: string) => boolean {
  const hooks = new Set(pass.desired.filter((d) => d.hook).map((d) => d.id));
  const changing = new Set(pass.plan.changes.map((c) => c.id));
  return (id) => {
    const o = pass.observed.get(id);
    return (o?.health.level ?? 0) >= 100 || (o?.state === 'absent' && hooks.has(id) && !changing.has(id));
  };
}

/** The verdict of a run from its last pass. */
function summarize(revision: string, last: PassResult, t: Tally): ReconcileSummary {
  const plan = last.plan;
  const blocked = plan.blocked ?? [];
  const settled = settledIn(last);
  const changing = new Set(plan.changes.map((c) => c.id));
  // In sync is not enough: every desired resource must be healthy now (a stopped instance is as desired).
  const unhealthy = last.desired.flatMap((d) => {
    const o = last.observed.get(d.id);
    if (!o || o.state === 'unknown' || o.blocked || changing.has(d.id)) return [];
    if (o.health.level >= 100 || o.health.status === 'Suspended' || settled(d.id)) return [];
    return [{ resource: d.id, message: `${o.health.status}${o.health.message ? `: ${o.health.message}` : ''}` }];
  });
  const converged =
    !t.interrupted &&
    !t.dryRun &&
    plan.changes.length === 0 &&
    plan.unknown.length === 0 &&
    blocked.length === 0 &&
    !plan.massDelete &&
    unhealthy.length === 0 &&
    t.failures.length === 0 &&
    t.rolledBack.length === 0;
  const result: RunResult = t.interrupted
    ? 'interrupted'
    : converged
      ? 'converged'
      : t.failures.length
        ? 'failed'
        : blocked.length
          ? 'blocked'
          : 'not-converged';
  return {
    revision,
    converged,
    result,
    passes: t.passes,
    tasks: t.totals,
    failures: t.failures,
    unhealthy,
    orphans: plan.orphans.map((o) => o.id),
    rolledBack: t.rolledBack,
    ...(t.interrupted ? { interrupted: t.interrupted } : {}),
    warnings: [...last.graph.warnings, ...t.warnings],
    durationMs: Date.now() - t.started,
    plan,
    desired: last.desired,
    dryRun: t.dryRun,
  };
}

function summaryJson(s: ReconcileSummary | undefined, result: RunResult, revision: string, started: number): Json {
  if (!s) return { revision, result, durationMs: Date.now() - started };
  return { revision: s.revision, result, converged: s.converged, passes: s.passes, tasks: s.tasks, failures: s.failures, durationMs: s.durationMs };
}

// The reconcile loop (flux-style fixed stages): source → load → validate → desired → observe → plan →
// execute → re-observe, until the plan is empty, a pass fails, or the deadline passes. `--once` runs
// it a single time; the daemon calls it on every trigger.
import type { Json } from '../model/resource.js';
import type { Plan } from '../model/plan.js';
import { planToTasks, TOMBSTONES } from '../plan/tasks.js';
import { executeTasks } from './executor.js';
import { loadValidRevision, type LoadedRevision } from './load-revision.js';
import { planPass } from './plan-pass.js';
import type { Session } from './session.js';
import { recordHistory } from './history.js';
import { rollbackTarget } from './rollback.js';
import { acquireStateLock } from './state-lock.js';
import { readPins, writePins } from './pins.js';
import { openRevisionSecrets } from '../secrets/index.js';

export interface ReconcileOptions {
  timeoutMs: number;
  dryRun: boolean;
  prune: boolean;
  concurrency: number;
  /** Progress events from the executor (task started/finished). */
  onEvent?: (event: unknown) => void;
  /** Called after each plan, before execution (progress output). */
  onPlan?: (plan: Plan, pass: number) => void;
  /** Use this revision instead of loading one (rollback, daemon). */
  loaded?: LoadedRevision;
}

export interface ReconcileSummary {
  revision: string;
  converged: boolean;
  passes: number;
  tasks: { run: number; succeeded: number; failed: number; skipped: number; cancelled: number };
  failures: Array<{ resource: string; message: string }>;
  /** Applied resources kept because of --no-prune. */
  orphans: string[];
  warnings: string[];
  durationMs: number;
  /** Applications whose release failed and were rolled back (autoRollback), pinned to their previous revision. */
  rolledBack: Array<{ application: string; to: string }>;
  /** The last plan computed (empty when converged). */
  plan: Plan;
  dryRun: boolean;
}

const maxPasses = 10;

export async function reconcile(session: Session, opts: ReconcileOptions): Promise<ReconcileSummary> {
  const release = opts.dryRun ? () => {} : acquireStateLock(session.stateDir, 'reconcile');
  try {
    return await reconcileLocked(session, opts);
  } finally {
    release();
  }
}

async function reconcileLocked(session: Session, opts: ReconcileOptions): Promise<ReconcileSummary> {
  const started = Date.now();
  const deadline = started + opts.timeoutMs;
  const loaded = opts.loaded ?? (await loadValidRevision(session, undefined, { record: !opts.dryRun }));
  const revision = loaded.revision.sha;
  // Preflight: every encrypted value the revision uses is decrypted now, before any side effect; a
  // missing identity or a wrong key fails the revision here, naming the file, with nothing applied.
  const secrets = await openRevisionSecrets(loaded.manifests, loaded.source, { identityFiles: session.ageIdentityFiles, stateDir: session.stateDir });
  const registry = session.targets(loaded.manifests, loaded.source.rootDir, secrets.resolve);
  const totals = { run: 0, succeeded: 0, failed: 0, skipped: 0, cancelled: 0 };
  const failures: ReconcileSummary['failures'] = [];
  let runId: number | undefined;
  let converged = false;
  let passes = 0;
  let last = await planPass({
    revision,
    manifests: loaded.manifests,
    store: session.store,
    registry,
    log: session.log,
    prune: opts.prune,
    issueCertificates: !opts.dryRun,
    readOnly: opts.dryRun,
    secrets,
  });
  const changedOwners = new Set<string>();
  const rolledBack: ReconcileSummary['rolledBack'] = [];
  while (true) {
    passes++;
    opts.onPlan?.(last.plan, passes);
    if (last.plan.changes.length === 0) {
      // Converged to Git only if no release had to be rolled back on the way.
      converged = rolledBack.length === 0 && failures.length === 0;
      break;
    }
    if (opts.dryRun || passes > maxPasses || Date.now() > deadline) break;
    // A run row is written only when there is work: a no-op reconcile writes nothing.
    if (runId === undefined) {
      runId = session.store.startRun('reconcile', revision);
      // Saved before any task runs: a crash after execution still leaves the revision restorable.
      session.store.saveDesired(revision, last.desired);
    }
    for (const c of last.plan.changes) changedOwners.add(c.owner);
    const tasks = planToTasks(last.plan, {
      inventory: last.inventory,
      batchSize: (owner) => loaded.manifests.releases.get(owner)?.manifest.spec.strategy?.batchSize,
      tombstone: (id) => session.store.getKv(TOMBSTONES, id),
    });
    const summary = await executeTasks(tasks, {
      store: session.store,
      runId,
      targetFor: (key: string) => registry.get(key),
      log: session.log,
      concurrency: opts.concurrency,
      healthTimeoutMs: Math.max(1000, Math.min(deadline - Date.now(), 300_000)),
      failureThreshold: (owner: string) => loaded.manifests.releases.get(owner)?.manifest.spec.strategy?.failureThreshold ?? 0,
      healthTimeoutFor: (owner: string) => {
        const s = loaded.manifests.releases.get(owner)?.manifest.spec.strategy?.timeoutSeconds;
        return s === undefined ? undefined : s * 1000;
      },
      onEvent: opts.onEvent,
      signal: AbortSignal.timeout(Math.max(1, deadline - Date.now())),
    });
    totals.run += summary.total - summary.skipped;
    totals.succeeded += summary.succeeded;
    totals.failed += summary.failed;
    totals.skipped += summary.skipped;
    totals.cancelled += summary.cancelled;
    for (const r of summary.results)
      if (r.state === 'failed' || r.state === 'cancelled') failures.push({ resource: r.resourceId, message: r.message ?? r.state });
    // A failed release with autoRollback returns to the revision its instances ran before, pinned
    // until Git moves on (the next pass applies the pin like any other desired state).
    const rollbacks = summary.stoppedOwners
      .filter((owner) => loaded.manifests.releases.get(owner)?.manifest.spec.strategy?.autoRollback && !rolledBack.some((r) => r.application === owner))
      .map((owner) => ({ application: owner, to: rollbackTarget(last.inventory, owner, session.store) }))
      .filter((r): r is { application: string; to: string } => !!r.to);
    if (rollbacks.length) {
      const pins = readPins(session.store);
      for (const r of rollbacks) {
        pins[r.application] = { to: r.to, madeAt: revision };
        session.store.audit({ type: 'auto-rollback', subject: `Application/${r.application}`, message: `release failed; rolled back to ${r.to}` });
      }
      writePins(session.store, pins);
      rolledBack.push(...rollbacks);
    }
    // Certificates are issued/renewed once per reconcile, in the first pass: a renewBeforeDays longer
    // than the CA's validity would otherwise renew again in every pass (and hit CA rate limits).
    last = await planPass({
      revision,
      manifests: loaded.manifests,
      store: session.store,
      registry,
      log: session.log,
      prune: opts.prune,
      issueCertificates: false,
      secrets,
    });
    if (rollbacks.length) continue;
    if (summary.failed > 0 || summary.cancelled > 0) {
      opts.onPlan?.(last.plan, passes + 1);
      converged = false; // failed tasks: not converged, whatever the re-plan says
      break;
    }
  }
  // Resources on unreachable nodes cannot be verified: drift is unknown there, not zero.
  const offline = [...new Set(last.desired.filter((r) => last.observed.get(r.id)?.details?.offline).map((r) => r.target))];
  if (offline.length) converged = false;
  const result: ReconcileSummary = {
    revision,
    converged,
    passes,
    tasks: totals,
    failures,
    orphans: last.plan.orphans.map((o) => o.id),
    rolledBack,
    warnings: [
      ...last.graph.warnings,
      ...offline.map((t) => `${t} is unreachable: its resources could not be verified`),
      ...Object.entries(readPins(session.store))
        .filter(([, pin]) => pin.madeAt === revision)
        .map(([app, pin]) => `Application/${app} is held at revision ${pin.to.slice(0, 12)} after a rollback; Git's version applies from the next commit`),
    ],
    durationMs: Date.now() - started,
    plan: last.plan,
    dryRun: opts.dryRun,
  };
  if (runId !== undefined) {
    session.store.saveDesired(revision, last.desired);
    recordHistory(session.store, runId, revision, last.desired, changedOwners, result);
    session.store.finishRun(runId, converged, summaryJson(result));
  }
  return result;
}

function summaryJson(s: ReconcileSummary): Json {
  return { revision: s.revision, converged: s.converged, passes: s.passes, tasks: s.tasks, failures: s.failures, durationMs: s.durationMs };
}

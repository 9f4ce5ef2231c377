// The read side of the daemon's HTTP API: health, readiness, v1 status, and the /api/v1 views
// of applications, revisions, runs, tasks and drift. Everything is read from the store and the
// controller's memory; nothing here changes state.
import { appHistory } from '../../engine/history.js';
import { collectStatus, type StatusOptions } from '../../engine/status.js';
import { renderPlanJson, statusJson, syncCounts, toV1Status, type AppStatus } from '../../report/index.js';
import type { SyncState } from '../../model/status.js';
import type { AppStatusJson } from '../../report/index.js';
import type { TaskRecord } from '../../store/store.js';
import type { ReconcileRecord } from '../controller.js';
import type { DaemonContext } from '../context.js';
import { runSession } from '../run-session.js';
import { HttpError } from '../../util/http-body.js';

/** Status of every application (or one), from the inventory plus a live look at the targets (or the cached one). */
export async function appStatuses(ctx: DaemonContext, opts: StatusOptions = {}): Promise<AppStatus[]> {
  const session = runSession(ctx.base);
  try {
    return await collectStatus(session, opts);
  } finally {
    await session.close();
  }
}

export function health(ctx: DaemonContext): unknown {
  return { status: 'ok', startedAt: ctx.startedAt.toISOString(), uptimeSeconds: Math.round((Date.now() - ctx.startedAt.getTime()) / 1000) };
}

/** [status code, body] of /v1/ready: ready once the first reconcile has finished. */
export function readiness(ctx: DaemonContext): [number, unknown] {
  const last = ctx.controller.records[0];
  if (!last) return [503, { ready: false, reason: 'the first reconcile has not finished yet' }];
  return [
    200,
    {
      ready: true,
      lastReconcile: { result: last.result, revision: last.revision ?? null, appliedRevision: last.appliedRevision ?? null, finishedAt: last.finishedAt },
    },
  ];
}

/** v1 shape of a status. */
export function v1Of(status: AppStatus): unknown {
  return toV1Status(status);
}

/** v1 shape of one application: `{app, healthy: {level}, versions: [...]}`. */
export async function v1Status(ctx: DaemonContext, app: string): Promise<unknown> {
  const [status] = await appStatuses(ctx, { app });
  if (!status) throw new HttpError(404, `application "${app}" is not deployed (not in the state file)`);
  return toV1Status(status);
}

/** `?observe=cached` (the dashboard) or `live` (default); anything else is a 400. */
export function observeParam(value: string | null): StatusOptions['observe'] {
  if (value === null || value === '' || value === 'live') return 'live';
  if (value === 'cached') return 'cached';
  throw new HttpError(400, `observe must be "live" or "cached", got "${value}"`);
}

/** A change the last plan left for an application (the list view; the detail adds the diffs). */
interface PendingChange {
  action: string;
  reason: string;
  id: string;
  message: string;
}

/**
 * Every application in the status JSON shape (the same as `boreas status --output json`), with the
 * changes the last plan left for it, a count per sync state, and the revision the last reconcile read.
 */
export async function applications(
  ctx: DaemonContext,
  observe: StatusOptions['observe'] = 'live',
): Promise<{ summary: Record<SyncState, number>; applications: Array<AppStatusJson & { pendingChanges: PendingChange[] }> }> {
  const statuses = await appStatuses(ctx, { observe });
  const pending = new Map<string, PendingChange[]>();
  for (const c of ctx.controller.lastPlan?.changes ?? [])
    (pending.get(c.owner) ?? pending.set(c.owner, []).get(c.owner)!).push({ action: c.action, reason: c.reason, id: c.id, message: c.message });
  return {
    summary: syncCounts(statuses),
    applications: statuses.map((s) => ({ ...statusJson(s), pendingChanges: pending.get(s.app) ?? [] })),
  };
}

/**
 * One application in detail (the dashboard's panel): its status observed now, the changes the last
 * plan left for it with their field and text diffs (secrets masked as in `plan`), and its history.
 */
export async function application(ctx: DaemonContext, app: string): Promise<unknown> {
  const [status] = await appStatuses(ctx, { app });
  if (!status) throw new HttpError(404, `application "${app}" is not deployed (not in the state file)`);
  const plan = ctx.controller.lastPlan;
  const changes = plan ? renderPlanJson({ ...plan, changes: plan.changes.filter((c) => c.owner === app) }).changes : [];
  return { ...statusJson(status), pendingChanges: changes, history: (await appHistory(ctx.base.store, app)).slice(0, 50) };
}

/** Revisions seen by reconciles (newest first), with validity and the runs that applied them. */
export async function revisions(ctx: DaemonContext): Promise<unknown> {
  const store = ctx.base.store;
  const runs = await store.listRuns(200);
  const order: string[] = [];
  const runIds = new Map<string, number[]>();
  for (const rec of ctx.controller.records) if (rec.revision && !runIds.has(rec.revision)) order.push(rec.revision), runIds.set(rec.revision, []);
  for (const run of runs) {
    if (!runIds.has(run.revision)) order.push(run.revision), runIds.set(run.revision, []);
    runIds.get(run.revision)!.push(run.id);
  }
  return {
    current: ctx.controller.records.find((r) => r.appliedRevision)?.appliedRevision ?? null,
    revisions: await Promise.all(
      order.map(async (sha) => {
        const r = await store.getRevision(sha);
        return { sha, valid: r?.valid ?? null, seenAt: r?.seenAt ?? null, ref: r?.ref ?? null, source: r?.source ?? null, runs: runIds.get(sha) };
      }),
    ),
  };
}

export async function runs(ctx: DaemonContext): Promise<unknown> {
  return { runs: await ctx.base.store.listRuns(50) };
}

/** The daemon's own reconciles (including no-ops, which write no run), newest first, with each revision's commit subject. */
export async function reconciles(ctx: DaemonContext): Promise<{ reconciles: Array<ReconcileRecord & { subject: string | null }> }> {
  const subjectOf = async (sha: string | undefined) => (sha ? ((await ctx.base.store.getRevision(sha))?.subject ?? null) : null);
  return { reconciles: await Promise.all(ctx.controller.records.map(async (r) => ({ ...r, subject: await subjectOf(r.revision) }))) };
}

/** Tasks of one run (`?run=N`, default: the latest run), in execution order with their dependencies. */
export async function tasks(ctx: DaemonContext, runParam: string | null): Promise<unknown> {
  const store = ctx.base.store;
  let runId: number | undefined;
  if (runParam !== null && runParam !== '') {
    runId = Number(runParam);
    if (!Number.isInteger(runId) || runId < 1) throw new HttpError(400, `run must be a positive integer, got "${runParam}"`);
  } else runId = (await store.listRuns(1))[0]?.id;
  if (runId === undefined) return { run: null, tasks: [] };
  const list = await store.listTasks({ runId });
  const run = (await store.listRuns(1000)).find((r) => r.id === runId);
  if (!run && list.length === 0) throw new HttpError(404, `run ${runId} not found`);
  return { run: run ?? { id: runId }, tasks: list.map(taskView) };
}

function taskView(t: TaskRecord): unknown {
  return {
    key: t.key,
    resource: t.resourceId,
    target: t.target,
    owner: t.owner,
    action: t.action,
    state: t.state,
    outcome: t.outcome ?? null,
    message: t.message ?? null,
    attempts: t.attempts,
    dependsOn: t.dependsOn,
    updatedAt: t.updatedAt,
  };
}

/** The last plan's changes, secrets masked (the `plan --output json` shape). */
export function drift(ctx: DaemonContext): unknown {
  const plan = ctx.controller.lastPlan;
  const last = ctx.controller.records[0];
  if (!plan) return { revision: last?.revision ?? null, computedAt: null, summary: null, changes: [], orphans: [] };
  const at = ctx.controller.records.find((r) => r.result === 'converged' || r.result === 'not_converged' || r.result === 'blocked')?.finishedAt ?? null;
  return { ...renderPlanJson(plan), computedAt: at };
}

/**
 * The replicas and the environments each owns, as the database says (identical from every replica
 * but for `self`). With a SQLite state there is one replica, owning every environment.
 */
/** `GET /api/v1/cluster`: the replicas and the environments each owns (the database's view). */
export interface ClusterView {
  self: string;
  replicas: Array<{ id: string; listen: string; lastHeartbeat: string; environments: string[] }>;
}

export async function cluster(ctx: DaemonContext): Promise<ClusterView> {
  if (!ctx.cluster) {
    const listen = `${ctx.cfg.host}:${ctx.cfg.port}`;
    return {
      self: ctx.cfg.replicaId,
      replicas: [{ id: ctx.cfg.replicaId, listen, lastHeartbeat: new Date().toISOString(), environments: ctx.controller.environments }],
    };
  }
  const [replicas, leases] = await Promise.all([ctx.cluster.tables.liveReplicas(), ctx.cluster.tables.leases()]);
  return {
    self: ctx.cluster.id,
    replicas: replicas.map((r) => ({
      id: r.id,
      listen: r.listen,
      lastHeartbeat: r.lastHeartbeat,
      environments: leases.filter((l) => l.owner === r.id && l.live).map((l) => l.environment),
    })),
  };
}

/** Pull-mode agents: last heartbeat and tasks waiting for each configured node. */
export async function nodes(ctx: DaemonContext): Promise<unknown> {
  const hub = ctx.hub;
  const list = [...ctx.cfg.agentTokens.keys()].sort();
  return {
    nodes: await Promise.all(
      list.map(async (node) => ({ node, heartbeat: hub?.lastHeartbeat(node) ?? null, pendingTasks: hub ? await hub.pendingCount(node) : 0 })),
    ),
  };
}

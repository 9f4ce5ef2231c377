// The read side of the daemon's HTTP API: health, readiness, v1 status, and the /api/v1 views
// of applications, revisions, runs, tasks and drift. Everything is read from the store and the
// controller's memory; nothing here changes state.
import { collectStatus } from '../../engine/status.js';
import { renderPlanJson, toV1Status, type AppStatus } from '../../report/index.js';
import type { TaskRecord } from '../../store/store.js';
import type { DaemonContext } from '../context.js';
import { runSession } from '../run-session.js';
import { HttpError } from './respond.js';

/** Status of every application (or one), from the inventory plus a live look at the targets. */
export async function appStatuses(ctx: DaemonContext, app?: string): Promise<AppStatus[]> {
  const session = runSession(ctx.base);
  try {
    return await collectStatus(session, app);
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
  const [status] = await appStatuses(ctx, app);
  if (!status) throw new HttpError(404, `application "${app}" is not deployed (not in the state file)`);
  return toV1Status(status);
}

/** Applications with their health level, instances and the drift left in the last plan. */
export async function applications(ctx: DaemonContext): Promise<unknown> {
  const statuses = await appStatuses(ctx);
  const plan = ctx.controller.lastPlan;
  const driftOf = (app: string) =>
    (plan?.changes ?? []).filter((c) => c.owner === app).map((c) => ({ action: c.action, reason: c.reason, id: c.id, message: c.message }));
  return {
    applications: statuses.map((s) => {
      const v1 = toV1Status(s);
      return {
        name: s.app,
        environment: s.environment,
        revision: s.revision,
        healthy: v1.healthy,
        versions: v1.versions,
        instances: s.instances.map((i) => ({
          instance: i.instance,
          node: i.node,
          version: i.version,
          health: i.health,
          endpoint: i.endpoint ?? null,
          drift: i.drift ?? [],
        })),
        drift: driftOf(s.app),
      };
    }),
  };
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

/** The daemon's own reconciles (including no-ops, which write no run), newest first. */
export function reconciles(ctx: DaemonContext): unknown {
  return { reconciles: ctx.controller.records };
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
  const at = ctx.controller.records.find((r) => r.result === 'converged' || r.result === 'not_converged')?.finishedAt ?? null;
  return { ...renderPlanJson(plan), computedAt: at };
}

/**
 * The replicas and the environments each owns, as the database says (identical from every replica
 * but for `self`). With a SQLite state there is one replica, owning every environment.
 */
export async function cluster(ctx: DaemonContext): Promise<unknown> {
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

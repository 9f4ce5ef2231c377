// One daemon reconcile on a replica: the revision is reconciled environment by environment, only for
// the environments this replica owns, each in a session whose store and pull queue are fenced by
// that environment's lease. A lease lost mid-run aborts that environment's run (its writes are
// refused anyway); the other environments go on. The results are summed into one record.
import type { LoadedRevision } from '../../engine/load-revision.js';
import { reconcile, type ReconcileOptions, type ReconcileSummary } from '../../engine/reconcile.js';
import type { Plan } from '../../model/plan.js';
import type { PostgresStore } from '../../store/postgres/index.js';
import { runSession, type DaemonBase } from '../run-session.js';
import type { ReplicaCluster } from './membership.js';
import type { DbPullQueue } from './pull-queue.js';

export interface Shards {
  cluster: ReplicaCluster;
  store: PostgresStore;
  pull?: DbPullQueue;
}

export type ShardSummary = Pick<ReconcileSummary, 'plan' | 'converged' | 'tasks' | 'failures' | 'desired'> & { environments: string[] };

/** The environments a revision concerns: those it declares and those something was applied in. */
export async function environmentsOf(loaded: LoadedRevision, store: PostgresStore): Promise<Set<string>> {
  const out = new Set(loaded.manifests.environments.keys());
  for (const i of await store.listInventory()) if (i.resource.environment) out.add(i.resource.environment);
  return out;
}

export async function reconcileShards(
  base: DaemonBase,
  shards: Shards,
  loaded: LoadedRevision,
  opts: Omit<ReconcileOptions, 'environments' | 'signal' | 'loaded'>,
): Promise<ShardSummary> {
  const { cluster } = shards;
  const known = await environmentsOf(loaded, shards.store);
  cluster.setKnown(known);
  const owned = cluster.owned().filter((e) => known.has(e));
  const total: ShardSummary = {
    plan: { revision: loaded.revision.sha, changes: [], unchanged: 0, orphans: [], unknown: [], unknownTargets: [] },
    converged: true,
    tasks: { run: 0, succeeded: 0, failed: 0, skipped: 0, cancelled: 0 },
    failures: [],
    desired: [],
    environments: owned,
  };
  for (const env of owned) {
    const fence = cluster.fence(env);
    if (!fence) continue; // lost or handed over since owned() was read
    cluster.beginRun(env);
    // The lease, not state.lock, keeps other writers out: the session takes no lock of its own.
    const session = runSession({
      ...base,
      store: shards.store.fenced(fence),
      pull: shards.pull?.fenced(fence) ?? base.pull,
      lock: async () => () => undefined,
    });
    try {
      const s = await reconcile(session, { ...opts, loaded, environments: new Set([env]), signal: cluster.signal(env) });
      merge(total, s.plan, s);
    } catch (err) {
      total.converged = false;
      total.failures.push({ resource: `Environment/${env}`, message: (err as Error)?.message ?? String(err) });
      base.log.warn('environment reconcile failed', { environment: env, error: (err as Error)?.message ?? String(err) });
    } finally {
      await session.close();
      cluster.endRun(env);
    }
  }
  return total;
}

function merge(total: ShardSummary, plan: Plan, s: ReconcileSummary): void {
  total.converged &&= s.converged;
  total.plan.changes.push(...plan.changes);
  total.plan.unchanged += plan.unchanged;
  total.plan.orphans.push(...plan.orphans);
  total.plan.unknown.push(...plan.unknown);
  total.plan.unknownTargets.push(...plan.unknownTargets);
  if (plan.massDelete) (total.plan.massDelete ??= []).push(...plan.massDelete);
  if (plan.blocked) (total.plan.blocked ??= []).push(...plan.blocked);
  total.desired.push(...s.desired);
  for (const k of ['run', 'succeeded', 'failed', 'skipped', 'cancelled'] as const) total.tasks[k] += s.tasks[k];
  total.failures.push(...s.failures);
}

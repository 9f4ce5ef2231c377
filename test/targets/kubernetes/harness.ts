// Test harness for the Kubernetes target: a fake API server, a kubeconfig file pointing at it, the
// real target made by its factory, and a miniature reconcile (observe → pure planner → apply in
// dependency order, waiting for health of what others depend on) with an in-memory inventory.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { buildKubernetesResources } from '../../../src/desired/kubernetes/index.js';
import type { ManifestSet, RawKubeObject } from '../../../src/manifests/model.js';
import type { Application, Environment } from '../../../src/model/manifest-types.generated.js';
import type { Change, Plan, TaskResult } from '../../../src/model/plan.js';
import type { DesiredResource, Health, ObservedResource } from '../../../src/model/resource.js';
import { computePlan } from '../../../src/plan/compute.js';
import type { InventoryItem } from '../../../src/model/inventory.js';
import { createKubernetesTargetFactory } from '../../../src/targets/kubernetes/index.js';
import type { Target, TargetContext } from '../../../src/targets/target.js';
import { createLogger } from '../../../src/util/logger.js';
import { startFakeKubeApiServer, type FakeKubeApiServer, type FakeKubeApiServerOptions } from '../../fakes/kube-apiserver/index.js';
import { createGitRepo, type GitRepo } from '../../helpers/git-repo.js';
import { manifestSet } from '../../helpers/manifests.js';
import { testScope, testTargetContext } from '../../helpers/targets.js';

type KubernetesEnvSpec = NonNullable<Environment['spec']['kubernetes']>;

export const kubeEnv = (kubeconfigFile: string, namespace = 'shop', extra: Partial<KubernetesEnvSpec> = {}): Environment => ({
  apiVersion: 'boreas.dev/v1',
  kind: 'Environment',
  metadata: { name: 'prod' },
  spec: { type: 'kubernetes', kubernetes: { namespace, kubeconfigFrom: { file: kubeconfigFile }, ...extra } },
});

export interface HarnessOptions extends FakeKubeApiServerOptions {
  /** A server shared with another harness: that one is another installation (its own target, inventory, state id). */
  server?: FakeKubeApiServer;
  /** More of the Environment's `kubernetes` spec (e.g. `replaceOnImmutable`). */
  kubernetes?: Partial<KubernetesEnvSpec>;
}

export function containerApp(name: string, spec: Partial<Application['spec']> = {}): Application {
  return {
    apiVersion: 'boreas.dev/v1',
    kind: 'Application',
    metadata: { name },
    spec: {
      environment: 'prod',
      runtime: 'kubernetes',
      kubernetes: { container: { image: `registry.local/${name}:1.0` } },
      ports: [{ name: 'http', port: 8080 }],
      ...spec,
    },
  };
}

export function rawApp(name: string, kubernetes: Partial<NonNullable<Application['spec']['kubernetes']>> = {}): Application {
  return {
    apiVersion: 'boreas.dev/v1',
    kind: 'Application',
    metadata: { name },
    spec: { environment: 'prod', runtime: 'kubernetes', kubernetes: { path: `k8s/${name}`, ...kubernetes } },
  };
}

/** Desired resources of every app in a manifest set (what the engine's desired graph emits for kubernetes apps). */
export function desiredOf(set: ManifestSet): DesiredResource[] {
  const out: DesiredResource[] = [];
  for (const app of set.applications.values()) out.push(...buildKubernetesResources(app, set.environments.get(app.manifest.spec.environment)!, set));
  return out;
}

export function withRaw(set: ManifestSet, app: string, objects: RawKubeObject['object'][]): ManifestSet {
  set.kubeObjects.set(
    app,
    objects.map((object, docIndex) => ({ object, application: app, origin: { file: `k8s/${app}/all.yaml`, docIndex, line: 1, col: 1 } })),
  );
  return set;
}

export interface RunResult {
  plan: Plan;
  results: Map<string, TaskResult>;
  order: string[];
}

export interface Harness {
  server: FakeKubeApiServer;
  env: Environment;
  target: Target;
  inventory: Map<string, InventoryItem>;
  manifests(apps: Application[]): ManifestSet;
  observe(desired: DesiredResource[]): Promise<Map<string, ObservedResource>>;
  plan(desired: DesiredResource[]): Promise<Plan>;
  /** Plans and applies; dependencies must be healthy (within `healthTimeoutMs`) before dependents apply. */
  reconcile(desired: DesiredResource[], opts?: { healthTimeoutMs?: number; onWait?: (id: string, h: Health) => void }): Promise<RunResult>;
}

export async function startHarness(t: TestContext, opts: HarnessOptions = {}): Promise<Harness> {
  const { server: shared, kubernetes, ...serverOptions } = opts;
  const server = shared ?? (await startFakeKubeApiServer(serverOptions));
  const dir = await mkdtemp(join(tmpdir(), 'boreas-k8s-'));
  t.after(async () => {
    await target.close?.();
    if (!shared) await server.stop();
    await rm(dir, { recursive: true, force: true });
  });
  const kubeconfigFile = join(dir, 'kubeconfig');
  await writeFile(kubeconfigFile, server.kubeconfig());
  const env = kubeEnv(kubeconfigFile, 'shop', kubernetes);
  const ctx: TargetContext = testTargetContext({ log: createLogger(), stateDir: dir, repoDir: dir });
  const target = await createKubernetesTargetFactory().create('kubernetes:prod', ctx, testScope({ environments: [env] }));
  const inventory = new Map<string, InventoryItem>();

  const observe = async (desired: DesiredResource[]) => {
    const ids = new Set(desired.map((d) => d.id));
    const all = [...desired, ...[...inventory.values()].filter((i) => !ids.has(i.resource.id)).map((i) => i.resource)];
    return new Map((await target.observe(all)).map((o) => [o.id, o]));
  };
  const plan = async (desired: DesiredResource[]) => computePlan({ revision: 'rev', desired, observed: await observe(desired), inventory, prune: true });

  const waitHealthy = async (r: DesiredResource, timeoutMs: number, onWait?: (id: string, h: Health) => void) => {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const h = await target.health(r);
      if (h.status === 'Healthy') return;
      onWait?.(r.id, h);
      if (Date.now() > until) throw new Error(`${r.id} not healthy: ${h.status} ${h.message}`);
      await new Promise((res) => setTimeout(res, 20));
    }
  };

  return {
    server,
    env,
    target,
    inventory,
    manifests: (apps) => manifestSet({ environments: [env], applications: apps }),
    observe,
    plan,
    async reconcile(desired, opts = {}) {
      const p = await plan(desired);
      const results = new Map<string, TaskResult>();
      const order: string[] = [];
      const byId = new Map(desired.map((d) => [d.id, d]));
      const done = new Set<string>();
      const pending = p.changes.filter((c) => c.action !== 'delete' && !c.deferred);
      // dependency order: a change runs once every dependency it has in this plan has run and is healthy
      while (pending.length) {
        const i = pending.findIndex((c) => c.desired!.dependsOn.every((d) => done.has(d) || !pending.some((x) => x.id === d)));
        const c = pending.splice(Math.max(i, 0), 1)[0];
        for (const d of c.desired!.dependsOn) if (byId.has(d)) await waitHealthy(byId.get(d)!, opts.healthTimeoutMs ?? 2000, opts.onWait);
        await run(c);
        done.add(c.id);
      }
      // prune in reverse dependency order: dependents (non-foundation) first
      const deletes = p.changes
        .filter((c) => c.action === 'delete')
        .sort((a, b) => inventory.get(b.id)!.resource.dependsOn.length - inventory.get(a.id)!.resource.dependsOn.length);
      for (const c of deletes) await run(c);
      return { plan: p, results, order };

      async function run(c: Change) {
        const resource = c.desired ?? inventory.get(c.id)!.resource;
        const r = await target.apply({ key: `k-${c.id}`, revision: 'rev', resourceId: c.id, target: c.target, action: c.action, resource, dependsOn: [] });
        results.set(c.id, r);
        order.push(`${c.action} ${c.name}`);
        if (r.outcome === 'failed') return;
        if (c.action === 'delete') inventory.delete(c.id);
        else inventory.set(c.id, { resource, appliedHash: resource.hash, revision: 'rev', lastTaskKey: `k-${c.id}`, appliedAt: new Date().toISOString() });
      }
    },
  };
}

/** Marks a Deployment's rollout finished, as the deployment controller would. */
export function finishRollout(server: FakeKubeApiServer, namespace: string, name: string): void {
  const ref = { apiVersion: 'apps/v1', kind: 'Deployment', namespace, name };
  const d = server.get(ref)!;
  const replicas = (d.spec as { replicas: number }).replicas;
  server.setStatus(ref, {
    observedGeneration: (d.metadata as { generation: number }).generation,
    replicas,
    updatedReplicas: replicas,
    readyReplicas: replicas,
    availableReplicas: replicas,
  });
}

export const namespaceObject = (name: string) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });

/**
 * Adds the environment's Namespace (as the engine would, once per environment) and makes every
 * namespaced object depend on it.
 */
export function withNamespace(desired: DesiredResource[], ns: DesiredResource): DesiredResource[] {
  return [ns, ...desired.map((d) => (d.kind === 'KubeObject' && d.spec.metadata.namespace ? { ...d, dependsOn: [...d.dependsOn, ns.id] } : d))];
}

/** For tests through the real CLI: a fake API server, a kubeconfig file for it, a git repository
 *  whose `prod` Environment (namespace `default`) reads that kubeconfig, and a state path; all removed
 *  after the test. The caller writes and commits the Applications. */
export interface CliCluster {
  server: FakeKubeApiServer;
  repo: GitRepo;
  dir: string;
  state: string;
}

export async function startCliCluster(t: TestContext): Promise<CliCluster> {
  const server = await startFakeKubeApiServer();
  const dir = await mkdtemp(join(tmpdir(), 'boreas-k8s-cli-'));
  const repo = await createGitRepo();
  t.after(async () => {
    await server.stop();
    await repo.cleanup();
    await rm(dir, { recursive: true, force: true });
  });
  const kubeconfig = join(dir, 'kubeconfig');
  await writeFile(kubeconfig, server.kubeconfig());
  await repo.write({
    'environment.yaml': `apiVersion: boreas.dev/v1\nkind: Environment\nmetadata: {name: prod}\nspec:\n  type: kubernetes\n  kubernetes: {namespace: default, kubeconfigFrom: {file: ${JSON.stringify(kubeconfig)}}}\n`,
  });
  return { server, repo, dir, state: join(dir, 'state.db') };
}

// Benchmark: plan (observe) and a no-op reconcile of 1,000 Kubernetes objects against the FAKE API
// server (test/fakes/kube-apiserver), with the real @kubernetes/client-node. Baseline in the same
// run: a blind server-side re-apply of every object (what `kubectl apply --server-side -f` does each
// time), and a naive observe (GET + dry-run per object, no LIST).
// Run: node --import tsx scripts/bench/kubernetes.ts [objects=1000]
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildKubernetesResources, buildNamespaceResource } from '../../src/desired/kubernetes/index.js';
import type { KubeObject } from '../../src/desired/kubernetes/object.js';
import { emptyManifestSet, type Application, type Environment } from '../../src/manifests/model.js';
import type { DesiredResource } from '../../src/model/resource.js';
import { computePlan } from '../../src/plan/compute.js';
import type { InventoryItem } from '../../src/model/inventory.js';
import { KubeClient } from '../../src/targets/kubernetes/client.js';
import { KubeHttp } from '../../src/targets/kubernetes/http.js';
import { createKubernetesTargetFactory } from '../../src/targets/kubernetes/index.js';
import { loadKubeConfig } from '../../src/targets/kubernetes/kubeconfig.js';
import { mapLimit } from '../../src/targets/kubernetes/pool.js';
import { resolveSecret } from '../../src/secrets/index.js';
import { createLogger } from '../../src/util/logger.js';
import { startFakeKubeApiServer } from '../../test/fakes/kube-apiserver/index.js';

const total = Number(process.argv[2] ?? 1000);
const server = await startFakeKubeApiServer();
const dir = await mkdtemp(join(tmpdir(), 'boreas-bench-k8s-'));
try {
  const kubeconfig = join(dir, 'kubeconfig');
  await writeFile(kubeconfig, server.kubeconfig());
  const env: Environment = {
    apiVersion: 'boreas.dev/v1',
    kind: 'Environment',
    metadata: { name: 'bench' },
    spec: { type: 'kubernetes', kubernetes: { namespace: 'bench', kubeconfigFrom: { file: kubeconfig } } },
  };
  const set = emptyManifestSet();
  set.environments.set('bench', { manifest: env, origin: { file: 'env.yaml', docIndex: 0, line: 1, col: 1 } });
  // 1 Namespace + N/3 container apps (Deployment + Service each) + ConfigMaps of one raw app = `total`.
  const apps = Math.floor((total - 1) / 3);
  for (let i = 0; i < apps; i++) {
    const app: Application = {
      apiVersion: 'boreas.dev/v1',
      kind: 'Application',
      metadata: { name: `svc-${i}` },
      spec: {
        environment: 'bench',
        runtime: 'kubernetes',
        replicas: 2,
        kubernetes: { container: { image: `registry.local/svc-${i}:1.0` } },
        ports: [{ name: 'http', port: 8080 }],
        env: { MODE: 'prod' },
        health: { http: { port: 'http', path: '/healthz' } },
      },
    };
    set.applications.set(app.metadata.name, { manifest: app, origin: { file: `${app.metadata.name}.yaml`, docIndex: 0, line: 1, col: 1 } });
  }
  const configMaps = total - 1 - apps * 2;
  const raw: Application = {
    apiVersion: 'boreas.dev/v1',
    kind: 'Application',
    metadata: { name: 'config' },
    spec: { environment: 'bench', runtime: 'kubernetes', kubernetes: { path: 'k8s/config' } },
  };
  set.applications.set('config', { manifest: raw, origin: { file: 'config.yaml', docIndex: 0, line: 1, col: 1 } });
  set.kubeObjects.set(
    'config',
    Array.from({ length: configMaps }, (_, i) => ({
      application: 'config',
      origin: { file: 'k8s/config/cm.yaml', docIndex: i, line: 1, col: 1 },
      object: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `cm-${i}` }, data: { 'settings.json': JSON.stringify({ index: i, feature: true }) } },
    })),
  );

  const ns = buildNamespaceResource(set.environments.get('bench')!);
  const desired: DesiredResource[] = [ns];
  for (const app of set.applications.values()) desired.push(...buildKubernetesResources(app, set.environments.get('bench')!, set));
  console.log(`objects: ${desired.length} (1 Namespace, ${apps} Deployments, ${apps} Services, ${configMaps} ConfigMaps)`);

  const ctx = {
    store: undefined as never,
    log: createLogger(),
    stateDir: dir,
    repoDir: dir,
    resolveSecret,
    readOnly: false,
    peer: () => Promise.reject(new Error('no peers')),
  };
  const scope = { node: () => undefined, environment: () => env, environments: () => [env] };
  const target = await createKubernetesTargetFactory().create('kubernetes:bench', ctx, scope);
  const inventory = new Map<string, InventoryItem>();
  const mb = (n: number) => `${(n / 1024 / 1024).toFixed(0)} MB`;

  const measure = async (label: string, fn: () => Promise<string>) => {
    server.resetCounts();
    global.gc?.();
    const t0 = performance.now();
    const extra = await fn();
    const ms = performance.now() - t0;
    const c = server.counts();
    console.log(
      `${label.padEnd(44)} ${ms.toFixed(0).padStart(6)} ms  requests ${String(c.total).padStart(5)} (reads ${c.reads}, dry-runs ${c.dryRuns}, writes ${c.writes})  rss ${mb(process.memoryUsage().rss)}  ${extra}`,
    );
  };
  const plan = async () => {
    const observed = new Map((await target.observe(desired)).map((o) => [o.id, o]));
    return computePlan({ revision: 'r1', desired, observed, inventory, prune: true });
  };

  await measure('first reconcile (plan + create all)', async () => {
    const p = await plan();
    await target.apply({ key: 'ns', revision: 'r1', resourceId: ns.id, target: ns.target, action: 'create', resource: ns, dependsOn: [] });
    const rest = p.changes.filter((c) => c.id !== ns.id);
    const results = await mapLimit(rest, 8, (c) =>
      target.apply({ key: c.id, revision: 'r1', resourceId: c.id, target: c.target, action: c.action, resource: c.desired!, dependsOn: [] }),
    );
    for (const d of desired) inventory.set(d.id, { resource: d, appliedHash: d.hash, revision: 'r1', lastTaskKey: d.id, appliedAt: '' });
    return `changes ${p.changes.length}, failed ${results.filter((r) => r.outcome === 'failed').length}`;
  });
  await measure('plan (observe + pure planner)', async () => `changes ${(await plan()).changes.length}`);
  await measure('no-op reconcile (observe, nothing to apply)', async () => {
    const p = await plan();
    if (p.changes.length) throw new Error(`expected no changes, got ${p.changes.length}`);
    return `changes 0, unchanged ${p.unchanged}`;
  });

  await measure('plan after kubectl edit of 10 Deployments', async () => {
    for (let i = 0; i < 10; i++)
      server.editAs(
        'kubectl-edit',
        { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'bench', name: `svc-${i}` },
        (o: any) => void (o.spec.replicas = 5),
      );
    const p = await plan();
    return `changes ${p.changes.length} (${[...new Set(p.changes.map((c) => c.action))].join(', ')})`;
  });

  // Baselines in the same run.
  const client = new KubeClient(new KubeHttp(await loadKubeConfig('bench', env, ctx), { timeoutMs: 30_000 }), 'bench');
  const specs = desired.map((d) => ({ ...(structuredClone(d.spec) as unknown as KubeObject) }));
  for (const [i, s] of specs.entries()) s.metadata.annotations = { ...s.metadata.annotations, 'boreas.dev/spec-hash': desired[i].hash };
  await measure('baseline: GET + dry-run for every object', async () => {
    await mapLimit(specs, 8, async (s) => {
      await client.get(s);
      await client.apply(s, true);
    });
    return '';
  });
  await measure('baseline: blind re-apply of every object', async () => {
    await mapLimit(specs, 8, (s) => client.apply(s, false));
    return `stored objects ${server.size()}`;
  });
  console.log('note: the fake server runs in this process, so rss includes its store of all objects.');
} finally {
  await server.stop();
  await rm(dir, { recursive: true, force: true });
}

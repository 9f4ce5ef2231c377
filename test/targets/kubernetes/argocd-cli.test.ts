// Argo CD users' manifests through the real CLI against the FAKE API server (our own equivalents of
// argocd-example-apps' guestbook with pre/post-sync hooks, and an app using APIs the cluster lacks):
// hooks and waves run in order, a HookSucceeded hook is deleted once done and not re-run until the
// app changes, a changed app re-runs its hooks; unserved kinds are blocked with one message, never
// tried, not a failure, and the verdict says so (exit 1).
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { startFakeKubeApiServer } from '../../fakes/kube-apiserver/index.js';
import { runCli } from '../../helpers/cli.js';
import { createGitRepo } from '../../helpers/git-repo.js';
import { finishRollout } from './harness.js';

const job = (name: string, annotations: string) => `apiVersion: batch/v1
kind: Job
metadata:
  name: ${name}
  annotations: {${annotations}}
spec:
  template:
    spec:
      restartPolicy: Never
      containers: [{name: ${name}, image: "registry.local/${name}:1"}]
`;
const ui = (tag: string) => `apiVersion: apps/v1
kind: Deployment
metadata: {name: guestbook-ui}
spec:
  replicas: 1
  selector: {matchLabels: {app: guestbook-ui}}
  template:
    metadata: {labels: {app: guestbook-ui}}
    spec:
      containers: [{name: guestbook-ui, image: "registry.local/guestbook-ui:${tag}", ports: [{containerPort: 80}]}]
---
apiVersion: v1
kind: Service
metadata: {name: guestbook-ui}
spec:
  ports: [{port: 80, targetPort: 80}]
  selector: {app: guestbook-ui}
`;
const blockedLines = [
  'Ingress/guestbook/guestbook (edge): Ingress networking.k8s.io/v1 is not served by cluster prod (API missing or CRD not installed)',
  'Rollout/guestbook/guestbook (edge): Rollout argoproj.io/v1alpha1 is not served by cluster prod (API missing or CRD not installed)',
];

test('hooks, waves and unserved kinds through boreas plan and reconcile', async (t) => {
  const server = await startFakeKubeApiServer({ unserved: ['networking.k8s.io/v1/Ingress'] });
  const dir = await mkdtemp(join(tmpdir(), 'boreas-argocd-'));
  const repo = await createGitRepo();
  // Stand-ins for the job and deployment controllers: every Job completes, every rollout finishes.
  const controllers = setInterval(() => {
    for (const name of ['migrate', 'notify']) {
      const ref = { apiVersion: 'batch/v1', kind: 'Job', namespace: 'guestbook', name };
      if (server.get(ref) && !server.get(ref)!.status) server.setStatus(ref, { succeeded: 1, conditions: [{ type: 'Complete', status: 'True' }] });
    }
    const d = server.get({ apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'guestbook', name: 'guestbook-ui' }) as any;
    if (d && d.status?.observedGeneration !== d.metadata.generation) finishRollout(server, 'guestbook', 'guestbook-ui');
  }, 25);
  t.after(async () => {
    clearInterval(controllers);
    await server.stop();
    await repo.cleanup();
    await rm(dir, { recursive: true, force: true });
  });
  const kubeconfig = join(dir, 'kubeconfig');
  await writeFile(kubeconfig, server.kubeconfig());
  await repo.write({
    'environment.yaml': `apiVersion: boreas.dev/v1\nkind: Environment\nmetadata: {name: prod}\nspec:\n  type: kubernetes\n  kubernetes: {namespace: guestbook, kubeconfigFrom: {file: ${JSON.stringify(kubeconfig)}}}\n`,
    'apps.yaml':
      'apiVersion: boreas.dev/v1\nkind: Application\nmetadata: {name: guestbook}\nspec: {environment: prod, runtime: kubernetes, kubernetes: {path: k8s/guestbook}}\n---\n' +
      'apiVersion: boreas.dev/v1\nkind: Application\nmetadata: {name: edge}\nspec: {environment: prod, runtime: kubernetes, kubernetes: {path: k8s/edge}}\n',
    'k8s/guestbook/pre-sync.yaml': job('migrate', '"argocd.argoproj.io/hook": PreSync, "argocd.argoproj.io/hook-delete-policy": HookSucceeded'),
    'k8s/guestbook/post-sync.yaml': job('notify', '"helm.sh/hook": "post-install,post-upgrade"'),
    'k8s/guestbook/config.yaml':
      'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings, annotations: {"argocd.argoproj.io/sync-wave": "-1"}}\ndata: {mode: prod}\n',
    'k8s/guestbook/ui.yaml': ui('0.1'),
    'k8s/edge/ingress.yaml':
      'apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: guestbook}\nspec:\n  rules: [{http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: guestbook-ui, port: {number: 80}}}}]}}]\n',
    'k8s/edge/rollout.yaml': 'apiVersion: argoproj.io/v1alpha1\nkind: Rollout\nmetadata: {name: guestbook}\nspec: {replicas: 2}\n',
  });
  await repo.commit('guestbook with hooks, and an edge the cluster cannot serve');
  const state = join(dir, 'state.db');
  const cli = (...args: string[]) => runCli([...args, '--repo', repo.dir, '--state', state], { timeoutMs: 180_000 });
  const writes = () => server.requests.filter((r) => !r.startsWith('GET ') && !r.includes('dryRun=All'));
  const at = (pattern: RegExp, from = 0) => writes().findIndex((r, i) => i >= from && pattern.test(r));

  const plan = await cli('plan');
  assert.equal(plan.code, 1, `blocked objects make the plan fail: ${plan.stdout}${plan.stderr}`);
  for (const l of blockedLines) assert.ok(plan.stdout.includes(`x ${l}`), plan.stdout);
  assert.match(plan.stdout, /Plan: 6 to create, 0 to change, 0 to delete, 2 blocked\./);

  const first = await cli('reconcile', '--once', '--timeout', '90s');
  t.diagnostic(first.stdout);
  assert.equal(first.code, 1, first.stdout + first.stderr);
  assert.match(first.stdout, /^Blocked: 2 resources cannot be applied \(revision [0-9a-f]{12}/m);
  for (const l of blockedLines) assert.ok(first.stdout.includes(`  blocked ${l}`), first.stdout);
  assert.doesNotMatch(first.stdout + first.stderr, /Failures|release stopped|internal error|404/);
  const created = at(/^PATCH \/apis\/batch\/v1\/namespaces\/guestbook\/jobs\/migrate\?/);
  const deleted = at(/^DELETE \/apis\/batch\/v1\/namespaces\/guestbook\/jobs\/migrate/);
  const config = at(/^PATCH \/api\/v1\/namespaces\/guestbook\/configmaps\/settings\?/);
  const deployment = at(/^PATCH \/apis\/apps\/v1\/namespaces\/guestbook\/deployments\/guestbook-ui\?/);
  const notify = at(/^PATCH \/apis\/batch\/v1\/namespaces\/guestbook\/jobs\/notify\?/);
  assert.ok(
    created >= 0 && created < deleted && deleted < config && config < deployment && deployment < notify,
    `PreSync hook, its deletion once complete, wave -1, wave 0, PostSync hook:\n${writes().join('\n')}`,
  );
  assert.equal(server.get({ apiVersion: 'batch/v1', kind: 'Job', namespace: 'guestbook', name: 'migrate' }), undefined, 'HookSucceeded');
  assert.ok(server.get({ apiVersion: 'batch/v1', kind: 'Job', namespace: 'guestbook', name: 'notify' }), 'BeforeHookCreation keeps it until it runs again');
  assert.deepEqual(
    writes().filter((r) => /ingresses|rollouts/.test(r)),
    [],
    'nothing of a blocked kind was tried',
  );

  server.resetCounts();
  const second = await cli('reconcile', '--once', '--timeout', '90s', '--output', 'json');
  assert.equal(second.code, 1, second.stdout + second.stderr);
  const summary = JSON.parse(second.stdout);
  assert.equal(summary.result, 'blocked');
  assert.deepEqual(
    summary.blocked.map((b: { message: string }) => b.message),
    blockedLines.map((l) => l.replace(/^.*?\(edge\): /, '')),
  );
  assert.deepEqual(summary.failures, []);
  assert.deepEqual(writes(), [], 'no hook re-run, nothing blocked retried: zero writes');

  await repo.write({ 'k8s/guestbook/ui.yaml': ui('0.2') });
  await repo.commit('guestbook-ui 0.2');
  server.resetCounts();
  const third = await cli('reconcile', '--once', '--timeout', '90s');
  t.diagnostic(third.stdout);
  assert.equal(third.code, 1, third.stdout + third.stderr);
  const rerun = at(/^PATCH \/apis\/batch\/v1\/namespaces\/guestbook\/jobs\/migrate\?/);
  const update = at(/^PATCH \/apis\/apps\/v1\/namespaces\/guestbook\/deployments\/guestbook-ui\?/);
  const replacedNotify = at(/^DELETE \/apis\/batch\/v1\/namespaces\/guestbook\/jobs\/notify/);
  const recreatedNotify = at(/^PATCH \/apis\/batch\/v1\/namespaces\/guestbook\/jobs\/notify\?/);
  assert.ok(
    rerun >= 0 && rerun < update && update < replacedNotify && replacedNotify < recreatedNotify,
    `the change re-runs the PreSync hook first and re-creates the PostSync hook last:\n${writes().join('\n')}`,
  );
  assert.equal(at(/configmaps\/settings\?/), -1, 'the unchanged wave is not written');
});

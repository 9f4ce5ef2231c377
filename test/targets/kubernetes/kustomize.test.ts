// Kustomize sources with the real kubectl: an overlay (namePrefix, labels, image tag, a patch) over
// a base is rendered, validated with findings pointing into the base file, reconciled into the FAKE
// API server through the CLI (a second run writes nothing), and cached by its inputs. Without
// kubectl, and for remote resources, the error is clear. Skips with the reason when kubectl is absent.
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadManifests } from '../../../src/manifests/load.js';
import { findKubectl } from '../../../src/manifests/kubernetes/kustomize.js';
import { formatDiagnostic } from '../../../src/model/diagnostic.js';
import { openSource } from '../../../src/source/index.js';
import { startFakeKubeApiServer } from '../../fakes/kube-apiserver/index.js';
import { runCli } from '../../helpers/cli.js';
import { createGitRepo } from '../../helpers/git-repo.js';

const kubectl = findKubectl();
const skip = kubectl ? false : 'kubectl not found on PATH (kustomize is rendered with `kubectl kustomize`)';

const overlay = (kubeconfig: string) => ({
  'boreas.yaml': `apiVersion: boreas.dev/v1
kind: Environment
metadata: {name: prod}
spec:
  type: kubernetes
  kubernetes: {namespace: default, kubeconfigFrom: {file: ${JSON.stringify(kubeconfig)}}}
---
apiVersion: boreas.dev/v1
kind: Application
metadata: {name: guestbook}
spec: {environment: prod, runtime: kubernetes, kubernetes: {path: k8s/overlays/prod}}
`,
  'k8s/base/kustomization.yaml': 'resources: [deployment.yaml, service.yaml]\n',
  'k8s/base/deployment.yaml': `apiVersion: apps/v1
kind: Deployment
metadata: {name: guestbook-ui}
spec:
  replicas: 1
  selector: {matchLabels: {app: guestbook-ui}}
  template:
    metadata: {labels: {app: guestbook-ui}}
    spec:
      containers:
      - name: guestbook-ui
        image: registry.local/guestbook-ui:0.1
`,
  'k8s/base/service.yaml': `apiVersion: v1
kind: Service
metadata: {name: guestbook-ui}
spec:
  ports: [{port: 80, targetPort: 80}]
  selector: {app: guestbook-ui}
`,
  'k8s/overlays/prod/kustomization.yaml': `resources: [../../base]
namePrefix: prod-
labels: [{pairs: {env: prod}}]
images: [{name: registry.local/guestbook-ui, newTag: "0.2"}]
patches:
- target: {kind: Deployment}
  patch: |-
    - op: replace
      path: /spec/replicas
      value: 3
`,
});

test('a kustomize overlay is rendered with kubectl, validated into its base file, reconciled, and cached', { skip }, async (t) => {
  const server = await startFakeKubeApiServer();
  const dir = await mkdtemp(join(tmpdir(), 'boreas-kustomize-'));
  const repo = await createGitRepo();
  t.after(async () => {
    await server.stop();
    await repo.cleanup();
    await rm(dir, { recursive: true, force: true });
  });
  const kubeconfig = join(dir, 'kubeconfig');
  await writeFile(kubeconfig, server.kubeconfig());
  const files = overlay(kubeconfig);
  await repo.write({ ...files, 'k8s/base/deployment.yaml': files['k8s/base/deployment.yaml'].replace('0.1\n', '0.1\n        imagePullPolice: Always\n') });
  await repo.commit('typo in the base');
  const state = join(dir, 'state.db');
  const cli = (...args: string[]) => runCli([...args, '--repo', repo.dir, '--state', state], { timeoutMs: 180_000 });

  const invalid = await cli('validate');
  assert.equal(invalid.code, 1, invalid.stdout + invalid.stderr);
  assert.equal(
    invalid.stdout.split('\n')[0],
    'k8s/base/deployment.yaml:13:9: Deployment/prod-guestbook-ui: spec.template.spec.containers[name=guestbook-ui].imagePullPolice: unknown field (did you mean "imagePullPolicy"?)',
  );

  await repo.write(files);
  await repo.commit('fixed');
  const first = await cli('reconcile', '--once', '--timeout', '60s', '--no-prune');
  assert.equal(first.code === 0 || first.code === 1, true, first.stdout + first.stderr);
  const dep = server.get({ apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'default', name: 'prod-guestbook-ui' }) as any;
  assert.ok(dep, `the rendered Deployment was applied:\n${first.stdout}${first.stderr}`);
  assert.equal(dep.spec.replicas, 3, 'the overlay patch applied');
  assert.equal(dep.spec.template.spec.containers[0].image, 'registry.local/guestbook-ui:0.2');
  assert.equal(dep.metadata.labels.env, 'prod');
  assert.equal(dep.metadata.annotations['config.kubernetes.io/origin'], undefined, 'the origin annotation used for positions is not applied');
  assert.ok(server.get({ apiVersion: 'v1', kind: 'Service', namespace: 'default', name: 'prod-guestbook-ui' }));
  const cached = await readdir(join(dir, 'cache', 'kustomize'));
  assert.ok(cached.length >= 1, 'rendered output is cached by its inputs');

  server.editAs(
    'kubectl-edit',
    { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'default', name: 'prod-guestbook-ui' },
    (o: any) => void (o.spec.replicas = 9),
  );
  const plan = await cli('plan', '--detailed-exitcode');
  assert.equal(plan.code, 2, plan.stdout + plan.stderr);
  assert.match(plan.stdout, /Deployment\/default\/prod-guestbook-ui/);
  assert.match(plan.stdout, /spec\.replicas/);
});

test('without kubectl, or with a remote resource, the kustomization gets a clear error', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'boreas-kustomize-err-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const files = overlay('/nonexistent');
  const { mkdir } = await import('node:fs/promises');
  for (const [p, text] of Object.entries(files)) {
    await mkdir(join(dir, p, '..'), { recursive: true });
    await writeFile(join(dir, p), text);
  }
  const load = async () => (await loadManifests(await openSource({ repo: dir, cacheDir: join(dir, '.cache') }))).diagnostics.map(formatDiagnostic);
  const path = process.env.PATH;
  process.env.PATH = '/nonexistent';
  try {
    assert.deepEqual(await load(), [
      'k8s/overlays/prod/kustomization.yaml:1:1: rendering a kustomization needs kubectl on PATH (`kubectl kustomize`); install kubectl or commit the rendered manifests',
    ]);
  } finally {
    process.env.PATH = path;
  }
  await writeFile(join(dir, 'k8s/overlays/prod/kustomization.yaml'), 'resources:\n- ../../base\n- https://github.com/example/shop//manifests?ref=v1\n');
  const remote = await load();
  assert.equal(remote.length, 1, 'not rendered: kubectl would fetch the remote resource itself');
  assert.equal(
    remote[0],
    'k8s/overlays/prod/kustomization.yaml:1:1: resources: remote resource "https://github.com/example/shop//manifests?ref=v1" is not supported (Boreas renders only files of the repository)',
  );
});

// Offline validation of raw Kubernetes manifests: `boreas validate` refuses what a cluster would
// refuse or mangle (typos, removed apiVersions, wrong types, enum values, custom resources against
// their CRD in the same repo, duplicates across files, generateName), each as file:line:col with
// "did you mean", and accepts a many-object application of ordinary manifests without a word.
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { loadManifests } from '../../../src/manifests/load.js';
import { formatDiagnostic } from '../../../src/model/diagnostic.js';
import { openSource } from '../../../src/source/index.js';
import { runCli } from '../../helpers/cli.js';
import { shopManifests } from './fixtures/shop.js';

async function repo(t: { after(fn: () => Promise<void>): void }, files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'boreas-k8s-validate-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  for (const [p, text] of Object.entries(files)) {
    await mkdir(dirname(join(dir, p)), { recursive: true });
    await writeFile(join(dir, p), text);
  }
  return dir;
}

const env = (extra = '') => `apiVersion: boreas.dev/v1
kind: Environment
metadata: {name: prod}
spec:
  type: kubernetes
  kubernetes: {namespace: shop${extra}}
`;
const app = (name: string) => `---
apiVersion: boreas.dev/v1
kind: Application
metadata: {name: ${name}}
spec: {environment: prod, runtime: kubernetes, kubernetes: {path: k8s/${name}}}
`;

async function errorsOf(dir: string): Promise<string[]> {
  const result = await loadManifests(await openSource({ repo: dir, cacheDir: join(dir, '.cache') }));
  return result.diagnostics.map(formatDiagnostic);
}

test('validate refuses typos, removed APIs, wrong types and enums, duplicates and generateName with file:line:col', async (t) => {
  const dir = await repo(t, {
    'boreas.yaml': env() + app('guestbook') + app('frontend'),
    'k8s/guestbook/ui.yaml': `apiVersion: apps/v1
kind: Deployment
metadata:
  name: guestbook-ui
spec:
  replica: 1
  selector: {matchLabels: {app: guestbook-ui}}
  template:
    metadata: {labels: {app: guestbook-ui}}
    spec:
      containers:
      - name: guestbook-ui
        image: registry.local/guestbook-ui:0.2
        imagePullPolicy: Sometimes
        ports: [{containerPort: "80"}]
---
apiVersion: extensions/v1beta1
kind: Deployment
metadata: {name: legacy}
spec: {}
---
apiVersion: v1
kind: Service
metadata: {name: guestbook-ui}
spec:
  type: LoadBalancr
  ports: [{port: 80, targetPort: 80}]
---
apiVersion: apps/v1
kind: Deploymnet
metadata: {name: typo}
---
apiVersion: batch/v1
kind: Job
metadata: {generateName: migrate-}
`,
    'k8s/frontend/svc.yaml': 'apiVersion: v1\nkind: Service\nmetadata: {name: guestbook-ui}\nspec: {ports: [{port: 80}]}\n',
  });
  const r = await runCli(['validate', '--repo', dir, '--state', join(dir, '.boreas/state.db')]);
  assert.equal(r.code, 1, r.stdout + r.stderr);
  assert.equal(r.stderr, '');
  assert.deepEqual(r.stdout.trim().split('\n'), [
    'k8s/guestbook/ui.yaml:6:3: Deployment/guestbook-ui: spec.replica: unknown field (did you mean "replicas"?)',
    'k8s/guestbook/ui.yaml:14:9: Deployment/guestbook-ui: spec.template.spec.containers[name=guestbook-ui].imagePullPolicy: must be one of Always, IfNotPresent, Never (got "Sometimes")',
    'k8s/guestbook/ui.yaml:15:18: Deployment/guestbook-ui: spec.template.spec.containers[name=guestbook-ui].ports[0].containerPort: must be integer (got "80")',
    'k8s/guestbook/ui.yaml:17:1: Deployment/legacy: apiVersion: extensions/v1beta1 Deployment was removed in Kubernetes 1.16 (this environment targets 1.33): use apps/v1',
    'k8s/guestbook/ui.yaml:24:12: Service/guestbook-ui: metadata.name: duplicate object: Service shop/guestbook-ui is also defined at k8s/frontend/svc.yaml:1 (application frontend)',
    'k8s/guestbook/ui.yaml:26:3: Service/guestbook-ui: spec.type: must be one of ClusterIP, ExternalName, LoadBalancer, NodePort (got "LoadBalancr") (did you mean "LoadBalancer"?)',
    'k8s/guestbook/ui.yaml:30:1: Deploymnet/typo: kind: apps/v1 has no kind Deploymnet (did you mean "Deployment"?)',
    'k8s/guestbook/ui.yaml:35:12: Job/?: metadata.generateName: generateName is not supported: Boreas applies each object by its name (server-side apply) and must find it again on the next run; set metadata.name instead',
    'invalid: 8 error(s) in 1 file(s) at ' + r.stdout.trim().split('at ').pop(),
  ]);
});

test('the environment kubernetesVersion decides which apiVersions exist', async (t) => {
  const files = (version: string) => ({
    'boreas.yaml': env(`, kubernetesVersion: "${version}"`) + app('scale'),
    'k8s/scale/objects.yaml': `apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: web}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  minReplicas: 1
  maxReplicas: 4
---
apiVersion: policy/v1beta1
kind: PodDisruptionBudget
metadata: {name: web}
spec: {minAvailable: 1, selector: {matchLabels: {app: web}}}
`,
  });
  assert.deepEqual(await errorsOf(await repo(t, files('1.22'))), [
    'k8s/scale/objects.yaml:1:1: HorizontalPodAutoscaler/web: apiVersion: autoscaling/v2 HorizontalPodAutoscaler is served from Kubernetes 1.23 on (this environment targets 1.22)',
  ]);
  assert.deepEqual(await errorsOf(await repo(t, files('1.30'))), [
    'k8s/scale/objects.yaml:9:1: PodDisruptionBudget/web: apiVersion: policy/v1beta1 PodDisruptionBudget was removed in Kubernetes 1.25 (this environment targets 1.30): use policy/v1',
  ]);
  const bad = await errorsOf(await repo(t, { ...files('1.30'), 'boreas.yaml': env(', kubernetesVersion: "v1.30"') + app('scale') }));
  assert.match(bad[0], /^boreas\.yaml:6:\d+: Environment\/prod: spec\.kubernetes\.kubernetesVersion: /);
});

test('custom resources are checked against a CRD of the same repo; CRs of CRDs installed elsewhere pass', async (t) => {
  const dir = await repo(t, {
    'boreas.yaml': env() + app('widgets'),
    'k8s/widgets/crd.yaml': `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: widgets.example.com}
spec:
  group: example.com
  scope: Namespaced
  names: {kind: Widget, plural: widgets, singular: widget}
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema:
        type: object
        description: A widget of the shop.
        properties:
          spec:
            type: object
            required: [size]
            properties:
              size: {type: integer}
              colour: {type: string, enum: [red, blue]}
              extra: {type: object, x-kubernetes-preserve-unknown-fields: true}
---
apiVersion: scheduling.k8s.io/v1
kind: PriorityClass
metadata: {name: widgets}
value: 1000
description: Widgets before everything else.
`,
    'k8s/widgets/widgets.yaml': `apiVersion: example.com/v1
kind: Widget
metadata: {name: ok}
spec: {size: 2, colour: red, extra: {anything: [1, 2]}}
---
apiVersion: example.com/v1
kind: Widget
metadata: {name: bad}
spec: {sise: 2, colour: bleu}
---
apiVersion: example.com/v2
kind: Widget
metadata: {name: later}
spec: {size: 1}
---
apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata: {name: installed-elsewhere}
spec: {anything: goes}
`,
  });
  assert.deepEqual(await errorsOf(dir), [
    'k8s/widgets/widgets.yaml:9:1: Widget/bad: spec.size: required field missing',
    'k8s/widgets/widgets.yaml:9:8: Widget/bad: spec.sise: unknown field (did you mean "size"?)',
    'k8s/widgets/widgets.yaml:9:17: Widget/bad: spec.colour: must be one of red, blue (got "bleu")',
    'k8s/widgets/widgets.yaml:11:1: Widget/later: apiVersion: the CRD of Widget serves example.com/v1, not example.com/v2',
  ]);
});

test('a many-object application of ordinary manifests validates without a word', async (t) => {
  const dir = await repo(t, { 'boreas.yaml': env() + app('shop'), ...shopManifests('k8s/shop') });
  assert.deepEqual(await errorsOf(dir), []);
  const result = await loadManifests(await openSource({ repo: dir, cacheDir: join(dir, '.cache') }));
  assert.ok((result.manifests.kubeObjects.get('shop')?.length ?? 0) >= 25, 'the fixture is a many-object app');
});

test('hook delete policies, the replace opt-in and adopt are checked; path and container stay exclusive', async (t) => {
  const dir = await repo(t, {
    'boreas.yaml': `${env()}${app('guestbook')}---
apiVersion: boreas.dev/v1
kind: Application
metadata: {name: both}
spec: {environment: prod, runtime: kubernetes, kubernetes: {path: k8s/guestbook, container: {image: x}, adopt: true}}
`,
    'k8s/guestbook/hooks.yaml': `apiVersion: v1
kind: ConfigMap
metadata:
  name: a
  annotations: {argocd.argoproj.io/hook: PreSync, argocd.argoproj.io/hook-delete-policy: "HookSucceded,HookFailed"}
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: b
  annotations: {helm.sh/hook: pre-install, helm.sh/hook-delete-policy: hook-succeded, boreas.dev/replace: "yes"}
`,
  });
  assert.deepEqual(await errorsOf(dir), [
    'boreas.yaml:16:48: Application/both: spec.kubernetes: must set exactly one of: path, container',
    'k8s/guestbook/hooks.yaml:5:51: ConfigMap/a: metadata.annotations.argocd.argoproj.io/hook-delete-policy: unknown hook delete policy "HookSucceded" (did you mean "HookSucceeded"?) (one of BeforeHookCreation, HookSucceeded, HookFailed)',
    'k8s/guestbook/hooks.yaml:11:44: ConfigMap/b: metadata.annotations.helm.sh/hook-delete-policy: unknown hook delete policy "hook-succeded" (did you mean "hook-succeeded"?) (one of before-hook-creation, hook-succeeded, hook-failed)',
    'k8s/guestbook/hooks.yaml:11:87: ConfigMap/b: metadata.annotations.boreas.dev/replace: must be "true" or "false" (got "yes")',
  ]);
});

test('Boreas secret references in a raw Secret and a raw container env pass; a typo beside them is still refused', async (t) => {
  const dir = await repo(t, {
    'boreas.yaml': env() + app('db'),
    'k8s/db/all.yaml': `apiVersion: v1
kind: Secret
metadata: {name: db}
data:
  password: {valueFrom: {env: DB_PASSWORD}}
stringData:
  user: {valueFrom: {file: /etc/boreas/db-user}}
  plain: x
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: db}
spec:
  selector: {matchLabels: {app: db}}
  template:
    metadata: {labels: {app: db}}
    spec:
      containers:
      - name: db
        image: registry.local/db:1
        env:
        - {name: DB_PASSWORD, valueFrom: {env: DB_PASSWORD}}
        - {name: POD, valueFrom: {fieldRef: {fieldPath: metadata.name}}}
        - {name: TYPO, valueFrom: {secretKeyRef: {name: s, key: k}, bogus: 1}}
`,
  });
  assert.deepEqual(await errorsOf(dir), [
    'k8s/db/all.yaml:24:69: Deployment/db: spec.template.spec.containers[name=db].env[name=TYPO].valueFrom.bogus: unknown field',
  ]);
});

// The desired side: ids, labels, namespace defaulting, canary split, env references and masking.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parse } from 'yaml';
import { buildKubernetesResources } from '../../../src/desired/kubernetes/index.js';
import type { Release } from '../../../src/model/manifest-types.generated.js';
import { hashJson } from '../../../src/util/hash.js';
import { manifestSet } from '../../helpers/manifests.js';
import { containerApp, desiredOf, kubeEnv, rawApp, withRaw } from './harness.js';

const env = kubeEnv('/nonexistent/kubeconfig');

test('a Release of 90/10 with 10 replicas renders stable and canary Deployments of 9 and 1 and one Service', () => {
  const release: Release = {
    apiVersion: 'boreas.dev/v1',
    kind: 'Release',
    metadata: { name: 'api' },
    spec: {
      application: 'api',
      versions: [
        { version: 'v1.4.0', percent: 90 },
        { version: 'v1.5.0-rc.1', percent: 10, container: { image: 'registry.local/api:1.5.0-rc.1' } },
      ],
    },
  };
  const set = manifestSet({ environments: [env], applications: [containerApp('api', { replicas: 10 })], releases: [release] });
  const rs = desiredOf(set);
  assert.deepEqual(
    rs.map((r) => r.id),
    [
      'kubernetes:prod/KubeObject/apps/v1/Deployment/shop/api',
      'kubernetes:prod/KubeObject/apps/v1/Deployment/shop/api-v1-5-0-rc-1',
      'kubernetes:prod/KubeObject/v1/Service/shop/api',
    ],
  );
  const [stable, canary, svc] = rs.map((r) => r.spec as any);
  assert.equal(stable.spec.replicas, 9);
  assert.equal(canary.spec.replicas, 1);
  assert.equal(stable.spec.template.spec.containers[0].image, 'registry.local/api:1.0');
  assert.equal(canary.spec.template.spec.containers[0].image, 'registry.local/api:1.5.0-rc.1');
  assert.equal(canary.spec.template.metadata.labels['boreas.dev/version'], 'v1-5-0-rc-1');
  assert.deepEqual(svc.spec.selector, { 'boreas.dev/application': 'api' }, 'the Service selects both tracks');
  for (const r of rs) {
    assert.equal(r.target, 'kubernetes:prod');
    assert.equal(r.kind, 'KubeObject');
    assert.equal(r.owner, 'api');
    assert.equal(r.hash, hashJson(r.spec));
    assert.deepEqual((r.spec as any).metadata.labels, { 'app.kubernetes.io/managed-by': 'boreas', 'boreas.dev/application': 'api' });
  }
  // 3 replicas at 90/10 → 3/0 by largest remainder (2.7→3, 0.3→0)
  const small = desiredOf(manifestSet({ environments: [env], applications: [containerApp('api', { replicas: 3 })], releases: [release] }));
  assert.deepEqual(
    small.filter((r) => r.name.startsWith('Deployment')).map((r) => (r.spec as any).spec.replicas),
    [3, 0],
  );
});

test('raw objects keep what they say; namespace defaults only for namespaced kinds', () => {
  const set = withRaw(manifestSet({ environments: [env], applications: [rawApp('web')] }), 'web', [
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg', labels: { tier: 'web' } }, data: { a: '1' } } as any,
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'elsewhere', namespace: 'other' } },
    { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'reader' }, rules: [] } as any,
  ]);
  const rs = buildKubernetesResources(set.applications.get('web')!, set.environments.get('prod')!, set);
  assert.deepEqual(
    rs.map((r) => r.name),
    ['ConfigMap/shop/cfg', 'ConfigMap/other/elsewhere', 'ClusterRole/_/reader'],
  );
  assert.deepEqual((rs[0].spec as any).metadata.labels, { tier: 'web', 'app.kubernetes.io/managed-by': 'boreas', 'boreas.dev/application': 'web' });
  assert.deepEqual((rs[0].spec as any).data, { a: '1' });
  assert.equal(rs[2].id, 'kubernetes:prod/KubeObject/rbac.authorization.k8s.io/v1/ClusterRole/_/reader');
  // the manifest set is not mutated
  assert.equal(set.kubeObjects.get('web')![0].object.metadata.namespace, undefined);
});

test('Secret values never appear in rendered text; env valueFrom stays a reference', () => {
  const set = withRaw(manifestSet({ environments: [env], applications: [rawApp('web')] }), 'web', [
    { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db' }, data: { password: 'aHVudGVyMg==' }, stringData: { token: 'hunter2' } } as any,
  ]);
  const [secret] = desiredOf(set);
  const text = Object.values(secret.rendered!).join('\n');
  assert.ok(!text.includes('aHVudGVyMg==') && !text.includes('hunter2'), text);
  assert.deepEqual(parse(text).data, { password: '(sensitive)' });

  const app = containerApp('api', { env: { DB_PASSWORD: { valueFrom: { env: 'DB_PASSWORD' } }, MODE: 'prod' } });
  const [dep] = desiredOf(manifestSet({ environments: [env], applications: [app] }));
  assert.deepEqual((dep.spec as any).spec.template.spec.containers[0].env, [
    { name: 'DB_PASSWORD', valueFrom: { env: 'DB_PASSWORD' } },
    { name: 'MODE', value: 'prod' },
  ]);
});

test('probes from health (tcp, exec; none for process), Stopped scales to 0', async () => {
  const tcp = desiredOf(manifestSet({ environments: [env], applications: [containerApp('a', { health: { tcp: { port: 8080 }, intervalSeconds: 5 } })] }))[0]
    .spec as any;
  assert.deepEqual(tcp.spec.template.spec.containers[0].readinessProbe, {
    tcpSocket: { port: 8080 },
    periodSeconds: 5,
    timeoutSeconds: 2,
    initialDelaySeconds: 0,
    failureThreshold: 3,
  });
  const exec = desiredOf(manifestSet({ environments: [env], applications: [containerApp('a', { health: { exec: { command: ['pg_isready'] } } })] }))[0]
    .spec as any;
  assert.deepEqual(exec.spec.template.spec.containers[0].livenessProbe.exec, { command: ['pg_isready'] });
  const proc = desiredOf(manifestSet({ environments: [env], applications: [containerApp('a', { health: { process: {} } })] }))[0].spec as any;
  assert.equal(proc.spec.template.spec.containers[0].readinessProbe, undefined);
  const stopped = desiredOf(manifestSet({ environments: [env], applications: [containerApp('a', { replicas: 4, state: 'Stopped' })] }))[0].spec as any;
  assert.equal(stopped.spec.replicas, 0);
  const noPorts = desiredOf(manifestSet({ environments: [env], applications: [containerApp('a', { ports: undefined })] }));
  assert.deepEqual(
    noPorts.map((r) => r.name),
    ['Deployment/shop/a'],
    'no Service without ports',
  );
});

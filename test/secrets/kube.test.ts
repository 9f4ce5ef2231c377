// Encrypted values inside Kubernetes objects: a raw Secret's data/stringData and container env take
// `{valueFrom}`; the desired object carries only a digest annotation (a new value re-applies it, the
// same value re-encrypted does not), and the value is filled in (base64 for data) just before a request.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildDesired, defaultDesiredContext } from '../../src/desired/index.js';
import { emptyManifestSet } from '../../src/manifests/model.js';
import { kubeSecretDigest, resolveKubeRefs } from '../../src/secrets/kube.js';
import { secretDigest } from '../../src/secrets/digest.js';
import type { SecretSource } from '../../src/secrets/source.js';

const secret = {
  apiVersion: 'v1',
  kind: 'Secret',
  metadata: { name: 'db' },
  data: { password: { valueFrom: { age: 'secrets/db.age' } } },
  stringData: { user: { valueFrom: { sops: { file: 'secrets/app.yaml', key: 'db.user' } } }, plain: 'x' },
};

function manifests() {
  const m = emptyManifestSet();
  const origin = { file: 'a.yaml', docIndex: 0, line: 1, col: 1 };
  m.environments.set('prod', {
    manifest: { apiVersion: 'boreas.dev/v1', kind: 'Environment', metadata: { name: 'prod' }, spec: { type: 'kubernetes', kubernetes: { namespace: 'shop' } } },
    origin,
  } as never);
  m.applications.set('api', {
    manifest: {
      apiVersion: 'boreas.dev/v1',
      kind: 'Application',
      metadata: { name: 'api' },
      spec: { environment: 'prod', runtime: 'kubernetes', kubernetes: { path: 'k8s' } },
    },
    origin,
  } as never);
  m.kubeObjects.set('api', [{ object: structuredClone(secret) as never, origin, application: 'api' }]);
  return m;
}

const values: Record<string, string> = { 'secrets/db.age': 'hunter2', 'secrets/app.yaml': 'admin' };
const digestWith = (vals: Record<string, string>) => (s: SecretSource) => secretDigest('state-key', vals[s.age ?? s.sops!.file]);

test('a raw Secret with encrypted values: digest annotation only, a new value changes the hash, rotation does not', () => {
  const build = (vals: Record<string, string>) =>
    buildDesired(manifests(), { ...defaultDesiredContext, secretDigest: digestWith(vals) }).resources.find((r) => r.name.startsWith('Secret/'))!;
  const a = build(values);
  const text = JSON.stringify(a);
  assert.doesNotMatch(text, /hunter2|admin/, 'no value in the desired resource');
  assert.match((a.spec as any).metadata.annotations['boreas.dev/secret-digest'], /^sha256:[0-9a-f]{64}$/);
  assert.match(Object.values(a.rendered ?? {})[0], /<encrypted: secrets\/db\.age>/, 'the rendered YAML names the file');
  assert.equal(build({ ...values }).hash, a.hash, 'same values (e.g. re-encrypted to a new recipient): same hash');
  assert.notEqual(build({ ...values, 'secrets/db.age': 'hunter3' }).hash, a.hash, 'a new value: a new hash');
  assert.equal(kubeSecretDigest({ kind: 'ConfigMap', data: { a: 'b' } }, digestWith(values)), undefined);
});

test('references are resolved just before a request: Secret data base64, stringData as is, container env', async () => {
  const obj = structuredClone(secret) as never as Record<string, any>;
  await resolveKubeRefs(obj, async (s) => values[s.age ?? s.sops!.file]);
  assert.deepEqual(obj.data, { password: Buffer.from('hunter2').toString('base64') });
  assert.deepEqual(obj.stringData, { user: 'admin', plain: 'x' });
  const dep: Record<string, any> = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    spec: {
      template: {
        spec: {
          containers: [
            {
              env: [
                { name: 'A', valueFrom: { age: 'secrets/db.age' } },
                { name: 'K', valueFrom: { secretKeyRef: { name: 's', key: 'k' } } },
              ],
            },
          ],
        },
      },
    },
  };
  await resolveKubeRefs(dep, async (s) => values[s.age!]);
  assert.deepEqual(dep.spec.template.spec.containers[0].env, [
    { name: 'A', value: 'hunter2' },
    { name: 'K', valueFrom: { secretKeyRef: { name: 's', key: 'k' } } },
  ]);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildDesired } from '../../src/desired/index.js';
import type { FileSpec, InstanceSpec } from '../../src/model/machine-specs.js';
import type { Release } from '../../src/manifests/model.js';
import { localEnv, manifestSet, processApp } from '../helpers/manifests.js';

const instances = (g: ReturnType<typeof buildDesired>) => g.resources.filter((r) => r.kind === 'Instance').map((r) => r.spec as unknown as InstanceSpec);

test('replicas on a local environment get stable ordinals and per-slot ports', () => {
  const g = buildDesired(manifestSet({ environments: [localEnv()], applications: [processApp('api', { replicas: 3 })] }));
  const specs = instances(g);
  assert.deepEqual(
    specs.map((s) => s.instance),
    ['api-0', 'api-1', 'api-2'],
  );
  assert.deepEqual(
    specs.map((s) => s.ports.http),
    [18000, 18001, 18002],
  );
  assert.equal(specs[2].env.BOREAS_INSTANCE_ID, '2');
  assert.equal(specs[0].env.BOREAS_PORT_HTTP, '18000');
  assert.ok(g.resources.every((r) => r.target === 'local'));
});

test('relation endpoints render into the dependent app files and the instance hash follows the file', () => {
  const backend = processApp('backend', { replicas: 2 });
  const web = processApp('web', {
    ports: [{ name: 'http', port: 18100 }],
    dependsOn: ['backend'],
    relations: [{ name: 'db', application: 'backend', port: 'http' }],
    files: [{ path: 'web.json', template: '{"backends": "{{db.endpoints}}", "first": "{{db.first.port}}"}' }],
  });
  const g1 = buildDesired(manifestSet({ environments: [localEnv()], applications: [backend, web] }));
  const file = g1.resources.find((r) => r.kind === 'File')!;
  assert.equal((file.spec as unknown as FileSpec).content, '{"backends": "127.0.0.1:18000,127.0.0.1:18001", "first": "18000"}');
  const webInstance = g1.resources.find((r) => r.id === 'local/Instance/web-0')!;
  assert.ok(webInstance.dependsOn.includes(file.id), 'instance waits for its file');
  assert.ok(webInstance.dependsOn.includes('local/Instance/backend-0'), 'dependsOn orders after backend');

  // Scaling the related app re-renders the file and therefore changes the dependent instance.
  const g2 = buildDesired(manifestSet({ environments: [localEnv()], applications: [processApp('backend', { replicas: 3 }), web] }));
  const web2 = g2.resources.find((r) => r.id === 'local/Instance/web-0')!;
  assert.notEqual(web2.hash, webInstance.hash);
  assert.match((g2.resources.find((r) => r.kind === 'File')!.spec as unknown as FileSpec).content, /18002/);
});

test('a Release splits instances by percent without reshuffling ordinals', () => {
  const app = processApp('api', { replicas: 3 });
  const release: Release = {
    apiVersion: 'boreas.dev/v1',
    kind: 'Release',
    metadata: { name: 'api' },
    spec: {
      application: 'api',
      versions: [
        { version: 'v1', percent: 67 },
        { version: 'v2', percent: 33, process: { command: 'node', args: ['api-v2.js'] } },
      ],
    },
  };
  const specs = instances(buildDesired(manifestSet({ environments: [localEnv()], applications: [app], releases: [release] })));
  assert.deepEqual(
    specs.map((s) => s.version),
    ['v1', 'v1', 'v2'],
  );
  assert.deepEqual(specs[2].process?.args, ['api-v2.js']);
  assert.deepEqual(specs[0].process?.args, ['api.js']);
});

test('secrets stay references in the desired spec', () => {
  const app = processApp('api', { env: { LOG: 'info', DB_PASSWORD: { valueFrom: { env: 'DB_PASSWORD' } } } });
  const [spec] = instances(buildDesired(manifestSet({ environments: [localEnv()], applications: [app] })));
  assert.deepEqual(spec.env.DB_PASSWORD, { valueFrom: { env: 'DB_PASSWORD' } });
});

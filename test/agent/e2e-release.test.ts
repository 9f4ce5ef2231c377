// End to end on three real agents: a Release with two versions at 67/33 splits the instances, and a
// release whose first batch fails its health check stops and rolls back to the previous version.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { apiApp, hit, startFleet } from './e2e-helpers.js';

const release = (versions: string, strategy = '') => `apiVersion: boreas.dev/v1
kind: Release
metadata: {name: api}
spec:
  application: api
  versions:
${versions}
${strategy}`;

test('two versions at 67/33, then a failing batch stops the release and rolls back', async (t) => {
  const fleet = await startFleet(3, 30);
  t.after(() => fleet.cleanup());
  fleet.writeManifest('api.yaml', apiApp(fleet.server));
  fleet.writeManifest('release.yaml', release('    - {version: v1, percent: 67}\n    - {version: v2, percent: 33}'));

  const split = await fleet.reconcile();
  assert.equal(split.code, 0, split.stdout + split.stderr);
  const served = await Promise.all(fleet.hosts.map((h) => hit(h)));
  assert.deepEqual(served.map((s) => s.split(' ')[0]).sort(), ['v1', 'v1', 'v2'], served.join(' | '));
  const status = await fleet.statusJson('api');
  assert.equal(status.healthy.level, 100);
  assert.deepEqual(
    status.versions.map((v: { version: string; nodes: unknown[] }) => [v.version, v.nodes.length]),
    [
      ['v1', 2],
      ['v2', 1],
    ],
  );

  // All to v3, which runs but fails its health check; one instance per batch, no failure tolerated.
  fleet.writeManifest(
    'release.yaml',
    release('    - {version: unhealthy-v3, percent: 100}', '  strategy: {batchSize: 1, failureThreshold: 0, timeoutSeconds: 10, autoRollback: true}\n'),
  );
  const failed = await fleet.reconcile(['--timeout', '60s']);
  assert.equal(failed.code, 1, failed.stdout + failed.stderr);
  assert.match(failed.stdout, /Release of api failed: rolled back/);
  assert.match(failed.stdout, /release of api stopped: 1 failed, threshold 0/);
  // Every node serves the version it had before: one failed batch, nothing else touched, rolled back.
  const after = await Promise.all(fleet.hosts.map((h) => hit(h)));
  assert.deepEqual(after, served, 'rolled back to the previous versions');
});

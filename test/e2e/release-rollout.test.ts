// Releases on a local environment through the real CLI: a percent split across versions, and a batch
// that fails its health check stops the release and rolls it back.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createFleet, freePort, httpApp, environmentYaml, reconcileArgs } from '../helpers/local-fleet.js';

function appWithRelease(port: number, startLog: string, versions: string, strategy = ''): Record<string, string> {
  return {
    'environment.yaml': environmentYaml(),
    'apps/api.yaml': `apiVersion: boreas.dev/v1
kind: Application
metadata: {name: api}
spec:
  environment: dev
  runtime: process
  replicas: 3
  process: {command: node, args: [${JSON.stringify(httpApp)}]}
  ports: [{name: http, port: ${port}}]
  health: {http: {port: http, path: /healthz}, intervalSeconds: 1, timeoutSeconds: 1}
  env: {START_LOG: ${JSON.stringify(startLog)}}
---
apiVersion: boreas.dev/v1
kind: Release
metadata: {name: api}
spec:
  application: api
  versions:
${versions}
${strategy}`,
  };
}

test('versions split by percent; a failing batch stops the release and rolls back', async (t) => {
  const fleet = await createFleet();
  t.after(() => fleet.cleanup());
  const port = await freePort();
  const v1v2 = `    - {version: v1, percent: 67}\n    - {version: v2, percent: 33}`;
  await fleet.repo.write(appWithRelease(port, fleet.startLog, v1v2));
  await fleet.repo.commit('67/33');
  const first = await fleet.cli(reconcileArgs(fleet));
  assert.equal(first.code, 0, first.stdout + first.stderr);
  const versions = await Promise.all([0, 1, 2].map(async (i) => (await fleet.get(port + i)).body.version));
  assert.deepEqual(versions, ['v1', 'v1', 'v2']);
  const status = JSON.parse((await fleet.cli(['status', 'api', '--output', 'json'])).stdout);
  assert.equal(status.name, 'api');
  assert.equal(status.health.level, 100);
  assert.deepEqual(
    status.versions.map((v: { version: string; percent: number }) => [v.version, v.percent]),
    [
      ['v1', 67],
      ['v2', 33],
    ],
  );
  assert.deepEqual(Object.keys(status.versions[0].nodes[0]).sort(), ['healthy', 'node']);

  // v3 is broken: its instances never pass /healthz. One instance per batch, no failure tolerated.
  const broken = `    - {version: v3, percent: 100, process: {command: node, args: [${JSON.stringify(httpApp)}, --unhealthy]}}`;
  const strategy = `  strategy: {batchSize: 1, failureThreshold: 0, timeoutSeconds: 3, autoRollback: true}\n`;
  await fleet.repo.write(appWithRelease(port, fleet.startLog, broken, strategy));
  await fleet.repo.commit('v3');
  const rollout = await fleet.cli(reconcileArgs(fleet));
  assert.equal(rollout.code, 1, 'a rolled-back release is not converged');
  assert.match(rollout.stdout, /Release of api failed: rolled back/);
  const after = await Promise.all([0, 1, 2].map(async (i) => (await fleet.get(port + i)).body.version));
  assert.deepEqual(after, ['v1', 'v1', 'v2'], 'back on the previous versions');
  const starts = await fleet.starts();
  assert.equal(starts.get('api-1'), 1, 'the second batch never started');
  assert.equal(starts.get('api-2'), 1, 'the third batch never started');
  assert.equal(starts.get('api-0'), 3, 'api-0: v1, then broken v3, then v1 again');

  // Held at the rolled-back state while Git stays on the broken commit; says so.
  const again = await fleet.cli(reconcileArgs(fleet));
  assert.equal(again.code, 0);
  assert.match(again.stdout, /held at revision/);
  const history = await fleet.cli(['history', 'api']);
  assert.match(history.stdout, /failed/);
});

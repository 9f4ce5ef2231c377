import { test } from 'node:test';
import assert from 'node:assert/strict';
import { toV1Status, sharesOf } from '../../src/report/status-v1.js';
import { renderStatusText } from '../../src/report/status-text.js';
import { renderHistoryText } from '../../src/report/history-text.js';
import type { AppStatus } from '../../src/model/status.js';
import type { AppRevisionRecord } from '../../src/store/store.js';

const healthy = { status: 'Healthy' as const, level: 100 };
const down = { status: 'Degraded' as const, level: 0, message: 'GET /healthz: connection refused' };

function apiStatus(): AppStatus {
  return {
    app: 'api',
    environment: 'edge',
    revision: 'f00dfeedf00dfeedf00dfeedf00dfeedf00dfeed',
    instances: [
      { instance: 'api-0', node: 'node-1', version: 'v1.4.0', health: healthy, endpoint: '10.0.0.11:8080' },
      { instance: 'api-1', node: 'node-2', version: 'v1.4.0', health: down, endpoint: '10.0.0.12:8080', drift: ['process exited'] },
      { instance: 'api-2', node: 'node-3', version: 'v1.5.0', health: healthy, endpoint: '10.0.0.13:8080' },
    ],
  };
}

test('v1 status: levels average instances per node, per version, per app; percent is the instance share', () => {
  const v1 = toV1Status(apiStatus());
  assert.deepEqual(v1, {
    app: 'api',
    healthy: { level: 67 },
    versions: [
      {
        version: 'v1.4.0',
        percent: 67,
        healthy: { level: 50 },
        nodes: [
          { node: 'node-1', healthy: { level: 100 } },
          { node: 'node-2', healthy: { level: 0 } },
        ],
      },
      { version: 'v1.5.0', percent: 33, healthy: { level: 100 }, nodes: [{ node: 'node-3', healthy: { level: 100 } }] },
    ],
  });
  // field names and order exactly as the v1 response
  assert.equal(JSON.stringify(v1).slice(0, 40), '{"app":"api","healthy":{"level":67},"ver');
});

test('two instances of one version on one node average into that node', () => {
  const s = apiStatus();
  s.instances = [
    { instance: 'api-0', node: 'node-1', version: 'v1', health: healthy },
    { instance: 'api-1', node: 'node-1', version: 'v1', health: { status: 'Progressing', level: 50 } },
  ];
  const v1 = toV1Status(s);
  assert.deepEqual(v1.versions[0].nodes, [{ node: 'node-1', healthy: { level: 75 } }]);
  assert.equal(v1.versions[0].percent, 100);
  assert.equal(v1.healthy.level, 75);
});

test('no instances is level 0, not healthy', () => {
  const s = apiStatus();
  s.instances = [];
  assert.deepEqual(toV1Status(s), { app: 'api', healthy: { level: 0 }, versions: [] });
});

test('percent shares always add up to 100', () => {
  assert.deepEqual(sharesOf([1, 1, 1]), [34, 33, 33]);
  assert.deepEqual(sharesOf([9, 1]), [90, 10]);
  assert.deepEqual(sharesOf([0, 0]), [0, 0]);
});

test('status text is a table with health, versions, endpoints and drift', () => {
  const out = renderStatusText([apiStatus()]);
  const lines = out.split('\n');
  assert.match(lines[0], /^APP\s+ENVIRONMENT\s+REVISION\s+HEALTH\s+INSTANCES\s+VERSIONS$/);
  assert.match(lines[1], /^api\s+edge\s+f00dfeedf00d\s+67\s+2\/3 healthy\s+v1\.4\.0 67%, v1\.5\.0 33%$/);
  assert.ok(out.includes('api (edge @ f00dfeedf00d): health 67'));
  assert.ok(out.includes('  version v1.4.0: 67% of instances, health 50 (nodes: node-1 100, node-2 0)'));
  const row = lines.find((l) => l.trimStart().startsWith('api-1'))!;
  assert.match(row, /api-1\s+node-2\s+v1\.4\.0\s+0 Degraded\s+10\.0\.0\.12:8080\s+drift: process exited · GET \/healthz: connection refused/);
  // columns line up: HEALTH column starts at the same offset in header and rows
  const header = lines.find((l) => l.startsWith('  INSTANCE '))!;
  assert.equal(row.indexOf('0 Degraded'), header.indexOf('HEALTH'));
});

test('status text with nothing applied', () => {
  assert.equal(renderStatusText([]), 'No applications applied yet (run `boreas reconcile --once`).\n');
});

test('history lists revisions newest first and marks desired-state changes', () => {
  const recs: AppRevisionRecord[] = [
    { application: 'api', revision: 'c'.repeat(40), runId: 3, result: 'succeeded', at: '2026-11-24T12:03:00Z', desiredHash: 'h2'.padEnd(64, '0') },
    { application: 'api', revision: 'b'.repeat(40), runId: 2, result: 'failed', at: '2026-11-24T12:02:00Z', desiredHash: 'h2'.padEnd(64, '0') },
    { application: 'api', revision: 'a'.repeat(40), runId: 1, result: 'succeeded', at: '2026-11-24T12:01:00Z', desiredHash: 'h1'.padEnd(64, '0') },
  ];
  const out = renderHistoryText(recs);
  const lines = out.trimEnd().split('\n');
  assert.equal(lines[0], 'History of api (newest first)');
  assert.match(lines[1], /^REVISION\s+RUN\s+RESULT\s+AT\s+DESIRED\s+CHANGED$/);
  assert.match(lines[2], /^cccccccccccc\s+3\s+succeeded\s+2026-11-24T12:03:00Z\s+h20000000000\s+no$/);
  assert.match(lines[3], /^bbbbbbbbbbbb\s+2\s+failed\s+.*\s+yes$/);
  assert.match(lines[4], /^aaaaaaaaaaaa\s+1\s+succeeded\s+.*\s+yes$/);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { toV1Status, sharesOf } from '../../src/report/status-v1.js';
import { renderStatusText } from '../../src/report/status-text.js';
import { renderHistoryText } from '../../src/report/history-text.js';
import type { AppStatus } from '../../src/model/status.js';
import { statusJson } from '../../src/report/status-json.js';
import type { HistoryEntry } from '../../src/model/history.js';

const healthy = { status: 'Healthy' as const, level: 100 };
const down = { status: 'Degraded' as const, level: 0, message: 'GET /healthz: connection refused' };

function apiStatus(): AppStatus {
  return {
    app: 'api',
    environment: 'edge',
    revision: { sha: 'f00dfeedf00dfeedf00dfeedf00dfeedf00dfeed', subject: 'Roll api v1.5.0 to one node', author: 'Ada Lovelace' },
    sync: 'missing',
    health: { status: 'Degraded', level: 67 },
    drift: [{ resource: 'agent:node-2/Instance/api-1', kind: 'Instance', name: 'api-1', state: 'missing', message: 'process exited' }],
    instances: [
      { instance: 'api-0', node: 'node-1', version: 'v1.4.0', health: healthy, sync: 'in-sync', endpoint: '127.0.0.11:8080', pid: 4242 },
      { instance: 'api-1', node: 'node-2', version: 'v1.4.0', health: down, sync: 'missing', endpoint: '127.0.0.12:8080', drift: ['process exited'] },
      { instance: 'api-2', node: 'node-3', version: 'v1.5.0', health: healthy, sync: 'in-sync', endpoint: '127.0.0.13:8080', containerId: '0123456789ab' },
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
    { instance: 'api-0', node: 'node-1', version: 'v1', health: healthy, sync: 'in-sync' },
    { instance: 'api-1', node: 'node-1', version: 'v1', health: { status: 'Progressing', level: 50 }, sync: 'in-sync' },
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
  assert.match(lines[0], /^APP\s+ENVIRONMENT\s+REVISION\s+SYNC\s+HEALTH\s+INSTANCES\s+VERSIONS$/);
  assert.match(lines[1], /^api\s+edge\s+f00dfeedf00d\s+missing\s+67\s+2\/3 healthy\s+v1\.4\.0 67%, v1\.5\.0 33%$/);
  assert.ok(out.includes('api (edge @ f00dfeedf00d "Roll api v1.5.0 to one node" by Ada Lovelace): missing, health 67 Degraded'));
  assert.ok(out.includes('  missing: Instance api-1: process exited'));
  assert.ok(out.includes('  version v1.4.0: 67% of instances, health 50 (nodes: node-1 100, node-2 0)'));
  const row = lines.find((l) => l.trimStart().startsWith('api-1'))!;
  assert.match(row, /api-1\s+node-2\s+v1\.4\.0\s+0 Degraded\s+missing\s+127\.0\.0\.12:8080\s+-\s+drift: process exited · GET \/healthz: connection refused/);
  assert.match(lines.find((l) => l.trimStart().startsWith('api-0'))!, /in sync\s+127\.0\.0\.11:8080\s+pid 4242\s+-$/);
  assert.match(lines.find((l) => l.trimStart().startsWith('api-2'))!, /container 0123456789ab/);
  // columns line up: HEALTH column starts at the same offset in header and rows
  const header = lines.find((l) => l.startsWith('  INSTANCE '))!;
  assert.equal(row.indexOf('0 Degraded'), header.indexOf('HEALTH'));
});

test('status text with nothing applied', () => {
  assert.equal(renderStatusText([]), 'No applications applied yet (run `boreas reconcile --once`).\n');
});

test('status JSON: revision with short SHA and commit, sync, health, drift summary, instances with pid or container', () => {
  const j = statusJson(apiStatus());
  assert.deepEqual(j.revision, {
    sha: 'f00dfeedf00dfeedf00dfeedf00dfeedf00dfeed',
    short: 'f00dfeedf00d',
    subject: 'Roll api v1.5.0 to one node',
    author: 'Ada Lovelace',
    committedAt: null,
    pinned: false,
  });
  assert.equal(j.sync, 'missing');
  assert.deepEqual(j.health, { status: 'Degraded', level: 67 });
  assert.equal(j.drift.count, 1);
  assert.equal(j.drift.resources[0].resource, 'agent:node-2/Instance/api-1');
  assert.deepEqual(
    j.instances.map((i) => [i.instance, i.node, i.endpoint, i.pid, i.containerId, i.sync, i.health.level]),
    [
      ['api-0', 'node-1', '127.0.0.11:8080', 4242, null, 'in-sync', 100],
      ['api-1', 'node-2', '127.0.0.12:8080', null, null, 'missing', 0],
      ['api-2', 'node-3', '127.0.0.13:8080', null, '0123456789ab', 'in-sync', 100],
    ],
  );
  assert.deepEqual(
    j.versions.map((v) => [v.version, v.percent]),
    [
      ['v1.4.0', 67],
      ['v1.5.0', 33],
    ],
  );
});

test('a working-tree revision is shortened in the table, not 49 characters', () => {
  const s = apiStatus();
  s.revision = { sha: `worktree:${'ab'.repeat(20)}` };
  const out = renderStatusText([s]);
  assert.match(out.split('\n')[1], /^api\s+edge\s+worktree:abababababab\s+missing/);
  assert.ok(out.includes('api (edge @ worktree:abababababab (uncommitted working tree)): missing'));
});

test('history lists runs newest first with commit subject, author and whether anything changed', () => {
  const entries: HistoryEntry[] = [
    {
      application: 'api',
      revision: { sha: 'c'.repeat(40), subject: `Restart api after the kernel update ${'x'.repeat(40)}`, author: 'Grace Hopper' },
      runId: 3,
      result: 'succeeded',
      at: '2026-11-24T12:03:00Z',
      desiredHash: 'h2',
      changed: true,
      changedResources: 1,
    },
    {
      application: 'api',
      revision: { sha: 'b'.repeat(40) },
      runId: 2,
      result: 'failed',
      at: '2026-11-24T12:02:00Z',
      desiredHash: 'h2',
      changed: false,
      changedResources: 0,
    },
    {
      application: 'api',
      revision: { sha: `worktree:${'a'.repeat(40)}` },
      runId: 1,
      result: 'succeeded',
      at: '2026-11-24T12:01:00Z',
      desiredHash: 'h1',
      changed: true,
    },
  ];
  const out = renderHistoryText(entries);
  const lines = out.trimEnd().split('\n');
  assert.equal(lines[0], 'History of api (newest first)');
  assert.match(lines[1], /^REVISION\s+SUBJECT\s+AUTHOR\s+RUN\s+RESULT\s+AT\s+CHANGED$/);
  assert.match(lines[2], /^cccccccccccc\s+Restart api after the kernel update x{13}…\s+Grace Hopper\s+3\s+succeeded\s+2026-11-24T12:03:00Z\s+yes \(1\)$/);
  assert.match(lines[3], /^bbbbbbbbbbbb\s+-\s+-\s+2\s+failed\s+.*\s+no$/);
  assert.match(lines[4], /^worktree:aaaaaaaaaaaa\s+\(uncommitted working tree\)\s+-\s+1\s+succeeded\s+.*\s+yes$/);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderRunSummaryJson, renderRunSummaryText, type RunSummary } from '../../src/report/run-summary.js';
import { samplePlan, headSha } from './fixtures.js';

function summary(over: Partial<RunSummary> = {}): RunSummary {
  return {
    revision: headSha,
    converged: true,
    result: over.converged === false ? 'not-converged' : 'converged',
    unhealthy: [],
    rolledBack: [],
    passes: 2,
    tasks: { run: 5, succeeded: 5, failed: 0, skipped: 1, cancelled: 0 },
    failures: [],
    orphans: [],
    warnings: [],
    durationMs: 4210,
    plan: { revision: headSha, changes: [], unchanged: 6, orphans: [], unknown: [], unknownTargets: [] },
    desired: [],
    dryRun: false,
    ...over,
  };
}

test('converged run: revision, passes, duration and task counts', () => {
  const out = renderRunSummaryText(summary());
  assert.equal(out, `Converged: revision ${headSha.slice(0, 12)} applied, drift is zero (2 passes, 4.2s).\nTasks: 5 run, 5 succeeded, 0 failed, 1 skipped.\n`);
});

test('a no-op run says nothing changed and zero tasks ran', () => {
  const out = renderRunSummaryText(summary({ passes: 1, tasks: { run: 0, succeeded: 0, failed: 0, skipped: 0, cancelled: 0 }, durationMs: 120 }));
  assert.equal(out, `No changes. Revision ${headSha.slice(0, 12)} is applied and drift is zero (120ms).\nTasks: 0 run, 0 succeeded, 0 failed, 0 skipped.\n`);
});

test('failed run lists failures with messages and what is left', () => {
  const plan = samplePlan();
  plan.changes = plan.changes.slice(0, 1);
  const out = renderRunSummaryText(
    summary({
      converged: false,
      passes: 1,
      tasks: { run: 3, succeeded: 2, failed: 1, skipped: 0, cancelled: 1 },
      failures: [{ resource: 'local/Instance/api-0', message: 'health check failed: GET http://127.0.0.1:8080/healthz: connection refused' }],
      plan,
      orphans: ['local/Instance/old-0'],
      warnings: ['Application/x has no health check'],
    }),
  );
  const lines = out.trimEnd().split('\n');
  assert.equal(lines[0], `Not converged: 1 change left (1 to create, 0 to change, 0 to delete) (revision ${headSha.slice(0, 12)}, 1 pass, 4.2s).`);
  assert.equal(lines[1], 'Tasks: 3 run, 2 succeeded, 1 failed, 0 skipped, 1 cancelled.');
  assert.equal(lines[2], '  create local/Instance/api-0: not on local');
  assert.equal(lines[3], 'Failures (1):');
  assert.equal(lines[4], '  local/Instance/api-0: health check failed: GET http://127.0.0.1:8080/healthz: connection refused');
  assert.equal(lines[5], 'Not pruned (--no-prune or boreas.dev/prune: disabled), kept although no longer in Git: local/Instance/old-0');
  assert.equal(lines[6], 'warning: Application/x has no health check');
});

test('dry run prints the plan and says nothing was changed', () => {
  const out = renderRunSummaryText(
    summary({ dryRun: true, converged: false, plan: samplePlan(), tasks: { run: 0, succeeded: 0, failed: 0, skipped: 0, cancelled: 0 } }),
  );
  assert.ok(out.includes('Plan: 1 to create, 3 to change, 1 to delete.'));
  assert.ok(out.endsWith(`Dry run: nothing was changed (revision ${headSha.slice(0, 12)}).\n`));
});

test('json summary: one object with revision, converged, task counts, duration and failures', () => {
  const json = renderRunSummaryJson(
    summary({ converged: false, tasks: { run: 2, succeeded: 1, failed: 1, skipped: 0, cancelled: 0 }, failures: [{ resource: 'r', message: 'm' }] }),
  );
  assert.deepEqual(JSON.parse(JSON.stringify(json)), {
    revision: headSha,
    converged: false,
    result: 'not-converged',
    dryRun: false,
    passes: 2,
    tasks: { run: 2, succeeded: 1, failed: 1, skipped: 0, cancelled: 0 },
    durationMs: 4210,
    duration: '4.2s',
    failures: [{ resource: 'r', message: 'm' }],
    orphans: [],
    rolledBack: [],
    warnings: [],
    unhealthy: [],
    blocked: [],
    unknown: [],
    remaining: { create: 0, update: 0, delete: 0, repair: 0, replace: 0, adopt: 0, move: 0 },
  });
});

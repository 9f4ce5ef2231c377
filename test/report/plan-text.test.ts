import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderPlanText } from '../../src/report/plan-text.js';
import { samplePlan, headSha } from './fixtures.js';

test('text plan lists every change per environment and application, terraform style', () => {
  const out = renderPlanText(samplePlan(), { color: false });
  const lines = out.split('\n');
  assert.equal(lines[0], `Plan for revision ${headSha.slice(0, 12)} (3 resources unchanged)`);
  // environments in order, applications under them
  assert.ok(out.indexOf('Environment local') < out.indexOf('Environment prod'));
  assert.ok(out.includes('  Application api\n'));
  assert.ok(out.includes('    + Instance api-0 (NotFound: not on local)\n'));
  assert.ok(out.includes('    ~ Instance api-1 (SpecChanged: desired spec changed)\n'));
  assert.ok(out.includes('        spec.version: "v1" → "v2"\n'));
  assert.ok(out.includes('    ! Instance web-0 (Drifted: process exited (pid 4242 not running))\n'));
  assert.ok(out.includes('    - Instance old-0 (Pruned: no longer in Git (applied at 0123456789ab))\n'));
  // the unified diff of the rendered file, indented under its change
  assert.ok(out.includes('        --- a/etc/api/config.yaml\n        +++ b/etc/api/config.yaml\n'));
  assert.ok(out.includes('        -port: 8080\n        +port: 8081\n'));
  // the delete sits under the prod environment
  assert.ok(out.indexOf('- Instance old-0') > out.indexOf('Environment prod'));
  assert.ok(out.endsWith('\nPlan: 1 to create, 3 to change, 1 to delete.\n'));
  assert.ok(!out.includes('\x1b['), 'no ANSI codes without color');
});

test('empty plan says nothing changes', () => {
  const out = renderPlanText({ revision: headSha, changes: [], unchanged: 7, orphans: [], unknown: [], unknownTargets: [] }, { color: false });
  assert.ok(out.endsWith('No changes. Desired state matches actual state.\n'));
  assert.ok(!out.includes('Plan: '));
});

test('color only when asked: symbols and diff lines are coloured', () => {
  const out = renderPlanText(samplePlan(), { color: true });
  assert.ok(out.includes('\x1b[32m+\x1b[39m Instance api-0'), 'create is green');
  assert.ok(out.includes('\x1b[31m-\x1b[39m Instance old-0'), 'delete is red');
  assert.ok(out.includes('\x1b[32m+port: 8081\x1b[39m'));
});

test('orphans kept by --no-prune are listed but not counted as changes', () => {
  const plan = samplePlan();
  plan.orphans = [plan.changes.pop()!];
  const out = renderPlanText(plan, { color: false });
  assert.match(out, /Not pruned \(--no-prune\), 1 resource kept although no longer in Git:\n {4}Instance old-0 \(old, agent:node-1\)/);
  assert.ok(out.endsWith('Plan: 1 to create, 3 to change, 0 to delete.\n'));
});

test('long field values are cut, since the text diff shows them in full', () => {
  const plan = samplePlan();
  plan.changes[1].fields = [{ path: 'content', before: 'a'.repeat(5000), after: 'b' }];
  const out = renderPlanText(plan, { color: false });
  const line = out.split('\n').find((l) => l.includes('spec.content:'))!;
  assert.ok(line.length < 200, line);
  assert.ok(line.includes('(5002 chars) → "b"'));
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderPlanJson } from '../../src/report/plan-json.js';
import { samplePlan, headSha, baseSha } from './fixtures.js';

test('json plan has the stable shape with summary and per-environment counts', () => {
  const json = JSON.parse(JSON.stringify(renderPlanJson(samplePlan(), { base: baseSha })));
  assert.equal(json.revision, headSha);
  assert.equal(json.base, baseSha);
  assert.deepEqual(json.summary, { create: 1, update: 2, delete: 1, repair: 1, replace: 0, adopt: 0, move: 0, unchanged: 3 });
  assert.deepEqual(json.byEnvironment, {
    local: { create: 1, update: 2, delete: 0, repair: 1, replace: 0, adopt: 0, move: 0 },
    prod: { create: 0, update: 0, delete: 1, repair: 0, replace: 0, adopt: 0, move: 0 },
  });
  assert.equal(json.changes.length, 5);
  assert.deepEqual(Object.keys(json.changes[0]), [
    'action',
    'reason',
    'message',
    'id',
    'target',
    'kind',
    'owner',
    'environment',
    'name',
    'fields',
    'textDiffs',
  ]);
  const upd = json.changes[1];
  assert.equal(upd.id, 'local/Instance/api-1');
  assert.deepEqual(upd.fields, [{ path: 'version', before: 'v1', after: 'v2' }]);
  assert.match(json.changes[2].textDiffs['/etc/api/config.yaml'], /^--- a\/etc\/api\/config.yaml\n\+\+\+ b\/etc\/api\/config.yaml\n@@/);
  assert.deepEqual(json.orphans, []);
  // desired/observed objects are not dumped (they may be large and carry references)
  assert.equal(json.changes[1].desired, undefined);
});

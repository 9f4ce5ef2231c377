import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { createProgress } from '../../src/report/progress.js';
import { samplePlan } from './fixtures.js';

/** A real writable stream whose output we read back. */
function capture() {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (d: Buffer) => (text += d.toString()));
  return { stream, read: () => text };
}

test('plain (non-TTY) progress prints one line per finished task and no control codes', () => {
  const { stream, read } = capture();
  const p = createProgress(stream, false);
  p.plan(samplePlan(), 1);
  p.event({ type: 'task-started', resourceId: 'local/Instance/api-0', action: 'create', batch: 0 });
  p.event({ type: 'task-finished', resourceId: 'local/Instance/api-0', action: 'create', state: 'succeeded', outcome: 'created' });
  p.event({ type: 'task-finished', resourceId: 'local/Instance/web-0', action: 'repair', state: 'failed', message: 'exit code 3' });
  p.plan({ revision: 'r', changes: [], unchanged: 5, orphans: [], unknown: [], unknownTargets: [] }, 2);
  p.done();
  assert.equal(
    read(),
    [
      'pass 1: 1 to create, 3 to change, 1 to delete',
      '[1/5] ok create local/Instance/api-0 (created)',
      '[2/5] failed repair local/Instance/web-0: exit code 3',
      'pass 2: no changes left',
      '',
    ].join('\n'),
  );
  assert.ok(!read().includes('\x1b'));
});

test('TTY progress redraws one line with counter, batch and resource; failures stay on screen', () => {
  const { stream, read } = capture();
  const p = createProgress(stream, true);
  p.plan(samplePlan(), 1);
  p.event({ type: 'task-started', resourceId: 'local/Instance/api-0', action: 'create', batch: 0 });
  p.event({ type: 'task-started', resourceId: 'local/Instance/api-1', action: 'update', batch: 0 });
  p.event({ type: 'task-started', resourceId: 'local/Instance/api-2', action: 'update', batch: 0 });
  assert.ok(read().endsWith('\r\x1b[2K[3/5] batch 1 · applying local/Instance/api-2'), JSON.stringify(read()));
  p.event({ type: 'task-finished', resourceId: 'local/Instance/api-0', state: 'failed', message: 'boom' });
  assert.ok(read().endsWith('\r\x1b[2K[1/5] failed local/Instance/api-0: boom\n'));
  p.event({ type: 'task-finished', resourceId: 'local/Instance/api-1', state: 'succeeded' });
  p.done();
  assert.ok(read().endsWith('\r\x1b[2K[2/5] done local/Instance/api-1\r\x1b[2K'), 'done() clears the live line');
  // the redrawn line never adds newlines of its own: only the plan line and the failure
  assert.equal(read().split('\n').length - 1, 2);
});

test('executor events of a close shape are understood; unknown ones ignored', () => {
  const { stream, read } = capture();
  const p = createProgress(stream, false);
  p.plan(samplePlan(), 1);
  p.event({ kind: 'finished', task: { resourceId: 'local/File/x', action: 'update', resource: { batch: 1 } }, result: { outcome: 'configured' } });
  p.event({ something: 'else' });
  p.event('not an object');
  assert.ok(read().endsWith('[1/5] ok update local/File/x (configured)\n'));
});

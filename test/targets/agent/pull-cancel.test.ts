// Pull mode under a run's cancellation: a node that took a task and never reports it must not hold
// the daemon's reconcile for the dispatcher's 10 min timeout once the run is interrupted or past its
// deadline; the wait is abandoned with a message saying so (the node may still run the task later,
// and its idempotency key makes a re-dispatch a replay).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PullHub } from '../../../src/daemon/agents/hub.js';
import type { AgentTask } from '../../../src/protocol/tasks.js';
import { pullTransport } from '../../../src/targets/agent/transport.js';

test('pull mode: a task leased to a node that never reports is abandoned when the run is cancelled', { timeout: 10_000 }, async () => {
  const hub = new PullHub();
  try {
    hub.heartbeat({ node: 'node-1', receivedAt: new Date().toISOString() });
    // The dispatcher's own limit, past this test's timeout: without the abandon the test fails, then ends.
    const transport = pullTransport('node-1', hub, { taskTimeoutMs: 15_000 });
    const task: AgentTask = { taskId: 'task-1', idempotencyKey: 'key-1', type: 'RemoveFiles', payload: { paths: [] } };
    const run = new AbortController();
    const answer = transport.task(task, run.signal);
    assert.deepEqual(
      hub.take('node-1', 1, []).map((t) => t.taskId),
      ['task-1'],
      'the node took the task',
    );
    run.abort();
    await assert.rejects(answer, /node node-1 \(pull mode\): RemoveFiles abandoned: the run was interrupted or reached its --timeout/);
    // Already cancelled: nothing is waited for at all.
    await assert.rejects(transport.task({ ...task, taskId: 'task-2', idempotencyKey: 'key-2' }, run.signal), /abandoned/);
  } finally {
    hub.close();
  }
});

// handleTask: the one entry point for typed tasks, whatever transport brought them (push: the
// `POST /v1/tasks` route; pull, later: the poll loop). It owns idempotency: a key whose last run
// succeeded returns the recorded result without running again (also after an agent restart, the
// record lives in SQLite); two concurrent deliveries of one key share a single run; a failed key
// may be retried (a failed task is retryable). A key re-sent with other content (type,
// resource or payload) is refused with 409: answering it from the first run would report a task
// that never ran as succeeded.
import type { AgentContext } from '../context.js';
import type { AgentTask, AgentTaskOf, AgentTaskResult, TaskResultRecord, TaskType } from '../../protocol/tasks.js';
import type { HandlerOutcome, TaskHandler, TaskHandlers } from './types.js';
import { fileHandlers } from './files.js';
import { instanceHandlers } from './instances.js';
import { systemdHandlers } from './systemd.js';
import { nginxHandlers } from './nginx.js';
import { healthHandlers } from './health.js';
import { challengeHandlers } from './challenges.js';
import { observeResources } from '../observe.js';
import { nodeFacts } from '../facts.js';
import { checkTaskPolicy } from '../policy.js';
import { HttpError } from '../../util/http-body.js';
import { hashJson } from '../../util/hash.js';
import { redact } from '../../util/redact.js';
import { registerTaskSecrets } from './secret-values.js';

const handlers: TaskHandlers = {
  ...fileHandlers,
  ...instanceHandlers,
  ...systemdHandlers,
  ...nginxHandlers,
  ...healthHandlers,
  ...challengeHandlers,
  Observe: () => Promise.reject(new Error('Observe is answered by observeTask')),
};

const inflight = new WeakMap<AgentContext, Map<string, { hash: string; run: Promise<AgentTaskResult> }>>();

/** What makes two deliveries the same task: type, resource and payload (not ids, trace or timeout). */
export function taskContentHash(task: AgentTask): string {
  return hashJson({ type: task.type, resource: task.resource ?? null, payload: task.payload });
}

function conflict(key: string): HttpError {
  return new HttpError(409, `idempotency key "${key}" was already used for a task with different content; send a new key for a new task`);
}

/**
 * Runs (or replays) one task. Failures come back as status "failed"; the only throw is the 409
 * HttpError for a known key with different content (push answers 409, pull reports it failed).
 */
export function handleTask(ctx: AgentContext, task: AgentTask): Promise<AgentTaskResult> {
  const key = task.idempotencyKey ?? task.taskId;
  if (task.type === 'Observe') return observeTask(ctx, task);
  const hash = taskContentHash(task);
  const prior = ctx.state.taskResult(key);
  const priorHash = prior && ctx.state.taskContentHash(key);
  if (priorHash && priorHash !== hash) return Promise.reject(conflict(key));
  if (prior?.status === 'succeeded') return Promise.resolve({ ...prior, taskId: task.taskId, replayed: true });
  let running = inflight.get(ctx);
  if (!running) inflight.set(ctx, (running = new Map()));
  const current = running.get(key);
  if (current) return current.hash === hash ? current.run : Promise.reject(conflict(key));
  const run = execute(ctx, task, key, hash).finally(() => running!.delete(key));
  running.set(key, { hash, run });
  return run;
}

async function execute(ctx: AgentContext, task: AgentTask, key: string, hash: string): Promise<AgentTaskResult> {
  const startedAt = new Date().toISOString();
  const log = ctx.log.child({ taskId: task.taskId, type: task.type, ...(task.traceId ? { traceId: task.traceId } : {}) });
  let record: TaskResultRecord;
  registerTaskSecrets(task);
  try {
    checkTaskPolicy(ctx, task);
    const out = await withTimeout(runHandler(ctx, task), task.timeoutSec);
    if (task.resource) {
      const updatedAt = new Date().toISOString();
      // A removal leaves a tombstone: observe then reports a fingerprint different from "never
      // existed", so re-creating the same content later is a new task key, not a replay of the first.
      if (out.removed)
        ctx.state.recordResource({
          id: task.resource.id,
          kind: task.resource.kind,
          appliedHash: '',
          locator: { removedAt: updatedAt, removedBy: key },
          updatedAt,
        });
      else if (out.locator)
        ctx.state.recordResource({ id: task.resource.id, kind: task.resource.kind, appliedHash: task.resource.hash, locator: out.locator, updatedAt });
    }
    record = {
      taskId: task.taskId,
      idempotencyKey: key,
      type: task.type,
      status: 'succeeded',
      outcome: out.outcome,
      startedAt,
      finishedAt: new Date().toISOString(),
    };
    if (out.message) record.message = out.message;
    if (out.details) record.details = out.details;
    log.info('task succeeded', { outcome: out.outcome });
  } catch (err) {
    // Masked here, so the answer, the task record and the log line all carry the masked text.
    const message = redact((err as Error).message);
    record = {
      taskId: task.taskId,
      idempotencyKey: key,
      type: task.type,
      status: 'failed',
      outcome: 'failed',
      errorMessage: message,
      message,
      startedAt,
      finishedAt: new Date().toISOString(),
    };
    log.warn('task failed', { error: message });
  }
  ctx.state.recordTask(record, hash);
  return record;
}

/** Observe as a task (pull mode): answered fresh every time, never recorded. */
/** The handler of the task's type with its typed payload (T is correlated through the handler map). */
function runHandler<T extends TaskType>(ctx: AgentContext, task: AgentTaskOf<T>): Promise<HandlerOutcome> {
  const handler: TaskHandler<T> = handlers[task.type];
  return handler(ctx, task.payload, task);
}

async function observeTask(ctx: AgentContext, task: AgentTaskOf<'Observe'>): Promise<AgentTaskResult> {
  const startedAt = new Date().toISOString();
  const observations = await observeResources(ctx, task.payload.resources);
  const details = { observations, facts: nodeFacts(ctx) };
  return {
    taskId: task.taskId,
    idempotencyKey: task.taskId,
    type: task.type,
    status: 'succeeded',
    outcome: 'unchanged',
    details,
    startedAt,
    finishedAt: new Date().toISOString(),
  };
}

function withTimeout<T>(p: Promise<T>, seconds: number | undefined): Promise<T> {
  if (!seconds) return p;
  let timer: NodeJS.Timeout;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`task timed out after ${seconds}s`)), seconds * 1000);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

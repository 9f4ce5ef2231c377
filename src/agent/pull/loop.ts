// Pull mode (docs/design.md, Agent protocol): the agent calls the controller, so the node needs no inbound
// connectivity. Heartbeats carry capabilities and facts; a long poll hands out tasks in the same
// AgentTask shape as `POST /v1/tasks`; each goes through the same handleTask (schema check,
// idempotency, replay after restart) and its result is reported with exactly the push response
// fields plus nodeId. In this mode the agent must present its token, so the token (not only its
// hash) is held in memory; it is still never logged or written anywhere.
import { Pool } from 'undici';
import type { AgentContext } from '../context.js';
import { agentVersion, nodeFacts } from '../facts.js';
import { HttpError } from '../../util/http-body.js';
import { payloadSchemas, taskSchema } from '../../protocol/schemas.js';
import { check } from '../http/validate.js';
import { handleTask } from '../tasks/handle.js';
import type { AgentTask, AgentTaskResult } from '../../protocol/tasks.js';

export interface PullOptions {
  controllerUrl: string;
  token: string;
  /** Long-poll wait asked of the controller. Default 20 s. */
  waitMs?: number;
  /** Tasks taken per poll (and run at once). Default 5. */
  maxTasks?: number;
}

export interface PullLoop {
  /** Stops polling and waits for the tasks in hand to be reported. */
  stop(): Promise<void>;
}

export function startPullLoop(ctx: AgentContext, opts: PullOptions): PullLoop {
  const url = new URL(opts.controllerUrl);
  const pool = new Pool(url.origin, { connections: 4, keepAliveTimeout: 60_000, headersTimeout: (opts.waitMs ?? 20_000) + 30_000 });
  const node = ctx.config.nodeName;
  const running = new Set<string>();
  let stopped = false;
  let heartbeatTimer: NodeJS.Timeout | undefined;
  let intervalMs = 2000;

  const post = async <T>(path: string, body: object): Promise<T> => {
    const res = await pool.request({
      method: 'POST',
      path,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${opts.token}` },
      body: JSON.stringify({ nodeId: node, ...body }),
    });
    const text = await res.body.text();
    if (res.statusCode !== 200) throw new Error(`controller ${path} answered ${res.statusCode}: ${text.slice(0, 300)}`);
    return JSON.parse(text) as T;
  };

  const heartbeat = async () => {
    try {
      const facts = nodeFacts(ctx);
      const capabilities = {
        os: process.platform,
        runtimes: facts.runtimes,
        nginx: true,
        systemd: facts.runtimes.includes('systemd'),
        docker: facts.runtimes.includes('container'),
      };
      const res = await post<{ nextPollIntervalMs?: number }>('/agent/heartbeat', { agentVersion, timestamp: new Date().toISOString(), capabilities, facts });
      intervalMs = res.nextPollIntervalMs ?? intervalMs;
    } catch (err) {
      ctx.log.warn('heartbeat failed', { error: (err as Error).message });
    }
    if (!stopped) heartbeatTimer = setTimeout(() => void heartbeat(), Math.max(500, intervalMs));
  };

  const run = async (raw: unknown): Promise<void> => {
    let result: AgentTaskResult;
    const taskId = (raw as { taskId?: string }).taskId ?? 'unknown';
    running.add(taskId);
    try {
      const task = check<AgentTask>(taskSchema, raw, 'task');
      check(payloadSchemas[task.type], task.payload, 'task.payload');
      result = await handleTask(ctx, task);
    } catch (err) {
      // A task the agent refuses (schema) is reported as failed, as push mode answers 400.
      const now = new Date().toISOString();
      const message = err instanceof HttpError ? err.message : (err as Error).message;
      result = {
        taskId,
        idempotencyKey: taskId,
        type: String((raw as { type?: string }).type ?? ''),
        status: 'failed',
        outcome: 'failed',
        message,
        errorMessage: message,
        startedAt: now,
        finishedAt: now,
      };
    }
    try {
      await post('/agent/tasks/report', result);
    } catch (err) {
      // The result is recorded locally: a re-delivery of the key is answered from the record.
      ctx.log.warn('report failed', { taskId, error: (err as Error).message });
    } finally {
      running.delete(taskId);
    }
  };

  const inHand = new Set<Promise<void>>();
  const loop = (async () => {
    let backoff = 500;
    while (!stopped) {
      try {
        const room = (opts.maxTasks ?? 5) - running.size;
        if (room <= 0) {
          await Promise.race(inHand);
          continue;
        }
        const { tasks } = await post<{ tasks: unknown[] }>('/agent/tasks/poll', {
          maxTasks: room,
          runningTaskIds: [...running],
          waitMs: opts.waitMs ?? 20_000,
        });
        backoff = 500;
        for (const t of tasks) {
          const p = run(t).finally(() => inHand.delete(p));
          inHand.add(p);
        }
      } catch (err) {
        if (stopped) break;
        ctx.log.warn('poll failed', { error: (err as Error).message, retryInMs: backoff });
        await new Promise((r) => setTimeout(r, backoff));
        backoff = Math.min(backoff * 2, 30_000);
      }
    }
  })();

  void heartbeat();
  return {
    stop: async () => {
      stopped = true;
      if (heartbeatTimer) clearTimeout(heartbeatTimer);
      await Promise.allSettled(inHand);
      await pool.destroy();
      await loop.catch(() => undefined);
    },
  };
}

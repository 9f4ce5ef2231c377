// The pull-mode agent endpoints (docs/design.md, Agent protocol): `POST /agent/heartbeat`, `/agent/tasks/poll`,
// `/agent/tasks/report`. Every call names its node (`nodeId`) and carries that node's own bearer
// token; tokens are kept only as sha256 hashes and compared in constant time.
import { checkBearer, hashToken } from '../../protocol/bearer-token.js';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Ajv } from 'ajv';
import type { AgentTaskResult } from '../../protocol/tasks.js';
import type { DaemonContext } from '../context.js';
import { HttpError, parseJsonObject, readBody, sendJson } from '../http/respond.js';
import type { RouteHandler } from '../http/server.js';
import type { AgentReport } from './hub.js';
import type { PullQueue } from './queue.js';

const maxBodyBytes = 1024 * 1024;
/** Longest long poll an agent may ask for. */
const maxWaitMs = 30_000;

const ajv = new Ajv({ allErrors: true, strict: false });
const nodeId = { type: 'string', pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$', maxLength: 63 } as const;
const heartbeatSchema = ajv.compile({
  type: 'object',
  required: ['nodeId'],
  properties: {
    nodeId,
    agentVersion: { type: 'string' },
    timestamp: { type: ['string', 'number'] },
    capabilities: { type: 'object' },
    facts: { type: 'object' },
  },
});
const pollSchema = ajv.compile({
  type: 'object',
  required: ['nodeId'],
  properties: {
    nodeId,
    maxTasks: { type: 'integer', minimum: 1, maximum: 20 },
    runningTaskIds: { type: 'array', items: { type: 'string' }, maxItems: 100 },
    waitMs: { type: 'integer', minimum: 0 },
  },
});
const reportSchema = ajv.compile({
  type: 'object',
  required: ['nodeId', 'taskId', 'status'],
  properties: {
    nodeId,
    taskId: { type: 'string', minLength: 1 },
    status: { enum: ['running', 'succeeded', 'failed'] },
    idempotencyKey: { type: 'string' },
    type: { type: 'string' },
    outcome: { enum: ['created', 'configured', 'unchanged', 'deleted', 'failed'] },
    startedAt: { type: 'string' },
    finishedAt: { type: 'string' },
    stdout: { type: 'string' },
    stderr: { type: 'string' },
    artifacts: { type: 'object' },
    message: { type: 'string' },
    errorMessage: { type: 'string' },
    details: { type: 'object' },
    replayed: { type: 'boolean' },
  },
});

/** Compared against when the node is unknown, so timing does not tell known from unknown nodes. */
const decoy = hashToken('boreas-unknown-node');

/** Route handlers for the three agent endpoints, bound to `hub` and the configured node tokens. */
export function agentRoutes(ctx: DaemonContext, hub: PullQueue): Record<string, RouteHandler> {
  const hashes = new Map([...ctx.cfg.agentTokens].map(([node, token]) => [node, hashToken(token)]));
  const log = ctx.base.log.child({ component: 'agents' });

  async function authed(req: IncomingMessage, validate: ReturnType<typeof ajv.compile>): Promise<Record<string, unknown> & { nodeId: string }> {
    if (req.method !== 'POST') throw new HttpError(405, 'method not allowed (use POST)');
    const body = parseJsonObject(await readBody(req, maxBodyBytes));
    if (!validate(body)) throw new HttpError(400, `invalid request: ${ajv.errorsText(validate.errors, { dataVar: 'body' })}`);
    const node = body.nodeId as string;
    const expected = hashes.get(node);
    // Same check as the agent's own API (hashed token, constant-time compare).
    if (!checkBearer(req.headers.authorization, expected ?? decoy) || !expected) {
      log.warn('agent request refused', { node, remote: req.socket.remoteAddress });
      throw new HttpError(401, 'unknown node or wrong token');
    }
    return body as Record<string, unknown> & { nodeId: string };
  }

  return {
    '/agent/heartbeat': async (req: IncomingMessage, res: ServerResponse) => {
      const body = await authed(req, heartbeatSchema);
      const first = await hub.heartbeat({
        node: body.nodeId,
        agentVersion: body.agentVersion as string | undefined,
        capabilities: body.capabilities as Record<string, unknown>,
        facts: body.facts as Record<string, unknown>,
        receivedAt: new Date().toISOString(),
      });
      if (first) log.info('agent connected', { node: body.nodeId, agentVersion: body.agentVersion });
      sendJson(res, 200, { serverTime: new Date().toISOString(), nextPollIntervalMs: hub.pollIntervalMs });
    },
    '/agent/tasks/poll': async (req: IncomingMessage, res: ServerResponse) => {
      const body = await authed(req, pollSchema);
      await hub.touch(body.nodeId);
      const running = (body.runningTaskIds as string[] | undefined) ?? [];
      await hub.waitForWork(body.nodeId, Math.min((body.waitMs as number | undefined) ?? 0, maxWaitMs));
      const tasks = await hub.take(body.nodeId, (body.maxTasks as number | undefined) ?? 1, running);
      if (tasks.length) log.info('tasks handed to agent', { node: body.nodeId, tasks: tasks.map((t) => ({ taskId: t.taskId, type: t.type })) });
      sendJson(res, 200, { tasks });
    },
    '/agent/tasks/report': async (req: IncomingMessage, res: ServerResponse) => {
      const body = await authed(req, reportSchema);
      const result = {
        idempotencyKey: (body.idempotencyKey as string | undefined) ?? (body.taskId as string),
        type: (body.type as string | undefined) ?? '',
        outcome: (body.outcome as AgentTaskResult['outcome'] | undefined) ?? (body.status === 'failed' ? 'failed' : 'configured'),
        startedAt: (body.startedAt as string | undefined) ?? new Date().toISOString(),
        finishedAt: (body.finishedAt as string | undefined) ?? new Date().toISOString(),
        ...body,
      } as unknown as AgentReport;
      const accepted = await hub.report(body.nodeId, result);
      if (!accepted)
        log.info('report for a task not waiting here (already reported, timed out, or from before a restart)', { node: body.nodeId, taskId: body.taskId });
      sendJson(res, 200, { accepted });
    },
  };
}

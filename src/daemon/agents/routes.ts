// The pull-mode agent endpoints (docs/design.md, Agent protocol): `POST /agent/heartbeat`, `/agent/tasks/poll`,
// `/agent/tasks/report`. Every call names its node (`nodeId`) and carries that node's own bearer
// token; tokens are kept only as sha256 hashes and compared in constant time.
import { checkBearer, hashToken } from '../../protocol/bearer-token.js';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Ajv, type ValidateFunction } from 'ajv';
import type { AgentReport, HeartbeatBody, PollBody, ReportBody } from '../../protocol/pull.js';
import type { DaemonContext } from '../context.js';
import { HttpError, parseJsonObject, readBody } from '../../util/http-body.js';
import { sendJson } from '../http/respond.js';
import type { RouteHandler } from '../http/server.js';
import type { PullQueue } from './queue.js';

const maxBodyBytes = 1024 * 1024;
/** Longest long poll an agent may ask for. */
const maxWaitMs = 30_000;

const ajv = new Ajv({ allErrors: true, strict: false });
const nodeId = { type: 'string', pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$', maxLength: 63 } as const;
const heartbeatSchema = ajv.compile<HeartbeatBody>({
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
const pollSchema = ajv.compile<PollBody>({
  type: 'object',
  required: ['nodeId'],
  properties: {
    nodeId,
    maxTasks: { type: 'integer', minimum: 1, maximum: 20 },
    runningTaskIds: { type: 'array', items: { type: 'string' }, maxItems: 100 },
    waitMs: { type: 'integer', minimum: 0 },
  },
});
const reportSchema = ajv.compile<ReportBody>({
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

  async function authed<T extends { nodeId: string }>(req: IncomingMessage, validate: ValidateFunction<T>): Promise<T> {
    if (req.method !== 'POST') throw new HttpError(405, 'method not allowed (use POST)');
    const body = parseJsonObject(await readBody(req, maxBodyBytes));
    if (!validate(body)) throw new HttpError(400, `invalid request: ${ajv.errorsText(validate.errors, { dataVar: 'body' })}`);
    const node = body.nodeId;
    const expected = hashes.get(node);
    // Same check as the agent's own API (hashed token, constant-time compare).
    if (!checkBearer(req.headers.authorization, expected ?? decoy) || !expected) {
      log.warn('agent request refused', { node, remote: req.socket.remoteAddress });
      throw new HttpError(401, 'unknown node or wrong token');
    }
    return body;
  }

  return {
    '/agent/heartbeat': async (req: IncomingMessage, res: ServerResponse) => {
      const body = await authed(req, heartbeatSchema);
      const first = await hub.heartbeat({
        node: body.nodeId,
        agentVersion: body.agentVersion,
        capabilities: body.capabilities,
        facts: body.facts,
        receivedAt: new Date().toISOString(),
      });
      if (first) log.info('agent connected', { node: body.nodeId, agentVersion: body.agentVersion });
      sendJson(res, 200, { serverTime: new Date().toISOString(), nextPollIntervalMs: hub.pollIntervalMs });
    },
    '/agent/tasks/poll': async (req: IncomingMessage, res: ServerResponse) => {
      const body = await authed(req, pollSchema);
      await hub.touch(body.nodeId);
      const running = body.runningTaskIds ?? [];
      await hub.waitForWork(body.nodeId, Math.min(body.waitMs ?? 0, maxWaitMs));
      const tasks = await hub.take(body.nodeId, body.maxTasks ?? 1, running);
      if (tasks.length) log.info('tasks handed to agent', { node: body.nodeId, tasks: tasks.map((t) => ({ taskId: t.taskId, type: t.type })) });
      sendJson(res, 200, { tasks });
    },
    '/agent/tasks/report': async (req: IncomingMessage, res: ServerResponse) => {
      const body = await authed(req, reportSchema);
      const now = new Date().toISOString();
      const result: AgentReport = {
        ...body,
        idempotencyKey: body.idempotencyKey ?? body.taskId,
        type: body.type ?? '',
        outcome: body.outcome ?? (body.status === 'failed' ? 'failed' : 'configured'),
        startedAt: body.startedAt ?? now,
        finishedAt: body.finishedAt ?? now,
      };
      const accepted = await hub.report(body.nodeId, result);
      if (!accepted)
        log.info('report for a task not waiting here (already reported, timed out, or from before a restart)', { node: body.nodeId, taskId: body.taskId });
      sendJson(res, 200, { accepted });
    },
  };
}

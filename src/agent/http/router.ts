// The agent's HTTP API as one request handler (node:http), so tests and the benchmark can mount it on
// any server. Auth: every route needs `Authorization: Bearer <token>` except `GET /v1/health` and
// `GET /v1/ready`, which stay open for load balancers and process supervisors and reveal nothing but
// liveness (no node facts, no app names).
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AgentContext } from '../context.js';
import { nodeFacts } from '../facts.js';
import { observeResources } from '../observe.js';
import type { ObserveDigestsRequest, ObserveItem } from '../../protocol/observe.js';
import { byDigest } from '../observe-digests.js';
import { v1Apply, v1Status, type V1ApplyRequest } from '../v1-api.js';
import { handleTask } from '../tasks/handle.js';
import type { AgentTask } from '../../protocol/tasks.js';
import { checkBearer, type TokenHash } from '../../protocol/bearer-token.js';
import { parseRequestTarget } from '../../util/request-url.js';
import { HttpError, readJson } from '../../util/http-body.js';
import { observeDigestsSchema, observeSchema, payloadSchemas, v1ApplySchema, taskSchema } from '../../protocol/schemas.js';
import { check } from './validate.js';

export interface RouterOptions {
  tokenHash: TokenHash;
  /** false until the agent finished starting (state opened, runners checked). */
  ready: () => boolean;
}

type Handler = (ctx: AgentContext, req: IncomingMessage, params: string[]) => Promise<[number, unknown]>;

const routes: Array<{ method: string; path: RegExp; open?: boolean; handler: Handler }> = [
  { method: 'GET', path: /^\/v1\/health$/, open: true, handler: async () => [200, { status: 'ok' }] },
  {
    method: 'POST',
    path: /^\/v1\/apply$/,
    handler: async (ctx, req) => {
      const body = check<V1ApplyRequest>(v1ApplySchema, await readJson(req, ctx.config.maxBodyBytes));
      const res = await v1Apply(ctx, body);
      return [res.success ? 200 : 500, res];
    },
  },
  { method: 'GET', path: /^\/v1\/status$/, handler: async (ctx) => [200, { apps: await v1Status(ctx) }] },
  {
    method: 'GET',
    path: /^\/v1\/status\/([^/]+)$/,
    handler: async (ctx, _req, [app]) => {
      const apps = await v1Status(ctx, decodeURIComponent(app));
      if (apps.length === 0) throw new HttpError(404, `app "${decodeURIComponent(app)}" is not deployed on ${ctx.config.nodeName}`);
      return [200, { apps }];
    },
  },
  {
    method: 'POST',
    path: /^\/v1\/tasks$/,
    handler: async (ctx, req) => {
      const task = check<AgentTask>(taskSchema, await readJson(req, ctx.config.maxBodyBytes));
      check(payloadSchemas[task.type], task.payload, 'body.payload');
      return [200, await handleTask(ctx, task)];
    },
  },
  {
    method: 'POST',
    path: /^\/v1\/observe$/,
    handler: async (ctx, req) => {
      const body = check<{ resources: ObserveItem[] }>(observeSchema, await readJson(req, ctx.config.maxBodyBytes));
      return [200, { node: ctx.config.nodeName, facts: nodeFacts(ctx), observations: await observeResources(ctx, body.resources) }];
    },
  },
  {
    method: 'POST',
    path: /^\/v1\/observe-digests$/,
    handler: async (ctx, req) => {
      const body = check<ObserveDigestsRequest>(observeDigestsSchema, await readJson(req, ctx.config.maxBodyBytes));
      return [200, { node: ctx.config.nodeName, facts: nodeFacts(ctx), observations: byDigest(await observeResources(ctx, body.resources), body.known ?? {}) }];
    },
  },
  { method: 'GET', path: /^\/v1\/facts$/, handler: async (ctx) => [200, nodeFacts(ctx)] },
];

/** The request handler of one agent. */
export function createAgentHandler(ctx: AgentContext, opts: RouterOptions): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    void route(ctx, opts, req, res).catch((err) => {
      const status = err instanceof HttpError ? err.status : 500;
      if (status === 500) ctx.log.error('request failed', { path: req.url, error: (err as Error).message });
      send(res, status, { error: (err as Error).message });
    });
  };
}

async function route(ctx: AgentContext, opts: RouterOptions, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = parseRequestTarget(req.url);
  if (!url) {
    req.resume();
    throw new HttpError(400, 'malformed request URL (bad percent-encoding or not a path)');
  }
  const path = url.pathname;
  if (req.method === 'GET' && path === '/v1/ready') {
    send(res, opts.ready() ? 200 : 503, { ready: opts.ready() });
    return;
  }
  const matching = routes.filter((r) => r.path.test(path));
  if (matching.length === 0) throw new HttpError(404, `no route ${path}`);
  const r = matching.find((m) => m.method === req.method);
  if (!r) throw new HttpError(405, `${req.method} not allowed on ${path}`);
  if (!r.open && !checkBearer(req.headers.authorization, opts.tokenHash)) {
    req.resume();
    res.setHeader('www-authenticate', 'Bearer realm="boreas-agent"');
    throw new HttpError(401, 'missing or invalid bearer token');
  }
  const [status, body] = await r.handler(ctx, req, r.path.exec(path)!.slice(1));
  send(res, status, body);
}

function send(res: ServerResponse, status: number, body: unknown): void {
  if (res.headersSent) return;
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

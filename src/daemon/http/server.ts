// The daemon's HTTP server: one routing table over the API, webhooks, metrics, the dashboard and the
// optional pull-mode agent endpoints. Every error is a JSON `{error}` with a status; internal errors
// are logged, never echoed with a stack.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DaemonContext } from '../context.js';
import { safeEqual } from '../webhooks.js';
import * as api from './api.js';
import { dashboardHtml } from './dashboard.js';
import { handleHook, isForge } from './hooks.js';
import { bearerToken, HttpError, sendJson, sendText } from './respond.js';

/** Extra routes mounted by optional features (pull-mode agents). */
export type RouteHandler = (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<void>;

export interface DaemonServer {
  server: Server;
  /** The bound address (the real port when --listen asked for port 0). */
  address: { host: string; port: number };
  /** Stops accepting connections and closes idle ones; in-flight requests finish. */
  close(): Promise<void>;
}

export async function startServer(ctx: DaemonContext, extra: Record<string, RouteHandler> = {}): Promise<DaemonServer> {
  const log = ctx.base.log.child({ component: 'http' });
  const server = createServer((req, res) => {
    route(ctx, req, res, extra).catch((err) => {
      const status = err instanceof HttpError ? err.status : 500;
      if (status === 500) log.error('request failed', { method: req.method, path: req.url, error: (err as Error)?.stack ?? String(err) });
      if (!res.headersSent) sendJson(res, status, { error: status === 500 ? 'internal error (see the daemon log)' : (err as Error).message });
      else res.destroy();
    });
  });
  server.keepAliveTimeout = 5000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(ctx.cfg.port, ctx.cfg.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const addr = server.address() as AddressInfo;
  return {
    server,
    address: { host: addr.address, port: addr.port },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      }),
  };
}

async function route(ctx: DaemonContext, req: IncomingMessage, res: ServerResponse, extra: Record<string, RouteHandler>): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://daemon.local');
  const path = url.pathname.replace(/\/+$/, '') || '/';
  const method = req.method ?? 'GET';
  const get = method === 'GET' || method === 'HEAD';

  if (extra[path]) return extra[path](req, res, url);
  if (get && path === '/') return sendText(res, 200, 'text/html; charset=utf-8', dashboardHtml());
  if (get && path === '/v1/health') return sendJson(res, 200, api.health(ctx));
  if (get && path === '/v1/ready') return sendJson(res, ...api.readiness(ctx));
  if (get && path === '/metrics') return sendText(res, 200, ctx.metrics.contentType, await ctx.metrics.render());
  if (get && path === '/v1/status')
    return sendJson(
      res,
      200,
      (await api.appStatuses(ctx)).map((s) => api.seedOf(s)),
    );
  const status = /^\/v1\/status\/([^/]+)$/.exec(path);
  if (get && status) return sendJson(res, 200, await api.seedStatus(ctx, decodeURIComponent(status[1])));
  if (get && path === '/api/v1/applications') return sendJson(res, 200, await api.applications(ctx));
  if (get && path === '/api/v1/revisions') return sendJson(res, 200, api.revisions(ctx));
  if (get && path === '/api/v1/runs') return sendJson(res, 200, api.runs(ctx));
  if (get && path === '/api/v1/reconciles') return sendJson(res, 200, api.reconciles(ctx));
  if (get && path === '/api/v1/tasks') return sendJson(res, 200, api.tasks(ctx, url.searchParams.get('run')));
  if (get && path === '/api/v1/nodes') return sendJson(res, 200, api.nodes(ctx));
  if (get && path === '/api/v1/drift') return sendJson(res, 200, api.drift(ctx));
  if (path === '/api/v1/reconcile') {
    if (method !== 'POST') throw methodNotAllowed(res, 'POST');
    requireApiToken(ctx, req);
    if (!ctx.trigger('api')) throw new HttpError(503, 'the daemon is shutting down');
    return sendJson(res, 202, { reconcile: 'queued' });
  }
  const hook = /^\/hooks\/([a-z]+)$/.exec(path);
  if (hook && isForge(hook[1])) {
    if (method !== 'POST') throw methodNotAllowed(res, 'POST');
    return handleHook(ctx, hook[1], req, res);
  }
  throw new HttpError(404, `no route for ${method} ${path}`);
}

function methodNotAllowed(res: ServerResponse, allow: string): HttpError {
  res.setHeader('allow', allow);
  return new HttpError(405, `method not allowed (use ${allow})`);
}

/** POST /api/v1/reconcile is open when no token is configured, else needs `Authorization: Bearer`. */
function requireApiToken(ctx: DaemonContext, req: IncomingMessage): void {
  const expected = ctx.cfg.apiToken;
  if (!expected) return;
  const got = bearerToken(req);
  if (!got || !safeEqual(got, expected)) throw new HttpError(401, 'missing or wrong bearer token');
}

// The daemon's HTTP server: one routing table over the API, webhooks, metrics, the dashboard and the
// optional pull-mode agent endpoints. Every error is a JSON `{error}` with a status; internal errors
// are logged, never echoed with a stack. Access (auth.ts): health and readiness are open; webhooks
// and agent endpoints carry their own credentials; everything else checks Host and, for POSTs,
// Origin; mutating calls need the API token, reads too off loopback.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DaemonContext } from '../context.js';
import { safeEqual } from '../webhooks.js';
import * as api from './api.js';
import { dashboardHtml, loginHtml } from './dashboard.js';
import { authenticated, checkHost, checkOrigin, newSession, readsNeedToken, requireToken, sessionCookieHeader } from './auth.js';
import { httpServerTimeouts, parseRequestTarget } from '../../util/request-url.js';
import { handleHook, isForge } from './hooks.js';
import { HttpError, readBody } from '../../util/http-body.js';
import { sendJson, sendText } from './respond.js';

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
  // Once closing, every response ends its connection: a client that keeps a keep-alive socket busy
  // (an agent's long polls) would otherwise hold server.close() open for ever.
  let closing = false;
  const server = createServer({ ...httpServerTimeouts }, (req, res) => {
    if (closing) res.setHeader('Connection', 'close');
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
        closing = true;
        server.close(() => resolve());
        server.closeIdleConnections();
      }),
  };
}

async function route(ctx: DaemonContext, req: IncomingMessage, res: ServerResponse, extra: Record<string, RouteHandler>): Promise<void> {
  const url = parseRequestTarget(req.url);
  if (!url) throw new HttpError(400, 'malformed request URL (bad percent-encoding or not a path)');
  const path = url.pathname.replace(/\/+$/, '') || '/';
  const method = req.method ?? 'GET';
  const get = method === 'GET' || method === 'HEAD';
  const cfg = ctx.cfg;

  if (get && path === '/v1/health') return sendJson(res, 200, api.health(ctx));
  if (get && path === '/v1/ready') return sendJson(res, ...api.readiness(ctx));
  if (!get) checkOrigin(cfg, req);
  // Own credentials (node tokens, webhook signatures): served under whatever name reaches them.
  if (extra[path]) return extra[path](req, res, url);
  const hook = /^\/hooks\/([a-z]+)$/.exec(path);
  if (hook && isForge(hook[1])) {
    if (method !== 'POST') throw methodNotAllowed(res, 'POST');
    return handleHook(ctx, hook[1], req, res);
  }

  checkHost(cfg, req);
  if (path === '/login') return login(ctx, req, res, method);
  if (path === '/logout') {
    if (method !== 'POST') throw methodNotAllowed(res, 'POST');
    res.setHeader('set-cookie', sessionCookieHeader());
    return redirect(res, './login');
  }
  if (path === '/api/v1/reconcile') {
    if (method !== 'POST') throw methodNotAllowed(res, 'POST');
    requireToken(cfg, req);
    if (!ctx.trigger('api')) throw new HttpError(503, 'the daemon is shutting down');
    return sendJson(res, 202, { reconcile: 'queued' });
  }
  if (!get) throw new HttpError(404, `no route for ${method} ${path}`);
  if (readsNeedToken(cfg) && !authenticated(cfg, req)) {
    if (path === '/') return redirect(res, './login');
    requireToken(cfg, req);
  }
  if (path === '/') return sendText(res, 200, 'text/html; charset=utf-8', await dashboardHtml(ctx, authenticated(cfg, req)));
  if (path === '/metrics') return sendText(res, 200, ctx.metrics.contentType, await ctx.metrics.render());
  if (path === '/v1/status')
    return sendJson(
      res,
      200,
      (await api.appStatuses(ctx)).map((s) => api.v1Of(s)),
    );
  const status = /^\/v1\/status\/([^/]+)$/.exec(path);
  if (status) return sendJson(res, 200, await api.v1Status(ctx, decodeURIComponent(status[1])));
  if (path === '/api/v1/applications') return sendJson(res, 200, await api.applications(ctx, api.observeParam(url.searchParams.get('observe'))));
  const app = /^\/api\/v1\/applications\/([^/]+)$/.exec(path);
  if (app) return sendJson(res, 200, await api.application(ctx, decodeURIComponent(app[1])));
  if (path === '/api/v1/revisions') return sendJson(res, 200, await api.revisions(ctx));
  if (path === '/api/v1/runs') return sendJson(res, 200, await api.runs(ctx));
  if (path === '/api/v1/reconciles') return sendJson(res, 200, await api.reconciles(ctx));
  if (path === '/api/v1/tasks') return sendJson(res, 200, await api.tasks(ctx, url.searchParams.get('run')));
  if (path === '/api/v1/nodes') return sendJson(res, 200, await api.nodes(ctx));
  if (path === '/api/v1/cluster') return sendJson(res, 200, await api.cluster(ctx));
  if (path === '/api/v1/drift') return sendJson(res, 200, api.drift(ctx));
  throw new HttpError(404, `no route for ${method} ${path}`);
}

/** GET: the login form; POST (form-encoded `token`): sets the session cookie and goes to the dashboard. */
async function login(ctx: DaemonContext, req: IncomingMessage, res: ServerResponse, method: string): Promise<void> {
  if (method === 'GET' || method === 'HEAD') return sendText(res, 200, 'text/html; charset=utf-8', loginHtml());
  if (method !== 'POST') throw methodNotAllowed(res, 'GET, POST');
  const token = new URLSearchParams(await readBody(req, 4096)).get('token')?.trim() ?? '';
  if (!ctx.cfg.apiToken || !token || !safeEqual(token, ctx.cfg.apiToken)) {
    ctx.base.log.warn('dashboard login refused', { remote: req.socket.remoteAddress });
    return sendText(res, 401, 'text/html; charset=utf-8', loginHtml('That is not the API token.'));
  }
  res.setHeader('set-cookie', sessionCookieHeader(newSession(ctx.cfg.apiToken)));
  return redirect(res, './');
}

function redirect(res: ServerResponse, location: string): void {
  res.writeHead(303, { location, 'cache-control': 'no-store', 'content-length': 0 });
  res.end();
}

function methodNotAllowed(res: ServerResponse, allow: string): HttpError {
  res.setHeader('allow', allow);
  return new HttpError(405, `method not allowed (use ${allow})`);
}

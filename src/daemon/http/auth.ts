// Who may use the daemon's HTTP API. Four checks, each against one browser or network attack:
// - Host: a page on evil.example whose name was re-pointed at 127.0.0.1 (DNS rebinding) sends
//   `Host: evil.example`; only the listen address, loopback names (loopback or wildcard listen), IP
//   literals (wildcard listen) and --allowed-hosts are served.
// - Origin: a cross-site POST (a form, or fetch with text/plain, which needs no preflight) carries a
//   foreign `Origin` or `Sec-Fetch-Site: cross-site` and is refused (403).
// - Token: every mutating call needs the API token, as `Authorization: Bearer` or as the dashboard's
//   session cookie; reads need it too when the daemon listens beyond loopback (--api-read-public
//   opts out).
// - The session cookie is HttpOnly and SameSite=Strict and carries an expiry plus an HMAC keyed by
//   the token (no server-side sessions; a new token ends every session).
import { createHmac } from 'node:crypto';
import { isIP } from 'node:net';
import type { IncomingMessage } from 'node:http';
import type { DaemonConfig } from '../config.js';
import { safeEqual } from '../webhooks.js';
import { HttpError } from '../../util/http-body.js';
import { bearerToken } from './respond.js';

export const sessionCookieName = 'boreas_session';
/** How long a dashboard login lasts. */
const sessionSeconds = 12 * 60 * 60;

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

function isWildcard(host: string): boolean {
  return host === '0.0.0.0' || host === '::';
}

/** Reads need the token when the daemon can be reached from other machines. */
export function readsNeedToken(cfg: DaemonConfig): boolean {
  return !cfg.apiReadPublic && !isLoopback(cfg.host);
}

/** `host[:port]` of a Host header, lower-cased, IPv6 brackets removed from the host part. */
function splitHost(header: string): { host: string; port?: string } | undefined {
  const m = /^(\[[0-9a-f:.]+\]|[a-z0-9.-]+)(?::(\d{1,5}))?$/.exec(header.toLowerCase());
  if (!m) return undefined;
  return { host: m[1].replace(/^\[|\]$/g, ''), port: m[2] };
}

/** Refuses (403) a request whose Host header names something other than this daemon. */
export function checkHost(cfg: DaemonConfig, req: IncomingMessage): void {
  const header = req.headers.host;
  if (header === undefined) return; // HTTP/1.0 clients (probes); browsers always send it
  const h = splitHost(header);
  if (h && hostAllowed(cfg, h.host, h.port)) return;
  throw new HttpError(403, `Host "${header}" is not an address of this daemon (listening on ${cfg.host}:${cfg.port}; add it with --allowed-hosts)`);
}

function hostAllowed(cfg: DaemonConfig, host: string, port: string | undefined): boolean {
  const listen = cfg.host.toLowerCase();
  if (host === listen) return true;
  if ((isLoopback(listen) || isWildcard(listen)) && isLoopback(host)) return true;
  // A rebinding attack needs a DNS name: on a wildcard listen, any IP literal names this machine.
  if (isWildcard(listen) && isIP(host)) return true;
  return cfg.allowedHosts.some((entry) => {
    const e = splitHost(entry);
    return e !== undefined && e.host === host && (e.port === undefined || e.port === port);
  });
}

/** Refuses (403) a state-changing request sent by a page of another origin (another port included). */
export function checkOrigin(cfg: DaemonConfig, req: IncomingMessage): void {
  if (req.headers['sec-fetch-site'] === 'cross-site') throw new HttpError(403, 'cross-site requests are refused');
  const origin = req.headers.origin;
  if (origin === undefined) return; // not a browser (curl, forges, agents)
  let url: URL | undefined;
  try {
    url = new URL(origin);
  } catch {
    url = undefined;
  }
  if (url && (url.protocol === 'http:' || url.protocol === 'https:')) {
    const host = url.host.toLowerCase();
    // The page came from this very address (the Host header was checked already), or from a proxy name.
    if (req.headers.host !== undefined && host === req.headers.host.toLowerCase()) return;
    if (cfg.allowedHosts.includes(host) || cfg.allowedHosts.includes(url.hostname.toLowerCase())) return;
  }
  throw new HttpError(403, `Origin "${origin}" may not call this API (cross-origin requests are refused)`);
}

/** The session cookie value for a login now: `<expiry>.<hmac(token, expiry)>`. */
export function newSession(token: string, nowMs = Date.now()): { value: string; maxAge: number } {
  const expires = Math.floor(nowMs / 1000) + sessionSeconds;
  return { value: `${expires}.${sign(token, expires)}`, maxAge: sessionSeconds };
}

function sign(token: string, expires: number): string {
  return createHmac('sha256', token).update(`boreas-dashboard-session:${expires}`).digest('base64url');
}

function cookie(req: IncomingMessage, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const i = part.indexOf('=');
    if (i > 0 && part.slice(0, i).trim() === name) return part.slice(i + 1).trim();
  }
  return undefined;
}

/** True when the request carries the API token (bearer) or a valid, unexpired session cookie. */
export function authenticated(cfg: DaemonConfig, req: IncomingMessage, nowMs = Date.now()): boolean {
  const token = cfg.apiToken;
  if (!token) return false;
  const bearer = bearerToken(req);
  if (bearer !== undefined) return safeEqual(bearer, token);
  const m = /^(\d{1,12})\.([A-Za-z0-9_-]{43})$/.exec(cookie(req, sessionCookieName) ?? '');
  if (!m) return false;
  const expires = Number(m[1]);
  return expires * 1000 > nowMs && safeEqual(m[2], sign(token, expires));
}

/** 401 unless authenticated. */
export function requireToken(cfg: DaemonConfig, req: IncomingMessage): void {
  if (!authenticated(cfg, req)) throw new HttpError(401, 'missing or wrong API token (Authorization: Bearer <token>, or log in to the dashboard)');
}

/** Set-Cookie for a login (or, without a value, a logout). */
export function sessionCookieHeader(session?: { value: string; maxAge: number }): string {
  const attrs = 'Path=/; HttpOnly; SameSite=Strict';
  return session ? `${sessionCookieName}=${session.value}; Max-Age=${session.maxAge}; ${attrs}` : `${sessionCookieName}=; Max-Age=0; ${attrs}`;
}

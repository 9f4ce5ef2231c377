// Replies of the daemon's HTTP server: JSON and text bodies passed through the redaction of resolved
// secrets, and the bearer token of a request. Bodies are read by util/http-body.ts (shared with the agent).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { redact } from '../../util/redact.js';

/** Every response body passes the redaction of resolved secrets (an error or task message may hold one). */
export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = redact(JSON.stringify(body, null, 2)) + '\n';
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

export function sendText(res: ServerResponse, status: number, contentType: string, body: string): void {
  const text = redact(body);
  res.writeHead(status, { 'content-type': contentType, 'cache-control': 'no-store', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/** The bearer token of a request, if any. */
export function bearerToken(req: IncomingMessage): string | undefined {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
  return m?.[1];
}

// Request bodies for both HTTP servers (the daemon's and the agent's): read up to a limit (413
// beyond it, checked against Content-Length first and while streaming), parsed as JSON (400 when it
// is not), and the error type that carries its status code to the `{error}` reply.
import type { IncomingMessage } from 'node:http';

/** An error answered as `{error: message}` with this status. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** Reads the raw body as text, refusing more than `limit` bytes with 413 (the rest is drained). */
export async function readBody(req: IncomingMessage, limit: number): Promise<string> {
  const declared = Number(req.headers['content-length'] ?? Number.NaN);
  if (declared > limit) {
    req.resume();
    throw new HttpError(413, `request body of ${declared} bytes exceeds the limit of ${limit} bytes`);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) {
      req.resume();
      throw new HttpError(413, `request body exceeds the limit of ${limit} bytes`);
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Parses a JSON body; an empty or malformed one is a 400. */
export function parseJsonBody(text: string): unknown {
  if (!text.trim()) throw new HttpError(400, 'request body is empty (expected JSON)');
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new HttpError(400, `request body is not valid JSON: ${(err as Error).message}`);
  }
}

/** Parses a JSON body that must be an object (400 otherwise). */
export function parseJsonObject(text: string): Record<string, unknown> {
  const value = parseJsonBody(text);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new HttpError(400, 'request body must be a JSON object');
  return value as Record<string, unknown>;
}

/** Reads and parses a JSON body under a size limit. */
export async function readJson(req: IncomingMessage, limit: number): Promise<unknown> {
  return parseJsonBody(await readBody(req, limit));
}

// One JSON request to a forge with undici. Every failure becomes a UserError naming the forge, the
// status and the forge's own message; the token goes only into the header and never into a message.
import { request } from 'undici';
import { ExitCode, UserError } from '../../model/errors.js';

/** A decoded JSON response plus the headers pagination needs. */
export interface ForgeResponse<T> {
  data: T;
  headers: Record<string, string | string[] | undefined>;
}

/** Sends `method url` with the given auth headers and optional JSON body; throws UserError on non-2xx. */
export async function forgeRequest<T>(
  forge: string,
  method: 'GET' | 'POST' | 'PATCH' | 'PUT',
  url: string,
  auth: Record<string, string>,
  body?: unknown,
): Promise<ForgeResponse<T>> {
  let res: Awaited<ReturnType<typeof request>>;
  try {
    res = await request(url, {
      method,
      headers: { accept: 'application/json', 'user-agent': 'boreas', ...auth, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
      headersTimeout: 30_000,
      bodyTimeout: 30_000,
    });
  } catch (err) {
    throw new UserError(`${forge}: ${method} ${redact(url)} failed: ${(err as Error).message}`, ExitCode.Failure);
  }
  const text = await res.body.text();
  if (res.statusCode < 200 || res.statusCode >= 300) {
    throw new UserError(`${forge}: ${method} ${redact(url)} returned ${res.statusCode}: ${messageOf(text)}`, ExitCode.Failure);
  }
  try {
    return { data: (text ? JSON.parse(text) : undefined) as T, headers: res.headers };
  } catch {
    throw new UserError(`${forge}: ${method} ${redact(url)} returned ${res.statusCode} with a body that is not JSON`, ExitCode.Failure);
  }
}

/** The URL of the `rel="next"` entry of a Link header (RFC 8288), as GitHub, Gitea and GitLab send it. */
export function nextLink(headers: Record<string, string | string[] | undefined>): string | undefined {
  const link = [headers.link ?? []].flat().join(',');
  for (const part of link.split(',')) {
    const m = /<([^>]+)>\s*;.*rel="?next"?/.exec(part);
    if (m) return m[1];
  }
  return undefined;
}

/** The forge's error text: `message` (GitHub, Gitea, GitLab), GitLab's `error`, else the raw body cut short. */
function messageOf(text: string): string {
  try {
    const j = JSON.parse(text) as { message?: unknown; error?: unknown };
    const m = j.message ?? j.error;
    if (m !== undefined) return typeof m === 'string' ? m : JSON.stringify(m);
  } catch {
    // not JSON: fall through to the raw text
  }
  return text.trim().slice(0, 200) || '(empty body)';
}

/** Drops query strings and userinfo from URLs shown to users, in case someone put a token there. */
function redact(url: string): string {
  const u = new URL(url);
  u.username = '';
  u.password = '';
  u.search = '';
  return u.toString();
}

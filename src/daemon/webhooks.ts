// Git forge push webhooks (GitHub, Gitea, GitLab): authenticate the delivery in constant time, then
// decide whether it is a push to the branch the daemon follows. Pure apart from the HMAC.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { verify as verifyGithub } from '@octokit/webhooks-methods';

export type Forge = 'github' | 'gitea' | 'gitlab';

export const forges: readonly Forge[] = ['github', 'gitea', 'gitlab'];

/** Lower-cased request headers. */
export type Headers = Record<string, string | string[] | undefined>;

export type WebhookVerdict =
  | { kind: 'push'; ref: string; after?: string }
  | { kind: 'ignored'; reason: string }
  | { kind: 'unauthorized'; reason: string }
  | { kind: 'bad_request'; reason: string };

function header(h: Headers, name: string): string | undefined {
  const v = h[name];
  return Array.isArray(v) ? v[0] : v;
}

/** Constant-time equality of two strings of any length (both are hashed first, so lengths leak nothing). */
export function safeEqual(a: string, b: string): boolean {
  const ha = createHash('sha256').update(a).digest();
  const hb = createHash('sha256').update(b).digest();
  return timingSafeEqual(ha, hb);
}

/** True when the delivery carries a valid signature/token for `secret`. */
export async function authenticate(forge: Forge, secret: string, headers: Headers, body: string): Promise<boolean> {
  switch (forge) {
    case 'github': {
      const sig = header(headers, 'x-hub-signature-256');
      if (!sig) return false;
      // verify() compares in constant time and rejects malformed signatures.
      return verifyGithub(secret, body, sig).catch(() => false);
    }
    case 'gitea': {
      const sig = header(headers, 'x-gitea-signature') ?? header(headers, 'x-gogs-signature');
      if (!sig || !/^[0-9a-f]{64}$/i.test(sig)) return false;
      const expected = createHmac('sha256', secret).update(body).digest();
      return timingSafeEqual(expected, Buffer.from(sig, 'hex'));
    }
    case 'gitlab': {
      const token = header(headers, 'x-gitlab-token');
      return token !== undefined && safeEqual(token, secret);
    }
  }
}

/** The event name the forge sent, normalised: `push` for branch/tag pushes. */
function eventOf(forge: Forge, headers: Headers): string | undefined {
  if (forge === 'github') return header(headers, 'x-github-event');
  if (forge === 'gitea') return header(headers, 'x-gitea-event') ?? header(headers, 'x-gogs-event');
  const ev = header(headers, 'x-gitlab-event');
  return ev === 'Push Hook' || ev === 'Tag Push Hook' ? 'push' : ev;
}

/** Does a pushed ref (`refs/heads/main`) concern the configured --ref? Any push counts when none is set. */
export function refMatches(pushed: string, configured: string | undefined): boolean {
  if (!configured) return true;
  return pushed === configured || pushed === `refs/heads/${configured}` || pushed === `refs/tags/${configured}`;
}

/** Authenticates and classifies one delivery. */
export async function classifyWebhook(
  forge: Forge,
  secret: string,
  headers: Headers,
  body: string,
  configuredRef: string | undefined,
): Promise<WebhookVerdict> {
  if (!(await authenticate(forge, secret, headers, body))) return { kind: 'unauthorized', reason: 'signature or token does not match' };
  const event = eventOf(forge, headers);
  if (event !== 'push') return { kind: 'ignored', reason: `event "${event ?? 'unknown'}" is not a push` };
  let payload: { ref?: unknown; after?: unknown };
  try {
    payload = JSON.parse(body) as typeof payload;
  } catch {
    return { kind: 'bad_request', reason: 'payload is not JSON' };
  }
  if (typeof payload?.ref !== 'string') return { kind: 'bad_request', reason: 'push payload has no "ref"' };
  if (!refMatches(payload.ref, configuredRef)) return { kind: 'ignored', reason: `push to ${payload.ref}, following ${configuredRef}` };
  return { kind: 'push', ref: payload.ref, after: typeof payload.after === 'string' ? payload.after : undefined };
}

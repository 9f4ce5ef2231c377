// FAKE forge API (GitHub, Gitea and GitLab comment endpoints) on 127.0.0.1, for tests of
// `plan --comment`: no real forge can run here. It speaks the real REST shapes (paths, auth headers,
// status codes, pagination headers, JSON fields Boreas reads) documented in README.md, keeps comments
// in memory and records every request so tests can count write calls.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type FakeForgeKind = 'github' | 'gitea' | 'gitlab';

/** A stored comment (GitHub/Gitea issue comment, GitLab MR note). */
export interface FakeComment {
  id: number;
  body: string;
  author: string;
  createdAt: string;
  updatedAt: string;
}

/** One request as received: `auth` is the user the token mapped to, if any. */
export interface FakeRequest {
  forge: FakeForgeKind;
  method: string;
  path: string;
  user?: string;
}

export interface FakeForge {
  /** Origin, e.g. http://127.0.0.1:41234. GitHub lives at the root, Gitea under /api/v1, GitLab under /api/v4. */
  url: string;
  requests: FakeRequest[];
  /** Requests that would change something (POST, PATCH, PUT). */
  writes(): FakeRequest[];
  /** Comments on one PR/MR, oldest first. `repo` is owner/name (GitLab: the project id or path as sent, decoded). */
  comments(forge: FakeForgeKind, repo: string, pr: number): FakeComment[];
  /** Adds a comment directly, as another user would have. */
  seed(forge: FakeForgeKind, repo: string, pr: number, body: string, author?: string): FakeComment;
  close(): Promise<void>;
}

const routes: { forge: FakeForgeKind; list: RegExp; item: RegExp; edit: string }[] = [
  {
    forge: 'gitea',
    list: /^\/api\/v1\/repos\/([^/]+\/[^/]+)\/issues\/(\d+)\/comments$/,
    item: /^\/api\/v1\/repos\/([^/]+\/[^/]+)\/issues\/comments\/(\d+)$/,
    edit: 'PATCH',
  },
  {
    forge: 'gitlab',
    list: /^\/api\/v4\/projects\/([^/]+)\/merge_requests\/(\d+)\/notes$/,
    item: /^\/api\/v4\/projects\/([^/]+)\/merge_requests\/(\d+)\/notes\/(\d+)$/,
    edit: 'PUT',
  },
  { forge: 'github', list: /^\/repos\/([^/]+\/[^/]+)\/issues\/(\d+)\/comments$/, item: /^\/repos\/([^/]+\/[^/]+)\/issues\/comments\/(\d+)$/, edit: 'PATCH' },
];

/** Starts the fake; `tokens` maps a valid token to the user it authenticates as. */
export async function startFakeForge(tokens: Record<string, string>): Promise<FakeForge> {
  const store = new Map<string, FakeComment[]>();
  const requests: FakeRequest[] = [];
  let nextId = 1000;
  const key = (f: FakeForgeKind, repo: string, pr: number) => `${f}:${repo}:${pr}`;
  const thread = (k: string) => store.get(k) ?? (store.set(k, []), store.get(k)!);
  const add = (k: string, body: string, author: string): FakeComment => {
    const now = new Date().toISOString();
    const c = { id: nextId++, body, author, createdAt: now, updatedAt: now };
    thread(k).push(c);
    return c;
  };

  const server = createServer((req, res) => {
    void handle(req, res).catch((err) => send(res, 500, { message: String(err) }));
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
    const route = routes.find((r) => r.list.test(url.pathname) || r.item.test(url.pathname));
    if (!route) return send(res, 404, { message: 'Not Found' });
    const f = route.forge;
    const user = authenticate(f, req, tokens);
    requests.push({ forge: f, method: req.method ?? 'GET', path: url.pathname + url.search, user });
    if (!user)
      return send(
        res,
        401,
        f === 'gitlab'
          ? { message: '401 Unauthorized' }
          : f === 'gitea'
            ? { message: 'token is required', url: `${origin}/api/swagger` }
            : { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest', status: '401' },
      );
    const list = route.list.exec(url.pathname);
    if (list) {
      const k = key(f, decodeURIComponent(list[1]), Number(list[2]));
      if (req.method === 'GET') return sendPage(res, f, url, thread(k), (c) => shape(f, c, k));
      if (req.method === 'POST') {
        const body = await readBody(req);
        if (typeof body?.body !== 'string' || body.body === '')
          return send(res, f === 'gitlab' ? 400 : 422, { message: f === 'gitlab' ? { body: ["can't be blank"] } : 'Validation Failed' });
        if (f === 'github' && body.body.length > 65_536)
          return send(res, 422, { message: 'Validation Failed', errors: [{ message: 'Body is too long (maximum is 65536 characters)' }] });
        return send(res, 201, shape(f, add(k, body.body, user), k));
      }
      return send(res, 405, { message: 'Method Not Allowed' });
    }
    const item = route.item.exec(url.pathname)!;
    if (req.method !== route.edit) return send(res, 405, { message: 'Method Not Allowed' });
    const id = Number(item[item.length - 1]);
    const prefix = `${f}:${decodeURIComponent(item[1])}:` + (f === 'gitlab' ? `${item[2]}` : '');
    const k = [...store.keys()].find((x) => x.startsWith(prefix) && store.get(x)!.some((c) => c.id === id));
    const c = k ? store.get(k)!.find((x) => x.id === id) : undefined;
    if (!c || !k) return send(res, 404, { message: f === 'gitlab' ? '404 Not found' : 'Not Found' });
    const body = await readBody(req);
    if (typeof body?.body !== 'string' || body.body === '') return send(res, f === 'gitlab' ? 400 : 422, { message: 'Validation Failed' });
    c.body = body.body;
    c.updatedAt = new Date().toISOString();
    return send(res, 200, shape(f, c, k));
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  /** The JSON a real forge returns for one comment (the fields Boreas and a reader would use). */
  function shape(f: FakeForgeKind, c: FakeComment, k: string): Record<string, unknown> {
    const [, repo, pr] = k.split(':');
    if (f === 'gitlab')
      return {
        id: c.id,
        type: null,
        body: c.body,
        author: { id: 1, username: c.author, name: c.author },
        created_at: c.createdAt,
        updated_at: c.updatedAt,
        system: false,
        noteable_type: 'MergeRequest',
        noteable_iid: Number(pr),
        resolvable: false,
      };
    const html = f === 'github' ? `https://github.com/${repo}/pull/${pr}#issuecomment-${c.id}` : `${origin}/${repo}/pulls/${pr}#issuecomment-${c.id}`;
    const apiBase = f === 'github' ? origin : `${origin}/api/v1`;
    return {
      id: c.id,
      url: `${apiBase}/repos/${repo}/issues/comments/${c.id}`,
      html_url: html,
      issue_url: `${apiBase}/repos/${repo}/issues/${pr}`,
      body: c.body,
      user: { login: c.author, id: 1 },
      created_at: c.createdAt,
      updated_at: c.updatedAt,
    };
  }

  return {
    url: origin,
    requests,
    writes: () => requests.filter((r) => r.method !== 'GET'),
    comments: (f, repo, pr) => (store.get(key(f, repo, pr)) ?? []).map((c) => ({ ...c })),
    seed: (f, repo, pr, body, author = 'someone-else') => add(key(f, repo, pr), body, author),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The user a request's token maps to; header forms as each forge accepts them. */
function authenticate(f: FakeForgeKind, req: IncomingMessage, tokens: Record<string, string>): string | undefined {
  const header = req.headers.authorization ?? '';
  const bearer = /^(?:token|bearer)\s+(\S+)$/i.exec(header)?.[1];
  const token = f === 'gitlab' ? ([req.headers['private-token']].flat()[0] ?? /^bearer\s+(\S+)$/i.exec(header)?.[1]) : bearer;
  return token ? tokens[token] : undefined;
}

/** One page of `items` with the forge's pagination: Link header (GitHub, GitLab) plus X-* headers (GitLab). */
function sendPage<T>(res: ServerResponse, f: FakeForgeKind, url: URL, items: T[], toJson: (t: T) => unknown): void {
  // Gitea's per-issue comment list takes only since/before and returns every comment in one response.
  if (f === 'gitea') return send(res, 200, items.map(toJson));
  const sizeParam = 'per_page';
  const [def, max] = f === 'github' ? [30, 100] : [20, 100];
  const size = Math.min(max, Math.max(1, Number(url.searchParams.get(sizeParam)) || def));
  const page = Math.max(1, Number(url.searchParams.get('page')) || 1);
  const pages = Math.max(1, Math.ceil(items.length / size));
  const at = (p: number) => {
    const u = new URL(url);
    u.searchParams.set(sizeParam, String(size));
    u.searchParams.set('page', String(p));
    return `<${res.req.headers.host ? `http://${res.req.headers.host}` : ''}${u.pathname}${u.search}>`;
  };
  const links = [
    page < pages && `${at(page + 1)}; rel="next"`,
    `${at(pages)}; rel="last"`,
    `${at(1)}; rel="first"`,
    page > 1 && `${at(page - 1)}; rel="prev"`,
  ].filter(Boolean);
  if (pages > 1) res.setHeader('link', links.join(', '));
  if (f === 'gitlab') {
    res.setHeader('x-page', String(page));
    res.setHeader('x-per-page', String(size));
    res.setHeader('x-next-page', page < pages ? String(page + 1) : '');
    res.setHeader('x-total', String(items.length));
    res.setHeader('x-total-pages', String(pages));
  }
  send(res, 200, items.slice((page - 1) * size, page * size).map(toJson));
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(body));
}

async function readBody(req: IncomingMessage): Promise<{ body?: unknown } | undefined> {
  let text = '';
  for await (const chunk of req) text += chunk;
  try {
    return JSON.parse(text) as { body?: unknown };
  } catch {
    return undefined;
  }
}

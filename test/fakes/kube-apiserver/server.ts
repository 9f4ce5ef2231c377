// FAKE kube-apiserver over real HTTP (127.0.0.1, port chosen by the OS) for tests and benchmarks.
// Speaks enough of the Kubernetes REST API for Boreas's client and a real kubectl: discovery,
// /openapi/v3, GET/LIST (label and field selectors), watch, server-side apply PATCH, PUT, POST,
// DELETE. See README.md.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parse as parseYaml } from 'yaml';
import { FakeCluster, type ClusterOptions, type ObjectRef, type WatchEvent } from './cluster.js';
import type { Obj } from './fields.js';
import { openApiDocument, openApiRoot } from './openapi.js';
import { groupList, groupVersion, resourceList, type ResourceType } from './resources.js';
import { badRequest, StatusError } from './status.js';

export type { ObjectRef };
export type FakeKubeApiServerOptions = ClusterOptions;

export interface RequestCounts {
  total: number;
  /** GET requests (discovery, get, list). */
  reads: number;
  discovery: number;
  /** PATCH/POST/PUT/DELETE that may change state (dry-runs excluded; rejected ones included). */
  writes: number;
  dryRuns: number;
  byMethod: Record<string, number>;
}

export interface FakeKubeApiServer {
  url: string;
  /** A kubeconfig (YAML) pointing at this server, context `fake`, namespace `default`. */
  kubeconfig(): string;
  counts(): RequestCounts;
  resetCounts(): void;
  /** Every request seen, `METHOD path?query`, for assertions. */
  requests: string[];
  /** The stored object as the API would return it (undefined when absent). */
  get(ref: ObjectRef): Obj | undefined;
  /** Test hook: replace `.status` (simulates a controller, e.g. a finished rollout). */
  setStatus(ref: ObjectRef, status: Obj): void;
  /** Test hook: a non-apply update as another manager (simulates `kubectl edit`). */
  editAs(manager: string, ref: ObjectRef, mutate: (obj: Obj) => void): void;
  /** Test hook (with `establishCrds: 'manual'`): mark a CRD Established and serve its kinds. */
  establishCrd(name: string): void;
  /**
   * Test hook: the next `times` requests whose `METHOD path?query` matches `match` get `fault` instead
   * of an answer: a Status with that code (and `Retry-After` when given), a raw body, or the connection closed
   * without an answer (`reset`), as a real server, or a proxy or load balancer in front of it, does.
   */
  injectFault(match: RegExp, fault: InjectedFault, times?: number): void;
  /** Objects stored, for benchmarks and assertions. */
  size(): number;
  stop(): Promise<void>;
}

export type InjectedFault =
  | 'reset'
  | { code: number; reason: string; message: string; retryAfter?: number }
  /** A body that is not a Status: a proxy's error page, a cut-off answer. */
  | { code: number; body: string; contentType: string };

const newCounts = (): RequestCounts => ({ total: 0, reads: 0, discovery: 0, writes: 0, dryRuns: 0, byMethod: {} });

/** What a route answers: a JSON body, or a watch stream that the handler keeps open. */
type Answer = { code: number; payload: unknown; warnings?: string[] } | { watch: { t: ResourceType; ns?: string; query: URLSearchParams } };
const notServed = () => new StatusError(404, 'NotFound', 'the server could not find the requested resource');

export async function startFakeKubeApiServer(opts: FakeKubeApiServerOptions = {}): Promise<FakeKubeApiServer> {
  const cluster = new FakeCluster(opts);
  let counts = newCounts();
  const requests: string[] = [];
  const faults: { match: RegExp; fault: InjectedFault; times: number }[] = [];

  function count(method: string, url: URL): void {
    counts.total++;
    counts.byMethod[method] = (counts.byMethod[method] ?? 0) + 1;
    requests.push(`${method} ${url.pathname}${url.search}`);
    if (method === 'GET') counts.reads++;
    else if (url.searchParams.get('dryRun') === 'All') counts.dryRuns++;
    else counts.writes++;
  }

  function discovery(p: string): object | undefined {
    if (p === '/version') return { major: '1', minor: '31', gitVersion: 'v1.31.0-fake' };
    if (p === '/api') return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [] };
    if (p === '/apis') return groupList(cluster.types);
    if (p === '/openapi/v3') return openApiRoot(cluster.types);
    const doc = /^\/openapi\/v3\/(?:api|apis)\/(.+)$/.exec(p);
    if (doc) {
      const d = openApiDocument(cluster.types, doc[1]);
      if (!d) throw notServed();
      return d;
    }
    const gv = /^\/api\/(v1)$/.exec(p) ?? /^\/apis\/([^/]+\/[^/]+)$/.exec(p);
    if (!gv) return undefined;
    const list = resourceList(cluster.types, gv[1]);
    if (!list) throw notServed();
    return list;
  }

  async function route(req: IncomingMessage, url: URL, body: string): Promise<Answer> {
    const method = req.method ?? 'GET';
    const q = url.searchParams;
    const p = url.pathname.replace(/\/+$/, '');
    if (method === 'GET') {
      const d = discovery(p);
      if (d) {
        counts.discovery++;
        return { code: 200, payload: d };
      }
    }
    const m = /^\/api\/(v1)\/(.+)$/.exec(p) ?? /^\/apis\/([^/]+\/[^/]+)\/(.+)$/.exec(p);
    if (!m) throw notServed();
    const segs = m[2].split('/').map(decodeURIComponent);
    const [ns, rest] = segs[0] === 'namespaces' && segs.length >= 3 ? [segs[1], segs.slice(2)] : [undefined, segs];
    const t = cluster.resolveType(m[1], rest[0]);
    const name = rest[1];
    if (rest.length > 2 || (!t.namespaced && ns)) throw notServed(); // subresources are not implemented
    const watching = q.get('watch') === '1' || q.get('watch') === 'true';
    if (method === 'GET' && !name && watching) return { watch: { t, ns, query: q } };
    if (method === 'GET') return { code: 200, payload: name ? cluster.get(t, ns, name) : cluster.list(t, ns, q.get('labelSelector'), q.get('fieldSelector')) };
    const dryRun = q.get('dryRun') === 'All';
    const fieldValidation = q.get('fieldValidation') ?? undefined;
    const manager = q.get('fieldManager') ?? managerOf(req);
    if (method === 'POST' && !name) {
      const obj = parseBody(body);
      const n = String((obj.metadata as Obj | undefined)?.name ?? '');
      if (cluster.exists(t, ns, n))
        throw new StatusError(409, 'AlreadyExists', `${t.group ? `${t.name}.${t.group}` : t.name} "${n}" already exists`, { name: n, kind: t.name });
      const r = cluster.apply(t, ns, n, obj, { manager, force: true, dryRun, fieldValidation });
      return { code: 201, payload: r.obj, warnings: r.warnings };
    }
    if (!name) throw new StatusError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');
    if (method === 'PATCH') {
      const ct = String(req.headers['content-type'] ?? '')
        .split(';')[0]
        .trim();
      if (ct !== 'application/apply-patch+yaml')
        throw new StatusError(415, 'UnsupportedMediaType', `the fake only implements server-side apply patches, not ${ct}`);
      if (!q.get('fieldManager')) throw badRequest('fieldManager is required for apply requests');
      const r = cluster.apply(t, ns, name, parseBody(body), { manager, force: q.get('force') === 'true', dryRun, fieldValidation });
      return { code: r.code, payload: r.obj, warnings: r.warnings };
    }
    if (method === 'PUT') {
      const r = cluster.update(t, ns, name, parseBody(body), { manager, dryRun, fieldValidation });
      return { code: r.code, payload: r.obj, warnings: r.warnings };
    }
    if (method === 'DELETE') return { code: 200, payload: cluster.remove(t, ns, name, dryRun) };
    throw new StatusError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
    count(req.method ?? 'GET', url);
    const injected = faults.find((f) => f.times > 0 && f.match.test(`${req.method} ${url.pathname}${url.search}`));
    if (injected) {
      injected.times--;
      if (injected.fault === 'reset') return void req.socket.destroy();
      if ('body' in injected.fault) {
        res.writeHead(injected.fault.code, { 'content-type': injected.fault.contentType });
        return void res.end(injected.fault.body);
      }
      const { code, reason, message, retryAfter } = injected.fault;
      res.writeHead(code, { 'content-type': 'application/json', ...(retryAfter !== undefined ? { 'retry-after': String(retryAfter) } : {}) });
      return void res.end(JSON.stringify(new StatusError(code, reason, message).body()));
    }
    let out: Answer;
    try {
      const body = req.method === 'GET' ? '' : await readBody(req);
      out = await route(req, url, body);
      if ('watch' in out) return streamWatch(req, res, out.watch);
    } catch (err) {
      const e = err instanceof StatusError ? err : new StatusError(500, 'InternalError', `fake apiserver bug: ${(err as Error).stack}`);
      out = { code: e.code, payload: e.body() };
    }
    const headers: Record<string, string | string[]> = { 'content-type': 'application/json' };
    // The real server's warning header format (RFC 7234): `299 - "unknown field \"spec.x\""`.
    if (out.warnings?.length) headers.warning = out.warnings.map((w) => `299 - ${JSON.stringify(w)}`);
    res.writeHead(out.code, headers);
    res.end(JSON.stringify(out.payload));
  }

  /**
   * `?watch=1`: newline-delimited `{type, object}` events. Without `resourceVersion` (or with "0")
   * the current objects come first as ADDED; with one, the events after it (410 Gone when it is
   * older than the kept history). Ends after `timeoutSeconds`, or when the client goes away.
   */
  function streamWatch(req: IncomingMessage, res: ServerResponse, w: { t: ResourceType; ns?: string; query: URLSearchParams }): void {
    const q = w.query;
    const selects = (e: WatchEvent) =>
      e.t.group === w.t.group &&
      e.t.kind === w.t.kind &&
      (!w.ns || e.namespace === w.ns) &&
      cluster.matches(e.object, q.get('labelSelector'), q.get('fieldSelector'));
    const since = q.get('resourceVersion');
    const initial: unknown[] = [];
    if (!since || since === '0') {
      for (const item of cluster.list(w.t, w.ns, q.get('labelSelector'), q.get('fieldSelector')).items as Obj[])
        initial.push({ type: 'ADDED', object: { apiVersion: groupVersion(w.t), kind: w.t.kind, ...item } });
    } else {
      const rv = Number(since);
      const oldest = cluster.history[0]?.rv ?? Number(cluster.resourceVersion) + 1;
      if (rv < oldest - 1 && cluster.history.length > 0) {
        const e = new StatusError(410, 'Expired', `too old resource version: ${since} (${oldest - 1})`);
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(`${JSON.stringify({ type: 'ERROR', object: e.body() })}\n`);
        return;
      }
      for (const e of cluster.history) if (e.rv > rv && selects(e)) initial.push({ type: e.type, object: e.object });
    }
    res.writeHead(200, { 'content-type': 'application/json', 'transfer-encoding': 'chunked' });
    for (const e of initial) res.write(`${JSON.stringify(e)}\n`);
    const stop = cluster.watch((e) => {
      if (selects(e)) res.write(`${JSON.stringify({ type: e.type, object: e.object })}\n`);
    });
    const timeout = Number(q.get('timeoutSeconds') ?? 0);
    const timer = timeout > 0 ? setTimeout(() => res.end(), timeout * 1000) : undefined;
    const close = () => {
      stop();
      if (timer) clearTimeout(timer);
    };
    res.on('close', close);
    req.on('close', close);
  }

  const server = createServer((req, res) => void handle(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url,
    requests,
    kubeconfig: () =>
      [
        'apiVersion: v1',
        'kind: Config',
        'clusters:',
        `- name: fake\n  cluster:\n    server: ${url}\n    insecure-skip-tls-verify: true`,
        'users:',
        '- name: fake\n  user:\n    token: fake-token',
        'contexts:',
        '- name: fake\n  context:\n    cluster: fake\n    user: fake\n    namespace: default',
        'current-context: fake',
        '',
      ].join('\n'),
    counts: () => structuredClone(counts),
    resetCounts: () => {
      counts = newCounts();
      requests.length = 0;
    },
    get: (ref) => cluster.peek(ref),
    setStatus: (ref, status) => cluster.setStatus(ref, status),
    editAs: (manager, ref, mutate) => cluster.editAs(manager, ref, mutate),
    establishCrd: (name) => cluster.establishCrd(name),
    injectFault: (match, fault, times = 1) => void faults.push({ match, fault, times }),
    size: () => cluster.size(),
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Writes without `fieldManager` are recorded under the client's name, as the real server does (`kubectl`). */
function managerOf(req: IncomingMessage): string {
  const agent = String(req.headers['user-agent'] ?? 'unknown');
  return agent.split('/')[0] || 'unknown';
}

/** Apply bodies may be YAML or JSON (JSON is YAML). */
function parseBody(body: string): Obj {
  let obj: unknown;
  try {
    obj = parseYaml(body);
  } catch (err) {
    throw badRequest(`error decoding YAML: ${(err as Error).message}`);
  }
  if (!obj || typeof obj !== 'object' || Array.isArray(obj)) throw badRequest('the body of the request was in an unknown format');
  return obj as Obj;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

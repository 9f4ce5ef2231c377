// FAKE kube-apiserver over real HTTP (127.0.0.1, port chosen by the OS) for tests and benchmarks.
// Speaks enough of the Kubernetes REST API for @kubernetes/client-node's KubernetesObjectApi:
// discovery, GET/LIST (label selectors), server-side apply PATCH, DELETE, POST. See README.md.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parse as parseYaml } from 'yaml';
import { managedFieldsOf, sameOwnership, serverSideApply, updateAs, type Stored } from './apply.js';
import { applyDefaults, pruneUnknown } from './defaults.js';
import { changedPaths, deepEqual, pathText, type Obj } from './fields.js';
import { matchLabels } from './labels.js';
import { builtinTypes, groupList, groupVersion, resourceList, typesOfCrd, type ResourceType } from './resources.js';
import { badRequest, notFound, StatusError } from './status.js';

export interface ObjectRef { apiVersion: string; kind: string; namespace?: string; name: string }

export interface RequestCounts {
  total: number;
  /** GET requests (discovery, get, list). */
  reads: number;
  discovery: number;
  /** PATCH/POST/PUT/DELETE that may change state (dry-runs excluded). */
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
  /** Objects stored, for benchmarks and assertions. */
  size(): number;
  stop(): Promise<void>;
}

const newCounts = (): RequestCounts => ({ total: 0, reads: 0, discovery: 0, writes: 0, dryRuns: 0, byMethod: {} });
const splitApiVersion = (av: string) => (av.includes('/') ? { group: av.split('/')[0], version: av.split('/')[1] } : { group: '', version: av });

export interface FakeKubeApiServerOptions {
  /** `manual`: new CRDs stay un-Established (their kinds unserved) until `establishCrd(name)`. */
  establishCrds?: 'immediately' | 'manual';
}

export async function startFakeKubeApiServer(opts: FakeKubeApiServerOptions = {}): Promise<FakeKubeApiServer> {
  const objects = new Map<string, Stored>();
  const types: ResourceType[] = [...builtinTypes];
  let counts = newCounts();
  const requests: string[] = [];
  let rv = 1000;
  let uid = 0;

  const keyOf = (group: string, kind: string, ns: string | undefined, name: string) => `${group}|${kind}|${ns ?? ''}|${name}`;
  const typeOf = (apiVersion: string, kind: string) => types.find((r) => groupVersion(r) === apiVersion && r.kind === kind);
  const seedNamespace = (name: string) => {
    const obj: Obj = { apiVersion: 'v1', kind: 'Namespace', metadata: { name, uid: `uid-${++uid}`, resourceVersion: String(++rv), creationTimestamp: new Date().toISOString().replace(/\.\d+Z$/, 'Z') } };
    applyDefaults('Namespace', obj, true);
    objects.set(keyOf('', 'Namespace', undefined, name), { obj, managers: [] });
  };
  for (const ns of ['default', 'kube-system']) seedNamespace(ns);

  const output = (s: Stored, apiVersion: string): Obj => {
    const { apiVersion: _a, kind, metadata, ...rest } = s.obj;
    const md = { ...(metadata as Obj) };
    const mf = managedFieldsOf(s.managers);
    if (mf.length) md.managedFields = mf;
    return { apiVersion, kind, metadata: md, ...rest };
  };

  const refreshCrdTypes = () => {
    types.splice(builtinTypes.length);
    // like the real server, a CRD's kinds are served once it is Established
    for (const [k, s] of objects) if (k.startsWith('apiextensions.k8s.io|CustomResourceDefinition|') && isEstablished(s.obj)) types.push(...typesOfCrd(s.obj));
  };

  function resolveType(gv: string, resource: string): ResourceType {
    const t = types.find((r) => groupVersion(r) === gv && r.name === resource);
    if (!t) throw new StatusError(404, 'NotFound', 'the server could not find the requested resource', {});
    return t;
  }

  function ensureNamespace(t: ResourceType, ns: string | undefined): void {
    if (!t.namespaced) return;
    if (!ns) throw badRequest('the namespace of the object must be set');
    if (!objects.has(keyOf('', 'Namespace', undefined, ns))) throw notFound('namespaces', '', ns);
  }

  /** PATCH with application/apply-patch+yaml. */
  function apply(t: ResourceType, ns: string | undefined, name: string, body: string, q: URLSearchParams): { code: number; obj: Obj } {
    const manager = q.get('fieldManager');
    if (!manager) throw badRequest('fieldManager is required for apply requests');
    const force = q.get('force') === 'true';
    const dryRun = q.get('dryRun') === 'All';
    let config: Obj;
    try {
      config = parseYaml(body) as Obj;
    } catch (err) {
      throw badRequest(`error decoding YAML: ${(err as Error).message}`);
    }
    if (!config || typeof config !== 'object') throw badRequest('the body of the request was in an unknown format');
    const gv = groupVersion(t);
    if (config.apiVersion !== gv || config.kind !== t.kind) throw badRequest(`the API version in the data (${String(config.apiVersion)}) and kind (${String(config.kind)}) do not match the URL (${gv} ${t.kind})`);
    const md = (config.metadata ?? {}) as Obj;
    if (md.name !== name) throw badRequest(`the name of the object (${String(md.name)}) does not match the name on the URL (${name})`);
    if (t.namespaced && md.namespace !== undefined && md.namespace !== ns) throw badRequest(`the namespace of the provided object does not match the namespace sent on the request`);
    ensureNamespace(t, ns);
    // Fields the server owns are not part of an apply configuration.
    config = structuredClone(config);
    const cmd = config.metadata as Obj;
    for (const k of ['managedFields', 'resourceVersion', 'uid', 'generation', 'creationTimestamp', 'selfLink']) delete cmd[k];
    delete config.status;
    if (t.crd?.schema) pruneUnknown(config, t.crd.schema);

    const key = keyOf(t.group, t.kind, t.namespaced ? ns : undefined, name);
    const live = objects.get(key);
    const merged = serverSideApply(live, config, manager, force);
    if ('conflicts' in merged) {
      const lines = merged.conflicts.map((c) => `conflict with "${c.manager}" using ${c.apiVersion}: ${pathText(c.path)}`);
      throw new StatusError(409, 'Conflict', `Apply failed with ${lines.length} conflict${lines.length > 1 ? 's' : ''}: ${lines.join('\n')}`, {
        name, group: t.group || undefined, kind: t.name,
        causes: merged.conflicts.map((c, i) => ({ reason: 'FieldManagerConflict', message: lines[i].replace(/: [^:]*$/, ''), field: pathText(c.path) })),
      });
    }
    const next = merged.result;
    const obj = next.obj;
    const meta = obj.metadata as Obj;
    meta.name = name;
    if (t.namespaced) meta.namespace = ns;
    applyDefaults(t.kind, obj, !live, opts);
    if (live && deepEqual(live.obj, obj) && sameOwnership(live.managers, next.managers)) return { code: 200, obj: output(live, gv) };
    if (!live) {
      meta.uid = `uid-${++uid}`;
      meta.creationTimestamp = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
      meta.generation = 1;
    } else if (!deepEqual(withoutMetaStatus(live.obj), withoutMetaStatus(obj))) {
      meta.generation = Number((live.obj.metadata as Obj).generation ?? 1) + 1;
    }
    if (dryRun) return { code: live ? 200 : 201, obj: output(next, gv) };
    meta.resourceVersion = String(++rv);
    objects.set(key, next);
    if (t.kind === 'CustomResourceDefinition') refreshCrdTypes();
    return { code: live ? 200 : 201, obj: output(next, gv) };
  }

  function remove(t: ResourceType, ns: string | undefined, name: string, dryRun: boolean): Obj {
    const key = keyOf(t.group, t.kind, t.namespaced ? ns : undefined, name);
    const live = objects.get(key);
    if (!live) throw notFound(t.name, t.group, name);
    if (dryRun) return output(live, groupVersion(t));
    objects.delete(key);
    // Cascades the real server does through the namespace and CRD controllers.
    if (t.kind === 'Namespace') for (const k of [...objects.keys()]) if (k.split('|')[2] === name) objects.delete(k);
    if (t.kind === 'CustomResourceDefinition') {
      const group = ((live.obj.spec as Obj)?.group as string) ?? '';
      const kind = (((live.obj.spec as Obj)?.names as Obj)?.kind as string) ?? '';
      for (const k of [...objects.keys()]) if (k.startsWith(`${group}|${kind}|`)) objects.delete(k);
      refreshCrdTypes();
    }
    return output(live, groupVersion(t));
  }

  function list(t: ResourceType, ns: string | undefined, q: URLSearchParams): Obj {
    const selector = q.get('labelSelector');
    const items: Obj[] = [];
    for (const [k, s] of objects) {
      const [g, kind, ons] = k.split('|');
      if (g !== t.group || kind !== t.kind || (ns && ons !== ns)) continue;
      if (!matchLabels(selector, (s.obj.metadata as Obj).labels as Record<string, string>)) continue;
      const o = output(s, groupVersion(t));
      // Lists of built-in kinds carry no per-item apiVersion/kind; custom resource lists do.
      if (!t.crd) {
        delete o.apiVersion;
        delete o.kind;
      }
      items.push(o);
    }
    return { apiVersion: groupVersion(t), kind: `${t.kind}List`, metadata: { resourceVersion: String(rv) }, items };
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
    const method = req.method ?? 'GET';
    const q = url.searchParams;
    counts.total++;
    counts.byMethod[method] = (counts.byMethod[method] ?? 0) + 1;
    requests.push(`${method} ${url.pathname}${url.search}`);
    if (method === 'GET') counts.reads++;
    else if (q.get('dryRun') === 'All') counts.dryRuns++;
    else counts.writes++;
    const body = method === 'GET' ? '' : await readBody(req);
    const send = (code: number, payload: unknown) => {
      res.writeHead(code, { 'content-type': 'application/json' });
      res.end(JSON.stringify(payload));
    };
    try {
      const p = url.pathname.replace(/\/+$/, '');
      if (method === 'GET') {
        if (p === '/version') return send(200, { major: '1', minor: '31', gitVersion: 'v1.31.0-fake' });
        if (p === '/api') return counts.discovery++, send(200, { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [] });
        if (p === '/apis') return counts.discovery++, send(200, groupList(types));
        const gvOnly = /^\/api\/(v1)$/.exec(p) ?? /^\/apis\/([^/]+\/[^/]+)$/.exec(p);
        if (gvOnly) {
          counts.discovery++;
          const list = resourceList(types, gvOnly[1]);
          return list ? send(200, list) : send(404, new StatusError(404, 'NotFound', 'the server could not find the requested resource').body());
        }
      }
      const m = /^\/api\/(v1)\/(.+)$/.exec(p) ?? /^\/apis\/([^/]+\/[^/]+)\/(.+)$/.exec(p);
      if (!m) throw new StatusError(404, 'NotFound', 'the server could not find the requested resource');
      const segs = m[2].split('/').map(decodeURIComponent);
      let ns: string | undefined;
      let rest = segs;
      if (segs[0] === 'namespaces' && segs.length >= 3) {
        ns = segs[1];
        rest = segs.slice(2);
      }
      const t = resolveType(m[1], rest[0]);
      const name = rest[1];
      if (rest.length > 2) throw new StatusError(404, 'NotFound', 'the server could not find the requested resource');
      if (!t.namespaced && ns) throw new StatusError(404, 'NotFound', 'the server could not find the requested resource');
      if (method === 'GET' && !name) return send(200, list(t, ns, q));
      if (!name && method !== 'POST') throw new StatusError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');
      const key = keyOf(t.group, t.kind, t.namespaced ? ns : undefined, name);
      if (method === 'GET') {
        const s = objects.get(key);
        if (!s) throw notFound(t.name, t.group, name);
        return send(200, output(s, groupVersion(t)));
      }
      if (method === 'PATCH') {
        const ct = String(req.headers['content-type'] ?? '').split(';')[0].trim();
        if (ct !== 'application/apply-patch+yaml') throw new StatusError(415, 'UnsupportedMediaType', `the fake only implements server-side apply patches, not ${ct}`);
        const r = apply(t, ns, name, body, q);
        return send(r.code, r.obj);
      }
      if (method === 'DELETE') return send(200, remove(t, ns, name, q.get('dryRun') === 'All'));
      if (method === 'POST') {
        const obj = parseYaml(body) as Obj;
        const n = String((obj.metadata as Obj)?.name ?? '');
        if (objects.has(keyOf(t.group, t.kind, t.namespaced ? ns : undefined, n))) throw new StatusError(409, 'AlreadyExists', `${t.group ? `${t.name}.${t.group}` : t.name} "${n}" already exists`, { name: n, kind: t.name });
        const r = apply(t, ns, n, JSON.stringify(obj), new URLSearchParams({ fieldManager: q.get('fieldManager') ?? 'unknown', force: 'true', ...(q.get('dryRun') ? { dryRun: q.get('dryRun')! } : {}) }));
        return send(201, r.obj);
      }
      throw new StatusError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');
    } catch (err) {
      if (err instanceof StatusError) return send(err.code, err.body());
      return send(500, new StatusError(500, 'InternalError', `fake apiserver bug: ${(err as Error).stack}`).body());
    }
  }

  const server = createServer((req, res) => void handle(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}`;

  const storedOf = (ref: ObjectRef) => {
    const { group } = splitApiVersion(ref.apiVersion);
    const t = typeOf(ref.apiVersion, ref.kind);
    return { t, key: keyOf(group, ref.kind, t?.namespaced ? ref.namespace : undefined, ref.name) };
  };

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
    get(ref) {
      const { key } = storedOf(ref);
      const s = objects.get(key);
      return s ? structuredClone(output(s, ref.apiVersion)) : undefined;
    },
    setStatus(ref, status) {
      const s = objects.get(storedOf(ref).key);
      if (!s) throw new Error(`fake apiserver: no ${ref.kind} ${ref.name}`);
      s.obj.status = structuredClone(status);
      (s.obj.metadata as Obj).resourceVersion = String(++rv);
    },
    editAs(manager, ref, mutate) {
      const s = objects.get(storedOf(ref).key);
      if (!s) throw new Error(`fake apiserver: no ${ref.kind} ${ref.name}`);
      const after = structuredClone(s.obj);
      mutate(after);
      const changed = changedPaths(s.obj, after);
      const next = updateAs(s, after, manager, changed);
      const meta = next.obj.metadata as Obj;
      if (!deepEqual(withoutMetaStatus(s.obj), withoutMetaStatus(after))) meta.generation = Number(meta.generation ?? 1) + 1;
      meta.resourceVersion = String(++rv);
      objects.set(storedOf(ref).key, next);
    },
    establishCrd(name) {
      const s = objects.get(keyOf('apiextensions.k8s.io', 'CustomResourceDefinition', undefined, name));
      if (!s) throw new Error(`fake apiserver: no CRD ${name}`);
      const conditions = ((s.obj.status as Obj).conditions as Obj[]).filter((c) => c.type !== 'Established');
      conditions.push({ type: 'Established', status: 'True', reason: 'InitialNamesAccepted' });
      (s.obj.status as Obj).conditions = conditions;
      (s.obj.metadata as Obj).resourceVersion = String(++rv);
      refreshCrdTypes();
    },
    size: () => objects.size,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function isEstablished(crd: Obj): boolean {
  return (((crd.status as Obj | undefined)?.conditions as Obj[] | undefined) ?? []).some((c) => c.type === 'Established' && c.status === 'True');
}

function withoutMetaStatus(o: Obj): Obj {
  const { metadata: _m, status: _s, ...rest } = o;
  return rest;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

// FAKE kube-apiserver: the stored objects and the semantics of each verb (apply, get, list, delete)
// plus the test hooks. No HTTP here; server.ts maps requests onto these methods.
import { managedFieldsOf, sameOwnership, serverSideApply, updateAs, type Stored } from './apply.js';
import { applyDefaults, pruneUnknown } from './defaults.js';
import { changedPaths, deepEqual, pathText, type Obj } from './fields.js';
import { immutableViolations, invalidError } from './immutable.js';
import { matchFields, matchLabels } from './labels.js';
import { builtinTypes, groupVersion, typesOfCrd, type ResourceType } from './resources.js';
import { modelName, unknownFields } from './schema.js';
import { badRequest, notFound, StatusError } from './status.js';

export interface ObjectRef {
  apiVersion: string;
  kind: string;
  namespace?: string;
  name: string;
}

export interface ClusterOptions {
  /** `manual`: new CRDs stay un-Established (their kinds unserved) until `establishCrd(name)`. */
  establishCrds?: 'immediately' | 'manual';
  /** Built-in kinds not served, as `<apiVersion>/<Kind>` (`networking.k8s.io/v1/Ingress`): a cluster without that API. */
  unserved?: string[];
}

export interface ApplyOptions {
  manager: string;
  force: boolean;
  dryRun: boolean;
  /** `Strict`: unknown fields are a 400; otherwise they are dropped with a warning (the default `Warn`). */
  fieldValidation?: string;
}

export interface WriteResult {
  code: number;
  obj: Obj;
  /** `Warning` header texts (unknown fields dropped). */
  warnings: string[];
}

/** One watch event, as streamed to `?watch=1` clients. */
export interface WatchEvent {
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  t: ResourceType;
  namespace?: string;
  rv: number;
  object: Obj;
}

/** Watch events kept for `resourceVersion`-based resumption; older ones answer 410 Gone. */
const HISTORY = 1000;

const timestamp = () => new Date().toISOString().replace(/\.\d+Z$/, 'Z');
/** Metadata the server owns: never part of an apply configuration. */
const serverMetadata = ['managedFields', 'resourceVersion', 'uid', 'generation', 'creationTimestamp', 'selfLink'];

export class FakeCluster {
  /** Served resource types: built-ins, then those of Established CRDs. */
  readonly types: ResourceType[];
  private readonly builtins: number;
  private readonly objects = new Map<string, Stored>();
  private rv = 1000;
  private uid = 0;
  /** Recent events, oldest first, and the live watchers. */
  readonly history: WatchEvent[] = [];
  private readonly watchers = new Set<(e: WatchEvent) => void>();

  constructor(private readonly opts: ClusterOptions = {}) {
    this.types = builtinTypes.filter((t) => !opts.unserved?.includes(`${groupVersion(t)}/${t.kind}`));
    this.builtins = this.types.length;
    for (const name of ['default', 'kube-system']) {
      const obj: Obj = {
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name, uid: `uid-${++this.uid}`, resourceVersion: String(++this.rv), creationTimestamp: timestamp() },
      };
      applyDefaults('Namespace', obj, true);
      this.objects.set(this.key('', 'Namespace', undefined, name), { obj, managers: [] });
    }
  }

  get resourceVersion(): string {
    return String(this.rv);
  }

  size(): number {
    return this.objects.size;
  }

  /** The type served at `<gv>/<resource>` (404 Status otherwise). */
  resolveType(gv: string, resource: string): ResourceType {
    const t = this.types.find((r) => groupVersion(r) === gv && r.name === resource);
    if (!t) throw new StatusError(404, 'NotFound', 'the server could not find the requested resource', {});
    return t;
  }

  get(t: ResourceType, ns: string | undefined, name: string): Obj {
    const s = this.objects.get(this.keyOf(t, ns, name));
    if (!s) throw notFound(t.name, t.group, name);
    return this.output(s, groupVersion(t));
  }

  /** `<Kind>List`; items of built-in kinds carry no apiVersion/kind (custom resources do), as on a real server. */
  list(t: ResourceType, ns: string | undefined, selector: string | null, fieldSelector: string | null = null): Obj {
    const items: Obj[] = [];
    for (const [k, s] of this.objects) {
      const [g, kind, ons] = k.split('|');
      if (g !== t.group || kind !== t.kind || (ns && ons !== ns)) continue;
      if (!this.matches(s.obj, selector, fieldSelector)) continue;
      const o = this.output(s, groupVersion(t));
      if (!t.crd) {
        delete o.apiVersion;
        delete o.kind;
      }
      items.push(o);
    }
    return { apiVersion: groupVersion(t), kind: `${t.kind}List`, metadata: { resourceVersion: this.resourceVersion }, items };
  }

  /** Whether an object passes a label and a field selector (`metadata.name`, `metadata.namespace`). */
  matches(obj: Obj, selector: string | null, fieldSelector: string | null): boolean {
    const md = obj.metadata as Obj;
    return matchLabels(selector, md.labels as Record<string, string>) && matchFields(fieldSelector, md);
  }

  /** Subscribes to every event from now on; returns the unsubscribe function. */
  watch(fn: (e: WatchEvent) => void): () => void {
    this.watchers.add(fn);
    return () => this.watchers.delete(fn);
  }

  exists(t: ResourceType, ns: string | undefined, name: string): boolean {
    return this.objects.has(this.keyOf(t, ns, name));
  }

  /** Server-side apply of a parsed configuration; `code` is 201 on create, 200 otherwise. */
  apply(t: ResourceType, ns: string | undefined, name: string, body: Obj, o: ApplyOptions): WriteResult {
    const gv = groupVersion(t);
    if (body.apiVersion !== gv || body.kind !== t.kind)
      throw badRequest(`the API version in the data (${String(body.apiVersion)}) and kind (${String(body.kind)}) do not match the URL (${gv} ${t.kind})`);
    const md = (body.metadata ?? {}) as Obj;
    if (md.name !== name) throw badRequest(`the name of the object (${String(md.name)}) does not match the name on the URL (${name})`);
    if (t.namespaced && md.namespace !== undefined && md.namespace !== ns)
      throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
    if (t.namespaced) {
      if (!ns) throw badRequest('the namespace of the object must be set');
      if (!this.objects.has(this.key('', 'Namespace', undefined, ns))) throw notFound('namespaces', '', ns);
    }
    const config = structuredClone(body);
    for (const k of serverMetadata) delete (config.metadata as Obj)[k];
    delete config.status;
    const warnings = this.checkFields(t, ns, name, config, o.fieldValidation, 'failed to create typed patch object');

    const key = this.keyOf(t, ns, name);
    const live = this.objects.get(key);
    const merged = serverSideApply(live, config, o.manager, o.force);
    if ('conflicts' in merged) {
      const lines = merged.conflicts.map((c) => `conflict with "${c.manager}" using ${c.apiVersion}: ${pathText(c.path)}`);
      throw new StatusError(409, 'Conflict', `Apply failed with ${lines.length} conflict${lines.length > 1 ? 's' : ''}: ${lines.join('\n')}`, {
        name,
        group: t.group || undefined,
        kind: t.name,
        causes: merged.conflicts.map((c) => ({
          reason: 'FieldManagerConflict',
          message: `conflict with "${c.manager}" using ${c.apiVersion}`,
          field: pathText(c.path),
        })),
      });
    }
    const next = merged.result;
    const meta = next.obj.metadata as Obj;
    meta.name = name;
    if (t.namespaced) meta.namespace = ns;
    applyDefaults(t.kind, next.obj, !live, this.opts);
    if (live && deepEqual(live.obj, next.obj) && sameOwnership(live.managers, next.managers)) return { code: 200, obj: this.output(live, gv), warnings };
    if (live) {
      const violations = immutableViolations(t.kind, live.obj, next.obj);
      if (violations.length) throw invalidError(t, name, violations);
    }
    if (!live) {
      meta.uid = `uid-${++this.uid}`;
      meta.creationTimestamp = timestamp();
      meta.generation = 1;
    } else if (!deepEqual(withoutMetaStatus(live.obj), withoutMetaStatus(next.obj))) {
      meta.generation = Number((live.obj.metadata as Obj).generation ?? 1) + 1;
    }
    const code = live ? 200 : 201;
    if (o.dryRun) return { code, obj: this.output(next, gv), warnings };
    meta.resourceVersion = String(++this.rv);
    this.objects.set(key, next);
    if (t.kind === 'CustomResourceDefinition') this.refreshCrdTypes();
    this.emit(live ? 'MODIFIED' : 'ADDED', t, ns, next);
    return { code, obj: this.output(next, gv), warnings };
  }

  /**
   * PUT: replaces the object as an update by `manager` (kubectl replace/edit). `metadata.resourceVersion`,
   * when sent, must be the stored one (409 otherwise); status is kept when the kind has a status
   * subresource.
   */
  update(t: ResourceType, ns: string | undefined, name: string, body: Obj, o: Omit<ApplyOptions, 'force'>): WriteResult {
    const gv = groupVersion(t);
    if (body.apiVersion !== gv || body.kind !== t.kind)
      throw badRequest(`the API version in the data (${String(body.apiVersion)}) and kind (${String(body.kind)}) do not match the URL (${gv} ${t.kind})`);
    const md = (body.metadata ?? {}) as Obj;
    if (md.name !== name) throw badRequest(`the name of the object (${String(md.name)}) does not match the name on the URL (${name})`);
    const key = this.keyOf(t, ns, name);
    const live = this.objects.get(key);
    if (!live) throw notFound(t.name, t.group, name);
    const liveMd = live.obj.metadata as Obj;
    if (md.resourceVersion !== undefined && md.resourceVersion !== liveMd.resourceVersion) {
      const qualified = t.group ? `${t.name}.${t.group}` : t.name;
      throw new StatusError(
        409,
        'Conflict',
        `Operation cannot be fulfilled on ${qualified} "${name}": the object has been modified; please apply your changes to the latest version and try again`,
        { name, group: t.group || undefined, kind: t.name },
      );
    }
    const after = structuredClone(body);
    const warnings = this.checkFields(t, ns, name, after, o.fieldValidation, `${t.kind} in version "${t.version}" cannot be handled as a ${t.kind}`);
    const meta = after.metadata as Obj;
    for (const k of serverMetadata) delete meta[k];
    for (const k of ['uid', 'creationTimestamp', 'generation', 'resourceVersion']) if (liveMd[k] !== undefined) meta[k] = liveMd[k];
    if (t.namespaced) meta.namespace = ns;
    if (t.statusSubresource) {
      if (live.obj.status !== undefined) after.status = structuredClone(live.obj.status);
      else delete after.status;
    }
    applyDefaults(t.kind, after, false, this.opts);
    const violations = immutableViolations(t.kind, live.obj, after);
    if (violations.length) throw invalidError(t, name, violations);
    const next = updateAs(live, after, o.manager, changedPaths(live.obj, after));
    if (!deepEqual(withoutMetaStatus(live.obj), withoutMetaStatus(after))) meta.generation = Number(liveMd.generation ?? 1) + 1;
    if (o.dryRun) return { code: 200, obj: this.output(next, gv), warnings };
    if (deepEqual(live.obj, after) && sameOwnership(live.managers, next.managers)) return { code: 200, obj: this.output(live, gv), warnings };
    meta.resourceVersion = String(++this.rv);
    this.objects.set(key, next);
    if (t.kind === 'CustomResourceDefinition') this.refreshCrdTypes();
    this.emit('MODIFIED', t, ns, next);
    return { code: 200, obj: this.output(next, gv), warnings };
  }

  /**
   * Unknown fields of a write: with `fieldValidation=Strict` a 400 naming them all (`prefix`: how
   * the real server starts the message for this verb); otherwise they are dropped and returned as
   * warnings. Custom resources are checked against (and pruned by) their CRD's structural schema.
   */
  private checkFields(t: ResourceType, ns: string | undefined, name: string, obj: Obj, validation: string | undefined, prefix: string): string[] {
    let unknown: string[];
    if (t.crd) {
      unknown = [];
      if (t.crd.schema) pruneUnknown(obj, t.crd.schema, true, '', (p) => unknown.push(p));
    } else {
      const model = modelName(t);
      const found = model ? unknownFields(obj, model) : [];
      unknown = found.map((f) => f.path);
      if (validation !== 'Strict') for (const f of found) delete f.holder[f.key];
    }
    if (!unknown.length) return [];
    if (validation === 'Strict') {
      const gvk = `${groupVersion(t)}, Kind=${t.kind}`;
      const detail = unknown.map((p) => `${p}: field not declared in schema`).join('\n');
      throw badRequest(`${prefix} (${t.namespaced ? `${ns}/` : ''}${name}; ${gvk}): ${detail}`);
    }
    return unknown.map((p) => `unknown field "${p.slice(1)}"`);
  }

  private emit(type: WatchEvent['type'], t: ResourceType, ns: string | undefined, s: Stored): void {
    const e: WatchEvent = { type, t, namespace: t.namespaced ? ns : undefined, rv: this.rv, object: this.output(s, groupVersion(t)) };
    this.history.push(e);
    if (this.history.length > HISTORY) this.history.shift();
    for (const w of this.watchers) w(e);
  }

  /** Deletes (200 with the object); cascades what the namespace and CRD controllers would. */
  remove(t: ResourceType, ns: string | undefined, name: string, dryRun: boolean): Obj {
    const key = this.keyOf(t, ns, name);
    const live = this.objects.get(key);
    if (!live) throw notFound(t.name, t.group, name);
    if (dryRun) return this.output(live, groupVersion(t));
    this.objects.delete(key);
    ++this.rv;
    this.emit('DELETED', t, ns, live);
    if (t.kind === 'Namespace') for (const k of [...this.objects.keys()]) if (k.split('|')[2] === name) this.objects.delete(k);
    if (t.kind === 'CustomResourceDefinition') {
      const spec = (live.obj.spec ?? {}) as Obj;
      const prefix = `${String(spec.group)}|${String((spec.names as Obj | undefined)?.kind)}|`;
      for (const k of [...this.objects.keys()]) if (k.startsWith(prefix)) this.objects.delete(k);
      this.refreshCrdTypes();
    }
    return this.output(live, groupVersion(t));
  }

  // ---- test hooks

  peek(ref: ObjectRef): Obj | undefined {
    const s = this.objects.get(this.refKey(ref));
    return s ? structuredClone(this.output(s, ref.apiVersion)) : undefined;
  }

  setStatus(ref: ObjectRef, status: Obj): void {
    const s = this.mustGet(ref);
    s.obj.status = structuredClone(status);
    (s.obj.metadata as Obj).resourceVersion = String(++this.rv);
    this.emitRef(ref, s);
  }

  editAs(manager: string, ref: ObjectRef, mutate: (obj: Obj) => void): void {
    const s = this.mustGet(ref);
    const after = structuredClone(s.obj);
    mutate(after);
    const next = updateAs(s, after, manager, changedPaths(s.obj, after));
    const meta = next.obj.metadata as Obj;
    if (!deepEqual(withoutMetaStatus(s.obj), withoutMetaStatus(after))) meta.generation = Number(meta.generation ?? 1) + 1;
    meta.resourceVersion = String(++this.rv);
    this.objects.set(this.refKey(ref), next);
    this.emitRef(ref, next);
  }

  establishCrd(name: string): void {
    const s = this.mustGet({ apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', name });
    const status = (s.obj.status ?? {}) as Obj;
    status.conditions = [
      ...((status.conditions as Obj[] | undefined) ?? []).filter((c) => c.type !== 'Established'),
      { type: 'Established', status: 'True', reason: 'InitialNamesAccepted' },
    ];
    s.obj.status = status;
    (s.obj.metadata as Obj).resourceVersion = String(++this.rv);
    this.refreshCrdTypes();
  }

  // ---- internals

  private emitRef(ref: ObjectRef, s: Stored): void {
    const t = this.types.find((r) => groupVersion(r) === ref.apiVersion && r.kind === ref.kind);
    if (t) this.emit('MODIFIED', t, ref.namespace, s);
  }

  private key(group: string, kind: string, ns: string | undefined, name: string): string {
    return `${group}|${kind}|${ns ?? ''}|${name}`;
  }

  private keyOf(t: ResourceType, ns: string | undefined, name: string): string {
    return this.key(t.group, t.kind, t.namespaced ? ns : undefined, name);
  }

  private refKey(ref: ObjectRef): string {
    const group = ref.apiVersion.includes('/') ? ref.apiVersion.split('/')[0] : '';
    const t = this.types.find((r) => groupVersion(r) === ref.apiVersion && r.kind === ref.kind);
    return this.key(group, ref.kind, t?.namespaced ? ref.namespace : undefined, ref.name);
  }

  private mustGet(ref: ObjectRef): Stored {
    const s = this.objects.get(this.refKey(ref));
    if (!s) throw new Error(`fake apiserver: no ${ref.kind} ${ref.name}`);
    return s;
  }

  /** The object as the API returns it, managedFields rendered from the ownership sets. */
  private output(s: Stored, apiVersion: string): Obj {
    const { apiVersion: _a, kind, metadata, ...rest } = s.obj;
    const md = { ...(metadata as Obj) };
    const mf = managedFieldsOf(s.managers);
    if (mf.length) md.managedFields = mf;
    return { apiVersion, kind, metadata: md, ...rest };
  }

  /** Like the real server, a CRD's kinds are served once it is Established. */
  private refreshCrdTypes(): void {
    this.types.splice(this.builtins);
    for (const [k, s] of this.objects)
      if (k.startsWith('apiextensions.k8s.io|CustomResourceDefinition|') && isEstablished(s.obj)) this.types.push(...typesOfCrd(s.obj));
  }
}

function isEstablished(crd: Obj): boolean {
  return (((crd.status as Obj | undefined)?.conditions as Obj[] | undefined) ?? []).some((c) => c.type === 'Established' && c.status === 'True');
}

function withoutMetaStatus(o: Obj): Obj {
  const { metadata: _m, status: _s, ...rest } = o;
  return rest;
}

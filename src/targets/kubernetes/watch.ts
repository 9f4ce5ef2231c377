// Live drift between resyncs: one watch per kind and namespace of the desired objects (Boreas's
// label selector, resumed from the last resourceVersion; a 410 Expired or an error lists again), so
// the daemon reconciles when someone edits or deletes an object instead of at the next resync. An
// event is drift only when a watched object no longer holds every field Boreas applies (status
// updates, controllers' annotations and Boreas's own writes are not), or when it was deleted.
import type { KubeObject } from '../../model/kube-object.js';
import type { JsonObject } from '../../model/json.js';
import type { KubeClient, Live } from './client.js';
import { FIELD_MANAGER, MANAGED_SELECTOR } from './constants.js';
import { containsAll } from './drift.js';
import { apiErrorMessage, KubeApiError, NotServedError } from './errors.js';

export interface WatchOptions {
  /** Called with one line per drift event (`Deployment shop/web changed on the cluster by kubectl-edit`). */
  onDrift(reason: string): void;
  /** A watch that cannot be kept up (retried with backoff meanwhile). */
  onError?(message: string): void;
  signal: AbortSignal;
  /** `cluster prod`, for messages. */
  subject: string;
  /** Server-side end of each watch request; a new one continues from the last resourceVersion. */
  timeoutSeconds?: number;
}

/** Watches until `signal` aborts; `objects` are the desired objects as Boreas applies them. */
export async function watchLive(client: KubeClient, objects: KubeObject[], o: WatchOptions): Promise<void> {
  const groups = new Map<string, KubeObject[]>();
  for (const obj of objects) {
    const k = `${obj.apiVersion}|${obj.kind}|${obj.metadata.namespace ?? ''}`;
    (groups.get(k) ?? groups.set(k, []).get(k)!).push(obj);
  }
  await Promise.all([...groups.values()].map((list) => watchGroup(client, list, o)));
}

class Expired extends Error {}

async function watchGroup(client: KubeClient, objects: KubeObject[], o: WatchOptions): Promise<void> {
  const { apiVersion, kind } = objects[0];
  const namespace = objects[0].metadata.namespace;
  const desired = new Map(objects.map((obj) => [obj.metadata.name, obj]));
  const label = (name: string) => `${kind} ${namespace ? `${namespace}/` : ''}${name}`;
  for (let failures = 0; !o.signal.aborted; ) {
    try {
      const path = await client.collectionPath(apiVersion, kind, namespace, o.signal);
      const listed = await client.listWithVersion(apiVersion, kind, namespace, MANAGED_SELECTOR, o.signal);
      const present = new Set(listed.items.map(nameOf).filter((n) => desired.has(n)));
      let rv = listed.resourceVersion;
      failures = 0;
      while (!o.signal.aborted) {
        const query = {
          watch: '1',
          labelSelector: MANAGED_SELECTOR,
          resourceVersion: rv,
          allowWatchBookmarks: 'true',
          timeoutSeconds: String(o.timeoutSeconds ?? 300),
        };
        await client.watch(
          path,
          query,
          (line) => {
            const event = parseEvent(line);
            if (!event) return;
            if (event.type === 'ERROR') {
              const status = event.object;
              if (status.code === 410) throw new Expired();
              throw new KubeApiError(Number(status.code ?? 500), String(status.reason ?? ''), String(status.message ?? 'watch error'));
            }
            const md = metadataOf(event.object);
            if (typeof md.resourceVersion === 'string') rv = md.resourceVersion;
            const name = String(md.name ?? '');
            const want = desired.get(name);
            if (event.type === 'BOOKMARK' || !want) return;
            if (event.type === 'DELETED') {
              if (present.delete(name)) o.onDrift(`${label(name)} deleted on the cluster`);
              return;
            }
            present.add(name);
            if (containsAll(event.object, want)) return;
            const writers = lastWriters(event.object);
            if (writers.length === 1 && writers[0] === FIELD_MANAGER) return; // Boreas's own write of a newer spec
            const others = writers.filter((w) => w !== FIELD_MANAGER);
            o.onDrift(`${label(name)} changed on the cluster${others.length ? ` by ${others.join(', ')}` : ''}`);
          },
          o.signal,
        );
      }
    } catch (err) {
      if (o.signal.aborted) return;
      if (err instanceof Expired) continue; // too old to resume: list again
      if (err instanceof NotServedError) {
        // Blocked in every plan; nothing of it was applied, so there is nothing to watch (the resync still looks).
        o.onError?.(`${o.subject}: ${err.message}; not watched`);
        return;
      }
      failures++;
      o.onError?.(`${o.subject}: watch of ${kind}${namespace ? ` in ${namespace}` : ''} failed: ${apiErrorMessage(err)}`);
      await sleep(Math.min(30_000, 500 * 2 ** Math.min(failures, 6)), o.signal);
    }
  }
}

interface WatchEvent {
  type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';
  object: Live;
}

function parseEvent(line: string): WatchEvent | undefined {
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (!v || typeof v !== 'object' || Array.isArray(v)) return undefined;
  const { type, object } = v as { type?: unknown; object?: unknown };
  if (type !== 'ADDED' && type !== 'MODIFIED' && type !== 'DELETED' && type !== 'BOOKMARK' && type !== 'ERROR') return undefined;
  if (!object || typeof object !== 'object' || Array.isArray(object)) return undefined;
  return { type, object: object as Live };
}

function metadataOf(o: Live): JsonObject {
  const md = o.metadata;
  return md && typeof md === 'object' && !Array.isArray(md) ? md : {};
}

const nameOf = (o: Live) => String(metadataOf(o).name ?? '');

/**
 * The managers of the most recent write (managedFields times have a one-second resolution, so
 * several may share the latest second; an object that no longer holds Boreas's fields was last
 * written by one of the others).
 */
function lastWriters(o: Live): string[] {
  const entries = metadataOf(o).managedFields;
  if (!Array.isArray(entries)) return [];
  let latest = '';
  let writers: string[] = [];
  for (const e of entries) {
    if (!e || typeof e !== 'object' || Array.isArray(e) || typeof e.time !== 'string' || typeof e.manager !== 'string') continue;
    if (e.time > latest) {
      latest = e.time;
      writers = [e.manager];
    } else if (e.time === latest) writers.push(e.manager);
  }
  return writers;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
  });
}

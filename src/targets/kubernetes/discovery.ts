// Which resource (URL plural, scope) serves a kind: the cluster's discovery documents per
// group/version, fetched on first use and again when a kind is missing (a CRD applied moments ago),
// at most once per REFRESH_MS per group/version, so a burst of objects of an unserved kind costs
// one discovery request, not one each.
import { isNotFound, NotServedError } from './errors.js';
import type { KubeHttp } from './http.js';

export interface ServedResource {
  /** Plural used in URLs (`deployments`). */
  name: string;
  namespaced: boolean;
}

const REFRESH_MS = 1000;

interface Entry {
  at: number;
  kinds: Map<string, ServedResource> | undefined;
}

export class Discovery {
  private readonly cache = new Map<string, Entry>();

  constructor(
    private readonly http: KubeHttp,
    private readonly cluster: string,
  ) {}

  /** The resource serving `kind` in `apiVersion`; NotServedError when the cluster has none. */
  async resource(apiVersion: string, kind: string, signal?: AbortSignal): Promise<ServedResource> {
    let entry = this.cache.get(apiVersion);
    if (!entry?.kinds?.has(kind) && (!entry || Date.now() - entry.at >= REFRESH_MS)) entry = await this.fetch(apiVersion, signal);
    const found = entry?.kinds?.get(kind);
    if (!found) throw new NotServedError(kind, apiVersion, this.cluster);
    return found;
  }

  /** Forgets what is known: a CRD was just applied or deleted, its kinds come and go. */
  invalidate(): void {
    this.cache.clear();
  }

  private async fetch(apiVersion: string, signal: AbortSignal | undefined): Promise<Entry> {
    const path = apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
    let kinds: Map<string, ServedResource> | undefined;
    try {
      const list = (await this.http.call('GET', path, { signal })).json as { resources?: { name: string; kind: string; namespaced: boolean }[] };
      kinds = new Map();
      for (const r of list.resources ?? []) if (!r.name.includes('/')) kinds.set(r.kind, { name: r.name, namespaced: r.namespaced });
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
    const entry = { at: Date.now(), kinds };
    this.cache.set(apiVersion, entry);
    return entry;
  }
}

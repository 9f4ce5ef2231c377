// The few API calls the target makes, on raw wire JSON: what Git says is what is sent (server-side
// apply with `fieldValidation=Strict`, so a field the server does not know is refused with its own
// message instead of being dropped), and what the server answers is what is compared. 404 is absence.
import type { Json, UnknownCause } from '../../model/resource.js';
import type { KubeObject } from '../../model/kube-object.js';
import { FIELD_MANAGER } from './constants.js';
import { Discovery } from './discovery.js';
import { apiErrorMessage, isNotFound, KubeApiError, KubeTransportError } from './errors.js';
import type { KubeHttp } from './http.js';
import { resourcePath } from './wire.js';

export type Live = Record<string, Json>;

export class KubeClient {
  private readonly discovery: Discovery;

  /** `cluster` names the environment in messages (`... is not served by cluster prod`). */
  constructor(
    private readonly http: KubeHttp,
    cluster: string,
  ) {
    this.discovery = new Discovery(http, cluster);
  }

  /** The server's version: the cheapest call that proves the API answers and accepts our credentials. */
  async version(): Promise<string> {
    const v = (await this.http.call('GET', '/version')).json as { gitVersion?: string } | undefined;
    return v?.gitVersion ?? 'unknown';
  }

  /** The live object, or undefined when it does not exist. Throws NotServedError when its kind is not served. */
  async get(obj: KubeObject, signal?: AbortSignal): Promise<Live | undefined> {
    const path = await this.path(obj.apiVersion, obj.kind, obj.metadata.namespace, obj.metadata.name, signal);
    try {
      return (await this.http.call('GET', path, { signal })).json as Live;
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  /** Objects of one kind in one namespace (or cluster-wide), optionally by label. Throws NotServedError when not served. */
  async list(apiVersion: string, kind: string, namespace: string | undefined, labelSelector: string | undefined, signal?: AbortSignal): Promise<Live[]> {
    return (await this.listWithVersion(apiVersion, kind, namespace, labelSelector, signal)).items;
  }

  /** A LIST and the resourceVersion it was read at (where a watch starts). */
  async listWithVersion(
    apiVersion: string,
    kind: string,
    namespace: string | undefined,
    labelSelector: string | undefined,
    signal?: AbortSignal,
  ): Promise<{ items: Live[]; resourceVersion: string | undefined }> {
    const path = await this.path(apiVersion, kind, namespace, undefined, signal);
    const res = (await this.http.call('GET', path, { query: { labelSelector }, signal })).json as { items?: Live[]; metadata?: { resourceVersion?: string } };
    // list items of built-in kinds come without apiVersion/kind
    return { items: (res.items ?? []).map((i) => ({ apiVersion, kind, ...i })), resourceVersion: res.metadata?.resourceVersion };
  }

  /** The URL of a kind's collection (for a watch); NotServedError when it is not served. */
  collectionPath(apiVersion: string, kind: string, namespace: string | undefined, signal?: AbortSignal): Promise<string> {
    return this.path(apiVersion, kind, namespace, undefined, signal);
  }

  /**
   * Server-side apply of the object as written, forced (Git is the source of truth, so Boreas takes
   * back edited fields), strict (unknown fields are a 400 naming them).
   */
  async apply(obj: KubeObject, dryRun: boolean, signal?: AbortSignal): Promise<Live> {
    const path = await this.path(obj.apiVersion, obj.kind, obj.metadata.namespace, obj.metadata.name, signal);
    const query = { fieldManager: FIELD_MANAGER, force: 'true', fieldValidation: 'Strict', dryRun: dryRun ? 'All' : undefined };
    const res = await this.http.call('PATCH', path, { query, body: obj, contentType: 'application/apply-patch+yaml', signal });
    if (obj.kind === 'CustomResourceDefinition' && !dryRun) this.discovery.invalidate();
    return res.json as Live;
  }

  /** Deletes in the background (dependents are garbage-collected); false when it was already gone. */
  async delete(obj: KubeObject, signal?: AbortSignal): Promise<boolean> {
    const path = await this.path(obj.apiVersion, obj.kind, obj.metadata.namespace, obj.metadata.name, signal);
    try {
      await this.http.call('DELETE', path, { body: { kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy: 'Background' }, signal });
      if (obj.kind === 'CustomResourceDefinition') this.discovery.invalidate();
      return true;
    } catch (err) {
      if (isNotFound(err)) return false;
      throw err;
    }
  }

  async close(): Promise<void> {
    await this.http.close();
  }

  /**
   * Waits until the object is gone (or replaced by one with another uid): a deletion is asynchronous
   * on a real server (finalizers, graceful deletion). False when it is still there after `timeoutMs`.
   */
  async waitGone(obj: KubeObject, uid: unknown, timeoutMs: number, signal?: AbortSignal): Promise<boolean> {
    const until = Date.now() + timeoutMs;
    for (let delay = 50; ; delay = Math.min(delay * 2, 1000)) {
      const live = await this.get(obj, signal);
      const md = live?.metadata;
      if (!live || (md && typeof md === 'object' && !Array.isArray(md) && md.uid !== uid)) return true;
      if (Date.now() + delay > until || signal?.aborted) return false;
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }

  /** Streams a watch (newline-delimited events) of a collection; see KubeHttp.stream. */
  watch(path: string, query: Record<string, string | undefined>, onLine: (line: string) => void, signal: AbortSignal): Promise<void> {
    return this.http.stream(path, query, onLine, signal);
  }

  private async path(apiVersion: string, kind: string, namespace: string | undefined, name?: string, signal?: AbortSignal): Promise<string> {
    return resourcePath(apiVersion, await this.discovery.resource(apiVersion, kind, signal), namespace, name);
  }
}

/** Why a cluster's objects are Unknown, in one line (`cluster prod: unreachable: ...`). */
export function unknownCauseOf(subject: string, err: unknown): UnknownCause {
  if (err instanceof KubeApiError && (err.code === 401 || err.code === 403)) {
    return { reason: 'unauthorized', subject, message: `${subject}: unauthorized (${err.code}): ${apiErrorMessage(err)}` };
  }
  if (err instanceof KubeTransportError) {
    const timedOut = /no answer within/.test(err.message);
    return { reason: timedOut ? 'timeout' : 'unreachable', subject, message: `${subject}: ${timedOut ? 'timeout' : 'unreachable'}: ${err.message}` };
  }
  return { reason: 'error', subject, message: `${subject}: ${apiErrorMessage(err)}` };
}

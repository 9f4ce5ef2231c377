// The few API calls the target makes, with the client-node quirks handled in one place: request
// objects are fresh per call (the client mutates them), responses become plain JSON, 404 is absence.
import { ApiException, KubernetesObjectApi, PatchStrategy, type KubeConfig } from '@kubernetes/client-node';
import type { Json } from '../../model/resource.js';
import type { KubeObject } from '../../desired/kubernetes/object.js';
import { FIELD_MANAGER } from './constants.js';
import { plain, refOf, toClientObject } from './wire.js';

export type Live = Record<string, Json>;

export class KubeClient {
  private readonly api: KubernetesObjectApi;

  constructor(kc: KubeConfig) {
    this.api = KubernetesObjectApi.makeApiClient(kc);
  }

  /** The live object, or undefined when it (or its kind) does not exist. */
  async get(obj: KubeObject): Promise<Live | undefined> {
    try {
      return plain(await this.api.read(refOf(obj) as never), obj.apiVersion, obj.kind);
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  /** Objects of one kind in one namespace (or cluster-wide), optionally by label; undefined when the kind is not served. */
  async list(apiVersion: string, kind: string, namespace: string | undefined, labelSelector: string | undefined): Promise<Live[] | undefined> {
    try {
      const res = await this.api.list(apiVersion, kind, namespace, undefined, undefined, undefined, undefined, labelSelector);
      return res.items.map((i) => plain(i, apiVersion, kind));
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  /** Server-side apply (forced: Git is the source of truth, so Boreas takes back edited fields). */
  async apply(obj: KubeObject, dryRun: boolean): Promise<Live> {
    const res = await this.api.patch(toClientObject(obj), undefined, dryRun ? 'All' : undefined, FIELD_MANAGER, true, PatchStrategy.ServerSideApply);
    return plain(res, obj.apiVersion, obj.kind);
  }

  /** Deletes in the background (dependents are garbage-collected); false when it was already gone. */
  async delete(obj: KubeObject): Promise<boolean> {
    try {
      await this.api.delete(refOf(obj), undefined, undefined, undefined, undefined, 'Background');
      return true;
    } catch (err) {
      if (isNotFound(err)) return false;
      throw err;
    }
  }
}

export function isNotFound(err: unknown): boolean {
  return err instanceof ApiException && err.code === 404;
}

/** One line for users: the API server's Status message, not a dump of the response. */
export function apiErrorMessage(err: unknown): string {
  if (err instanceof ApiException) {
    let body = err.body as unknown;
    if (typeof body === 'string') {
      try {
        body = JSON.parse(body);
      } catch {
        /* not JSON */
      }
    }
    const status = body as { message?: string; reason?: string } | undefined;
    return `${err.code} ${status?.reason ?? ''}: ${status?.message ?? String(err.body).slice(0, 200)}`.replace(/ {2,}/g, ' ');
  }
  return (err as Error).message.split('\n')[0];
}

// The few API calls the target makes, with the client-node quirks handled in one place: request
// objects are fresh per call (the client mutates them), responses become plain JSON, 404 is absence.
import { ApiException, KubernetesObjectApi, PatchStrategy, VersionApi, type KubeConfig } from '@kubernetes/client-node';
import type { UnknownCause } from '../../model/resource.js';
import type { Json } from '../../model/resource.js';
import type { KubeObject } from '../../model/kube-object.js';
import { FIELD_MANAGER } from './constants.js';
import { plain, refOf, toClientObject } from './wire.js';

export type Live = Record<string, Json>;

export class KubeClient {
  private readonly api: KubernetesObjectApi;
  private readonly versions: VersionApi;

  constructor(kc: KubeConfig) {
    this.api = KubernetesObjectApi.makeApiClient(kc);
    this.versions = kc.makeApiClient(VersionApi);
  }

  /** The server's version: the cheapest call that proves the API answers and accepts our credentials. */
  async version(): Promise<string> {
    const v = await this.versions.getCode();
    return v.gitVersion;
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

/** Why a cluster's objects are Unknown, in one line. */
export function unknownCauseOf(where: string, err: unknown): UnknownCause {
  if (err instanceof ApiException && (err.code === 401 || err.code === 403))
    return { reason: 'unauthorized', message: `${where}: unauthorized (${err.code}): ${apiErrorMessage(err)}` };
  const code = (err as { code?: string; cause?: { code?: string } }).cause?.code ?? (err as { code?: string }).code;
  if (code === 'ETIMEDOUT' || code === 'UND_ERR_CONNECT_TIMEOUT' || code === 'UND_ERR_HEADERS_TIMEOUT')
    return { reason: 'timeout', message: `${where}: timeout: ${apiErrorMessage(err)}` };
  if (typeof code === 'string' && /^E(CONNREFUSED|CONNRESET|HOSTUNREACH|NETUNREACH|AI_AGAIN|NOTFOUND)$/.test(code))
    return { reason: 'unreachable', message: `${where}: unreachable: ${apiErrorMessage(err)}` };
  return { reason: 'error', message: `${where}: ${apiErrorMessage(err)}` };
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

// Where an object lives on the wire: its URL path from apiVersion, kind, namespace and name (the
// plural and scope come from discovery). Bodies are the wire JSON exactly as written in Git, so
// nothing is renamed or dropped on the way (client-node's typed serializer dropped unknown fields).
import type { ServedResource } from './discovery.js';

/** `/apis/apps/v1/namespaces/shop/deployments[/web]` (core group under `/api/v1`). */
export function resourcePath(apiVersion: string, served: ServedResource, namespace: string | undefined, name?: string): string {
  const root = apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
  const ns = served.namespaced && namespace ? `/namespaces/${encodeURIComponent(namespace)}` : '';
  return `${root}${ns}/${served.name}${name === undefined ? '' : `/${encodeURIComponent(name)}`}`;
}

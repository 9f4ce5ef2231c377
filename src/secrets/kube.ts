// Boreas secret references inside Kubernetes objects, resolved into literal values just before a
// request is sent: `{name, valueFrom: <source>}` container env items (rendered from an Application's
// `env`), and `{valueFrom: <source>}` values of a core Secret's `data` (base64-encoded here) or
// `stringData`. The resolved object lives only in the request: never returned, stored or logged.
import { createHash } from 'node:crypto';
import type { Json } from '../model/json.js';
import { isKubeSecret } from '../model/secret-policy.js';
import { isSecretRef, type SecretSource } from './source.js';

type Resolve = (source: SecretSource) => Promise<string>;
const isObj = (v: unknown): v is Record<string, Json> => !!v && typeof v === 'object' && !Array.isArray(v);

/** Replaces Boreas references in a pod template's containers and a Secret's data, in place. */
export async function resolveKubeRefs(object: object, resolve: Resolve): Promise<void> {
  const obj: unknown = object;
  if (!isObj(obj)) return;
  if (isKubeSecret(obj)) {
    for (const field of ['data', 'stringData'] as const) {
      const map = obj[field];
      if (!isObj(map)) continue;
      for (const [k, v] of Object.entries(map)) {
        if (!isSecretRef(v)) continue;
        const value = await resolve(v.valueFrom);
        map[k] = field === 'data' ? Buffer.from(value, 'utf8').toString('base64') : value;
      }
    }
  }
  const spec = obj.spec;
  const podSpec = isObj(spec) && isObj(spec.template) && isObj(spec.template.spec) ? spec.template.spec : undefined;
  if (!podSpec) return;
  for (const field of ['containers', 'initContainers']) {
    const list = podSpec[field];
    if (!Array.isArray(list)) continue;
    for (const c of list) {
      if (!isObj(c) || !Array.isArray(c.env)) continue;
      for (let i = 0; i < c.env.length; i++) {
        const item = c.env[i];
        if (isObj(item) && typeof item.name === 'string' && isSecretRef(item)) c.env[i] = { name: item.name, value: await resolve(item.valueFrom) };
      }
    }
  }
}

/**
 * One digest of every encrypted value an object refers to (in order), or undefined when it refers to
 * none. Pure: `digest` is the revision's (HMAC of each plaintext). Put on the object as an
 * annotation, it makes a changed value a changed object (a Secret re-applied, pods rolled).
 */
export function kubeSecretDigest(obj: object, digest: (source: SecretSource) => string | undefined): string | undefined {
  const parts: string[] = [];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) return v.forEach(walk);
    if (!isObj(v)) return;
    if (isSecretRef(v)) {
      const d = digest(v.valueFrom);
      if (d) parts.push(d);
      return;
    }
    for (const x of Object.values(v)) walk(x);
  };
  walk(obj);
  return parts.length ? `sha256:${createHash('sha256').update(parts.join('\n')).digest('hex')}` : undefined;
}

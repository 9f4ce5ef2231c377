// Resolves `{name, valueFrom: {env|file}}` container env references (rendered from an Application's
// `env`) into literal values just before a request is sent. The resolved object lives only in the
// request: it is never returned, stored or logged.
import type { SecretSource } from '../../model/manifest-types.generated.js';
import type { Json } from '../../model/resource.js';

type Resolve = (source: SecretSource) => Promise<string>;
const isObj = (v: unknown): v is Record<string, Json> => !!v && typeof v === 'object' && !Array.isArray(v);

/** Whether an env item is a Boreas reference (Kubernetes' own valueFrom has other keys). */
function isBoreasRef(item: Json): item is { name: string; valueFrom: { env?: string; file?: string } } {
  return isObj(item) && isObj(item.valueFrom) && ('env' in item.valueFrom || 'file' in item.valueFrom);
}

/** Replaces Boreas env references in every container of a pod template, in place. */
export async function resolveEnvRefs(obj: Record<string, Json>, resolve: Resolve): Promise<void> {
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
        if (isBoreasRef(item)) c.env[i] = { name: item.name, value: await resolve(item.valueFrom as SecretSource) };
      }
    }
  }
}

// Boreas secret references inside raw Kubernetes objects (`{valueFrom: {env|file|age|sops}}` as a
// value of a core Secret's `data`/`stringData`, or of a container env item beside its `name`) are
// replaced by their values just before the object is sent (src/secrets/kube.ts). The offline schema
// check must therefore see the object as it will be sent, a string in their place, or it refuses a
// documented reference as `must be string` / `valueFrom.env: unknown field`. (The source keys are
// repeated here because manifests sits below secrets in the layering.)

const sourceKeys = ['env', 'file', 'age', 'sops'];
const isObj = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);
const isRef = (v: unknown): boolean =>
  isObj(v) && isObj(v.valueFrom) && Object.keys(v.valueFrom).length === 1 && sourceKeys.some((k) => k in (v.valueFrom as object));

/** A copy of `o` with every Boreas reference replaced by an empty string (the object as sent, for schema checks); `o` itself when it has none. */
export function withReferencesAsSent<T extends object>(o: T): T {
  const obj: Record<string, unknown> = structuredClone(o) as Record<string, unknown>;
  let found = false;
  if (obj.kind === 'Secret' && (obj.apiVersion === 'v1' || obj.apiVersion === undefined))
    for (const field of ['data', 'stringData']) {
      const map = obj[field];
      if (isObj(map))
        for (const [k, v] of Object.entries(map))
          if (isRef(v)) {
            map[k] = '';
            found = true;
          }
    }
  const spec = obj.spec;
  const podSpec = isObj(spec) && isObj(spec.template) && isObj(spec.template.spec) ? spec.template.spec : undefined;
  for (const field of ['containers', 'initContainers']) {
    const list = podSpec?.[field];
    if (!Array.isArray(list)) continue;
    for (const c of list) {
      if (!isObj(c) || !Array.isArray(c.env)) continue;
      c.env = c.env.map((item: unknown) => {
        if (!isObj(item) || typeof item.name !== 'string' || !isRef(item)) return item;
        found = true;
        return { name: item.name, value: '' };
      });
    }
  }
  return found ? (obj as T) : o;
}

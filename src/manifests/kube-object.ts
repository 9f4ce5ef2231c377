// Structural check of raw Kubernetes objects referenced by `Application.spec.kubernetes.path`: they
// are applied as written (server-side apply), so only what apply itself needs is checked here.

export interface KubeProblem {
  path: string[];
  message: string;
}

/** Problems that would make the object unappliable; empty when it is structurally sound. */
export function checkKubeObject(value: Record<string, unknown>): KubeProblem[] {
  const out: KubeProblem[] = [];
  const nonEmptyString = (v: unknown) => typeof v === 'string' && v.length > 0;
  if (!nonEmptyString(value.apiVersion)) out.push({ path: ['apiVersion'], message: 'a Kubernetes object needs apiVersion (a non-empty string, e.g. apps/v1)' });
  if (!nonEmptyString(value.kind)) out.push({ path: ['kind'], message: 'a Kubernetes object needs kind (a non-empty string, e.g. Deployment)' });
  const meta = value.metadata;
  if (meta === null || typeof meta !== 'object' || Array.isArray(meta)) {
    out.push({ path: ['metadata'], message: 'a Kubernetes object needs metadata with a name' });
    return out;
  }
  const { name, namespace, generateName } = meta as Record<string, unknown>;
  if (generateName !== undefined && !nonEmptyString(name))
    out.push({
      path: ['metadata', 'generateName'],
      message:
        'generateName is not supported: Boreas applies each object by its name (server-side apply) and must find it again on the next run; set metadata.name instead',
    });
  else if (!nonEmptyString(name)) out.push({ path: ['metadata', 'name'], message: 'a Kubernetes object needs a name (a non-empty string)' });
  if (namespace !== undefined && !nonEmptyString(namespace)) out.push({ path: ['metadata', 'namespace'], message: 'when set, must be a non-empty string' });
  return out;
}

/** `k8s/api/` style directory prefix for a kubernetes.path, or undefined when it is unusable. */
export function kubeDirPrefix(path: string): string | undefined {
  const clean = path
    .replace(/\\/g, '/')
    .replace(/^\.\/+/, '')
    .replace(/\/+$/, '');
  if (!clean || clean === '.' || clean.startsWith('/') || clean.split('/').includes('..')) return undefined;
  return clean + '/';
}

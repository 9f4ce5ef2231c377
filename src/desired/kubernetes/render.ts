// Human text of an object for plan diffs. Secret values are replaced before rendering, so neither
// the plan, the PR report nor the stored inventory text ever holds them.
import { stringify } from 'yaml';
import type { KubeObject } from './object.js';
import { deepClone } from './object.js';

export const SENSITIVE = '(sensitive)';

/** The object with Secret `data`/`stringData` values masked (keys kept, so added keys still show). */
export function maskSecrets(obj: KubeObject): KubeObject {
  if (obj.kind !== 'Secret' || obj.apiVersion !== 'v1') return obj;
  const out = deepClone(obj);
  for (const field of ['data', 'stringData'] as const) {
    const m = out[field];
    if (m && typeof m === 'object' && !Array.isArray(m)) for (const k of Object.keys(m)) (m as Record<string, string>)[k] = SENSITIVE;
  }
  return out;
}

/** YAML text of the object as applied, Secrets masked, keys in a stable order. */
export function renderKubeObject(obj: KubeObject): string {
  return stringify(maskSecrets(obj), { sortMapEntries: false, lineWidth: 0 });
}

/**
 * Whether a field path of a KubeObject spec holds a secret value (`data.<key>`, `stringData.<key>`
 * of a core Secret). Field diffs of plans must print such paths without before/after values.
 */
export function isSensitiveKubePath(spec: unknown, path: string): boolean {
  const o = spec as { apiVersion?: string; kind?: string } | undefined;
  return o?.kind === 'Secret' && o.apiVersion === 'v1' && /^(data|stringData)(\.|$)/.test(path);
}

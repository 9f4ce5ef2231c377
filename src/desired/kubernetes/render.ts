// Human text of an object for plan diffs. Secret values are masked (by the one secret policy in
// src/secrets) before rendering, so neither the plan, the PR report nor the stored inventory text
// ever holds them.
import { stringify } from 'yaml';
import { maskKubeObject } from '../../secrets/mask.js';
import type { KubeObject } from './object.js';

/** YAML text of the object as applied, Secrets masked, keys in a stable order. */
export function renderKubeObject(obj: KubeObject): string {
  return stringify(maskKubeObject(obj), { sortMapEntries: false, lineWidth: 0 });
}

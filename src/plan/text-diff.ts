// Unified diffs of rendered text (config files, nginx sites, Kubernetes YAML) between what was applied
// and what is desired, keyed by label.
import { unifiedDiff } from '../util/unified-diff.js';
import type { ChangeAction } from '../model/plan.js';

export function textDiffs(before: Record<string, string> | undefined, after: Record<string, string> | undefined, action: ChangeAction): Record<string, string> {
  const out: Record<string, string> = {};
  const labels = new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})]);
  for (const label of [...labels].sort()) {
    const b = action === 'create' ? '' : (before?.[label] ?? '');
    const a = after?.[label] ?? '';
    if (a === b) continue;
    out[label] = unifiedDiff(label, b, a);
  }
  return out;
}

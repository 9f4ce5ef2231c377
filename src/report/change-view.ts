// The printable view of one change, with secrets already masked: what every plan format shows.
import type { Change, FieldDiff } from '../model/plan.js';
import { maskFieldDiff, maskTextDiffs } from '../secrets/mask.js';
import { namedFieldPath } from '../util/field-path.js';
import { safeText } from '../util/terminal-text.js';

export interface ChangeView {
  change: Change;
  /** Field path as users read it (`spec.version`, `spec.template.spec.containers[name=web].image`; Kubernetes objects keep their own paths). */
  fields: Array<FieldDiff & { label: string }>;
  textDiffs: Record<string, string>;
}

/** Masked fields and diffs of a change, ready to print. */
export function viewChange(change: Change): ChangeView {
  const root = change.desired?.spec ?? change.observed?.appliedSpec;
  const fields = change.fields.map((fd) => {
    const masked = maskFieldDiff(fd, change);
    // masking reads the index path; people read list items by name (util/field-path.ts)
    const path = safeText(namedFieldPath(fd.path, root));
    return { ...masked, path, label: fieldLabel(change, path) };
  });
  return { change, fields, textDiffs: maskTextDiffs(change) };
}

/** `version` → `spec.version`; a Kubernetes object's paths already start at the object root. */
export function fieldLabel(change: Pick<Change, 'kind'>, path: string): string {
  if (change.kind === 'KubeObject') return path || '(object)';
  return path ? `spec.${path}` : 'spec';
}

/** `Application api`, or the owner as given when it already names its kind (`Ingress/shop`). */
export function ownerLabel(owner: string): string {
  return owner.includes('/') ? owner.replace('/', ' ') : `Application ${owner}`;
}

// A repository path with no manifests is almost always a wrong --repo/--path, an empty checkout or a
// broken branch, and planning against it would delete everything Boreas manages. So it is an error
// for validate, plan and reconcile unless the user says it is meant (--allow-empty).
import { ExitCode, UserError } from '../model/errors.js';
import type { ManifestSet } from './model.js';

/** Boreas documents plus the raw Kubernetes objects Applications reference. */
export function manifestCount(m: ManifestSet): number {
  let raw = 0;
  for (const list of m.kubeObjects.values()) raw += list.length;
  return m.environments.size + m.nodes.size + m.applications.size + m.releases.size + m.ingresses.size + m.certificates.size + raw;
}

export function assertHasManifests(m: ManifestSet, where: string, allowEmpty: boolean | undefined): void {
  assertManifestCount(manifestCount(m), where, allowEmpty);
}

/** assertHasManifests for a count already taken (validate's stored outcome keeps only the count). */
export function assertManifestCount(count: number, where: string, allowEmpty: boolean | undefined): void {
  if (allowEmpty || count > 0) return;
  throw new UserError(
    `no manifests found under ${where}`,
    ExitCode.Failure,
    'check --repo and --path; pass --allow-empty if an empty revision is meant (it deletes everything Boreas manages)',
  );
}

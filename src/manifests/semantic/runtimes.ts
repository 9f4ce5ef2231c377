// Each application carries the block its runtime needs (directly, or in every version of its
// Release), and runs in an Environment that can host that runtime.
import { releasesByApplication } from './releases.js';
import { finding, type Finding, type ManifestIndex } from './types.js';

const machineRuntimes = ['process', 'container', 'script', 'systemd'] as const;

export function checkRuntimes(index: ManifestIndex): Finding[] {
  const out: Finding[] = [];
  const releases = releasesByApplication(index);
  for (const doc of index.applications.values()) {
    const spec = doc.manifest.spec;
    const envType = index.environments.get(spec.environment)?.manifest.spec.type;
    if (spec.runtime === 'kubernetes') {
      if (!spec.kubernetes)
        out.push(finding(doc, ['spec', 'runtime'], 'runtime kubernetes needs spec.kubernetes: {path: <dir of raw manifests>} or {container: {...}}'));
      else if ((spec.kubernetes.path === undefined) === (spec.kubernetes.container === undefined))
        out.push(finding(doc, ['spec', 'kubernetes'], 'must set exactly one of: path, container'));
      if (envType && envType !== 'kubernetes') {
        out.push(finding(doc, ['spec', 'runtime'], `runtime kubernetes needs an Environment of type kubernetes, but "${spec.environment}" is type ${envType}`));
      }
      continue;
    }
    const runtime = spec.runtime;
    if (!(machineRuntimes as readonly string[]).includes(runtime)) continue;
    const key = runtime as (typeof machineRuntimes)[number];
    if (!spec[key]) {
      const release = releases.get(doc.name);
      const missing = release?.manifest.spec.versions.findIndex((v) => !v[key]) ?? -1;
      if (!release) {
        out.push(finding(doc, ['spec', 'runtime'], `runtime ${runtime} needs spec.${runtime} (or a Release whose every version sets ${runtime})`));
      } else if (missing >= 0) {
        const v = release.manifest.spec.versions[missing];
        out.push(
          finding(
            doc,
            ['spec', 'runtime'],
            `runtime ${runtime} needs spec.${runtime}: Release "${release.name}" version "${v.version}" (${release.ref.file}:${release.ref.line}) does not set ${runtime} either`,
          ),
        );
      }
    }
    if (envType === 'kubernetes' && runtime !== 'container') {
      out.push(
        finding(
          doc,
          ['spec', 'runtime'],
          `runtime ${runtime} cannot run in Environment "${spec.environment}" of type kubernetes; use runtime container or kubernetes`,
        ),
      );
    }
  }
  return out;
}

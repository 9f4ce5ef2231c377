// A Release pins one application: at most one Release per application, and its version percents
// add up to 100 so every instance gets exactly one version.
import type { Release } from '../model.js';
import { finding, type Finding, type ManifestDoc, type ManifestIndex } from './types.js';

/** The Release of each application (the first one when there are several). */
export function releasesByApplication(index: ManifestIndex): Map<string, ManifestDoc<Release>> {
  const out = new Map<string, ManifestDoc<Release>>();
  for (const doc of index.releases.values()) if (!out.has(doc.manifest.spec.application)) out.set(doc.manifest.spec.application, doc);
  return out;
}

export function checkReleases(index: ManifestIndex): Finding[] {
  const out: Finding[] = [];
  const first = releasesByApplication(index);
  for (const doc of index.releases.values()) {
    const app = doc.manifest.spec.application;
    const owner = first.get(app)!;
    if (owner !== doc) {
      out.push(
        finding(
          doc,
          ['spec', 'application'],
          `Application "${app}" already has Release "${owner.name}" (${owner.ref.file}:${owner.ref.line}); one Release per application`,
        ),
      );
    }
    const total = doc.manifest.spec.versions.reduce((sum, v) => sum + v.percent, 0);
    if (Math.abs(total - 100) > 1e-9) {
      const parts = doc.manifest.spec.versions.map((v) => `${v.version} ${v.percent}`).join(' + ');
      out.push(finding(doc, ['spec', 'versions'], `version percents must sum to 100 (got ${parts} = ${total})`));
    }
    const seen = new Set<string>();
    doc.manifest.spec.versions.forEach((v, i) => {
      if (seen.has(v.version)) out.push(finding(doc, ['spec', 'versions', i, 'version'], `version "${v.version}" is listed twice`));
      seen.add(v.version);
    });
  }
  return out;
}

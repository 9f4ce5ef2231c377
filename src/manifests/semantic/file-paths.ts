// File paths in manifests are absolute, or relative without `..`: a relative path must never climb
// out of the directory it is relative to (the instance dir, the manifests root).
import { climbs, findSecretSources, type SecretSourceAt } from './secret-sources.js';
import { finding, type Finding, type ManifestIndex } from './types.js';

export function checkFilePaths(index: ManifestIndex, sources: SecretSourceAt[] = findSecretSources(index)): Finding[] {
  const out: Finding[] = [];
  for (const { doc, path, source } of sources) {
    if (typeof source.file === 'string' && climbs(source.file))
      out.push(finding(doc, [...path, 'file'], `path "${source.file}" must not contain ".." segments`));
  }
  for (const doc of index.applications.values()) {
    const spec = doc.manifest.spec;
    spec.files?.forEach((f, i) => {
      if (climbs(f.path)) out.push(finding(doc, ['spec', 'files', i, 'path'], `path "${f.path}" must be absolute or relative without ".." segments`));
    });
    const kpath = spec.kubernetes?.path;
    if (kpath !== undefined && (kpath.startsWith('/') || climbs(kpath))) {
      out.push(finding(doc, ['spec', 'kubernetes', 'path'], `path "${kpath}" must be a directory relative to the manifests root, without ".." segments`));
    }
    const artifacts: [(string | number)[], string | undefined][] = [[['spec', 'process', 'artifact', 'path'], spec.process?.artifact?.path]];
    for (const [path, value] of artifacts) {
      if (value !== undefined && (!value.startsWith('/') || climbs(value)))
        out.push(finding(doc, path, `path "${value}" must be absolute and without ".." segments`));
    }
  }
  for (const doc of index.releases.values()) {
    doc.manifest.spec.versions.forEach((v, i) => {
      const value = v.process?.artifact?.path;
      if (value !== undefined && (!value.startsWith('/') || climbs(value))) {
        out.push(finding(doc, ['spec', 'versions', i, 'process', 'artifact', 'path'], `path "${value}" must be absolute and without ".." segments`));
      }
    });
  }
  return out;
}

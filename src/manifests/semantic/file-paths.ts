// File paths in manifests are absolute, or relative without `..`: a relative path must never climb
// out of the directory it is relative to (the instance dir, the manifests root).
import { finding, type Finding, type ManifestDoc, type ManifestIndex } from './types.js';

const secretKeys = new Set(['valueFrom', 'tokenFrom', 'certFrom', 'keyFrom', 'kubeconfigFrom']);

function climbs(path: string): boolean {
  return path.split(/[\\/]+/).includes('..');
}

export function checkFilePaths(index: ManifestIndex): Finding[] {
  const out: Finding[] = [];
  const all: ManifestDoc[] = [
    ...index.environments.values(),
    ...index.nodes.values(),
    ...index.applications.values(),
    ...index.releases.values(),
    ...index.certificates.values(),
  ];
  for (const doc of all) {
    walkSecretFiles(doc.manifest, [], (path, file) => {
      if (climbs(file)) out.push(finding(doc, path, `path "${file}" must not contain ".." segments`));
    });
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

/** Calls `visit` for every `<secret source>.file` string in a value. `path` is a shared stack,
 *  copied only when something is reported (this runs over every node of every manifest). */
function walkSecretFiles(value: unknown, path: (string | number)[], visit: (path: (string | number)[], file: string) => void): void {
  if (value === null || typeof value !== 'object') return;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      path.push(i);
      walkSecretFiles(value[i], path, visit);
      path.pop();
    }
    return;
  }
  for (const k in value) {
    const v = (value as Record<string, unknown>)[k];
    if (secretKeys.has(k) && v && typeof v === 'object' && typeof (v as { file?: unknown }).file === 'string') {
      visit([...path, k, 'file'], (v as { file: string }).file);
    } else if (v !== null && typeof v === 'object') {
      path.push(k);
      walkSecretFiles(v, path, visit);
      path.pop();
    }
  }
}

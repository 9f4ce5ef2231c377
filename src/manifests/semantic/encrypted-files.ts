// An encrypted value (`valueFrom: {age: PATH}` or `{sops: {file: PATH, key}}`) names a file of the same
// revision: a path relative to the manifests root, without "..", that exists. Checked without
// decrypting anything, so `validate` and PR previews need no identity.
import { finding, type Finding, type ManifestDoc, type ManifestIndex } from './types.js';

const sourceKeys = new Set(['valueFrom', 'tokenFrom', 'certFrom', 'keyFrom', 'kubeconfigFrom']);

/** `repoFiles`: every file path of the revision (relative to the manifests root); unchecked when absent. */
export function checkEncryptedFiles(index: ManifestIndex, repoFiles?: ReadonlySet<string>): Finding[] {
  const out: Finding[] = [];
  const all: ManifestDoc[] = [
    ...index.environments.values(),
    ...index.nodes.values(),
    ...index.applications.values(),
    ...index.releases.values(),
    ...index.certificates.values(),
  ];
  for (const doc of all) {
    walk(doc.manifest, [], (path, file) => {
      const problem = checkPath(file, repoFiles);
      if (problem) out.push(finding(doc, path, problem));
    });
  }
  return out;
}

function checkPath(file: string, repoFiles: ReadonlySet<string> | undefined): string | undefined {
  if (file.startsWith('/') || /^[A-Za-z]:[\\/]/.test(file)) return `path "${file}" must be relative to the manifests root (a file in the repository)`;
  if (file.split(/[\\/]+/).includes('..')) return `path "${file}" must not contain ".." segments`;
  const clean = file.replace(/^(\.\/)+/, '');
  if (repoFiles && !repoFiles.has(clean)) return `file "${file}" is not in this revision`;
  return undefined;
}

/** Calls `visit` with the field path of every age path / SOPS file of a secret source. */
function walk(value: unknown, path: (string | number)[], visit: (path: (string | number)[], file: string) => void): void {
  if (value === null || typeof value !== 'object') return;
  if (Array.isArray(value)) return value.forEach((v, i) => walk(v, [...path, i], visit));
  for (const [k, v] of Object.entries(value)) {
    if (sourceKeys.has(k) && v && typeof v === 'object') {
      const s = v as { age?: unknown; sops?: { file?: unknown } };
      if (typeof s.age === 'string') visit([...path, k, 'age'], s.age);
      if (typeof s.sops?.file === 'string') visit([...path, k, 'sops', 'file'], s.sops.file);
    } else walk(v, [...path, k], visit);
  }
}

// An encrypted value (`valueFrom: {age: PATH}` or `{sops: {file: PATH, key}}`) names a file of the same
// revision: a path relative to the manifests root, without "..", that exists. Checked without
// decrypting anything, so `validate` and PR previews need no identity.
import { climbs, findSecretSources, type SecretSourceAt } from './secret-sources.js';
import { finding, type Finding, type ManifestIndex } from './types.js';

/** `repoFiles`: every file path of the revision (relative to the manifests root); unchecked when absent. */
export function checkEncryptedFiles(index: ManifestIndex, repoFiles?: ReadonlySet<string>, sources: SecretSourceAt[] = findSecretSources(index)): Finding[] {
  const out: Finding[] = [];
  for (const { doc, path, source } of sources) {
    const files: Array<[() => (string | number)[], unknown]> = [
      [() => [...path, 'age'], source.age],
      [() => [...path, 'sops', 'file'], source.sops?.file],
    ];
    for (const [at, file] of files) {
      const problem = typeof file === 'string' ? checkPath(file, repoFiles) : undefined;
      if (problem) out.push(finding(doc, at(), problem));
    }
  }
  return out;
}

function checkPath(file: string, repoFiles: ReadonlySet<string> | undefined): string | undefined {
  if (file.startsWith('/') || /^[A-Za-z]:[\\/]/.test(file)) return `path "${file}" must be relative to the manifests root (a file in the repository)`;
  if (climbs(file)) return `path "${file}" must not contain ".." segments`;
  const clean = file.replace(/^(\.\/)+/, '');
  if (repoFiles && !repoFiles.has(clean)) return `file "${file}" is not in this revision`;
  return undefined;
}

// Every secret source in a manifest (`valueFrom`, `tokenFrom`, `certFrom`, `keyFrom`,
// `kubeconfigFrom`), found by one walk shared by the checks that look at them (file paths,
// encrypted files of the revision).
import type { ManifestDoc, ManifestIndex } from './types.js';

const sourceKeys = new Set(['valueFrom', 'tokenFrom', 'certFrom', 'keyFrom', 'kubeconfigFrom']);

/** A secret source as written, before the schema's types are trusted. */
export interface SourceFields {
  file?: unknown;
  age?: unknown;
  sops?: { file?: unknown };
}

/** The documents that may hold secret sources. */
export function docsWithSources(index: ManifestIndex): ManifestDoc[] {
  return [...index.environments.values(), ...index.nodes.values(), ...index.applications.values(), ...index.releases.values(), ...index.certificates.values()];
}

/**
 * Calls `visit` with the field path of every secret source in `value`. `path` is a shared stack,
 * copied only when a source is reported (this runs over every node of every manifest).
 */
export function walkSecretSources(value: unknown, path: (string | number)[], visit: (path: (string | number)[], source: SourceFields) => void): void {
  if (value === null || typeof value !== 'object') return;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      path.push(i);
      walkSecretSources(value[i], path, visit);
      path.pop();
    }
    return;
  }
  for (const k in value) {
    const v = (value as Record<string, unknown>)[k];
    if (v === null || typeof v !== 'object') continue;
    path.push(k);
    if (sourceKeys.has(k) && !Array.isArray(v)) visit([...path], v as SourceFields);
    else walkSecretSources(v, path, visit);
    path.pop();
  }
}

/** One secret source of a document, with its field path. */
export interface SecretSourceAt {
  doc: ManifestDoc;
  path: (string | number)[];
  source: SourceFields;
}

/** Every secret source of the index, in document order: one walk over every manifest, shared by the
 *  checks that look at them (checkSemantics passes it to each). */
export function findSecretSources(index: ManifestIndex): SecretSourceAt[] {
  const out: SecretSourceAt[] = [];
  for (const doc of docsWithSources(index)) walkSecretSources(doc.manifest, [], (path, source) => out.push({ doc, path, source }));
  return out;
}

/** True when a relative path climbs out of the directory it is relative to. */
export function climbs(path: string): boolean {
  return path.split(/[\\/]+/).includes('..');
}

// Indexes valid documents by kind and name, reporting duplicate names (the second one, pointing
// back at the first).
import type { BoreasKind } from '../model.js';
import { finding, type Finding, type ManifestDoc, type ManifestIndex } from './types.js';

const mapOf: Record<BoreasKind, keyof Omit<ManifestIndex, 'declared'>> = {
  Environment: 'environments',
  Node: 'nodes',
  Application: 'applications',
  Release: 'releases',
  Ingress: 'ingresses',
  Certificate: 'certificates',
};

/** Builds the index; `invalidNames` are names of documents that failed the schema layer. */
export function buildIndex(docs: ManifestDoc[], invalidNames: { kind: BoreasKind; name: string }[]): { index: ManifestIndex; findings: Finding[] } {
  const index: ManifestIndex = {
    environments: new Map(),
    nodes: new Map(),
    applications: new Map(),
    releases: new Map(),
    ingresses: new Map(),
    certificates: new Map(),
    declared: new Map(),
  };
  const findings: Finding[] = [];
  const declare = (kind: BoreasKind, name: string) => {
    if (!index.declared.has(kind)) index.declared.set(kind, new Set());
    index.declared.get(kind)!.add(name);
  };
  for (const { kind, name } of invalidNames) declare(kind, name);
  for (const doc of docs) {
    declare(doc.kind, doc.name);
    const map = index[mapOf[doc.kind]] as Map<string, ManifestDoc>;
    const first = map.get(doc.name);
    if (first) {
      findings.push(finding(doc, ['metadata', 'name'], `duplicate ${doc.kind} name "${doc.name}" (first defined at ${first.ref.file}:${first.ref.line})`));
      continue;
    }
    map.set(doc.name, doc);
  }
  return { index, findings };
}

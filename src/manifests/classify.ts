// Sorts every parsed document of a revision into what it is: a raw Kubernetes object under an
// Application's kubernetes.path, a Boreas manifest (schema-valid or not), or an unknown kind.
import type { Diagnostic } from '../model/diagnostic.js';
import type { SourceFile } from '../source/source.js';
import type { AnalyzedDoc, AnalyzedFile } from './analyze-file.js';
import { inFile } from './diag.js';
import { checkKubeObject, kubeDirPrefix } from './kube-object.js';
import { boreasKinds, type BoreasKind, type BoreasManifest, type RawKubeObject } from './model.js';
import type { ManifestDoc } from './semantic/index.js';
import { didYouMean } from '../util/suggest.js';

/** A finding whose position inside its file is looked up only when reported. */
export interface Pending {
  file: SourceFile;
  docIndex: number;
  path: (string | number)[];
  manifest?: string;
  message: string;
  severity?: 'warning';
}

export interface Classified {
  /** Findings whose positions are already known (YAML and schema layers, possibly from the cache). */
  diagnostics: Diagnostic[];
  pending: Pending[];
  /** Schema-valid Boreas documents, for the semantic layer. */
  valid: ManifestDoc[];
  /** Boreas documents that failed an earlier layer. */
  invalidNames: { kind: BoreasKind; name: string }[];
}

/**
 * Classifies documents; structurally sound raw Kubernetes objects are added to `kubeObjects`.
 * Files under `kustomizeInputs` (directories a kustomization reads) are kustomize's input, not
 * objects: only Boreas manifests among them are classified.
 */
export function classifyDocuments(
  files: SourceFile[],
  analyzed: AnalyzedFile[],
  kubeObjects: Map<string, RawKubeObject[]>,
  kustomizeInputs: string[] = [],
): Classified {
  const diagnostics: Diagnostic[] = [];
  const pending: Pending[] = [];
  const kubeDirs = kubernetesDirs(analyzed);
  const valid: ManifestDoc[] = [];
  const invalidNames: { kind: BoreasKind; name: string }[] = [];
  const known = new Set<string>(boreasKinds);

  files.forEach((file, i) => {
    const result = analyzed[i];
    for (const d of result.diagnostics) diagnostics.push(inFile(file.path, d));
    for (const b of result.broken) if (known.has(b.kind)) invalidNames.push(b as { kind: BoreasKind; name: string });
    const kubeApp = kubeDirs.find((k) => file.path.startsWith(k.prefix))?.application;
    // SOPS's own config file and SOPS-encrypted data files are data for `valueFrom: {sops}`, not manifests.
    if (/(^|\/)\.sops\.ya?ml$/.test(file.path)) return;
    const kustomizeInput = kustomizeInputs.some((d) => file.path.startsWith(d));
    for (const doc of result.docs) {
      if (isSopsDocument(doc.value)) continue;
      const origin = { file: file.path, docIndex: doc.docIndex, line: doc.line, col: doc.col };
      if (kustomizeInput && doc.value.apiVersion !== 'boreas.dev/v1') continue;
      if (kubeApp !== undefined) {
        const problems = checkKubeObject(doc.value);
        for (const p of problems) pending.push({ file, docIndex: doc.docIndex, path: p.path, manifest: kubeLabel(doc), message: p.message });
        if (!problems.length) {
          const list = kubeObjects.get(kubeApp) ?? [];
          list.push({ object: doc.value as RawKubeObject['object'], origin, application: kubeApp });
          kubeObjects.set(kubeApp, list);
        }
      } else if (doc.schemaDiagnostics) {
        for (const d of doc.schemaDiagnostics) diagnostics.push(inFile(file.path, d));
        if (doc.schemaDiagnostics.length) {
          if (doc.name) invalidNames.push({ kind: doc.kind as BoreasKind, name: doc.name });
        } else {
          // Schema-valid (possibly per the parse cache): the kind's type is generated from that schema.
          valid.push({ kind: doc.kind as BoreasKind, name: doc.name!, manifest: doc.value as unknown as BoreasManifest, ref: origin });
        }
      } else {
        pending.push({ file, docIndex: doc.docIndex, ...unknownKind(doc, known) });
      }
    }
  });

  // A kubernetes.path with nothing in it is almost certainly a typo in the path.
  for (const k of kubeDirs) {
    if (files.some((f) => f.path.startsWith(k.prefix))) continue;
    const app = valid.find((d) => d.kind === 'Application' && d.name === k.application);
    const file = app && files.find((f) => f.path === app.ref.file);
    if (app && file) {
      pending.push({
        file,
        docIndex: app.ref.docIndex,
        path: ['spec', 'kubernetes', 'path'],
        manifest: `Application/${app.name}`,
        message: `no *.yaml/*.yml files under "${k.prefix.slice(0, -1)}"`,
      });
    }
  }
  return { diagnostics, pending, valid, invalidNames };
}

/** Directory prefixes named by Applications' kubernetes.path (longest first), whatever their validity,
 *  so raw files of an Application with an unrelated schema error are not misreported. */
export function kubernetesDirs(analyzed: AnalyzedFile[]): { prefix: string; application: string }[] {
  const out: { prefix: string; application: string }[] = [];
  analyzed.forEach((a) => {
    for (const doc of a.docs) {
      if (doc.kind !== 'Application' || !doc.name) continue;
      const path = (doc.value.spec as { kubernetes?: { path?: unknown } } | undefined)?.kubernetes?.path;
      const prefix = typeof path === 'string' ? kubeDirPrefix(path) : undefined;
      if (prefix) out.push({ prefix, application: doc.name });
    }
  });
  return out.sort((a, b) => b.prefix.length - a.prefix.length);
}

function unknownKind(doc: AnalyzedDoc, known: Set<string>): Omit<Pending, 'file' | 'docIndex'> {
  const kinds = [...known].join(', ');
  if (doc.kind === undefined) {
    const has = 'kind' in doc.value;
    return { path: has ? ['kind'] : [], message: has ? `kind must be a string: one of ${kinds}` : `missing "kind": expected one of ${kinds}` };
  }
  const hint = didYouMean(doc.kind, known);
  const raw =
    !hint && doc.value.apiVersion !== 'boreas.dev/v1' ? "; raw Kubernetes objects belong in a directory named by an Application's spec.kubernetes.path" : '';
  return { path: ['kind'], manifest: kubeLabel(doc), message: `unknown kind "${doc.kind}"${hint || ` (expected one of ${kinds})`}${raw}` };
}

/** A document SOPS encrypted: a top-level `sops` mapping with its MAC and age/kms/pgp metadata. */
function isSopsDocument(value: Record<string, unknown>): boolean {
  const sops = value.sops as Record<string, unknown> | undefined;
  return !('kind' in value) && !!sops && typeof sops === 'object' && typeof sops.mac === 'string' && 'lastmodified' in sops;
}

function kubeLabel(doc: AnalyzedDoc): string | undefined {
  return doc.kind ? `${doc.kind}/${doc.name ?? '?'}` : undefined;
}

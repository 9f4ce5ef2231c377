// Loads one revision's manifests from a Source: every *.yaml/*.yml file is parsed (or taken from the
// blob-SHA parse cache), Boreas documents are schema-checked, raw Kubernetes files under an
// Application's kubernetes.path are structurally checked, and the semantic layer runs over the rest.
// Bad input only ever produces diagnostics; an error diagnostic means "this revision is invalid".
import type { Diagnostic } from '../model/diagnostic.js';
import type { ResolvedRevision, Source, SourceFile } from '../source/source.js';
import { analyzeFile, type AnalyzedDoc, type AnalyzedFile } from './analyze-file.js';
import { compareDiagnostics, fieldPath, inFile } from './diag.js';
import { checkKubeObject, kubeDirPrefix } from './kube-object.js';
import { boreasKinds, emptyManifestSet, type BoreasKind, type BoreasManifest, type ManifestSet, type RawKubeObject } from './model.js';
import { loaderCodeHash, openParseCache } from './parse-cache.js';
import { locate } from './positions.js';
import { checkSemantics, type ManifestDoc } from './semantic/index.js';
import { schemasHash } from './schema-validator.js';
import { didYouMean } from './suggest.js';
import { parseYamlFile } from './yaml-file.js';

export interface LoadOptions {
  /** Directory of the persistent parse cache; no cache when omitted. */
  cacheDir?: string;
}

export interface LoadResult {
  revision: ResolvedRevision;
  /** Only schema-valid documents; use it only when `diagnostics` has no error. */
  manifests: ManifestSet;
  /** Sorted by file, line, column. */
  diagnostics: Diagnostic[];
  stats: { files: number; parsed: number; cached: number };
}

/** A finding whose position inside its file is looked up only when reported. */
interface Pending {
  file: SourceFile;
  docIndex: number;
  path: (string | number)[];
  manifest?: string;
  message: string;
}

const READ_CONCURRENCY = 16;

/** Loads and validates every manifest of the source's revision. */
export async function loadManifests(source: Source, opts: LoadOptions = {}): Promise<LoadResult> {
  const revision = await source.resolve();
  const files = (await source.listFiles()).filter((f) => /\.ya?ml$/i.test(f.path)).sort((a, b) => (a.path < b.path ? -1 : 1));
  const cache = openParseCache(opts.cacheDir, schemasHash() + loaderCodeHash());
  const analyzed = new Array<AnalyzedFile>(files.length);
  let parsed = 0;
  let next = 0;
  const worker = async () => {
    while (next < files.length) {
      const i = next++;
      const hit = cache.get(files[i].blobSha);
      if (hit) {
        analyzed[i] = hit;
        continue;
      }
      analyzed[i] = analyzeFile(await source.readFile(files[i].path)).analyzed;
      cache.set(files[i].blobSha, analyzed[i]);
      parsed++;
    }
  };
  await Promise.all(Array.from({ length: READ_CONCURRENCY }, worker));

  const diagnostics: Diagnostic[] = [];
  const pending: Pending[] = [];
  const manifests = emptyManifestSet();
  const kubeDirs = kubernetesDirs(analyzed);
  const valid: ManifestDoc[] = [];
  const invalidNames: { kind: BoreasKind; name: string }[] = [];
  const known = new Set<string>(boreasKinds);

  files.forEach((file, i) => {
    const result = analyzed[i];
    for (const d of result.diagnostics) diagnostics.push(inFile(file.path, d));
    for (const b of result.broken) if (known.has(b.kind)) invalidNames.push(b as { kind: BoreasKind; name: string });
    const kubeApp = kubeDirs.find((k) => file.path.startsWith(k.prefix))?.application;
    for (const doc of result.docs) {
      const origin = { file: file.path, docIndex: doc.docIndex, line: doc.line, col: doc.col };
      if (kubeApp !== undefined) {
        const problems = checkKubeObject(doc.value);
        for (const p of problems) pending.push({ file, docIndex: doc.docIndex, path: p.path, manifest: kubeLabel(doc), message: p.message });
        if (!problems.length) {
          const list = manifests.kubeObjects.get(kubeApp) ?? [];
          list.push({ object: doc.value as RawKubeObject['object'], origin, application: kubeApp });
          manifests.kubeObjects.set(kubeApp, list);
        }
      } else if (doc.schemaDiagnostics) {
        for (const d of doc.schemaDiagnostics) diagnostics.push(inFile(file.path, d));
        if (doc.schemaDiagnostics.length) {
          if (doc.name) invalidNames.push({ kind: doc.kind as BoreasKind, name: doc.name });
        } else {
          valid.push({ kind: doc.kind as BoreasKind, name: doc.name!, manifest: doc.value as unknown as BoreasManifest, ref: origin });
        }
      } else {
        pending.push({ file, docIndex: doc.docIndex, ...unknownKind(doc, known) });
      }
    }
  });

  const byPath = new Map(files.map((f) => [f.path, f]));
  for (const k of kubeDirs) {
    if (files.some((f) => f.path.startsWith(k.prefix))) continue;
    const app = valid.find((d) => d.kind === 'Application' && d.name === k.application);
    if (app) {
      pending.push({ file: byPath.get(app.ref.file)!, docIndex: app.ref.docIndex, path: ['spec', 'kubernetes', 'path'], manifest: `Application/${app.name}`, message: `no *.yaml/*.yml files under "${k.prefix.slice(0, -1)}"` });
    }
  }
  for (const f of checkSemantics(valid, invalidNames)) {
    const file = byPath.get(f.ref.file)!;
    pending.push({ file, docIndex: f.ref.docIndex, path: f.path, manifest: f.manifest, message: f.message });
  }
  diagnostics.push(...(await locatePending(source, pending)));
  fillManifestSet(manifests, valid);
  cache.save(files.map((f) => f.blobSha));
  diagnostics.sort(compareDiagnostics);
  return { revision, manifests, diagnostics, stats: { files: files.length, parsed, cached: files.length - parsed } };
}

/** Directory prefixes named by Applications' kubernetes.path (longest first), whatever their validity,
 *  so raw files of an Application with an unrelated schema error are not misreported. */
function kubernetesDirs(analyzed: AnalyzedFile[]): { prefix: string; application: string }[] {
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
  const raw = !hint && doc.value.apiVersion !== 'boreas.dev/v1' ? '; raw Kubernetes objects belong in a directory named by an Application\'s spec.kubernetes.path' : '';
  return { path: ['kind'], manifest: kubeLabel(doc), message: `unknown kind "${doc.kind}"${hint || ` (expected one of ${kinds})`}${raw}` };
}

function kubeLabel(doc: AnalyzedDoc): string | undefined {
  return doc.kind ? `${doc.kind}/${doc.name ?? '?'}` : undefined;
}

/** Resolves positions, re-parsing each concerned file once (it may have come from the cache). */
async function locatePending(source: Source, pending: Pending[]): Promise<Diagnostic[]> {
  const byFile = new Map<SourceFile, Pending[]>();
  for (const p of pending) byFile.set(p.file, [...(byFile.get(p.file) ?? []), p]);
  const out: Diagnostic[] = [];
  for (const [file, list] of byFile) {
    const parsed = parseYamlFile(await source.readFile(file.path));
    for (const p of list) {
      const doc = parsed.docs.find((d) => d.docIndex === p.docIndex);
      const pos = doc ? locate(doc.document, parsed.lineCounter, p.path) : { line: 1, col: 1 };
      out.push(inFile(file.path, { ...pos, manifest: p.manifest, field: fieldPath(p.path), message: p.message, severity: 'error' }));
    }
  }
  return out;
}

function fillManifestSet(set: ManifestSet, docs: ManifestDoc[]): void {
  const put = <T>(map: Map<string, { manifest: T; origin: ManifestDoc['ref'] }>, key: string, doc: ManifestDoc) => {
    if (!map.has(key)) map.set(key, { manifest: doc.manifest as T, origin: doc.ref });
  };
  for (const doc of docs) {
    const m = doc.manifest;
    switch (m.kind) {
      case 'Environment': put(set.environments, doc.name, doc); break;
      case 'Node': put(set.nodes, doc.name, doc); break;
      case 'Application': put(set.applications, doc.name, doc); break;
      case 'Release': put(set.releases, m.spec.application, doc); break;
      case 'Ingress': put(set.ingresses, doc.name, doc); break;
      case 'Certificate': put(set.certificates, doc.name, doc); break;
    }
  }
}

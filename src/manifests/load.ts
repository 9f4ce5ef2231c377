// Loads one revision's manifests from a Source: every *.yaml/*.yml file is parsed (or taken from the
// blob-SHA parse cache), Boreas documents are schema-checked, raw Kubernetes files under an
// Application's kubernetes.path are structurally checked, and the semantic layer runs over the rest.
// Bad input only ever produces diagnostics; an error diagnostic means "this revision is invalid".
import type { Diagnostic } from '../model/diagnostic.js';
import type { ResolvedRevision, Source, SourceFile } from '../source/source.js';
import type { AnalyzedFile } from './analyze-file.js';
import { type AnalysisHelper, analyzeFiles } from './analyze-parallel.js';
import { compareDiagnostics, fieldPath, inFile } from './diag.js';
import { classifyDocuments, kubernetesDirs, type Pending } from './classify.js';
import { checkKubernetesObjects } from './kubernetes/check-objects.js';
import { findKustomizations, renderKustomization } from './kubernetes/kustomize.js';
import { emptyManifestSet, type ManifestSet } from './model.js';
import { loaderCodeHash, openParseCache } from './parse-cache.js';
import { locate } from './positions.js';
import { checkSemantics, type ManifestDoc } from './semantic/index.js';
import { schemasHash } from './schema-validator.js';
import { parseYamlFile } from './yaml-file.js';

export interface LoadOptions {
  /** Directory of the persistent parse cache; no cache when omitted. */
  cacheDir?: string;
  /** Analyze files over two threads from this many files to parse and this many cores (analyze-parallel.ts); tests lower them. */
  parallelFrom?: number;
  minCores?: number;
  /** A worker thread started ahead (startAnalysisHelper), used when enough files need parsing and stopped otherwise. */
  helper?: AnalysisHelper;
}

export interface LoadResult {
  revision: ResolvedRevision;
  /** Only schema-valid documents; use it only when `diagnostics` has no error. */
  manifests: ManifestSet;
  /** Sorted by file, line, column. */
  diagnostics: Diagnostic[];
  stats: { files: number; parsed: number; cached: number };
}

const READ_CONCURRENCY = 16;

/** Loads and validates every manifest of the source's revision. */
export async function loadManifests(source: Source, opts: LoadOptions = {}): Promise<LoadResult> {
  const allFiles = await source.listFiles();
  const listed = allFiles.filter((f) => /\.ya?ml$/i.test(f.path)).sort((a, b) => (a.path < b.path ? -1 : 1));
  // Files the source refuses to read (a symlink leaving the repository) are errors, never parsed.
  const refused = listed.filter((f) => f.problem);
  const files = listed.filter((f) => !f.problem);
  const cache = openParseCache(opts.cacheDir, schemasHash() + loaderCodeHash());
  const analyzed = files.map((f) => cache.get(f.blobSha));
  const missing = analyzed.flatMap((a, i) => (a ? [] : [i]));
  let resolving: Promise<ResolvedRevision> | undefined;
  const contents = await readAll(missing.length, (k) => source.readFile(files[missing[k]].path));
  const fresh = await analyzeFiles(contents, {
    parallelFrom: opts.parallelFrom,
    minCores: opts.minCores,
    helper: opts.helper,
    keys: opts.cacheDir ? missing.map((i) => files[i].blobSha) : undefined,
    // For a working tree: its tree hash and whether HEAD holds it, found while the worker parses.
    meanwhile: () => (resolving ??= source.resolve()),
  });
  const revision = await (resolving ?? source.resolve());
  missing.forEach((i, k) => {
    analyzed[i] = fresh.analyzed[k];
    cache.set(files[i].blobSha, fresh.analyzed[k]);
  });
  const parsed = missing.length;

  const manifests = emptyManifestSet();
  const kustomize = await findKustomizations(source, allFiles, kubernetesDirs(analyzed as AnalyzedFile[]));
  const kustomizeInputs = kustomize.found.flatMap((k) => k.inputs);
  const { diagnostics, pending, valid, invalidNames } = classifyDocuments(files, analyzed as AnalyzedFile[], manifests.kubeObjects, kustomizeInputs);
  const kustomizeProblems = [...kustomize.problems];

  const byPath = new Map(files.map((f) => [f.path, f]));
  for (const f of checkSemantics(valid, invalidNames, new Set(allFiles.map((f) => f.path)))) {
    const file = byPath.get(f.ref.file)!;
    pending.push({ file, docIndex: f.ref.docIndex, path: f.path, manifest: f.manifest, message: f.message, severity: f.severity });
  }
  fillManifestSet(manifests, valid);
  for (const k of kustomize.found) {
    if (!manifests.applications.has(k.application) || k.refused) continue;
    const rendered = await renderKustomization(source, allFiles, k, opts.cacheDir);
    if ('problem' in rendered) kustomizeProblems.push(rendered.problem);
    else manifests.kubeObjects.set(k.application, rendered.objects);
  }
  for (const p of kustomizeProblems) {
    const file = byPath.get(p.file) ?? allFiles.find((f) => f.path === p.file);
    if (file) pending.push({ file, docIndex: 0, path: [], message: p.message });
  }
  // Raw Kubernetes objects against the OpenAPI schemas of their environment's version (and the
  // revision's CRDs): never cached per file, as the result depends on other files.
  for (const f of await checkKubernetesObjects(manifests)) {
    const file = byPath.get(f.origin.file);
    if (file) pending.push({ file, docIndex: f.origin.docIndex, path: f.path, manifest: f.manifest, message: f.message });
  }
  diagnostics.push(...(await locatePending(source, pending)));
  for (const f of refused) diagnostics.push(inFile(f.path, { line: 1, col: 1, field: '', message: f.problem!, severity: 'error' }));
  const serialized = await fresh.serialized; // the worker serialized its share meanwhile
  if (serialized) cache.addSerialized(serialized);
  cache.save(files.map((f) => f.blobSha));
  diagnostics.sort(compareDiagnostics);
  return { revision, manifests, diagnostics, stats: { files: listed.length, parsed, cached: files.length - parsed } };
}

/** The bytes of `count` files, a few reads in flight (sources that read from git are asynchronous). */
async function readAll(count: number, read: (i: number) => Promise<Buffer>): Promise<Buffer[]> {
  const out = new Array<Buffer>(count);
  let next = 0;
  const reader = async () => {
    while (next < count) {
      const i = next++;
      out[i] = await read(i);
    }
  };
  await Promise.all(Array.from({ length: READ_CONCURRENCY }, reader));
  return out;
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
      out.push(inFile(file.path, { ...pos, manifest: p.manifest, field: fieldPath(p.path, doc?.value), message: p.message, severity: p.severity ?? 'error' }));
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
      case 'Environment':
        put(set.environments, doc.name, doc);
        break;
      case 'Node':
        put(set.nodes, doc.name, doc);
        break;
      case 'Application':
        put(set.applications, doc.name, doc);
        break;
      case 'Release':
        put(set.releases, m.spec.application, doc);
        break;
      case 'Ingress':
        put(set.ingresses, doc.name, doc);
        break;
      case 'Certificate':
        put(set.certificates, doc.name, doc);
        break;
    }
  }
}

// Kustomize sources: an Application whose `kubernetes.path` holds a kustomization is rendered with
// `kubectl kustomize` (kustomize built into kubectl; no other binary), and the output is treated
// like raw manifests (validation, plan, drift). The inputs are the files of the kustomization's
// directory and of every local directory it pulls in (resources, bases, components), read from the
// revision (not the working tree), written to a scratch directory and rendered there; the output is
// cached by the hash of those files, so an unchanged overlay is never rendered twice.
//
// Rendering adds `buildMetadata: [originAnnotations]`, so each object says which file it came from;
// findings then point into that file (the annotation is removed before anything is applied).
// Remote resources (URLs, git) are refused: Boreas never fetches from outside the repository.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join, posix } from 'node:path';
import { parseAllDocuments, parse as parseYaml, stringify } from 'yaml';
import type { Source, SourceFile } from '../../source/source.js';
import type { Origin, RawKubeObject } from '../model.js';

export const KUSTOMIZATION_FILES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];
const ORIGIN_ANNOTATION = 'config.kubernetes.io/origin';
const RENDER_TIMEOUT_MS = 60_000;

/** One kustomization an Application renders. */
export interface Kustomization {
  application: string;
  /** Directory of the kustomization (`k8s/overlays/prod`), no trailing slash. */
  dir: string;
  /** Its kustomization file. */
  file: SourceFile;
  /** Every local directory it reads (itself included), with trailing slashes. */
  inputs: string[];
  /** A problem was found in its inputs (a remote resource, a path outside the repo): not rendered. */
  refused: boolean;
}

/** A problem that stops rendering, placed on the kustomization file (or the Application). */
export interface KustomizeProblem {
  file: string;
  message: string;
}

/** The kustomizations of Applications whose kubernetes.path directory holds one, with their input directories. */
export async function findKustomizations(
  source: Source,
  files: SourceFile[],
  dirs: { prefix: string; application: string }[],
): Promise<{ found: Kustomization[]; problems: KustomizeProblem[] }> {
  const byPath = new Map(files.map((f) => [f.path, f]));
  const found: Kustomization[] = [];
  const problems: KustomizeProblem[] = [];
  for (const { prefix, application } of dirs) {
    const dir = prefix.replace(/\/$/, '');
    const file = kustomizationIn(dir, byPath);
    if (!file) continue;
    const inputs = new Set<string>();
    const visit = async (d: string, via: SourceFile): Promise<void> => {
      if (inputs.has(`${d}/`)) return;
      inputs.add(`${d}/`);
      const k = kustomizationIn(d, byPath);
      if (!k) return;
      let doc: Record<string, unknown>;
      try {
        doc = (parseYaml((await source.readFile(k.path)).toString('utf8')) ?? {}) as Record<string, unknown>;
      } catch (err) {
        problems.push({ file: k.path, message: `kustomization is not valid YAML: ${(err as Error).message.split('\n')[0]}` });
        return;
      }
      for (const key of ['resources', 'bases', 'components']) {
        for (const entry of (doc[key] as unknown[] | undefined) ?? []) {
          const ref = String(entry);
          if (/^[a-z][a-z0-9+.-]*:\/\//i.test(ref) || /^(github\.com|gitlab\.com|bitbucket\.org)\//.test(ref) || ref.startsWith('git@')) {
            problems.push({ file: k.path, message: `${key}: remote resource "${ref}" is not supported (Boreas renders only files of the repository)` });
            continue;
          }
          const target = posix.normalize(posix.join(d, ref));
          if (target.startsWith('../') || target === '..') {
            problems.push({ file: k.path, message: `${key}: "${ref}" points outside the manifests directory` });
            continue;
          }
          if (kustomizationIn(target, byPath)) await visit(target, via);
        }
      }
    };
    const before = problems.length;
    await visit(dir, file);
    // Never render a kustomization with a refused input: kubectl would fetch remote resources itself.
    found.push({ application, dir, file, inputs: [...inputs], refused: problems.length > before });
  }
  return { found, problems };
}

function kustomizationIn(dir: string, byPath: Map<string, SourceFile>): SourceFile | undefined {
  for (const name of KUSTOMIZATION_FILES) {
    const f = byPath.get(dir ? `${dir}/${name}` : name);
    if (f) return f;
  }
  return undefined;
}

/** `kubectl` on PATH, or undefined. */
export function findKubectl(): string | undefined {
  for (const d of (process.env.PATH ?? '').split(delimiter)) {
    const p = join(d, 'kubectl');
    if (d && existsSync(p)) return p;
  }
  return undefined;
}

/**
 * Renders one kustomization into raw objects (origins point at the file each object came from),
 * or a problem. `cacheDir` keeps rendered output by input hash.
 */
export async function renderKustomization(
  source: Source,
  files: SourceFile[],
  k: Kustomization,
  cacheDir: string | undefined,
): Promise<{ objects: RawKubeObject[] } | { problem: KustomizeProblem }> {
  const kubectl = findKubectl();
  if (!kubectl)
    return {
      problem: {
        file: k.file.path,
        message: 'rendering a kustomization needs kubectl on PATH (`kubectl kustomize`); install kubectl or commit the rendered manifests',
      },
    };
  const inputs = files.filter((f) => k.inputs.some((d) => f.path.startsWith(d))).sort((a, b) => (a.path < b.path ? -1 : 1));
  const st = statSync(kubectl);
  const hash = createHash('sha256').update(`${kubectl}\0${st.size}\0${st.mtimeMs}\0${k.dir}\0`);
  for (const f of inputs) hash.update(`${f.path}\0${f.blobSha}\0`);
  const key = hash.digest('hex');
  const cached = cacheDir ? join(cacheDir, 'kustomize', `${key}.yaml`) : undefined;
  let text = cached && existsSync(cached) ? await readFile(cached, 'utf8') : undefined;
  if (text === undefined) {
    const rendered = await render(kubectl, source, inputs, k);
    if ('problem' in rendered) return rendered;
    text = rendered.text;
    if (cached) {
      await mkdir(join(cacheDir!, 'kustomize'), { recursive: true });
      await writeFile(`${cached}.${process.pid}.tmp`, text);
      await rename(`${cached}.${process.pid}.tmp`, cached);
    }
  }
  return { objects: await toObjects(text, k, source, new Set(files.map((f) => f.path))) };
}

async function render(kubectl: string, source: Source, inputs: SourceFile[], k: Kustomization): Promise<{ text: string } | { problem: KustomizeProblem }> {
  const scratch = await mkdtemp(join(tmpdir(), 'boreas-kustomize-'));
  try {
    for (const f of inputs) {
      await mkdir(join(scratch, posix.dirname(f.path)), { recursive: true });
      let bytes = await source.readFile(f.path);
      if (f.path === k.file.path) {
        const doc = (parseYaml(bytes.toString('utf8')) ?? {}) as Record<string, unknown>;
        const meta = new Set([...((doc.buildMetadata as string[] | undefined) ?? []), 'originAnnotations']);
        bytes = Buffer.from(stringify({ ...doc, buildMetadata: [...meta] }));
      }
      await writeFile(join(scratch, f.path), bytes);
    }
    const out = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile(
        kubectl,
        ['kustomize', join(scratch, k.dir)],
        { timeout: RENDER_TIMEOUT_MS, maxBuffer: 256 * 1024 * 1024, env: { ...process.env, KUBECONFIG: '/dev/null' } },
        (err, stdout, stderr) => resolve({ code: err ? 1 : 0, stdout, stderr: stderr || (err?.message ?? '') }),
      );
    });
    if (out.code !== 0) {
      const reason = out.stderr
        .split(scratch + posix.sep)
        .join('')
        .split(scratch)
        .join('')
        .trim()
        .split('\n')
        .slice(0, 3)
        .join('; ');
      return { problem: { file: k.file.path, message: `kubectl kustomize failed: ${reason}` } };
    }
    return { text: out.stdout };
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

/** Rendered YAML → raw objects, each with the origin kustomize recorded (then removed from the object). */
async function toObjects(text: string, k: Kustomization, source: Source, known: Set<string>): Promise<RawKubeObject[]> {
  const out: RawKubeObject[] = [];
  const sourceDocs = new Map<string, { kind?: string; name?: string; docIndex: number; line: number; col: number }[]>();
  for (const doc of parseAllDocuments(text)) {
    const object = doc.toJSON() as RawKubeObject['object'] | null;
    if (!object || typeof object !== 'object') continue;
    const annotations = (object.metadata?.annotations ?? {}) as Record<string, string>;
    const from = annotations[ORIGIN_ANNOTATION];
    if (from !== undefined) {
      delete annotations[ORIGIN_ANNOTATION];
      if (Object.keys(annotations).length === 0) delete object.metadata.annotations;
    }
    let origin: Origin = { file: k.file.path, docIndex: 0, line: 1, col: 1 };
    const path = from ? (parseYaml(from) as { path?: string; configuredIn?: string } | null) : null;
    const rel = path?.path ?? path?.configuredIn;
    if (rel) {
      const file = posix.normalize(posix.join(k.dir, rel));
      if (known.has(file)) origin = await locateSource(file, object, source, sourceDocs);
    }
    out.push({ object, origin, application: k.application });
  }
  return out;
}

/** The document of `file` the object came from: same kind, and a name the rendered one contains (namePrefix/Suffix). */
async function locateSource(
  file: string,
  object: RawKubeObject['object'],
  source: Source,
  cache: Map<string, { kind?: string; name?: string; docIndex: number; line: number; col: number }[]>,
): Promise<Origin> {
  let docs = cache.get(file);
  if (!docs) {
    const text = (await source.readFile(file)).toString('utf8');
    const lines = text.split('\n');
    docs = parseAllDocuments(text).map((d, docIndex) => {
      const v = d.toJSON() as { kind?: string; metadata?: { name?: string } } | null;
      const start = d.contents?.range?.[0] ?? 0;
      const line = text.slice(0, start).split('\n').length;
      return { kind: v?.kind, name: v?.metadata?.name, docIndex, line: Math.min(line, lines.length), col: 1 };
    });
    cache.set(file, docs);
  }
  const sameKind = docs.filter((d) => d.kind === object.kind);
  const doc = sameKind.find((d) => d.name && object.metadata.name.includes(d.name)) ?? sameKind[0] ?? docs[0];
  return { file, docIndex: doc?.docIndex ?? 0, line: doc?.line ?? 1, col: doc?.col ?? 1 };
}

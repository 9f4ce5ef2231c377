#!/usr/bin/env node
// Builds the shipped CLI: src/cli/main.ts (the `boreas` bin) and src/cli/agent-main.ts bundled with
// esbuild into dist/src/cli/, code-split into dist/src/chunks/ so every `import()` in the command
// registry and the target factories becomes a chunk loaded only by the command that needs it. One
// bundle starts several times faster than ~1,000 separately resolved ES modules (issue 12; figures
// in scripts/bench/startup.ts). Type checking is `npm run typecheck`; this only transpiles.
// Dependencies with native parts or runtime file lookups stay external (resolved from node_modules
// at run time, as before): see EXTERNAL.
import { createHash } from 'node:crypto';
import { chmodSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import { build } from 'esbuild';

const root = new URL('..', import.meta.url).pathname;

/** Not bundled: native addons (better-sqlite3, pg's optional native binding, ssh2/cpu-features under
 *  dockerode), packages that locate their own files at run time (kubernetes-models: one module per
 *  kind, loaded by name), and the Kubernetes client (large, loaded only by the kubernetes target). */
const EXTERNAL = ['better-sqlite3', 'pg', 'pg-native', 'dockerode', 'ssh2', 'cpu-features', 'kubernetes-models', '@kubernetes/client-node'];

/** Hash of src/manifests, baked in so the parse cache is invalidated by a changed loader exactly as
 *  when running the sources (src/manifests/parse-cache.ts hashes the files themselves there). */
function manifestsCodeHash() {
  const dir = join(root, 'src', 'manifests');
  const hash = createHash('sha256');
  const files = readdirSync(dir, { recursive: true })
    .filter((f) => /\.(ts|js)$/.test(f))
    .sort();
  for (const f of files) hash.update(f).update(readFileSync(join(dir, f)));
  return hash.digest('hex');
}

/** Hash of everything that decides what a command computes (src/util/code-hash.ts hashes the same
 *  inputs when running the sources): stored outcomes (validate's) are keyed with it. */
function codeHash() {
  const hash = createHash('sha256');
  for (const dir of ['src', 'schemas']) {
    const files = readdirSync(join(root, dir), { recursive: true })
      .filter((f) => /\.(ts|js|json)$/.test(f))
      .sort();
    for (const f of files) hash.update(`${dir}/${f}\0`).update(readFileSync(join(root, dir, f)));
  }
  for (const f of ['package.json', 'package-lock.json']) hash.update(`${f}\0`).update(readFileSync(join(root, f)));
  return hash.digest('hex');
}

rmSync(join(root, 'dist'), { recursive: true, force: true });
const started = Date.now();
const result = await build({
  absWorkingDir: root,
  // The manifest analysis worker (src/manifests/analyze-parallel.ts) is a module of its own.
  entryPoints: ['src/cli/main.ts', 'src/cli/agent-main.ts', 'src/manifests/analyze-worker.ts'],
  outbase: 'src',
  outdir: 'dist/src',
  entryNames: '[dir]/[name]',
  chunkNames: 'chunks/[name]-[hash]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  external: EXTERNAL,
  // CommonJS dependencies bundled into ESM still call require() for Node built-ins.
  banner: { js: "import { createRequire as __boreasCreateRequire } from 'node:module'; const require = __boreasCreateRequire(import.meta.url);" },
  define: { BOREAS_MANIFESTS_CODE_HASH: JSON.stringify(manifestsCodeHash()), BOREAS_CODE_HASH: JSON.stringify(codeHash()) },
  legalComments: 'none',
  logLevel: 'warning',
  metafile: true,
});
chmodSync(join(root, 'dist/src/cli/main.js'), 0o755);
chmodSync(join(root, 'dist/src/cli/agent-main.js'), 0o755);
const outputs = Object.keys(result.metafile.outputs);
console.log(`bundled ${outputs.length} file(s) into ${relative(process.cwd(), join(root, 'dist')) || 'dist'} in ${Date.now() - started} ms`);

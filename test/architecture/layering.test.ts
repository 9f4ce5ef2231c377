// The folder layering of src/ as docs/architecture.md draws it, enforced on every import (static,
// dynamic and type-only): a folder may import only the folders listed for it here, and the folder
// graph has no cycle. A new folder, or a new kind of dependency, is a deliberate edit to this table
// and to the document, never an accident.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import test from 'node:test';

const src = resolve(import.meta.dirname, '../../src');

/** Allowed imports per folder (besides itself). Bottom: model, util. Top: cli. */
const allowed: Record<string, string[]> = {
  model: [],
  util: ['model'],
  protocol: ['model'],
  store: ['model', 'util'],
  source: ['model', 'util'],
  runtime: ['model', 'util'],
  manifests: ['source', 'model', 'util'],
  secrets: ['manifests', 'source', 'store', 'model', 'util'],
  desired: ['manifests', 'secrets', 'model', 'util'],
  plan: ['desired', 'model', 'util'],
  // The node agent: task handlers over the runtime; the local target runs them in-process.
  agent: ['runtime', 'protocol', 'model', 'util'],
  targets: ['agent', 'runtime', 'protocol', 'secrets', 'store', 'model', 'util'],
  report: ['plan', 'desired', 'secrets', 'store', 'model', 'util'],
  engine: ['targets', 'plan', 'desired', 'secrets', 'manifests', 'source', 'store', 'model', 'util'],
  daemon: ['engine', 'report', 'targets', 'protocol', 'secrets', 'manifests', 'source', 'store', 'model', 'util'],
  scaffold: ['util'],
  cli: ['daemon', 'engine', 'report', 'agent', 'scaffold', 'targets', 'secrets', 'manifests', 'source', 'store', 'protocol', 'model', 'util'],
};

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return sourceFiles(p);
    return p.endsWith('.ts') ? [p] : [];
  });
}

const folderOf = (file: string) => relative(src, file).split(sep)[0];
const importRe = /(?:\bfrom\s+|\bimport\s*\(\s*|\bimport\s+)(['"])(\.{1,2}\/[^'"]+)\1/g;

/** Every cross-folder import as [from folder, to folder, file]. */
function folderImports(): Array<[string, string, string]> {
  const out: Array<[string, string, string]> = [];
  for (const file of sourceFiles(src)) {
    for (const m of readFileSync(file, 'utf8').matchAll(importRe)) {
      const target = resolve(dirname(file), m[2]);
      assert.ok(target.startsWith(src + sep), `${relative(src, file)} imports ${m[2]} outside src/`);
      const [from, to] = [folderOf(file), folderOf(target)];
      if (from !== to) out.push([from, to, relative(src, file)]);
    }
  }
  return out;
}

test('every src/ folder is in the layering table and every file is in a folder', () => {
  const folders = readdirSync(src).filter((n) => statSync(join(src, n)).isDirectory());
  assert.deepEqual(folders.sort(), Object.keys(allowed).sort());
  const loose = readdirSync(src).filter((n) => !statSync(join(src, n)).isDirectory());
  assert.deepEqual(loose, [], 'files directly under src/ belong in a folder');
});

test('imports follow the documented layering', () => {
  const wrong = folderImports()
    .filter(([from, to]) => !allowed[from]?.includes(to))
    .map(([from, to, file]) => `${file}: ${from} → ${to}`);
  assert.deepEqual([...new Set(wrong)], [], 'imports against the layering (see docs/architecture.md)');
});

test('the folder import graph has no cycle', () => {
  const edges = new Map<string, Set<string>>();
  for (const [from, to] of folderImports()) edges.set(from, (edges.get(from) ?? new Set()).add(to));
  const state = new Map<string, 'open' | 'done'>();
  const visit = (node: string, path: string[]): void => {
    if (state.get(node) === 'done') return;
    assert.notEqual(state.get(node), 'open', `folder cycle: ${[...path, node].join(' → ')}`);
    state.set(node, 'open');
    for (const next of edges.get(node) ?? []) visit(next, [...path, node]);
    state.set(node, 'done');
  };
  for (const node of edges.keys()) visit(node, []);
});

test('no two files import each other, directly or around a loop', () => {
  const edges = new Map<string, string[]>();
  for (const file of sourceFiles(src)) {
    const targets = [...readFileSync(file, 'utf8').matchAll(importRe)].map((m) => resolve(dirname(file), m[2]).replace(/\.js$/, '.ts'));
    edges.set(file, targets);
  }
  const state = new Map<string, 'open' | 'done'>();
  const visit = (node: string, path: string[]): void => {
    if (state.get(node) === 'done') return;
    assert.notEqual(state.get(node), 'open', `file cycle: ${[...path, node].map((f) => relative(src, f)).join(' → ')}`);
    state.set(node, 'open');
    for (const next of edges.get(node) ?? []) visit(next, [...path, node]);
    state.set(node, 'done');
  };
  for (const node of edges.keys()) visit(node, []);
});

test('the table itself is acyclic, so no allowed combination can form a cycle', () => {
  const seen = new Map<string, 'open' | 'done'>();
  const visit = (node: string, path: string[]): void => {
    if (seen.get(node) === 'done') return;
    assert.notEqual(seen.get(node), 'open', `layering table cycle: ${[...path, node].join(' → ')}`);
    seen.set(node, 'open');
    for (const next of allowed[node] ?? []) visit(next, [...path, node]);
    seen.set(node, 'done');
  };
  for (const node of Object.keys(allowed)) visit(node, []);
});

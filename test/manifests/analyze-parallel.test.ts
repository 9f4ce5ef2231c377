// The two-thread analysis (src/manifests/analyze-parallel.ts) gives exactly what the main thread
// alone gives: same manifests, same diagnostics with the same file:line:col, did-you-mean and
// order, for a repository mixing valid files with YAML, schema and semantic errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { deserialize } from 'node:v8';
import { join } from 'node:path';
import { analyzeOne } from '../../src/manifests/analyze-one.js';
import { analyzeFiles } from '../../src/manifests/analyze-parallel.js';
import { loadManifests } from '../../src/manifests/load.js';
import { manifestCount } from '../../src/manifests/empty.js';
import { openSource } from '../../src/source/index.js';

const env = 'apiVersion: boreas.dev/v1\nkind: Environment\nmetadata: {name: dev}\nspec: {type: local}\n';
const app = (name: string, extra = '') =>
  `apiVersion: boreas.dev/v1\nkind: Application\nmetadata: {name: ${name}}\nspec:\n  environment: dev\n  runtime: process\n  process: {command: /bin/${name}}\n${extra}`;

test('files analyzed over two threads give the same manifests and diagnostics as one thread', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'boreas-parallel-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(join(dir, 'apps'));
  writeFileSync(join(dir, 'env.yaml'), env);
  for (let i = 0; i < 60; i++) writeFileSync(join(dir, 'apps', `app-${i}.yaml`), app(`app-${i}`, i % 2 ? '  replicas: 2\n' : ''));
  writeFileSync(join(dir, 'apps', 'broken.yaml'), 'apiVersion: boreas.dev/v1\nkind: Application\nmetadata: {name: broken\nspec: x\n');
  writeFileSync(join(dir, 'apps', 'schema.yaml'), app('schema', '  replicas: -1\n  replica: 2\n'));
  writeFileSync(join(dir, 'apps', 'semantic.yaml'), app('semantic').replace('environment: dev', 'environment: prod'));
  writeFileSync(join(dir, 'apps', 'anchors.yaml'), `${app('anchors', '  env: &e {A: "1"}\n')}---\n${app('anchors-2', '  env: *e\n')}`);

  const load = async (parallelFrom: number) => {
    const cacheDir = join(dir, '.boreas', `cache-${parallelFrom}`);
    return loadManifests(await openSource({ repo: dir, cacheDir }), { parallelFrom, minCores: 1, cacheDir });
  };
  const one = await load(Number.POSITIVE_INFINITY);
  const two = await load(1);
  assert.ok(one.diagnostics.length >= 4, JSON.stringify(one.diagnostics));
  assert.deepEqual(two.diagnostics, one.diagnostics);
  assert.deepEqual(two.stats, one.stats);
  assert.equal(manifestCount(two.manifests), manifestCount(one.manifests));
  assert.deepEqual([...two.manifests.applications.entries()], [...one.manifests.applications.entries()]);
  // The parse cache holds the worker's share as the worker serialized it: a second load parses nothing.
  const again = await load(1);
  assert.deepEqual(again.stats, { ...one.stats, parsed: 0, cached: one.stats.files });
  assert.deepEqual(again.diagnostics, one.diagnostics);
  assert.deepEqual([...again.manifests.applications.entries()], [...one.manifests.applications.entries()]);

  // The worker's own analyses (the main thread taking none) are the main thread's, file by file,
  // and so is what it serialized for the parse cache.
  const bytes = readdirSync(join(dir, 'apps')).map((f) => readFileSync(join(dir, 'apps', f)));
  const keys = bytes.map((_, i) => `key-${i}`);
  const byWorker = await analyzeFiles(bytes, { parallelFrom: 1, minCores: 1, workerOnly: true, keys });
  assert.equal(byWorker.byWorker, bytes.length, 'the worker analyzed every file');
  const expected = bytes.map(analyzeOne);
  assert.deepEqual(byWorker.analyzed, expected);
  const serialized = await byWorker.serialized;
  assert.deepEqual(serialized?.keys, keys);
  assert.deepEqual(deserialize(serialized?.bytes ?? Buffer.alloc(0)), new Map(keys.map((k, i) => [k, expected[i]])));

  // Enough files that the worker posts them in several batches: every one arrives, in its place.
  const many = Array.from({ length: 1300 }, (_, i) => Buffer.from(app(`many-${i}`, `  replicas: ${i % 7}\n`)));
  const batched = await analyzeFiles(many, { parallelFrom: 1, minCores: 1, workerOnly: true });
  assert.equal(batched.byWorker, many.length);
  assert.deepEqual(batched.analyzed, many.map(analyzeOne));
});

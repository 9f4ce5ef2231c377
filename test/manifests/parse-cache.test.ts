// The blob-SHA parse cache: a second load of an unchanged tree reads and parses nothing, a changed
// file is parsed again, and semantic errors in cached files still point at the right line.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadManifests } from '../../src/manifests/load.js';
import { openSource } from '../../src/source/index.js';
import type { Source } from '../../src/source/source.js';

const env = 'apiVersion: boreas.dev/v1\nkind: Environment\nmetadata: {name: dev}\nspec: {type: local}\n';
const app = (name: string, environment = 'dev') =>
  `apiVersion: boreas.dev/v1\nkind: Application\nmetadata: {name: ${name}}\nspec:\n  environment: ${environment}\n  runtime: process\n  process: {command: /bin/${name}}\n`;

/** Opens the directory as a user would, counting which files get read. */
async function countingSource(repo: string, cacheDir: string): Promise<{ source: Source; reads: string[] }> {
  const inner = await openSource({ repo, cacheDir });
  const reads: string[] = [];
  const source: Source = {
    description: inner.description,
    rootDir: inner.rootDir,
    resolve: () => inner.resolve(),
    listFiles: () => inner.listFiles(),
    readFile: (path) => {
      reads.push(path);
      return inner.readFile(path);
    },
  };
  return { source, reads };
}

test('unchanged files are served from the cache; a changed file is parsed again', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'boreas-cache-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const repo = join(dir, 'repo');
  const cacheDir = join(dir, 'cache');
  mkdirSync(join(repo, 'apps'), { recursive: true });
  writeFileSync(join(repo, 'env.yaml'), env);
  for (let i = 0; i < 5; i++) writeFileSync(join(repo, 'apps', `app-${i}.yaml`), app(`app-${i}`));
  writeFileSync(join(repo, 'notes.txt'), 'not a manifest');

  const cold = await countingSource(repo, cacheDir);
  const first = await loadManifests(cold.source, { cacheDir });
  assert.deepEqual(first.stats, { files: 6, parsed: 6, cached: 0 });
  assert.deepEqual(first.diagnostics, []);
  assert.equal(first.manifests.applications.size, 5);

  const warm = await countingSource(repo, cacheDir);
  const second = await loadManifests(warm.source, { cacheDir });
  assert.deepEqual(second.stats, { files: 6, parsed: 0, cached: 6 });
  assert.deepEqual(warm.reads, [], 'no file is read when every blob SHA is cached');
  assert.equal(second.manifests.applications.get('app-3')?.manifest.spec.process?.command, '/bin/app-3');
  assert.deepEqual(second.manifests.applications.get('app-3')?.origin, { file: 'apps/app-3.yaml', docIndex: 0, line: 1, col: 1 });

  writeFileSync(join(repo, 'apps', 'app-2.yaml'), '# moved to prod\n' + app('app-2', 'prod'));
  const changed = await countingSource(repo, cacheDir);
  const third = await loadManifests(changed.source, { cacheDir });
  assert.deepEqual(third.stats, { files: 6, parsed: 1, cached: 5 });
  // The file is read once to parse it, and once more to place the semantic error (positions are not cached).
  assert.deepEqual([...new Set(changed.reads)], ['apps/app-2.yaml']);
  assert.deepEqual(
    third.diagnostics.map((d) => `${d.file}:${d.line}:${d.col}: ${d.field}: ${d.message}`),
    ['apps/app-2.yaml:6:3: spec.environment: Environment "prod" not found'],
  );

  // The error now lives in a cached file: its position is found by re-parsing just that file.
  const cachedError = await countingSource(repo, cacheDir);
  const fourth = await loadManifests(cachedError.source, { cacheDir });
  assert.equal(fourth.stats.parsed, 0);
  assert.deepEqual(cachedError.reads, ['apps/app-2.yaml']);
  assert.equal(fourth.diagnostics[0]?.line, 6);
});

test('schema findings are cached with their positions', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'boreas-cache-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const repo = join(dir, 'repo');
  const cacheDir = join(dir, 'cache');
  mkdirSync(repo);
  writeFileSync(join(repo, 'env.yaml'), env);
  writeFileSync(join(repo, 'app.yaml'), app('web') + '  replicas: many\n');
  const a = await loadManifests(await openSource({ repo, cacheDir }), { cacheDir });
  const b = await loadManifests(await openSource({ repo, cacheDir }), { cacheDir });
  assert.equal(b.stats.parsed, 0);
  assert.deepEqual(b.diagnostics, a.diagnostics);
  assert.deepEqual(
    b.diagnostics.map((d) => [d.line, d.col, d.manifest, d.field, d.message]),
    [[8, 3, 'Application/web', 'spec.replicas', 'must be an integer (got "many")']],
  );
});

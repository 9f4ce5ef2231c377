#!/usr/bin/env node
// Runs every test/**/*.test.ts with node:test through tsx. Node 20's runner neither expands globs nor
// looks for .ts files by itself, so the list is made here. Extra arguments narrow it: a path prefix
// (`node scripts/run-tests.mjs test/e2e`) or node --test flags.
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { spawn } from 'node:child_process';

const root = new URL('..', import.meta.url).pathname;
const args = process.argv.slice(2);
const prefixes = args.filter((a) => !a.startsWith('-'));
const flags = args.filter((a) => a.startsWith('-'));

function find(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return e.name === 'fixtures' || e.name === 'node_modules' ? [] : find(p);
    return e.name.endsWith('.test.ts') ? [relative(root, p)] : [];
  });
}

const files = find(join(root, 'test'))
  .filter((f) => prefixes.length === 0 || prefixes.some((p) => f.startsWith(p.replace(/^\.\//, ''))))
  .sort();
if (files.length === 0) {
  console.error('no test files matched');
  process.exit(1);
}
const concurrency = process.env.BOREAS_TEST_CONCURRENCY ?? '2';
// TAP on stdout as before; the per-file timing summary on stderr at the end.
const reporters = flags.some((f) => f.startsWith('--test-reporter'))
  ? []
  : ['--test-reporter=tap', '--test-reporter-destination=stdout', '--test-reporter=./scripts/test-timing-reporter.mjs', '--test-reporter-destination=stderr'];
const child = spawn(process.execPath, ['--import', 'tsx', '--test', `--test-concurrency=${concurrency}`, ...reporters, ...flags, ...files], {
  cwd: root,
  stdio: 'inherit',
});
child.on('exit', (code, signal) => process.exit(signal ? 1 : (code ?? 1)));

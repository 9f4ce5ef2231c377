// The bad-input corpus: each case under fixtures/bad/ is laid over a small valid base repository and
// run through the real CLI. Every case must exit 1, name the file and line the user has to fix, say
// what is wrong, and never show a stack trace.
import { describe, it, test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.js';

const fixtures = join(import.meta.dirname, 'fixtures');
const cases = readdirSync(join(fixtures, 'bad')).sort();

interface Expectation {
  file: string;
  line: number;
  message: string;
}

test('the corpus has at least 25 cases', () => {
  assert.ok(cases.length >= 25, `only ${cases.length} cases`);
});

// Two CLI processes at a time: each is a full `boreas` start, and the machine is shared.
describe('bad inputs', { concurrency: 2 }, () => {
  for (const name of cases) {
    it(name, async (t) => {
      const dir = mkdtempSync(join(tmpdir(), 'boreas-bad-'));
      t.after(() => rmSync(dir, { recursive: true, force: true }));
      const repo = join(dir, 'repo');
      cpSync(join(fixtures, 'base'), repo, { recursive: true });
      cpSync(join(fixtures, 'bad', name), repo, { recursive: true, filter: (src) => !src.endsWith('expect.json') });
      const expected = JSON.parse(readFileSync(join(fixtures, 'bad', name, 'expect.json'), 'utf8')) as Expectation;

      const r = await runCli(['validate', '--repo', repo, '--state', join(dir, 'state', 'state.db')]);

      assert.equal(r.code, 1, `exit code\nstdout:\n${r.stdout}\nstderr:\n${r.stderr}`);
      const lines = r.stdout.split('\n');
      const hit = lines.find((l) => l.startsWith(`${expected.file}:${expected.line}:`) && l.includes(expected.message));
      assert.ok(hit, `expected a line "${expected.file}:${expected.line}:...${expected.message}..." in:\n${r.stdout}`);
      assert.match(hit, /^[^:]+:\d+:\d+: /, 'file:line:col prefix');
      assert.match(lines.at(-2) ?? '', /^invalid: \d+ error\(s\) in \d+ file\(s\)/);
      assert.doesNotMatch(r.stderr, /^\s+at /m, 'no stack trace');
      assert.doesNotMatch(r.stderr + r.stdout, /internal error|\bat .+\.(ts|js):\d+:\d+/, 'no stack trace');
    });
  }
});

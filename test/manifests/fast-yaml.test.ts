// The fast parse (src/manifests/fast-yaml.ts) must mean exactly what the positional parser means for
// every file it accepts: same documents, indexes, start positions and values, so the cached analysis
// and every later message are the same whichever parser read the file. Checked on every YAML file
// of the fixtures, examples and template, and on scalars where YAML parsers commonly disagree.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseYamlFast } from '../../src/manifests/fast-yaml.js';
import { parseYamlFile } from '../../src/manifests/yaml-file.js';
import { analyzeFile, analyzeFileFast } from '../../src/manifests/analyze-file.js';
import { packageRoot } from '../../src/util/paths.js';

function sameAsPositional(bytes: Buffer, label: string): boolean {
  const fast = parseYamlFast(bytes);
  if (!fast) return false;
  const slow = parseYamlFile(bytes);
  assert.deepEqual(slow.diagnostics, [], `${label}: fast parse accepted a file with YAML problems`);
  assert.deepEqual(
    fast,
    slow.docs.map((d) => ({ docIndex: d.docIndex, value: d.value, line: d.line, col: d.col })),
    label,
  );
  const analyzed = analyzeFileFast(bytes);
  if (analyzed) assert.deepEqual(analyzed, analyzeFile(bytes).analyzed, `${label}: analysis`);
  return true;
}

function yamlFiles(dir: string): string[] {
  return (readdirSync(dir, { recursive: true }) as string[]).filter((f) => /\.ya?ml$/.test(f) && !f.includes('node_modules')).map((f) => join(dir, f));
}

test('every fixture, example and template file: the fast parse agrees with the positional one or declines', () => {
  let accepted = 0;
  let total = 0;
  for (const dir of ['test', 'examples', 'manifests-template'])
    for (const file of yamlFiles(join(packageRoot, dir))) {
      total++;
      if (sameAsPositional(readFileSync(file), file)) accepted++;
    }
  assert.ok(total > 50 && accepted > total / 3, `most files take the fast path (${accepted} of ${total})`);
});

test('scalars resolve as YAML 1.2 core does in the positional parser; unusual syntax is declined', () => {
  const scalars = [
    '1_000',
    '0b101',
    '0o17',
    '0x1F',
    '017',
    '+5',
    '-0',
    '1e3',
    '1.5E-2',
    '.5',
    '1.',
    '.inf',
    '-.Inf',
    '.NaN',
    'nan',
    '~',
    'Null',
    'NULL',
    'null',
    'yes',
    'no',
    'on',
    'off',
    'y',
    'True',
    'TRUE',
    'tRue',
    '2024-01-01',
    '12:30:00',
    '0.1.2',
    "'quoted'",
    '"esc\\tx"',
    '9007199254740993',
  ];
  const doc = (v: string) => Buffer.from(`apiVersion: v1\nkind: X\nvalue: ${v}\nlist: [${v}, a]\n`);
  for (const s of scalars) assert.ok(sameAsPositional(doc(s), s), `${s} takes the fast path`);
  const documents = [
    '---\na: 1\n',
    '# lead\n---\na: 1\n---\n# only a comment\n---\nb: 2\n',
    'a: 1\n---\n',
    'a: |\n  # not a comment\n  ---\n  x\nb: >-\n  folded\n  text\n',
    '\n\n  a: 1\n  b: {c: [1, 2]}\n',
    'a: "multi\n  line"\nb: plain\n  continued\n',
  ];
  for (const d of documents) assert.ok(sameAsPositional(Buffer.from(d), JSON.stringify(d)), JSON.stringify(d));
  const declined = [
    'a: &x 1\nb: *x\n',
    'a: !!str 1\n',
    'a: 1\na: 2\n',
    'a:\n\tb: 1\n',
    '? [a]\n: 1\n',
    '--- a: 1\n',
    'a: 1\n...\n',
    '- 1\n- 2\n',
    'a: [1\n',
    '%YAML 1.2\n---\na: 1\n',
  ];
  for (const d of declined) assert.equal(parseYamlFast(Buffer.from(d)) === undefined || analyzeFileFast(Buffer.from(d)) === undefined, true, JSON.stringify(d));
  assert.equal(analyzeFileFast(Buffer.from('- 1\n')), undefined, 'a document that is not a mapping is reported by the positional path');
});

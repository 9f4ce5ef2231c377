// YAML reading as a pure function: empty documents declare nothing (no error), positions are 1-based
// line:col of the first content, and hostile input yields diagnostics, not exceptions.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseYamlFile } from '../../src/manifests/yaml-file.js';

const parse = (text: string | Buffer) => parseYamlFile(Buffer.isBuffer(text) ? text : Buffer.from(text));

test('empty documents, comment-only files and a BOM are fine', () => {
  assert.deepEqual(parse('').diagnostics, []);
  assert.deepEqual(parse('# only a comment\n').docs, []);
  const r = parse('\ufeff---\n---\n# x\n---\n  a: 1\n');
  assert.deepEqual(r.diagnostics, []);
  assert.deepEqual(
    r.docs.map((d) => [d.docIndex, d.line, d.col, d.value]),
    [[2, 5, 3, { a: 1 }]],
  );
});

test('hostile input becomes diagnostics with positions', () => {
  const huge = parse('a: ' + '['.repeat(100_000) + '\n');
  assert.match(huge.diagnostics[0].message, /nested more than 64 levels/);
  assert.deepEqual([huge.diagnostics[0].line, huge.diagnostics[0].col], [1, 68]);
  const bomb = parse('a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\n');
  assert.match(bomb.diagnostics[0].message, /alias bomb/);
  const junk = parse(Buffer.from([0x61, 0x3a, 0x20, 0xff, 0xfe, 0x0a]));
  assert.deepEqual([junk.diagnostics[0].line, junk.diagnostics[0].col, junk.diagnostics[0].message], [1, 4, 'invalid UTF-8: YAML files must be UTF-8 text']);
});

test('after a syntax error only that error is reported for the document; duplicate keys before it are kept', () => {
  const cascade = parse('a: {b: 1} {\nc: 1\nd:\n  e: 2\n  f: [3\n');
  assert.deepEqual(
    cascade.diagnostics.map((d) => [d.line, d.col]),
    [[1, 11]],
  );
  const dup = parse('a: 1\na: 2\nb: 1\nb: 2\n');
  assert.deepEqual(
    dup.diagnostics.map((d) => d.message),
    ['duplicate key "a"', 'duplicate key "b"'],
  );
  const both = parse('a: 1\na: 2\nc: {x\nd: 1\nd: 2\n---\nz: [\n');
  assert.deepEqual(
    both.diagnostics.map((d) => [d.line, d.message.slice(0, 18)]),
    [
      [2, 'duplicate key "a"'],
      [4, 'YAML syntax error:'],
      [8, 'YAML syntax error:'],
    ],
  );
});

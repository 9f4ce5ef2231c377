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

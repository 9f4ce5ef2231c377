// The fast first parse of a manifest file (issue 12: cold validation of 10,000 files). js-yaml builds
// plain values several times faster than the `yaml` package builds documents with positions, and
// most files of a repository are well-formed and valid, so they never need a position. This parse
// accepts only files whose meaning both parsers agree on, and says "no" (undefined) for everything
// else: then the positional parser (yaml-file.ts) reads the file as before, with every check and
// message. Refused here: anchors, aliases, tags and merge keys (`&`, `*`, `!`, `<<`), directives,
// complex keys, tabs, `...` markers or content on a `---` line, `__proto__`, flow nesting beyond
// the limit, anything js-yaml rejects (syntax errors, duplicate keys), documents that are not
// mappings or are nested too deep, and a document count the line scan does not confirm.
// Scalars are resolved with the YAML 1.2 core schema exactly as `yaml` resolves them (its regular
// expressions, below), so `1_000`, `0b1` or `2024-01-01` stay strings on both paths.
// test/manifests/fast-yaml.test.ts compares both paths on every fixture and example.
import { isUtf8 } from 'node:buffer';
import jsYaml from 'js-yaml';
import { flowDepthOffset, MAX_DEPTH, MAX_FILE_BYTES } from './limits.js';

/** One non-empty document: its index among all documents of the file and where its content starts. */
export interface FastDoc {
  docIndex: number;
  value: Record<string, unknown>;
  line: number;
  col: number;
}

const scalar = (tag: string, construct: (s: string) => unknown) =>
  new jsYaml.Type(`tag:yaml.org,2002:${tag}`, {
    kind: 'scalar',
    resolve: (s: string | null) => s !== null && construct(s) !== undefined,
    construct: (s: string) => construct(s),
  });

/** First characters a number of the core schema can start with (digits, sign, dot). */
const numberStart = (c: number) => (c >= 0x30 && c <= 0x39) || c === 0x2b || c === 0x2d || c === 0x2e;

/** The YAML 1.2 core schema with the `yaml` package's resolution rules (yaml/dist/schema/core); one
 *  type per tag, as js-yaml keeps only the last type given for a tag. Every plain scalar is offered
 *  to each type, so each first rejects on the first character what cannot be its kind (most
 *  scalars are names and paths) before any regular expression runs. */
const CORE = jsYaml.FAILSAFE_SCHEMA.extend({
  implicit: [
    new jsYaml.Type('tag:yaml.org,2002:null', {
      kind: 'scalar',
      resolve: (s: string | null) => s === null || s === '' || s === '~' || s === 'null' || s === 'Null' || s === 'NULL',
      construct: () => null,
    }),
    scalar('bool', (s) => (s === 'true' || s === 'True' || s === 'TRUE' ? true : s === 'false' || s === 'False' || s === 'FALSE' ? false : undefined)),
    scalar('int', (s) =>
      !numberStart(s.charCodeAt(0))
        ? undefined
        : /^0o[0-7]+$/.test(s)
          ? parseInt(s.slice(2), 8)
          : /^[-+]?[0-9]+$/.test(s)
            ? parseInt(s, 10)
            : /^0x[0-9a-fA-F]+$/.test(s)
              ? parseInt(s.slice(2), 16)
              : undefined,
    ),
    scalar('float', (s) =>
      !numberStart(s.charCodeAt(0))
        ? undefined
        : /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/.test(s)
          ? s.slice(-3).toLowerCase() === 'nan'
            ? Number.NaN
            : s[0] === '-'
              ? Number.NEGATIVE_INFINITY
              : Number.POSITIVE_INFINITY
          : /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/.test(s) || /^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/.test(s)
            ? parseFloat(s)
            : undefined,
    ),
  ],
});

/** Features only the positional parser handles (see the top of this file). */
const REFUSED = /[&*!\t]|<<|__proto__|^[ ]*[%?]|^\.\.\.|^---(?![ ]*(?:#.*)?$)/m;
const MARKER = /^---[ ]*(?:#.*)?$/;
const CONTENT = /^[ ]*[^ #]/;

/** The documents of a file, or undefined when it needs the positional parser. */
export function parseYamlFast(bytes: Buffer): FastDoc[] | undefined {
  if (bytes.length > MAX_FILE_BYTES || bytes.indexOf(0) >= 0 || !isUtf8(bytes)) return undefined;
  let text = bytes.toString('utf8');
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (REFUSED.test(text) || text.includes('\r') || flowDepthOffset(text) >= 0) return undefined;
  let values: unknown[];
  try {
    values = jsYaml.loadAll(text, undefined, { schema: CORE });
  } catch {
    return undefined;
  }
  const starts = documentStarts(text);
  if (starts.length !== values.length) return undefined;
  const docs: FastDoc[] = [];
  for (const [docIndex, value] of values.entries()) {
    if (value === null || value === undefined) continue; // empty document: nothing declared
    if (typeof value !== 'object' || Array.isArray(value) || tooDeep(value)) return undefined;
    const start = starts[docIndex];
    if (!start) return undefined;
    docs.push({ docIndex, value: value as Record<string, unknown>, ...start });
  }
  return docs;
}

/** Where each document's content starts (undefined for one without content), by lines: documents
 *  are split at `---` lines; what precedes the first marker is part of the first document. */
function documentStarts(text: string): ({ line: number; col: number } | undefined)[] {
  // Most files have no `---` line: one document, starting at the first line with content.
  if (!/^---/m.test(text)) {
    const first = /^[ ]*[^ #\n]/m.exec(text);
    if (!first) return [];
    let line = 1;
    for (let i = text.indexOf('\n'); i >= 0 && i < first.index; i = text.indexOf('\n', i + 1)) line++;
    return [{ line, col: first[0].length }];
  }
  const starts: ({ line: number; col: number } | undefined)[] = [undefined];
  let sawMarker = false;
  let lineNo = 0;
  for (const line of text.split('\n')) {
    lineNo++;
    if (MARKER.test(line)) {
      // A marker opens a new document, except the first one when nothing came before it.
      if (sawMarker || starts[0] !== undefined) starts.push(undefined);
      sawMarker = true;
      continue;
    }
    if (starts[starts.length - 1] === undefined && CONTENT.test(line)) starts[starts.length - 1] = { line: lineNo, col: line.search(/[^ ]/) + 1 };
  }
  // A file without content has no document at all; a trailing marker opens an empty one.
  if (!sawMarker && starts[0] === undefined) return [];
  return starts;
}

/** Whether a collection nests MAX_DEPTH deep (recursion stops there, so the stack stays small). */
function tooDeep(node: object, depth = 0): boolean {
  if (depth >= MAX_DEPTH) return true;
  for (const key in node) {
    const child = (node as Record<string, unknown>)[key];
    if (child !== null && typeof child === 'object' && tooDeep(child, depth + 1)) return true;
  }
  return false;
}

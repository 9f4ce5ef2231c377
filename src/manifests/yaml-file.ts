// Parses one manifest file into documents with source positions. Every problem with the bytes or
// the YAML (binary junk, syntax, duplicate keys, tabs, alias bombs, excessive nesting) becomes a
// diagnostic at file:line:col; nothing in here throws for bad input. A syntax error is reported
// once per document, not followed by the cascade of errors the parser finds after it.
import { isUtf8 } from 'node:buffer';
import { LineCounter, parseAllDocuments, isCollection, isPair, type Document, type YAMLError } from 'yaml';
import { fileError, type FileDiagnostic } from './diag.js';
import { flowDepthOffset, MAX_ALIAS_COUNT, MAX_DEPTH, MAX_FILE_BYTES } from './limits.js';

/** One non-empty, well-formed document of a file. */
export interface YamlDoc {
  /** 0-based index among all documents of the file (empty ones included). */
  docIndex: number;
  value: unknown;
  /** Position of the document's first content node. */
  line: number;
  col: number;
  document: Document.Parsed;
}

export interface ParsedYamlFile {
  docs: YamlDoc[];
  /** Best-effort values of documents with YAML errors: only used to learn their kind and name. */
  broken: unknown[];
  diagnostics: FileDiagnostic[];
  lineCounter: LineCounter;
}

/** Parses the bytes of a `*.yaml` file. */
export function parseYamlFile(bytes: Buffer): ParsedYamlFile {
  const lineCounter = new LineCounter();
  const fail = (pos: { line: number; col: number }, message: string): ParsedYamlFile => ({
    docs: [],
    broken: [],
    diagnostics: [fileError(pos, message)],
    lineCounter,
  });
  if (bytes.length > MAX_FILE_BYTES)
    return fail({ line: 1, col: 1 }, `file is ${bytes.length} bytes; manifests larger than ${MAX_FILE_BYTES} bytes are refused`);
  const nul = bytes.indexOf(0);
  if (nul >= 0) return fail(bytePosition(bytes, nul), 'binary content (NUL byte): not a YAML text file');
  if (!isUtf8(bytes)) return fail(bytePosition(bytes, firstInvalidUtf8(bytes)), 'invalid UTF-8: YAML files must be UTF-8 text');
  let text = bytes.toString('utf8');
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);

  const tooDeep = flowDepthOffset(text);
  if (tooDeep >= 0) return fail(textPosition(text, tooDeep), `nested more than ${MAX_DEPTH} levels deep`);

  const parsed = parseAllDocuments(text, { lineCounter, uniqueKeys: true, prettyErrors: false });
  const documents = Array.isArray(parsed) ? parsed : [];
  const docs: YamlDoc[] = [];
  const broken: unknown[] = [];
  const diagnostics: FileDiagnostic[] = [];
  documents.forEach((document, docIndex) => {
    if (document.errors.length) {
      for (const e of reportedErrors(document.errors)) diagnostics.push(fileError(lineCounter.linePos(e.pos[0]), yamlErrorMessage(e, text)));
      if (collectionDepthOffset(document.contents) === undefined) {
        try {
          broken.push(document.toJS({ maxAliasCount: MAX_ALIAS_COUNT }));
        } catch {
          // Nothing to learn from it.
        }
      }
      return;
    }
    const contents = document.contents;
    if (contents === null || (contents as { value?: unknown }).value === null) return; // empty document: nothing declared
    const start = lineCounter.linePos(contents.range?.[0] ?? 0);
    const deepAt = collectionDepthOffset(contents);
    if (deepAt !== undefined) {
      diagnostics.push(fileError(lineCounter.linePos(deepAt), `nested more than ${MAX_DEPTH} levels deep`));
      return;
    }
    let value: unknown;
    try {
      value = document.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    } catch (err) {
      const message = /alias/i.test((err as Error).message)
        ? `too many alias expansions (more than ${MAX_ALIAS_COUNT}): refusing a possible alias bomb`
        : `cannot read document: ${(err as Error).message}`;
      diagnostics.push(fileError(start, message));
      return;
    }
    docs.push({ docIndex, value, line: start.line, col: start.col, document });
  });
  return { docs, broken, diagnostics, lineCounter };
}

/**
 * The errors worth showing for one document: after the first syntax error the parser is lost, and
 * everything it reports further down (one unclosed `{` gave 97 errors) follows from that one, so
 * only it is shown. Duplicate keys are not syntax errors and do not confuse the parser: those before
 * the first syntax error are all shown.
 */
function reportedErrors(errors: YAMLError[]): YAMLError[] {
  const sorted = [...errors].sort((a, b) => a.pos[0] - b.pos[0]);
  const firstSyntax = sorted.findIndex((e) => e.code !== 'DUPLICATE_KEY');
  return firstSyntax < 0 ? sorted : sorted.slice(0, firstSyntax + 1);
}

function yamlErrorMessage(e: YAMLError, text: string): string {
  const first = e.message.split('\n', 1)[0].replace(/ at line \d+, column \d+:?$/, '');
  switch (e.code) {
    case 'DUPLICATE_KEY':
      return `duplicate key "${keyAt(text, e.pos[0])}"`;
    case 'TAB_AS_INDENT':
      return 'tab character used for indentation: YAML indentation must be spaces';
    default:
      return `YAML syntax error: ${first}`;
  }
}

/** The key written at `offset` (a duplicate key's error range covers only its first character). */
function keyAt(text: string, offset: number): string {
  const end = text.indexOf('\n', offset);
  const line = text.slice(offset, end < 0 ? undefined : end);
  return line
    .split(/:(\s|$)/)[0]
    .replace(/^["']|["']$/g, '')
    .trim();
}

/** Offset of the first collection nested deeper than MAX_DEPTH (block style), iteratively. */
function collectionDepthOffset(root: unknown): number | undefined {
  const stack: [unknown, number][] = [[root, 0]];
  while (stack.length) {
    const [node, depth] = stack.pop()!;
    if (!isCollection(node)) continue;
    if (depth >= MAX_DEPTH) return node.range?.[0] ?? 0;
    for (const item of node.items as unknown[]) {
      if (isPair(item)) stack.push([item.value, depth + 1]);
      else stack.push([item, depth + 1]);
    }
  }
  return undefined;
}

function bytePosition(bytes: Buffer, offset: number): { line: number; col: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset; i++) if (bytes[i] === 0x0a) [line, lineStart] = [line + 1, i + 1];
  return { line, col: offset - lineStart + 1 };
}

function textPosition(text: string, offset: number): { line: number; col: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset; i++) if (text.charCodeAt(i) === 0x0a) [line, lineStart] = [line + 1, i + 1];
  return { line, col: offset - lineStart + 1 };
}

/** Offset of the first byte that breaks UTF-8 (called only once isUtf8 said so). */
function firstInvalidUtf8(b: Buffer): number {
  for (let i = 0; i < b.length; ) {
    const c = b[i];
    const n = c < 0x80 ? 0 : (c & 0xe0) === 0xc0 && c >= 0xc2 ? 1 : (c & 0xf0) === 0xe0 ? 2 : (c & 0xf8) === 0xf0 && c <= 0xf4 ? 3 : -1;
    if (n < 0) return i;
    for (let k = 1; k <= n; k++) if (i + k >= b.length || (b[i + k] & 0xc0) !== 0x80) return i;
    i += n + 1;
  }
  return 0;
}

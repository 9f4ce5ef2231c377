// Everything about one file that depends only on its bytes: YAML parsing plus schema validation of
// each Boreas document. The result is what the parse cache stores per blob SHA.
import { fileError, fieldPath, type FileDiagnostic } from './diag.js';
import { locate } from './positions.js';
import { describeSchemaErrors, show } from './schema-messages.js';
import { isSchemaKind, validateAgainstSchema } from './schema-validator.js';
import { parseYamlFile, type ParsedYamlFile } from './yaml-file.js';
import { parseYamlFast } from './fast-yaml.js';

export interface AnalyzedDoc {
  docIndex: number;
  line: number;
  col: number;
  /** The document as plain data; always a mapping. */
  value: Record<string, unknown>;
  kind?: string;
  name?: string;
  /** Schema findings when `kind` is a Boreas kind (empty: valid); undefined for other kinds. */
  schemaDiagnostics?: FileDiagnostic[];
}

export interface AnalyzedFile {
  /** YAML-level problems and documents that are not mappings. */
  diagnostics: FileDiagnostic[];
  docs: AnalyzedDoc[];
  /** Kind and name of documents with YAML errors, so references to them are not reported again. */
  broken: { kind: string; name: string }[];
}

/**
 * The analysis of a file that needs no position: parsed by the fast parser (fast-yaml.ts) and every
 * Boreas document valid against its schema. Undefined when anything is to be reported: then
 * analyzeFile reads the file again with positions, so messages are the same either way.
 */
export function analyzeFileFast(bytes: Buffer): AnalyzedFile | undefined {
  const parsed = parseYamlFast(bytes);
  if (!parsed) return undefined;
  const docs: AnalyzedDoc[] = [];
  for (const { docIndex, line, col, value } of parsed) {
    const kind = typeof value.kind === 'string' ? value.kind : undefined;
    const meta = value.metadata as Record<string, unknown> | undefined;
    const name = meta && typeof meta === 'object' && typeof meta.name === 'string' ? meta.name : undefined;
    const analyzedDoc: AnalyzedDoc = { docIndex, line, col, value, kind, name };
    if (kind && isSchemaKind(kind)) {
      if (validateAgainstSchema(kind, value).length > 0) return undefined;
      analyzedDoc.schemaDiagnostics = [];
    }
    docs.push(analyzedDoc);
  }
  return { diagnostics: [], docs, broken: [] };
}

/** Parses and schema-checks one file; `parsed` is returned too so positions can be looked up. */
export function analyzeFile(bytes: Buffer): { analyzed: AnalyzedFile; parsed: ParsedYamlFile } {
  const parsed = parseYamlFile(bytes);
  const diagnostics = [...parsed.diagnostics];
  const docs: AnalyzedDoc[] = [];
  for (const doc of parsed.docs) {
    if (doc.value === null || typeof doc.value !== 'object' || Array.isArray(doc.value)) {
      diagnostics.push(fileError(doc, `a manifest must be a mapping with apiVersion, kind, metadata and spec (got ${show(doc.value)})`));
      continue;
    }
    const value = doc.value as Record<string, unknown>;
    const kind = typeof value.kind === 'string' ? value.kind : undefined;
    const meta = value.metadata as Record<string, unknown> | undefined;
    const name = meta && typeof meta === 'object' && typeof meta.name === 'string' ? meta.name : undefined;
    const analyzedDoc: AnalyzedDoc = { docIndex: doc.docIndex, line: doc.line, col: doc.col, value, kind, name };
    if (kind && isSchemaKind(kind)) {
      const manifest = `${kind}/${name ?? '?'}`;
      analyzedDoc.schemaDiagnostics = describeSchemaErrors(kind, validateAgainstSchema(kind, value)).map((p) =>
        fileError(locate(doc.document, parsed.lineCounter, p.at), p.message, { manifest, field: fieldPath(p.path, value) }),
      );
    }
    docs.push(analyzedDoc);
  }
  const broken = parsed.broken.flatMap((v) => {
    const m = v as { kind?: unknown; metadata?: { name?: unknown } } | null;
    return m && typeof m === 'object' && typeof m.kind === 'string' && typeof m.metadata?.name === 'string' ? [{ kind: m.kind, name: m.metadata.name }] : [];
  });
  return { analyzed: { diagnostics, docs, broken }, parsed };
}

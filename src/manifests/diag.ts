// Small constructors for diagnostics so every layer builds them the same way.
import type { Diagnostic } from '../model/diagnostic.js';
import { fieldPathOf } from '../util/field-path.js';

/** A diagnostic before it is attached to a file (cached per blob, so the path may differ). */
export type FileDiagnostic = Omit<Diagnostic, 'file'>;

export function fileError(pos: { line: number; col: number }, message: string, extra: { manifest?: string; field?: string } = {}): FileDiagnostic {
  return { line: pos.line, col: pos.col, manifest: extra.manifest, field: extra.field ?? '', message, severity: 'error' };
}

export function inFile(file: string, d: FileDiagnostic): Diagnostic {
  const out: Diagnostic = { file, line: d.line, col: d.col, field: d.field, message: d.message, severity: d.severity };
  if (d.manifest) out.manifest = d.manifest;
  return out;
}

/** `spec.ports[name=http].port` from path segments, list items named from the document they point into. */
export function fieldPath(path: readonly (string | number)[], doc?: unknown): string {
  return fieldPathOf(path, doc);
}

/** Ordering used for output: file, then line, then column. */
export function compareDiagnostics(a: Diagnostic, b: Diagnostic): number {
  return a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line || a.col - b.col;
}

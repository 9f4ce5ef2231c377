// One validation finding, with the place it points at. Every layer (YAML, schema, semantics,
// raw Kubernetes checks) reports this one shape, so text/json/markdown output is uniform.

export interface Diagnostic {
  /** Path of the file relative to the manifests root, with forward slashes. */
  file: string;
  /** 1-based line and column of the offending node (the document start when nothing finer is known). */
  line: number;
  col: number;
  /** `Kind/name` of the manifest, when known. */
  manifest?: string;
  /** Dotted field path inside the document, e.g. `spec.rules[0].port`; empty for the whole document. */
  field: string;
  message: string;
  severity: 'error' | 'warning';
}

/** `file:line:col: Kind/name: field.path: message` — the one-line format of docs/design.md, Manifests. */
export function formatDiagnostic(d: Diagnostic): string {
  const parts = [`${d.file}:${d.line}:${d.col}`];
  if (d.manifest) parts.push(d.manifest);
  if (d.field) parts.push(d.field);
  parts.push(d.severity === 'warning' ? `warning: ${d.message}` : d.message);
  return parts.join(': ');
}

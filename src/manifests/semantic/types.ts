// Shapes shared by the semantic checks: schema-valid documents in, findings (with field paths) out.
// Positions are resolved later by the loader, so the checks stay pure functions over data.
import type { Application, BoreasKind, BoreasManifest, Certificate, Environment, Ingress, Node, Release } from '../model.js';

/** Where a document lives. */
export interface DocRef {
  file: string;
  docIndex: number;
  line: number;
  col: number;
}

/** One schema-valid Boreas document. */
export interface ManifestDoc<T extends BoreasManifest = BoreasManifest> {
  kind: BoreasKind;
  name: string;
  manifest: T;
  ref: DocRef;
}

/** A semantic problem at a field of a document. */
export interface Finding {
  ref: DocRef;
  manifest: string;
  path: (string | number)[];
  message: string;
  /** Absent: an error (the revision is invalid). A warning is shown but blocks nothing. */
  severity?: 'warning';
}

/** Valid documents by kind and name (the first of duplicates), plus every name seen per kind. */
export interface ManifestIndex {
  environments: Map<string, ManifestDoc<Environment>>;
  nodes: Map<string, ManifestDoc<Node>>;
  applications: Map<string, ManifestDoc<Application>>;
  releases: Map<string, ManifestDoc<Release>>;
  ingresses: Map<string, ManifestDoc<Ingress>>;
  certificates: Map<string, ManifestDoc<Certificate>>;
  /** Names declared per kind, including documents that failed the schema layer. References to those
   *  are not reported again: the schema error already says what to fix. */
  declared: Map<BoreasKind, Set<string>>;
}

export function finding(doc: ManifestDoc, path: (string | number)[], message: string): Finding {
  return { ref: doc.ref, manifest: `${doc.kind}/${doc.name}`, path, message };
}

/** A finding worth telling the user about that does not make the revision invalid. */
export function warning(doc: ManifestDoc, path: (string | number)[], message: string): Finding {
  return { ...finding(doc, path, message), severity: 'warning' };
}

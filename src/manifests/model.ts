// Validated manifests, grouped by kind. This is what the desired graph is built from; it carries
// each document's origin so later stages (desired, plan) can still point at file:line:col.
import type { KubeObject } from '../model/kube-object.js';
import type { Application, Certificate, Environment, Ingress, Node, Release } from '../model/manifest-types.generated.js';

export type { Application, Certificate, Environment, Ingress, Node, Release };
export type BoreasKind = 'Environment' | 'Node' | 'Application' | 'Release' | 'Ingress' | 'Certificate';
export const boreasKinds: BoreasKind[] = ['Environment', 'Node', 'Application', 'Release', 'Ingress', 'Certificate'];
export type BoreasManifest = Environment | Node | Application | Release | Ingress | Certificate;

/** Where a document came from. */
export interface Origin {
  file: string;
  /** 0-based index of the document within a multi-document file. */
  docIndex: number;
  line: number;
  col: number;
}

export interface Located<T> {
  manifest: T;
  origin: Origin;
}

/** A raw Kubernetes object referenced by an Application's `kubernetes.path`. */
export interface RawKubeObject {
  /** The object exactly as written (parsed YAML). */
  object: KubeObject;
  origin: Origin;
  /** Application that references it. */
  application: string;
}

/** Every valid manifest of one revision, by kind and name (names unique per kind). */
export interface ManifestSet {
  environments: Map<string, Located<Environment>>;
  nodes: Map<string, Located<Node>>;
  applications: Map<string, Located<Application>>;
  /** Keyed by the Release's `spec.application` (one per application). */
  releases: Map<string, Located<Release>>;
  ingresses: Map<string, Located<Ingress>>;
  certificates: Map<string, Located<Certificate>>;
  /** Raw Kubernetes objects per application name. */
  kubeObjects: Map<string, RawKubeObject[]>;
}

export function emptyManifestSet(): ManifestSet {
  return {
    environments: new Map(),
    nodes: new Map(),
    applications: new Map(),
    releases: new Map(),
    ingresses: new Map(),
    certificates: new Map(),
    kubeObjects: new Map(),
  };
}

// The shape of a Kubernetes object as Boreas handles it: plain wire JSON (wire field names such as
// `x-kubernetes-preserve-unknown-fields`, never the client library's model names).
import type { Json } from './json.js';

/**
 * Opt-in to delete and re-create an object when a change touches an immutable field (a Job's
 * template, a selector); `"false"` opts out where the environment's `replaceOnImmutable` is on.
 * Read by validation and by the Kubernetes target.
 */
export const REPLACE_ANNOTATION = 'boreas.dev/replace';

export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string>; [k: string]: Json | undefined };
  [k: string]: Json | undefined | KubeObject['metadata'];
}

// What the desired graph may know about the world besides the manifests: where instances ran before,
// which targets answer now, and digests standing for encrypted values. The engine fills it in after
// observing; everything else in desired/ stays a pure function of it and the manifests.
import type { SecretSource } from '../model/manifest-types.generated.js';

export interface DesiredContext {
  /** Node each ordinal of an app ran on before (from the inventory), so placement is stable. */
  previousPlacement(app: string): Map<number, string>;
  /** Whether a target (a node's agent) answers now; new instances are only placed on nodes that do. */
  targetReachable(key: string): boolean;
  /**
   * A digest standing for a secret value kept encrypted in Git (injected by the engine after its
   * preflight: a keyed HMAC of the plaintext, or a ciphertext hash when comparing revisions). It enters
   * the instance spec, so a changed value restarts the instance while the spec never holds the value.
   */
  secretDigest?(source: SecretSource): string | undefined;
}

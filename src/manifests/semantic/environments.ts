// An Environment carries what its type needs: a kubernetes environment names its namespace; the edge
// on this machine (spec.nginx) belongs to local environments only, and is declared once.
import { canonicalJson } from '../../util/hash.js';
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
    if (spec.type !== 'local' && spec.nginx) {
      out.push(
        finding(
          doc,
          ['spec', 'nginx'],
          `spec.nginx describes the nginx on this machine and only applies to type local (this Environment is type ${spec.type}); nodes report their own nginx settings`,
        ),
      );
    }
  }
  // One machine, one nginx: every local Environment that declares it must declare the same.
  const declared = [...index.environments.values()].filter((d) => d.manifest.spec.type === 'local' && d.manifest.spec.nginx);
  for (const doc of declared.slice(1)) {
    if (canonicalJson(doc.manifest.spec.nginx) !== canonicalJson(declared[0].manifest.spec.nginx)) {
      out.push(
        finding(
          doc,
          ['spec', 'nginx'],
          `differs from spec.nginx of Environment "${declared[0].name}" (${declared[0].ref.file}:${declared[0].ref.line}): this machine has one nginx`,
        ),
      );
    }
  }
  return out;
}

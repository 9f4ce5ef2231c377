// Every name that points at another manifest must resolve: environments, nodes, applications,
// certificates, relation targets, and ports named by Ingress rules, health checks and relations.
import type { BoreasKind } from '../model.js';
import { didYouMean } from '../../util/suggest.js';
import { finding, type Finding, type ManifestDoc, type ManifestIndex } from './types.js';

const indexOf: Record<BoreasKind, (i: ManifestIndex) => Map<string, unknown>> = {
  Environment: (i) => i.environments,
  Node: (i) => i.nodes,
  Application: (i) => i.applications,
  Release: (i) => i.releases,
  Ingress: (i) => i.ingresses,
  Certificate: (i) => i.certificates,
};

/** Checks all cross-manifest references. */
export function checkReferences(index: ManifestIndex): Finding[] {
  const out: Finding[] = [];
  const expect = (doc: ManifestDoc, path: (string | number)[], kind: BoreasKind, name: string) => {
    if (indexOf[kind](index).has(name)) return;
    const declared = index.declared.get(kind) ?? new Set<string>();
    if (declared.has(name)) return; // declared but schema-invalid: already reported there
    out.push(finding(doc, path, `${kind} "${name}" not found${didYouMean(name, declared)}`));
  };
  const expectPort = (doc: ManifestDoc, path: (string | number)[], app: string, port: string) => {
    const target = index.applications.get(app);
    if (!target) return;
    const names = (target.manifest.spec.ports ?? []).map((p) => p.name);
    if (names.includes(port)) return;
    const known = names.length ? `; its ports are: ${names.join(', ')}` : '; it declares no ports';
    out.push(finding(doc, path, `Application "${app}" has no port named "${port}"${known}${didYouMean(port, names)}`));
  };

  for (const doc of index.environments.values()) {
    doc.manifest.spec.nodes?.forEach((n, i) => expect(doc, ['spec', 'nodes', i], 'Node', n));
  }
  for (const doc of index.applications.values()) {
    const spec = doc.manifest.spec;
    expect(doc, ['spec', 'environment'], 'Environment', spec.environment);
    spec.placement?.nodes?.forEach((n, i) => expect(doc, ['spec', 'placement', 'nodes', i], 'Node', n));
    spec.dependsOn?.forEach((a, i) => {
      if (a === doc.name) out.push(finding(doc, ['spec', 'dependsOn', i], `an application cannot depend on itself`));
      else expect(doc, ['spec', 'dependsOn', i], 'Application', a);
    });
    spec.relations?.forEach((r, i) => {
      expect(doc, ['spec', 'relations', i, 'application'], 'Application', r.application);
      if (r.port !== undefined) expectPort(doc, ['spec', 'relations', i, 'port'], r.application, r.port);
    });
    for (const check of ['http', 'tcp'] as const) {
      const port = spec.health?.[check]?.port;
      if (typeof port === 'string') expectPort(doc, ['spec', 'health', check, 'port'], doc.name, port);
    }
  }
  for (const doc of index.releases.values()) {
    expect(doc, ['spec', 'application'], 'Application', doc.manifest.spec.application);
  }
  for (const doc of index.ingresses.values()) {
    const spec = doc.manifest.spec;
    spec.nodes?.forEach((n, i) => expect(doc, ['spec', 'nodes', i], 'Node', n));
    if (spec.tls) expect(doc, ['spec', 'tls', 'certificate'], 'Certificate', spec.tls.certificate);
    spec.rules.forEach((r, i) => {
      expect(doc, ['spec', 'rules', i, 'application'], 'Application', r.application);
      expectPort(doc, ['spec', 'rules', i, 'port'], r.application, r.port);
    });
  }
  return out;
}

// Edge resources of the desired graph: one NginxSite per (Ingress, edge node) and one
// CertificateFiles per (Certificate used there, edge node). Built after instances are known, since
// upstreams list only healthy endpoints. Pure: health, node facts and certificate versions come in
// as functions. Key material never enters a spec (see targets/nginx/specs.ts).
import type { ManifestSet } from '../manifests/model.js';
import type { DesiredResource, Json } from '../model/resource.js';
import type { InstanceSpec } from '../runtime/instance-spec.js';
import { certificatePaths, sitePath, type NginxNodeFacts } from '../targets/nginx/facts.js';
import { renderNginxSite, type NginxBackend, type NginxEndpoint } from '../targets/nginx/render.js';
import type { CertificateFilesSpec, NginxSiteSpec } from '../targets/nginx/specs.js';
import { hashJson } from '../util/hash.js';
import { certificateFilesId, ingressEdges, nginxSiteId } from './ingress/edges.js';

export { ingressEdges, nginxSiteId, certificateFilesId } from './ingress/edges.js';
export { validateIngresses } from './ingress/validate.js';

/** Current issued version of a certificate (from ensureCertificate / the store). */
export interface CertificateVersionRef {
  version: number;
  fingerprint: string;
}

export interface IngressBuildOptions {
  /**
   * Current version per Certificate. Unknown (not issued yet) gives version 0 / fingerprint
   * `pending`: the engine is expected to run ensureCertificate before building edge resources.
   */
  certificateVersion?: (name: string) => CertificateVersionRef | undefined;
}

/** NginxSite and CertificateFiles resources for every Ingress on every edge node. */
export function buildIngressResources(
  manifests: ManifestSet,
  instances: DesiredResource[],
  health: (instanceResourceId: string) => boolean,
  nodeFacts: (node: string) => NginxNodeFacts,
  opts: IngressBuildOptions = {},
): DesiredResource[] {
  const endpointsByApp = collectEndpoints(instances, health);
  const out = new Map<string, DesiredResource>();
  for (const [name, { manifest: ing }] of [...manifests.ingresses].sort(([a], [b]) => a.localeCompare(b))) {
    const environment = manifests.applications.get(ing.spec.rules[0].application)?.manifest.spec.environment ?? '';
    const backends = backendsOf(ing.spec.rules, manifests, endpointsByApp);
    for (const edge of ingressEdges(ing, manifests)) {
      const facts = nodeFacts(edge.node);
      const certName = ing.spec.tls?.certificate;
      const paths = certName ? certificatePaths(facts, certName) : undefined;
      const dependsOn: string[] = [];
      if (certName && paths) {
        const ref = opts.certificateVersion?.(certName) ?? { version: 0, fingerprint: 'pending' };
        const spec: CertificateFilesSpec = {
          certificate: certName,
          version: ref.version,
          fingerprint: ref.fingerprint,
          ...paths,
          reloadCommand: facts.reloadCommand,
          testCommand: facts.testCommand,
        };
        const id = certificateFilesId(edge.target, certName);
        dependsOn.push(id);
        if (!out.has(id)) {
          out.set(id, {
            id,
            target: edge.target,
            kind: 'CertificateFiles',
            owner: `Certificate/${certName}`,
            environment,
            name: `${certName}@${edge.node}`,
            spec: spec as unknown as Json,
            hash: hashJson(spec),
            dependsOn: [],
            rendered: { [paths.certPath]: `certificate ${certName} version ${ref.version} sha256:${ref.fingerprint}` },
          });
        }
      }
      const content = renderNginxSite({
        site: name,
        hosts: ing.spec.hosts,
        rules: ing.spec.rules,
        backends,
        tls: paths && { ...paths, redirectHttp: ing.spec.tls?.redirectHttp },
        facts,
      });
      const spec: NginxSiteSpec = {
        siteName: name,
        targetPath: sitePath(facts, name),
        content,
        testCommand: facts.testCommand,
        reloadCommand: facts.reloadCommand,
      };
      const id = nginxSiteId(edge.target, name);
      out.set(id, {
        id,
        target: edge.target,
        kind: 'NginxSite',
        owner: `Ingress/${name}`,
        environment,
        name: `${name}@${edge.node}`,
        spec: spec as unknown as Json,
        hash: hashJson(spec),
        dependsOn,
        rendered: { [spec.targetPath]: content },
      });
    }
  }
  return [...out.values()];
}

/** Endpoints of every machine application, per port name, with health. */
function collectEndpoints(instances: DesiredResource[], health: (id: string) => boolean): Map<string, { spec: InstanceSpec; healthy: boolean }[]> {
  const byApp = new Map<string, { spec: InstanceSpec; healthy: boolean }[]>();
  for (const r of instances) {
    if (r.kind !== 'Instance') continue;
    const spec = r.spec as unknown as InstanceSpec;
    const list = byApp.get(spec.app) ?? byApp.set(spec.app, []).get(spec.app)!;
    list.push({ spec, healthy: spec.state === 'Running' && health(r.id) });
  }
  return byApp;
}

function backendsOf(
  rules: { application: string; port: string }[],
  manifests: ManifestSet,
  byApp: Map<string, { spec: InstanceSpec; healthy: boolean }[]>,
): NginxBackend[] {
  const seen = new Set<string>();
  const out: NginxBackend[] = [];
  for (const { application, port } of rules) {
    const key = `${application}\u0000${port}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const endpoints: NginxEndpoint[] = (byApp.get(application) ?? [])
      .filter(({ spec }) => spec.ports[port] !== undefined)
      .map(({ spec, healthy }) => ({ node: spec.node, host: spec.host, port: spec.ports[port], version: spec.version, healthy }));
    const release = manifests.releases.get(application)?.manifest;
    const versionPercents =
      release && release.spec.versions.length > 1 ? Object.fromEntries(release.spec.versions.map((v) => [v.version, v.percent])) : undefined;
    out.push({ application, port, endpoints, versionPercents });
  }
  return out;
}

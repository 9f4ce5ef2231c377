// Edge resources of the desired graph: one NginxSite per (Ingress, edge node) and one
// CertificateFiles per (Certificate used there, edge node). Built after the instances were observed,
// because an upstream lists only endpoints that are up: healthy now, or being started in this pass
// (the site then waits for them), so a site never goes out answering 503 while endpoints come up.
// Pure: health, node facts and certificate versions come in through the context. Key material never
// enters a spec.
import type { ManifestSet } from '../manifests/model.js';
import type { Ingress } from '../model/manifest-types.generated.js';
import type { NginxNodeFacts, NginxSiteProbe } from '../model/edge-specs.js';
import type { InstanceSpec } from '../model/machine-specs.js';
import type { CertificateFilesResource, DesiredResource, NginxSiteResource } from '../model/resource.js';
import { hashJson, sha256 } from '../util/hash.js';
import { certificateId } from './ids.js';
import { certificateFilesId, ingressEdges, nginxSiteId } from './ingress/edges.js';
import { type NginxBackend, type NginxEndpoint, renderNginxSite } from './ingress/nginx-render.js';
import { certificatePaths, sitePath } from './ingress/paths.js';

export { ingressEdges, nginxSiteId, certificateFilesId } from './ingress/edges.js';

/** The issued version of a certificate a node should serve. */
export interface CertificateVersionRef {
  version: number;
  fingerprint: string;
}

export interface EdgeContext {
  /** Whether an instance counts as an endpoint: healthy now, or started in this pass (the site waits for it). */
  endpointUp(instanceId: string): boolean;
  /** An edge target's nginx settings; undefined when it did not answer (its sites are then left as they are). */
  facts(target: string): NginxNodeFacts | undefined;
  /** The current issued version of a certificate; undefined while none is. */
  certificate(name: string): CertificateVersionRef | undefined;
}

/** The placeholder the rendered marker replaces: the marker is a hash of the site without it. */
const markerSlot = 'boreas-config-marker-slot';

/** NginxSite and CertificateFiles resources for every Ingress on every edge node that answered. */
export function buildEdgeResources(manifests: ManifestSet, machine: DesiredResource[], ctx: EdgeContext): DesiredResource[] {
  // No Ingress, no site: and no need to ask every instance whether it is up (each pass of every resync).
  if (manifests.ingresses.size === 0) return [];
  const endpointsByApp = collectEndpoints(machine, ctx);
  const out = new Map<string, DesiredResource>();
  for (const [name, { manifest: ing }] of [...manifests.ingresses].sort(([a], [b]) => a.localeCompare(b))) {
    const environment = manifests.applications.get(ing.spec.rules[0].application)?.manifest.spec.environment ?? '';
    const backends = backendsOf(ing.spec.rules, manifests, endpointsByApp.byApp);
    // The site waits for the endpoints it lists (started in this pass, or healthy now), never for one it leaves out.
    const backendIds = [...new Set(ing.spec.rules.flatMap((r) => endpointsByApp.upIds.get(r.application) ?? []))].sort();
    for (const edge of ingressEdges(ing, manifests)) {
      const facts = ctx.facts(edge.target);
      if (!facts) continue;
      const certName = ing.spec.tls?.certificate;
      const paths = certName ? certificatePaths(facts, certName) : undefined;
      const dependsOn = [...backendIds];
      if (certName && paths) {
        const files = certificateFiles(edge, certName, environment, paths, ctx.certificate(certName));
        dependsOn.push(files.id);
        if (!out.has(files.id)) out.set(files.id, files);
      }
      const site = nginxSite(name, ing.spec, edge, environment, backends, facts, paths);
      site.dependsOn = dependsOn;
      out.set(site.id, site);
    }
  }
  return [...out.values()];
}

function certificateFiles(
  edge: { node: string; target: string },
  certName: string,
  environment: string,
  paths: { certPath: string; keyPath: string },
  issued: CertificateVersionRef | undefined,
): CertificateFilesResource {
  const ref = issued ?? { version: 0, fingerprint: 'pending' };
  const spec = { certificate: certName, node: edge.node, version: ref.version, fingerprint: ref.fingerprint, ...paths };
  return {
    id: certificateFilesId(edge.target, certName),
    target: edge.target,
    kind: 'CertificateFiles',
    owner: `Certificate/${certName}`,
    environment,
    name: `${certName}@${edge.node}`,
    spec,
    hash: hashJson(spec),
    dependsOn: [certificateId(certName)],
    // The version is read from the certificate as issued now: a new issuance re-renders these files.
    derivedFrom: [certificateId(certName)],
    rendered: { [paths.certPath]: `certificate ${certName} version ${ref.version} sha256:${ref.fingerprint}` },
  };
}

function nginxSite(
  name: string,
  ing: Ingress['spec'],
  edge: { node: string; target: string },
  environment: string,
  backends: NginxBackend[],
  facts: NginxNodeFacts,
  paths: { certPath: string; keyPath: string } | undefined,
): NginxSiteResource {
  const draft = renderNginxSite({
    site: name,
    hosts: ing.hosts,
    rules: ing.rules,
    backends,
    tls: paths && { ...paths, redirectHttp: ing.tls?.redirectHttp },
    facts,
    marker: markerSlot,
  });
  // The marker proves which config nginx serves (the agent probes for it after a reload).
  const marker = sha256(draft).slice(0, 16);
  const content = draft.replaceAll(markerSlot, marker);
  const first = ing.rules[0];
  const probe: NginxSiteProbe = {
    host: probeHost(ing.hosts[0]),
    path: first.path ?? '/',
    tls: !!paths,
    marker,
    expectBackend: backends.some((b) => b.application === first.application && b.port === first.port && b.endpoints.some((e) => e.healthy)),
  };
  const spec = { siteName: name, node: edge.node, targetPath: sitePath(facts, name), content, probe };
  return {
    id: nginxSiteId(edge.target, name),
    target: edge.target,
    kind: 'NginxSite',
    owner: `Ingress/${name}`,
    environment,
    name: `${name}@${edge.node}`,
    spec,
    hash: hashJson(spec),
    dependsOn: [],
    rendered: { [spec.targetPath]: content },
  };
}

/** A concrete name for a wildcard host (`*.example.com` is probed as `boreas-probe.example.com`). */
function probeHost(host: string): string {
  return host.startsWith('*.') ? `boreas-probe${host.slice(1)}` : host;
}

interface Endpoints {
  byApp: Map<string, { spec: InstanceSpec; healthy: boolean }[]>;
  /** Ids of the instances that count as up, per application (what a site lists and waits for). */
  upIds: Map<string, string[]>;
}

/** Endpoints of every machine application, with whether each counts as up. */
function collectEndpoints(machine: DesiredResource[], ctx: EdgeContext): Endpoints {
  const byApp = new Map<string, { spec: InstanceSpec; healthy: boolean }[]>();
  const upIds = new Map<string, string[]>();
  for (const r of machine) {
    if (r.kind !== 'Instance') continue;
    const spec = r.spec;
    const up = spec.state === 'Running' && ctx.endpointUp(r.id);
    (byApp.get(spec.app) ?? byApp.set(spec.app, []).get(spec.app)!).push({ spec, healthy: up });
    if (up) (upIds.get(spec.app) ?? upIds.set(spec.app, []).get(spec.app)!).push(r.id);
  }
  return { byApp, upIds };
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

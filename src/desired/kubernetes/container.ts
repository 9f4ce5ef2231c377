// Renders an Application's container into Deployments and a Service. A Release with several versions
// becomes one Deployment per version: the first version is the stable one named `<app>`, the others
// `<app>-<version-slug>`; replicas split by percent (largest remainder, shared with machine apps).
// One Service selects the pods of all of them by application label, so traffic follows replicas.
import type { Application, ContainerSpec, Environment, Release } from '../../model/manifest-types.generated.js';
import type { Json } from '../../model/resource.js';
import { splitCounts } from '../release.js';
import { APPLICATION_LABEL, DEPLOYMENT_LABEL, VERSION_LABEL } from './ids.js';
import type { KubeObject } from './object.js';

type Health = NonNullable<Application['spec']['health']>;

/** DNS-1123-safe suffix for a version label (`v1.4.0-rc.1` → `v1-4-0-rc-1`). */
export function versionSlug(version: string): string {
  return (
    version
      .toLowerCase()
      .replace(/[^a-z0-9-]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 40) || 'v'
  );
}

/** Deployments (stable first) and, when the app has ports, its Service. */
export function renderContainerApp(app: Application, env: Environment, release: Release | undefined): KubeObject[] {
  const name = app.metadata.name;
  const namespace = env.spec.kubernetes!.namespace;
  const base = app.spec.kubernetes?.container ?? app.spec.container;
  if (!base) return [];
  const total = app.spec.state === 'Stopped' ? 0 : (app.spec.replicas ?? 1);
  const versions = release?.spec.versions ?? [{ version: app.spec.version ?? '', percent: 100 }];
  const counts = splitCounts(
    total,
    versions.map((v) => v.percent),
  );
  const out: KubeObject[] = versions.map((v, i) => {
    const container: ContainerSpec = { ...base, ...('container' in v ? v.container : undefined) };
    const deployment = i === 0 ? name : `${name}-${versionSlug(v.version)}`;
    return renderDeployment(app, namespace, deployment, v.version, counts[i], container);
  });
  const ports = portsOf(app, base);
  if (ports.length) {
    out.push({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name, namespace },
      spec: {
        selector: { [APPLICATION_LABEL]: name },
        ports: ports.map((p) => ({ name: p.name, port: p.port, targetPort: p.name, protocol: p.protocol })),
      },
    });
  }
  return out;
}

function renderDeployment(app: Application, namespace: string, name: string, version: string, replicas: number, c: ContainerSpec): KubeObject {
  const podLabels: Record<string, string> = { [APPLICATION_LABEL]: app.metadata.name, [DEPLOYMENT_LABEL]: name };
  if (version) podLabels[VERSION_LABEL] = versionSlug(version);
  const container: Record<string, Json> = { name: app.metadata.name, image: c.image };
  if (c.command) container.command = c.command;
  if (c.args) container.args = c.args;
  const ports = portsOf(app, c);
  if (ports.length) container.ports = ports.map((p) => ({ name: p.name, containerPort: p.port, protocol: p.protocol }));
  const env = envOf(app);
  if (env.length) container.env = env;
  const probe = probeOf(app.spec.health);
  if (probe) {
    container.readinessProbe = probe;
    container.livenessProbe = probe;
  }
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace },
    spec: {
      replicas,
      selector: { matchLabels: { [APPLICATION_LABEL]: app.metadata.name, [DEPLOYMENT_LABEL]: name } },
      template: { metadata: { labels: podLabels }, spec: { containers: [container] } },
    },
  };
}

interface NamedPort {
  name: string;
  port: number;
  protocol: 'TCP' | 'UDP';
}

/** Named application ports win; otherwise the container's published ports named `p<port>`. */
function portsOf(app: Application, c: ContainerSpec): NamedPort[] {
  const proto = (p?: string) => (p === 'udp' ? 'UDP' : 'TCP');
  if (app.spec.ports?.length) return app.spec.ports.map((p) => ({ name: p.name, port: p.port, protocol: proto(p.protocol) }));
  return (c.ports ?? []).map((p) => ({ name: `p${p.container}`, port: p.container, protocol: proto(p.protocol) }));
}

/**
 * Literal values as they are; `valueFrom` (env/file on the Boreas side) kept as a reference
 * `{name, valueFrom: {env|file}}` that the Kubernetes target resolves into a literal at apply time,
 * so the secret never enters the desired spec, the plan or the inventory.
 */
function envOf(app: Application): Json[] {
  return Object.entries(app.spec.env ?? {})
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]): Json => (typeof v === 'string' ? { name: k, value: v } : { name: k, valueFrom: { ...v.valueFrom } as Json }));
}

function probeOf(h: Health | undefined): Record<string, Json> | undefined {
  if (!h) return undefined;
  let probe: Record<string, Json>;
  if (h.http) probe = { httpGet: { path: h.http.path ?? '/', port: h.http.port, scheme: (h.http.scheme ?? 'http').toUpperCase() } };
  else if (h.tcp) probe = { tcpSocket: { port: h.tcp.port } };
  else if (h.exec) probe = { exec: { command: h.exec.command } };
  else return undefined; // `process` has no Kubernetes equivalent: the kubelet already restarts exited containers
  probe.periodSeconds = h.intervalSeconds ?? 10;
  probe.timeoutSeconds = h.timeoutSeconds ?? 2;
  probe.initialDelaySeconds = h.initialDelaySeconds ?? 0;
  probe.failureThreshold = h.failureThreshold ?? 3;
  return probe;
}

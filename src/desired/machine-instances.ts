// Turns one machine Application (runtime process/container/script/systemd on a local or pm
// environment) into Instance resources, one per placed ordinal, with ports resolved per node slot.
// Files and relation endpoints are added afterwards (files.ts), once every app's endpoints are known.
import type { Application, Release, SecretSource } from '../model/manifest-types.generated.js';
import type { HealthCheckSpec, InstanceSpec, Runtime } from '../model/machine-specs.js';
import { type VersionSlice, versionsByOrdinal } from './release.js';
import { instanceName } from './ids.js';

export interface Placement {
  ordinal: number;
  node: string;
  /** Index of the instance among this app's instances on the node: ports are declared + slot. */
  slot: number;
  /** Target key of the node (`local`, `agent:<node>`). */
  target: string;
  /** Address other instances reach this node on. */
  host: string;
}

/** Instance specs before files are rendered (filesHash filled in later); `secretDigest` see DesiredContext. */
export function buildInstanceSpecs(
  app: Application,
  release: Release | undefined,
  placements: Placement[],
  secretDigest?: (source: SecretSource) => string | undefined,
): InstanceSpec[] {
  const name = app.metadata.name;
  const digests = secretDigestsOf(app, secretDigest);
  const total = placements.length;
  const versions = versionsByOrdinal(app, release, total);
  return placements.map((p) => {
    const slice = versions[p.ordinal] ?? versions[versions.length - 1];
    const ports: Record<string, number> = {};
    for (const port of app.spec.ports ?? []) ports[port.name] = port.port + p.slot;
    const runtime = app.spec.runtime as Runtime;
    const instance = instanceName(name, p.ordinal);
    const spec: InstanceSpec = {
      app: name,
      instance,
      ordinal: p.ordinal,
      node: p.node,
      host: p.host,
      version: slice.version,
      runtime,
      env: {
        ...(app.spec.env ?? {}),
        BOREAS_APP: name,
        BOREAS_INSTANCE: instance,
        BOREAS_INSTANCE_ID: String(p.ordinal),
        BOREAS_VERSION: slice.version,
        ...Object.fromEntries(Object.entries(ports).map(([k, v]) => [`BOREAS_PORT_${k.toUpperCase().replace(/-/g, '_')}`, String(v)])),
      },
      ports,
      filesHash: '',
      state: app.spec.state ?? 'Running',
    };
    setRuntimeBlock(spec, slice.overrides, app);
    const health = resolveHealth(app, ports);
    if (health) spec.health = health;
    if (digests) spec.secretDigests = digests;
    return spec;
  });
}

/** Env name → digest of each value kept encrypted in Git; undefined when there is none. */
function secretDigestsOf(app: Application, digest?: (source: SecretSource) => string | undefined): Record<string, string> | undefined {
  if (!digest) return undefined;
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(app.spec.env ?? {})) {
    const d = typeof v === 'string' ? undefined : digest(v.valueFrom);
    if (d) out[k] = d;
  }
  return Object.keys(out).length ? out : undefined;
}

function resolvePort(ref: string | number, ports: Record<string, number>): number {
  return typeof ref === 'number' ? ref : (ports[ref] ?? Number(ref));
}

function resolveHealth(app: Application, ports: Record<string, number>): HealthCheckSpec | undefined {
  const h = app.spec.health;
  if (!h) return undefined;
  const base = {
    intervalSeconds: h.intervalSeconds ?? 10,
    timeoutSeconds: h.timeoutSeconds ?? 2,
    initialDelaySeconds: h.initialDelaySeconds ?? 0,
    failureThreshold: h.failureThreshold ?? 3,
  };
  if (h.http) return { ...base, http: { port: resolvePort(h.http.port, ports), path: h.http.path ?? '/', scheme: h.http.scheme ?? 'http' } };
  if (h.tcp) return { ...base, tcp: { port: resolvePort(h.tcp.port, ports) } };
  if (h.exec) return { ...base, exec: { command: [...h.exec.command] } };
  if (h.process) return { ...base, process: {} };
  return undefined;
}

/** The runtime's own block (command, image, unit...): the Release version's override, else the app's. */
function setRuntimeBlock(spec: InstanceSpec, overrides: VersionSlice['overrides'], app: Application): void {
  switch (spec.runtime) {
    case 'process': {
      const b = overrides.process ?? app.spec.process;
      if (b) spec.process = b;
      break;
    }
    case 'container': {
      const b = overrides.container ?? app.spec.container;
      if (b) spec.container = b;
      break;
    }
    case 'script': {
      const b = overrides.script ?? app.spec.script;
      if (b) spec.script = b;
      break;
    }
    case 'systemd': {
      const b = overrides.systemd ?? app.spec.systemd;
      if (b) spec.systemd = b;
      break;
    }
  }
}

// Endpoints of every application, as its related applications see them in templates. Built from
// desired instances (not from health) so a flapping instance does not re-render its dependents.
import type { Application } from '../model/manifest-types.generated.js';
import type { InstanceSpec } from '../model/machine-specs.js';

export interface Endpoint {
  host: string;
  port: number;
  node: string;
  instance: string;
  version: string;
}

/** What `{{<relation>.…}}` renders to: `endpoints` is "host:port,host:port", `list` iterates. */
export interface RelationView {
  endpoints: string;
  list: Endpoint[];
  first: Endpoint | undefined;
}

export function endpointsOf(app: Application, instances: InstanceSpec[], portName?: string): Endpoint[] {
  const port = portName ?? app.spec.ports?.[0]?.name;
  if (!port) return [];
  return instances
    .filter((i) => i.state === 'Running' && i.ports[port] !== undefined)
    .map((i) => ({ host: i.host, port: i.ports[port], node: i.node, instance: i.instance, version: i.version }))
    .sort((a, b) => a.node.localeCompare(b.node) || a.host.localeCompare(b.host) || a.port - b.port);
}

export function relationView(endpoints: Endpoint[]): RelationView {
  return { endpoints: endpoints.map((e) => `${e.host}:${e.port}`).join(','), list: endpoints, first: endpoints[0] };
}

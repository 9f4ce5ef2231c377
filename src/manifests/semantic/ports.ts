// Ports are claimed per machine: every local Environment is this machine, and a pm application may land
// on any eligible node of its environment. An instance listens on its declared port plus its slot on
// the node (0 for the first instance there, 1 for the second, ...), so an application claims the range
// port .. port + (instances per node - 1). Two ranges of one protocol that overlap on a machine they can
// share would make one of the instances fail with "address in use" after others have started; that is
// knowable from Git alone, so it is an error here, as is a range running past 65535. The nginx declared
// for this machine (a local Environment's spec.nginx) claims its HTTP and HTTPS ports too. Stopped
// applications and Kubernetes ones claim nothing on a machine. The same pass bounds the total number
// of instances a revision asks for (MAX_INSTANCES).
import { MAX_INSTANCES } from '../limits.js';
import type { Application } from '../model.js';
import { finding, type Finding, type ManifestDoc, type ManifestIndex } from './types.js';

const LOCAL = '\0local';

/** One port range claimed on a set of machines. */
interface Claim {
  doc: ManifestDoc;
  path: (string | number)[];
  /** `port "http" 8080` or `the nginx HTTPS port 443`, for messages. */
  label: string;
  start: number;
  end: number;
  protocol: string;
  /** Machines the range may be claimed on: node names, or LOCAL for this machine. */
  machines: Set<string>;
  /** Identity of `machines` (same key, same set), so intersections are computed once per pair. */
  machinesKey: string;
  /** Instances per machine that made the range (for messages). */
  perMachine: number;
}

export function checkPorts(index: ManifestIndex): Finding[] {
  const out: Finding[] = [];
  const claims: Claim[] = [];
  let instances = 0;
  let overLimit = false;
  // Applications of one environment mostly share a placement: their machines are computed once.
  const machinesOf = new Map<string, { machines: Set<string>; key: string }>();
  for (const doc of index.applications.values()) {
    const spec = doc.manifest.spec;
    const envType = index.environments.get(spec.environment)?.manifest.spec.type;
    if (spec.runtime === 'kubernetes' || (envType !== 'local' && envType !== 'pm')) continue;
    const where = envType === 'local' ? { machines: new Set([LOCAL]), key: LOCAL } : memoized(machinesOf, doc.manifest, index);
    const replicas = spec.replicas ?? (envType === 'local' ? 1 : spec.placement?.nodes?.length || where.machines.size);
    instances += replicas;
    if (instances > MAX_INSTANCES && !overLimit) {
      overLimit = true;
      out.push(
        finding(
          doc,
          spec.replicas === undefined ? ['spec'] : ['spec', 'replicas'],
          `this revision asks for more than ${MAX_INSTANCES} machine instances in all (this application adds ${replicas}); split the revision's applications or lower replicas`,
        ),
      );
    }
    if (spec.state === 'Stopped' || replicas === 0 || where.machines.size === 0) continue;
    const perMachine = envType === 'local' ? replicas : Math.min(replicas, spec.placement?.maxPerNode ?? 1);
    (spec.ports ?? []).forEach((p, i) => {
      const path = ['spec', 'ports', i, 'port'];
      const end = p.port + perMachine - 1;
      if (end > 65535) {
        out.push(finding(doc, path, `port ${p.port} with ${perMachine} instances on one machine needs ports ${p.port}-${end}, beyond 65535`));
        return;
      }
      claims.push({
        doc,
        path,
        label: `port "${p.name}" ${range(p.port, end)}`,
        start: p.port,
        end,
        protocol: p.protocol ?? 'tcp',
        machines: where.machines,
        machinesKey: where.key,
        perMachine,
      });
    });
  }
  claims.push(...localEdgeClaims(index));
  out.push(...overlaps(claims));
  return out;
}

function memoized(cache: Map<string, { machines: Set<string>; key: string }>, app: Application, index: ManifestIndex): { machines: Set<string>; key: string } {
  const p = app.spec.placement;
  const key = JSON.stringify([app.spec.environment, p?.nodes ?? null, p?.nodeSelector ?? null]);
  let found = cache.get(key);
  if (!found) cache.set(key, (found = pmMachines(app, index)));
  return found;
}

/** The nodes a pm application can be placed on: its environment's, narrowed by placement, not cordoned. */
function pmMachines(app: Application, index: ManifestIndex): { machines: Set<string>; key: string } {
  const env = index.environments.get(app.spec.environment)!.manifest.spec;
  const placement = app.spec.placement ?? {};
  const machines = new Set<string>();
  for (const node of index.nodes.values()) {
    const labels = node.manifest.metadata.labels ?? {};
    if (env.nodes ? !env.nodes.includes(node.name) : env.nodeSelector && !matches(labels, env.nodeSelector)) continue;
    if (placement.nodes && !placement.nodes.includes(node.name)) continue;
    if (placement.nodeSelector && !matches(labels, placement.nodeSelector)) continue;
    if (node.manifest.spec.cordoned) continue;
    machines.add(node.name);
  }
  return { machines, key: [...machines].sort().join('\0') };
}

function matches(labels: Record<string, string>, selector: Record<string, string>): boolean {
  return Object.entries(selector).every(([k, v]) => labels[k] === v);
}

/** The HTTP and HTTPS ports of the nginx declared for this machine (the first local Environment declaring it). */
function localEdgeClaims(index: ManifestIndex): Claim[] {
  const doc = [...index.environments.values()].find((d) => d.manifest.spec.type === 'local' && d.manifest.spec.nginx);
  const nginx = doc?.manifest.spec.nginx;
  if (!doc || !nginx) return [];
  const claim = (field: 'httpPort' | 'httpsPort', port: number, what: string): Claim => ({
    doc,
    path: ['spec', 'nginx', ...(nginx[field] === undefined ? [] : [field])],
    label: `the nginx ${what} port ${port}`,
    start: port,
    end: port,
    protocol: 'tcp',
    machines: new Set([LOCAL]),
    machinesKey: LOCAL,
    perMachine: 1,
  });
  const http = nginx.httpPort ?? 80;
  const https = nginx.httpsPort ?? 443;
  return http === https ? [claim('httpPort', http, 'HTTP')] : [claim('httpPort', http, 'HTTP'), claim('httpsPort', https, 'HTTPS')];
}

/**
 * Overlapping ranges of one protocol on a shared machine, each reported once at the later document
 * (pointing back at the earlier). A sweep over ranges sorted by start compares only ranges that
 * overlap, so many applications on distinct ports cost a sort, not a comparison of every pair.
 */
function overlaps(claims: Claim[]): Finding[] {
  const out: Finding[] = [];
  const reported = new Set<Claim>();
  const shared = new Map<string, string | undefined>();
  const sharedMachine = (a: Claim, b: Claim): string | undefined => {
    const key = a.machinesKey < b.machinesKey ? `${a.machinesKey}\n${b.machinesKey}` : `${b.machinesKey}\n${a.machinesKey}`;
    if (!shared.has(key)) {
      const [small, large] = a.machines.size <= b.machines.size ? [a.machines, b.machines] : [b.machines, a.machines];
      shared.set(
        key,
        [...small].sort().find((m) => large.has(m)),
      );
    }
    return shared.get(key);
  };
  const sorted = [...claims].sort((a, b) => (a.protocol < b.protocol ? -1 : a.protocol > b.protocol ? 1 : a.start - b.start || docOrder(a, b)));
  let active: Claim[] = [];
  for (const claim of sorted) {
    active = active.filter((c) => c.protocol === claim.protocol && c.end >= claim.start);
    for (const other of active) {
      const machine = sharedMachine(claim, other);
      if (machine === undefined) continue;
      // The nginx of this machine stays where it is: a clash with it is the application's to fix.
      const [first, later] = isEdge(other) || (!isEdge(claim) && docOrder(other, claim) <= 0) ? [other, claim] : [claim, other];
      if (reported.has(later)) continue;
      reported.add(later);
      const on = machine === LOCAL ? 'this machine' : `node "${machine}"`;
      const owner = first.doc === later.doc ? '' : ` of ${first.doc.kind}/${first.doc.name}`;
      out.push(
        finding(
          later.doc,
          later.path,
          `${describe(later)} overlaps ${describe(first)}${owner} on ${on} (${first.doc.ref.file}:${first.doc.ref.line}); ports are unique per machine, including each instance's port + slot`,
        ),
      );
    }
    active.push(claim);
  }
  return out;
}

function isEdge(c: Claim): boolean {
  return c.doc.kind === 'Environment';
}

function docOrder(a: Claim, b: Claim): number {
  const fa = a.doc.ref.file;
  const fb = b.doc.ref.file;
  return fa < fb ? -1 : fa > fb ? 1 : a.doc.ref.line - b.doc.ref.line || a.path.join('.').localeCompare(b.path.join('.'));
}

function describe(c: Claim): string {
  return c.perMachine > 1 ? `${c.label} (${c.perMachine} instances per machine)` : c.label;
}

function range(start: number, end: number): string {
  return start === end ? String(start) : `${start}-${end}`;
}

// Renders one Ingress as one nginx site for one edge node. Pure and deterministic: the same input
// gives byte-identical output, so an unchanged site hashes the same and causes no task and no
// reload. Endpoints are sorted by node then ip:port; unhealthy ones are left out; a rule
// whose application has no healthy endpoint answers 503 instead of pointing at an empty upstream
// (which `nginx -t` rejects).
import type { NginxNodeFacts } from '../../model/edge-specs.js';
import { hostPort, identifier, listen, serverName, token } from './nginx-syntax.js';

/** One instance of an application's named port as seen by the controller. */
export interface NginxEndpoint {
  node: string;
  host: string;
  port: number;
  version: string;
  healthy: boolean;
}

/** The endpoints behind one (application, port) pair. */
export interface NginxBackend {
  application: string;
  port: string;
  endpoints: NginxEndpoint[];
  /** Release percent per version; used for weights only when several versions are healthy. */
  versionPercents?: Record<string, number>;
}

export interface NginxSiteInput {
  /** Site name (the Ingress name); prefixes upstream names so sites never collide. */
  site: string;
  hosts: string[];
  rules: { path?: string; application: string; port: string }[];
  backends: NginxBackend[];
  tls?: { certPath: string; keyPath: string; redirectHttp?: boolean };
  facts: NginxNodeFacts;
  /** Sent as the X-Boreas-Config header by every server block: tells a probe which config nginx serves. */
  marker: string;
}

const acmePath = '/.well-known/acme-challenge/';

/** The complete config file of one site. */
export function renderNginxSite(input: NginxSiteInput): string {
  const upstreams = new Map<string, { name: string; servers: string[] }>();
  for (const b of input.backends) {
    const servers = upstreamServers(b);
    if (servers.length > 0) upstreams.set(backendKey(b.application, b.port), { name: identifier('boreas', input.site, b.application, b.port), servers });
  }
  const out: string[] = [`# Managed by boreas (Ingress/${input.site}); changes made here are overwritten.`];
  for (const u of [...upstreams.values()].sort((a, b) => a.name.localeCompare(b.name))) {
    out.push('', `upstream ${u.name} {`, ...u.servers.map((s) => `    ${s}`), '}');
  }
  const names = input.hosts.map(serverName).join(' ');
  const locations = renderLocations(input, upstreams);
  const { facts, tls } = input;
  const redirect = tls && tls.redirectHttp !== false;

  const markerLine = `    add_header X-Boreas-Config ${token(input.marker)} always;`;
  out.push('', 'server {', `    listen ${listen(facts.listenAddress, facts.httpPort)};`, `    server_name ${names};`, markerLine, '');
  out.push(...acmeLocation(facts.webroot));
  if (redirect) {
    const port = facts.httpsPort === 443 ? '' : `:${facts.httpsPort}`;
    out.push('', '    location / {', `        return 308 https://$host${port}$request_uri;`, '    }');
  } else {
    out.push(...locations.filter((l) => l.path !== acmePath).flatMap((l) => ['', ...l.lines]));
  }
  out.push('}');

  if (tls) {
    out.push(
      '',
      'server {',
      `    listen ${listen(facts.listenAddress, facts.httpsPort)} ssl;`,
      `    server_name ${names};`,
      `    ssl_certificate ${token(tls.certPath)};`,
      `    ssl_certificate_key ${token(tls.keyPath)};`,
      '    ssl_protocols TLSv1.2 TLSv1.3;',
      markerLine,
      ...locations.flatMap((l) => ['', ...l.lines]),
      '}',
    );
  }
  return out.join('\n') + '\n';
}

function backendKey(application: string, port: string): string {
  return `${application}\u0000${port}`;
}

/** `server` lines of an upstream: healthy endpoints, stably sorted, weighted by Release percents. */
function upstreamServers(b: NginxBackend): string[] {
  const healthy = b.endpoints.filter((e) => e.healthy);
  const sorted = [...healthy].sort((x, y) => cmp(x.node, y.node) || cmp(x.host, y.host) || x.port - y.port);
  const seen = new Set<string>();
  const unique = sorted.filter((e) => {
    const k = hostPort(e.host, e.port);
    return seen.has(k) ? false : (seen.add(k), true);
  });
  const weights = versionWeights(unique, b.versionPercents);
  return unique.map((e) => {
    const w = weights.get(e.version);
    return `server ${hostPort(e.host, e.port)}${w === undefined ? '' : ` weight=${w}`};`;
  });
}

/**
 * Per-version endpoint weight so that each version receives its Release percent of the traffic
 * whatever number of healthy endpoints it has: percent / count, scaled to small integers.
 */
export function versionWeights(endpoints: { version: string }[], percents?: Record<string, number>): Map<string, number> {
  const counts = new Map<string, number>();
  for (const e of endpoints) counts.set(e.version, (counts.get(e.version) ?? 0) + 1);
  if (!percents || counts.size < 2) return new Map();
  const raw = new Map<string, number>();
  for (const [v, n] of counts) raw.set(v, Math.max(1, Math.round(((percents[v] ?? 0) * 100) / n)));
  const g = [...raw.values()].reduce(gcd);
  return new Map([...raw].map(([v, w]) => [v, w / g]));
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

interface RenderedLocation {
  path: string;
  lines: string[];
}

/** One prefix `location` per distinct rule path; nginx itself picks the longest matching prefix. */
function renderLocations(input: NginxSiteInput, upstreams: Map<string, { name: string }>): RenderedLocation[] {
  const seen = new Set<string>();
  const out: RenderedLocation[] = [];
  for (const rule of input.rules) {
    const path = rule.path ?? '/';
    if (seen.has(path)) continue; // validation reports duplicates; nginx would refuse them
    seen.add(path);
    const upstream = upstreams.get(backendKey(rule.application, rule.port));
    const body = upstream
      ? [
          `        proxy_pass http://${upstream.name};`,
          '        proxy_http_version 1.1;',
          '        proxy_set_header Host $host;',
          '        proxy_set_header Connection "";',
          '        proxy_set_header X-Real-IP $remote_addr;',
          '        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;',
          '        proxy_set_header X-Forwarded-Proto $scheme;',
          '        proxy_set_header X-Forwarded-Host $host;',
        ]
      : [`        # no healthy endpoint of ${rule.application}:${rule.port}`, '        return 503;'];
    out.push({ path, lines: [`    location ${token(path)} {`, ...body, '    }'] });
  }
  return out.sort((a, b) => cmp(a.path, b.path));
}

/** ACME http-01 tokens are always served over plain HTTP from the node's webroot. */
function acmeLocation(webroot: string): string[] {
  return [`    location ^~ ${acmePath} {`, `        root ${token(webroot)};`, '        default_type text/plain;', '        try_files $uri =404;', '    }'];
}

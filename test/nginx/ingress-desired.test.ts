// The desired side of Ingresses: which nodes get which site, what the site says about healthy
// instances and Release weights, and that certificate specs never carry key material.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Application, Certificate, Ingress, Node, Release } from '../../src/manifests/model.js';
import { buildDesired, buildEdgeResources } from '../../src/desired/index.js';
import { defaultNginxFacts, type NginxNodeFacts } from '../../src/model/edge-specs.js';
import type { DesiredResource } from '../../src/model/resource.js';
import { manifestSet } from '../helpers/manifests.js';

const node = (name: string, host: string, labels: Record<string, string>): Node => ({
  apiVersion: 'boreas.dev/v1',
  kind: 'Node',
  metadata: { name, labels },
  spec: { address: `${host}:7070` },
});
const app: Application = {
  apiVersion: 'boreas.dev/v1',
  kind: 'Application',
  metadata: { name: 'web' },
  spec: {
    environment: 'prod',
    runtime: 'process',
    version: 'v1',
    replicas: 4,
    process: { command: 'node', args: ['web.js'] },
    ports: [{ name: 'http', port: 8000 }],
    placement: { nodeSelector: { role: 'app' }, maxPerNode: 2 },
  },
};
const release: Release = {
  apiVersion: 'boreas.dev/v1',
  kind: 'Release',
  metadata: { name: 'web' },
  spec: {
    application: 'web',
    versions: [
      { version: 'v1', percent: 75 },
      { version: 'v2', percent: 25 },
    ],
  },
};
const ingress = (name: string, spec: Partial<Ingress['spec']> = {}): Ingress => ({
  apiVersion: 'boreas.dev/v1',
  kind: 'Ingress',
  metadata: { name },
  spec: {
    hosts: ['shop.example.com'],
    rules: [{ path: '/', application: 'web', port: 'http' }],
    nodeSelector: { role: 'edge' },
    tls: { certificate: 'shop-cert' },
    ...spec,
  },
});
const cert: Certificate = {
  apiVersion: 'boreas.dev/v1',
  kind: 'Certificate',
  metadata: { name: 'shop-cert' },
  spec: { domains: ['shop.example.com'], issuer: { selfSigned: {} } },
};

function manifests(ingresses: Ingress[] = [ingress('shop')]) {
  const set = manifestSet({
    environments: [{ apiVersion: 'boreas.dev/v1', kind: 'Environment', metadata: { name: 'prod' }, spec: { type: 'pm', nodeSelector: { role: 'app' } } }],
    nodes: [
      node('app-1', '127.0.10.1', { role: 'app' }),
      node('app-2', '127.0.10.2', { role: 'app' }),
      node('edge-b', '127.0.11.2', { role: 'edge' }),
      node('edge-a', '127.0.11.1', { role: 'edge' }),
    ],
    applications: [app],
    releases: [release],
  });
  const o = (f: string) => ({ file: f, docIndex: 0, line: 3, col: 1 });
  for (const i of ingresses) set.ingresses.set(i.metadata.name, { manifest: i, origin: o(`ingress/${i.metadata.name}.yaml`) });
  set.certificates.set('shop-cert', { manifest: cert, origin: o('certs.yaml') });
  return set;
}

const facts = (target: string): NginxNodeFacts => {
  const node = target.replace(/^agent:/, '');
  return { ...defaultNginxFacts, confDir: `/srv/${node}/conf.d`, certDir: `/srv/${node}/certs` };
};
const edges = (
  set: ReturnType<typeof manifests>,
  machine: DesiredResource[],
  up: (id: string) => boolean,
  version?: { version: number; fingerprint: string },
) => buildEdgeResources(set, machine, { endpointUp: up, facts, certificate: () => version });
const siteOf = (r: DesiredResource | undefined) => (r?.kind === 'NginxSite' ? r.spec : assert.fail(`not a site: ${r?.id}`));

test('one NginxSite per edge node with healthy endpoints, weights and a CertificateFiles dependency', () => {
  const set = manifests();
  const graph = buildDesired(set);
  const instances = graph.resources.filter((r) => r.kind === 'Instance');
  assert.equal(instances.length, 4);
  const unhealthy = instances.find((r) => r.kind === 'Instance' && r.spec.ordinal === 0)!.id;
  const out = edges(set, graph.resources, (id) => id !== unhealthy, { version: 3, fingerprint: 'ab12' });

  assert.deepEqual(out.map((r) => r.id).sort(), [
    'agent:edge-a/CertificateFiles/shop-cert',
    'agent:edge-a/NginxSite/shop',
    'agent:edge-b/CertificateFiles/shop-cert',
    'agent:edge-b/NginxSite/shop',
  ]);
  const site = out.find((r) => r.id === 'agent:edge-a/NginxSite/shop')!;
  const spec = siteOf(site);
  assert.equal(site.owner, 'Ingress/shop');
  // The site waits for its certificate files and for every backend instance (started in the same pass).
  assert.deepEqual(site.dependsOn, [
    ...instances
      .map((r) => r.id)
      .filter((id) => id !== unhealthy)
      .sort(),
    'agent:edge-a/CertificateFiles/shop-cert',
  ]);
  assert.equal(spec.targetPath, '/srv/edge-a/conf.d/boreas-shop.conf');
  assert.equal(spec.probe.host, 'shop.example.com');
  assert.equal(spec.probe.tls, true);
  assert.match(spec.content, new RegExp(`add_header X-Boreas-Config ${spec.probe.marker} always;`));
  assert.match(spec.content, /ssl_certificate \/srv\/edge-a\/certs\/shop-cert\.crt;/);
  // 3 healthy of 4, sorted by node then ip:port; the v2 instance(s) weighted up to 25 % of traffic
  const servers = [...spec.content.matchAll(/^ {4}server (\S+?)( weight=\d+)?;$/gm)].map((m) => m[1] + (m[2] ?? ''));
  assert.equal(servers.length, 3);
  const versions = new Map(
    instances.map((r) => {
      const s = r.kind === 'Instance' ? r.spec : assert.fail('instance');
      return [`${s.host}:${s.ports.http}`, s.version];
    }),
  );
  const weights = servers.map((s) => {
    const [addr, w] = s.split(' weight=');
    return { addr, version: versions.get(addr)!, w: Number(w) };
  });
  const share = (v: string) => weights.filter((x) => x.version === v).reduce((a, x) => a + x.w, 0);
  assert.equal(share('v2') / (share('v1') + share('v2')), 0.25);
  assert.deepEqual(
    servers.map((s) => s.split(' ')[0]),
    [...servers.map((s) => s.split(' ')[0])].sort((a, b) => a.localeCompare(b, 'en', { numeric: true })),
  );

  const files = out.find((r) => r.id === 'agent:edge-b/CertificateFiles/shop-cert')!;
  assert.deepEqual(
    { ...files.spec },
    {
      certificate: 'shop-cert',
      node: 'edge-b',
      version: 3,
      fingerprint: 'ab12',
      certPath: '/srv/edge-b/certs/shop-cert.crt',
      keyPath: '/srv/edge-b/certs/shop-cert.key',
    },
  );
  assert.deepEqual(files.derivedFrom, ['certificates/Certificate/shop-cert']);
  assert.doesNotMatch(JSON.stringify(out), /PRIVATE KEY|BEGIN CERTIFICATE/);
});

test('same inputs give the same hashes; a health change alters only the sites', () => {
  const set = manifests();
  const graph = buildDesired(set);
  const a = edges(set, graph.resources, () => true);
  const b = edges(set, [...graph.resources].reverse(), () => true);
  assert.deepEqual(
    a.map((r) => r.hash),
    b.map((r) => r.hash),
  );
  const c = edges(set, graph.resources, () => false);
  assert.notEqual(c.find((r) => r.kind === 'NginxSite')!.hash, a.find((r) => r.kind === 'NginxSite')!.hash);
  assert.equal(c.find((r) => r.kind === 'CertificateFiles')!.hash, a.find((r) => r.kind === 'CertificateFiles')!.hash);
  const down = siteOf(c.find((r) => r.kind === 'NginxSite'));
  assert.match(down.content, /return 503;/);
  // With no endpoint up, the probe does not expect a backend (a 503 is then the right answer).
  assert.equal(down.probe.expectBackend, false);
  assert.equal(siteOf(a.find((r) => r.kind === 'NginxSite')).probe.expectBackend, true);
});

test('an Ingress without nodes or nodeSelector is served by the local target', () => {
  const set = manifests([ingress('shop', { nodeSelector: undefined, tls: undefined })]);
  const out = edges(set, buildDesired(set).resources, () => true);
  assert.deepEqual(
    out.map((r) => r.id),
    ['local/NginxSite/shop'],
  );
  assert.equal(out[0].target, 'local');
});

test('an edge that did not answer gets no site (its old one is left alone, Unknown)', () => {
  const set = manifests();
  const graph = buildDesired(set);
  const out = buildEdgeResources(set, graph.resources, {
    endpointUp: () => true,
    facts: (t) => (t === 'agent:edge-a' ? facts(t) : undefined),
    certificate: () => undefined,
  });
  assert.deepEqual(out.map((r) => r.id).sort(), ['agent:edge-a/CertificateFiles/shop-cert', 'agent:edge-a/NginxSite/shop']);
  // No certificate issued yet: the files wait for version 1.
  const files = out.find((r) => r.kind === 'CertificateFiles')!;
  assert.equal(files.kind === 'CertificateFiles' && files.spec.version, 0);
});

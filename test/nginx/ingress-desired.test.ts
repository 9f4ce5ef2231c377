// The desired side of Ingresses: which nodes get which site, what the site says about healthy
// instances and Release weights, and that certificate specs never carry key material.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Application, Certificate, Ingress, Node, Release } from '../../src/manifests/model.js';
import { buildDesired } from '../../src/desired/index.js';
import { buildIngressResources, validateIngresses } from '../../src/desired/ingress.js';
import { defaultNginxFacts, type NginxNodeFacts } from '../../src/targets/nginx/facts.js';
import type { CertificateFilesSpec, NginxSiteSpec } from '../../src/targets/nginx/specs.js';
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
      node('app-1', '10.0.0.1', { role: 'app' }),
      node('app-2', '10.0.0.2', { role: 'app' }),
      node('edge-b', '10.0.1.2', { role: 'edge' }),
      node('edge-a', '10.0.1.1', { role: 'edge' }),
    ],
    applications: [app],
    releases: [release],
  });
  const o = (f: string) => ({ file: f, docIndex: 0, line: 3, col: 1 });
  for (const i of ingresses) set.ingresses.set(i.metadata.name, { manifest: i, origin: o(`ingress/${i.metadata.name}.yaml`) });
  set.certificates.set('shop-cert', { manifest: cert, origin: o('certs.yaml') });
  return set;
}

const facts = (node: string): NginxNodeFacts => ({ ...defaultNginxFacts, confDir: `/srv/${node}/conf.d`, certDir: `/srv/${node}/certs` });

test('one NginxSite per edge node with healthy endpoints, weights and a CertificateFiles dependency', () => {
  const set = manifests();
  const graph = buildDesired(set);
  const instances = graph.resources.filter((r) => r.kind === 'Instance');
  assert.equal(instances.length, 4);
  const unhealthy = instances.find((r) => (r.spec as { node: string; ordinal: number }).ordinal === 0)!.id;
  const out = buildIngressResources(set, graph.resources, (id) => id !== unhealthy, facts, { certificateVersion: () => ({ version: 3, fingerprint: 'ab12' }) });

  assert.deepEqual(out.map((r) => r.id).sort(), [
    'agent:edge-a/CertificateFiles/shop-cert',
    'agent:edge-a/NginxSite/shop',
    'agent:edge-b/CertificateFiles/shop-cert',
    'agent:edge-b/NginxSite/shop',
  ]);
  const site = out.find((r) => r.id === 'agent:edge-a/NginxSite/shop')!;
  const spec = site.spec as unknown as NginxSiteSpec;
  assert.equal(site.owner, 'Ingress/shop');
  assert.deepEqual(site.dependsOn, ['agent:edge-a/CertificateFiles/shop-cert']);
  assert.equal(spec.targetPath, '/srv/edge-a/conf.d/boreas-shop.conf');
  assert.deepEqual(spec.testCommand, ['nginx', '-t']);
  assert.deepEqual(spec.reloadCommand, ['nginx', '-s', 'reload']);
  assert.match(spec.content, /ssl_certificate \/srv\/edge-a\/certs\/shop-cert\.crt;/);
  // 3 healthy of 4, sorted by node then ip:port; the v2 instance(s) weighted up to 25 % of traffic
  const servers = [...spec.content.matchAll(/^ {4}server (\S+?)( weight=\d+)?;$/gm)].map((m) => m[1] + (m[2] ?? ''));
  assert.equal(servers.length, 3);
  const versions = new Map(
    instances.map((r) => {
      const s = r.spec as { host: string; ports: { http: number }; version: string };
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
  const fspec = files.spec as unknown as CertificateFilesSpec;
  assert.deepEqual(
    { ...fspec },
    {
      certificate: 'shop-cert',
      version: 3,
      fingerprint: 'ab12',
      certPath: '/srv/edge-b/certs/shop-cert.crt',
      keyPath: '/srv/edge-b/certs/shop-cert.key',
      reloadCommand: ['nginx', '-s', 'reload'],
      testCommand: ['nginx', '-t'],
    },
  );
  assert.doesNotMatch(JSON.stringify(out), /PRIVATE KEY|BEGIN CERTIFICATE/);
});

test('same inputs give the same hashes; a health change alters only the sites', () => {
  const set = manifests();
  const graph = buildDesired(set);
  const a = buildIngressResources(set, graph.resources, () => true, facts);
  const b = buildIngressResources(set, [...graph.resources].reverse(), () => true, facts);
  assert.deepEqual(
    a.map((r) => r.hash),
    b.map((r) => r.hash),
  );
  const c = buildIngressResources(set, graph.resources, () => false, facts);
  assert.notEqual(c.find((r) => r.kind === 'NginxSite')!.hash, a.find((r) => r.kind === 'NginxSite')!.hash);
  assert.equal(c.find((r) => r.kind === 'CertificateFiles')!.hash, a.find((r) => r.kind === 'CertificateFiles')!.hash);
  assert.match((c.find((r) => r.kind === 'NginxSite')!.spec as unknown as NginxSiteSpec).content, /return 503;/);
});

test('an Ingress without nodes or nodeSelector is served by the local target', () => {
  const set = manifests([ingress('shop', { nodeSelector: undefined, tls: undefined })]);
  const out = buildIngressResources(set, buildDesired(set).resources, () => true, facts);
  assert.deepEqual(
    out.map((r) => r.id),
    ['local/NginxSite/shop'],
  );
  assert.equal(out[0].target, 'local');
});

test('validation: hosts outside the certificate and duplicate host+path on a node are errors', () => {
  const set = manifests([ingress('shop', { hosts: ['shop.example.com', 'admin.example.com'] }), ingress('shop-copy', { nodes: ['edge-b'], tls: undefined })]);
  const diags = validateIngresses(set);
  assert.deepEqual(
    diags.map((d) => `${d.file}:${d.line}: ${d.manifest}: ${d.field}: ${d.message}`),
    [
      'ingress/shop.yaml:3: Ingress/shop: spec.hosts[1]: host admin.example.com is not covered by Certificate shop-cert (domains: shop.example.com)',
      'ingress/shop-copy.yaml:3: Ingress/shop-copy: spec.rules[0].path: shop.example.com/ on node edge-b is already served by Ingress/shop',
    ],
  );
});

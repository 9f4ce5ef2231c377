// ACME for real on edge nodes run by agents: pebble + pebble-challtestsrv, two `boreas agent`
// processes each with its own nginx on its own loopback address and the SAME http port (pebble
// validates http-01 on one port). challtestsrv resolves the certificate's two names to different
// edges (shop → edge-1, www.shop → edge-2), so issuance succeeds only if the controller published
// every token on both nodes through PublishChallenge tasks and each nginx answered from the webroot
// its agent wrote. Then: deployment to both, renewal inside the window (new version served by both),
// and a quiet reconcile after that.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { request } from 'undici';
import { nginxUnavailable } from '../helpers/nginx.js';
import { pebbleUnavailable, startPebble } from '../helpers/pebble.js';
import { httpsGet, ingressManifest, servedFingerprint, startEdgeFleet } from './ingress-agents-fixture.js';

const hosts = ['shop.boreas.test', 'www.shop.boreas.test'];

test('ACME http-01 through the agents of two edge nodes: issue, deploy to both, renew', { timeout: 300_000 }, async (t) => {
  const why = nginxUnavailable() ?? pebbleUnavailable();
  if (why) return t.skip(why);
  const cleanup: Array<() => Promise<unknown>> = [];
  t.after(async () => {
    for (const fn of cleanup.reverse()) await fn().catch(() => undefined);
  });
  const fleet = await startEdgeFleet(2, 40);
  cleanup.push(() => fleet.cleanup());
  const pebble = await startPebble({ httpPort: fleet.httpPort });
  cleanup.push(() => pebble.stop());
  // The CA's DNS: each name on a different edge node.
  for (const [i, name] of hosts.entries()) {
    const r = await request(`${pebble.challtestsrv}/add-a`, { method: 'POST', body: JSON.stringify({ host: name, addresses: [fleet.hosts[i]] }) });
    await r.body.dump();
    assert.equal(r.statusCode, 200, `challtestsrv add-a ${name}`);
  }
  const caFile = join(fleet.dir, 'pebble-listener.pem');
  await writeFile(caFile, pebble.listenerCaPem);
  const env = { BOREAS_ACME_CA_FILE: caFile };
  const certificate = (extra = '', email = 'ops@boreas.test') =>
    `apiVersion: boreas.dev/v1\nkind: Certificate\nmetadata: {name: shop-cert}\nspec:\n  domains: [${hosts.join(', ')}]\n${extra}  issuer: {acme: {directory: "${pebble.directory}", email: ${email}, challenge: http-01}}\n`;
  fleet.writeManifest('cert.yaml', certificate());
  fleet.writeManifest('ingress.yaml', ingressManifest(hosts, 'shop-cert'));
  const status = async () => JSON.parse((await fleet.cli(['status', 'shop', '--state', fleet.state, '--output', 'json'])).stdout).certificates[0];
  const perNode = (cert: { nodes: Array<{ node: string; version: number; drift: boolean }> }) => cert.nodes.map((n) => [n.node, n.version, n.drift]);
  // Every edge serves `fingerprint` for every name, verified against pebble's issuing root.
  const assertServed = async (fingerprint: string) => {
    const root = await pebble.issuingRootPem();
    for (const [i, address] of fleet.hosts.entries()) {
      for (const name of hosts) {
        assert.equal(await servedFingerprint(address, fleet.httpsPort, name, root), fingerprint, `edge-${i + 1} serves ${name} with the current certificate`);
        const res = await httpsGet(address, fleet.httpsPort, name, root);
        assert.equal(res.status, 200);
        assert.match(res.body, /^shop-[01] on 127\.0\.0\.4[12] via https$/);
      }
    }
  };
  const webrootTokens = () => Promise.all(fleet.nginx.map((n) => readdir(join(n.facts.webroot, '.well-known', 'acme-challenge')).catch(() => [] as string[])));

  const first = await fleet.reconcile(env);
  assert.equal(first.code, 0, first.out);
  await fleet.settled();
  const v1 = await status();
  assert.equal(v1.issuer, 'acme');
  assert.deepEqual(v1.sans, [...hosts].sort());
  assert.equal(v1.version, 1);
  assert.deepEqual(perNode(v1), [
    ['edge-1', 1, false],
    ['edge-2', 1, false],
  ]);
  await assertServed(v1.fingerprint);
  assert.deepEqual(await webrootTokens(), [[], []], 'challenges removed from both webroots after issuance');

  // A new certificate (the issuer's account changed): issued, deployed to both edges, both reloaded.
  // renewBeforeDays 3650 outlasts pebble's 5-year certificates: their window is a third of that life.
  fleet.writeManifest('cert.yaml', certificate('  renewBeforeDays: 3650\n', 'certs@boreas.test'));
  const reloads = await Promise.all(fleet.nginx.map((n) => n.reloads()));
  const renew = await fleet.reconcile(env);
  assert.equal(renew.code, 0, renew.out);
  await fleet.settled();
  const v2 = await status();
  assert.equal(v2.version, 2);
  assert.notEqual(v2.fingerprint, v1.fingerprint);
  assert.deepEqual(perNode(v2), [
    ['edge-1', 2, false],
    ['edge-2', 2, false],
  ]);
  const after = await Promise.all(fleet.nginx.map((n) => n.reloads()));
  assert.ok(
    after.every((n, i) => n > reloads[i]),
    `both nginx reloaded for the new certificate: ${reloads} → ${after}`,
  );
  await assertServed(v2.fingerprint);

  // Outside the window (not renewed on every run although renewBeforeDays 3650 is longer than the
  // certificate's life): nothing is issued, deployed or reloaded.
  const quiet = await fleet.reconcile(env);
  assert.equal(quiet.code, 0, quiet.out);
  assert.equal(quiet.summary?.tasks?.run, 0, quiet.out);
  assert.equal((await status()).version, 2);
  await new Promise((r) => setTimeout(r, 200));
  assert.deepEqual(await Promise.all(fleet.nginx.map((n) => n.reloads())), after);
});

// Ingress + selfSigned Certificate on two edge nodes run by real `boreas agent` processes, each with
// its own real nginx: `boreas reconcile --once` deploys the site and the certificate to both, both
// serve HTTPS for the host (SAN verified against the certificate) to the app instances on both nodes,
// `status` reports the certificate per node, and a second reconcile runs no task and reloads nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { request } from 'undici';
import { nginxUnavailable } from '../helpers/nginx.js';
import { httpsGet, ingressManifest, servedFingerprint, startEdgeFleet } from './ingress-agents-fixture.js';

const host = 'shop.boreas.test';

test('selfSigned TLS served by two agent edge nodes, second reconcile is a no-op', { timeout: 300_000 }, async (t) => {
  const why = nginxUnavailable();
  if (why) return t.skip(why);
  const fleet = await startEdgeFleet(2, 30);
  t.after(() => fleet.cleanup());
  fleet.writeManifest(
    'cert.yaml',
    `apiVersion: boreas.dev/v1\nkind: Certificate\nmetadata: {name: shop-cert}\nspec:\n  domains: [${host}]\n  issuer: {selfSigned: {days: 30}}\n`,
  );
  fleet.writeManifest('ingress.yaml', ingressManifest([host], 'shop-cert'));

  const first = await fleet.reconcile();
  assert.equal(first.code, 0, first.out);
  await fleet.settled();

  const status = JSON.parse((await fleet.cli(['status', 'shop', '--state', fleet.state, '--output', 'json'])).stdout);
  const [cert] = status.certificates;
  assert.equal(cert.issuer, 'selfSigned');
  assert.deepEqual(cert.sans, [host]);
  assert.deepEqual(
    cert.nodes.map((n: { node: string; version: number; drift: boolean }) => [n.node, n.version, n.drift]),
    [
      ['edge-1', 1, false],
      ['edge-2', 1, false],
    ],
  );

  for (const [i, address] of fleet.hosts.entries()) {
    // The certificate the agent wrote on this node is the only CA trusted: the handshake checks the SAN.
    const ca = await readFile(join(fleet.nginx[i].facts.certDir, 'shop-cert.crt'), 'utf8');
    assert.equal(await servedFingerprint(address, fleet.httpsPort, host, ca), cert.fingerprint, `edge-${i + 1} serves the current version`);
    const seen = new Set<string>();
    for (let k = 0; k < 4; k++) {
      const res = await httpsGet(address, fleet.httpsPort, host, ca);
      assert.equal(res.status, 200);
      seen.add(res.body);
    }
    assert.deepEqual(
      [...seen].sort(),
      ['shop-0 on 127.0.0.31 via https', 'shop-1 on 127.0.0.32 via https'],
      `edge-${i + 1} balances over both nodes' instances`,
    );
    await assert.rejects(httpsGet(address, fleet.httpsPort, 'other.boreas.test', ca), /altnames|Hostname/i, 'a name outside the SANs does not verify');
    const plain = await request(`http://${address}:${fleet.httpPort}/x`, { headers: { host } });
    await plain.body.dump();
    assert.equal(plain.statusCode, 308);
    assert.equal(plain.headers.location, `https://${host}:${fleet.httpsPort}/x`);
  }

  const reloadsBefore = await Promise.all(fleet.nginx.map((n) => n.reloads()));
  assert.ok(
    reloadsBefore.every((n) => n >= 1),
    `each nginx reloaded for the site: ${reloadsBefore}`,
  );
  const again = await fleet.reconcile();
  assert.equal(again.code, 0, again.out);
  assert.equal(again.summary?.tasks?.run, 0, again.out);
  await new Promise((r) => setTimeout(r, 200));
  assert.deepEqual(await Promise.all(fleet.nginx.map((n) => n.reloads())), reloadsBefore, 'no reload on either node');
});

// Issue repro 7, through the real CLI with a real agent driving a real nginx: a TLS Ingress is healthy
// only once its edge serves the new configuration. So the moment `reconcile --once` exits 0
// ("Converged"), the URL answers 200 from the app — no 503 from a site that went out without
// upstream, no answer from nginx workers of the old generation. Requests start right after the exit,
// without waiting for nginx's reload to settle (the existing ingress tests wait; this one must not).
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { nginxUnavailable } from '../../helpers/nginx.js';
import { httpsGet, ingressManifest, startEdgeFleet } from '../ingress-agents-fixture.js';

const host = 'shop.boreas.test';

test('repro 7: when reconcile exits 0 the TLS site already serves the app (no 503), also after a change', { timeout: 300_000 }, async (t) => {
  const why = nginxUnavailable();
  if (why) return t.skip(why);
  const fleet = await startEdgeFleet(1, 50);
  t.after(() => fleet.cleanup());
  fleet.writeManifest(
    'cert.yaml',
    `apiVersion: boreas.dev/v1\nkind: Certificate\nmetadata: {name: shop-cert}\nspec:\n  domains: [${host}]\n  issuer: {selfSigned: {days: 30}}\n`,
  );
  fleet.writeManifest('ingress.yaml', ingressManifest([host], 'shop-cert'));
  const ca = () => readFile(join(fleet.nginx[0].facts.certDir, 'shop-cert.crt'), 'utf8');

  /** Ten requests in a row, the first as soon as reconcile has exited. */
  const burst = async () => {
    const trusted = await ca();
    const out: string[] = [];
    for (let i = 0; i < 10; i++) {
      const r = await httpsGet(fleet.hosts[0], fleet.httpsPort, host, trusted);
      out.push(`${r.status} ${r.body}`);
    }
    return out;
  };

  const first = await fleet.reconcile();
  assert.equal(first.code, 0, first.out);
  assert.equal(first.summary.converged, true);
  assert.deepEqual(new Set(await burst()), new Set(['200 shop-0 on 127.0.0.51 via https']));

  // A new version restarts the instance and changes the site's upstream; again served at exit.
  const shop = await readFile(join(fleet.repo, 'shop.yaml'), 'utf8');
  fleet.writeManifest(
    'shop.yaml',
    shop.replace('version: v1', 'version: v2').replace(/port: (\d+)\}/, (_, p) => `port: ${Number(p) + 1}}`),
  );
  const second = await fleet.reconcile();
  assert.equal(second.code, 0, second.out);
  assert.deepEqual(new Set(await burst()), new Set(['200 shop-0 on 127.0.0.51 via https']));
});

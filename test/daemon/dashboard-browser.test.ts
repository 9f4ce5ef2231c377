// biome-ignore-all lint/performance/useDomNodeTextContent: these are playwright Locators, whose innerText() is what a user sees (layout-aware), not DOM nodes
// The dashboard in a real headless Chromium against a real `boreas daemon`: the first paint carries
// the data (checked with scripts disabled), the login with the API token makes "Reconcile now" work,
// an application's detail shows instances and history with commit subjects, a broken HEAD shows its
// validation errors in a red banner (checked on a screenshot's pixels) with a badge that is not
// "ready", and a page of 10,000 applications filters without hanging.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Page } from 'playwright-core';
import type { DesiredResource, ObservedResource } from '../../src/model/resource.js';
import { openSqliteStore } from '../../src/store/index.js';
import { hashJson } from '../../src/util/hash.js';
import { launchChromium, pixelsAt } from '../helpers/browser.js';
import { processSpec } from '../runtime/helpers.js';
import { daemonFixture, helloManifest, http, waitFor } from './daemon-process.js';

const rowsOf = (page: Page) => page.locator('#apps tbody tr[data-app]');

test('dashboard in Chromium: server-rendered, login, reconcile now, detail, red banner for a broken HEAD', { timeout: 240_000 }, async (t) => {
  const browser = await launchChromium(t);
  if (!browser) return;
  const fx = await daemonFixture(t, 'dash');
  const daemon = await fx.start(['--repo', fx.repo.dir, '--path', 'manifests', '--state', fx.state, '--interval', '300ms', '--resync', '1h']);
  const base = daemon.base;
  const v1 = await fx.repo.revParse('HEAD');
  await waitFor('the first reconcile', async () => (await http(`${base}/v1/ready`)).json?.lastReconcile?.result === 'converged', 60_000);

  // First paint without any script: the data is in the HTML.
  const noScript = await browser.newContext({ javaScriptEnabled: false });
  const plain = await noScript.newPage();
  await plain.goto(`${base}/`);
  assert.deepEqual(await rowsOf(plain).evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-app'))), ['hello']);
  assert.match(await rowsOf(plain).first().innerText(), /hello\s+local\s+[0-9a-f]{12}\s+hello v1\s+in sync\s+100 Healthy\s+1\/1/);
  assert.equal(await plain.locator('#ready').innerText(), 'ready');
  assert.match((await plain.locator('#ready').getAttribute('class')) ?? '', /\bok\b/);
  assert.ok(await plain.locator('#banner').isHidden());
  assert.match(await plain.locator('#rev').innerText(), new RegExp(`${v1.slice(0, 12)}\\s+hello v1`));
  assert.match(await plain.locator('#recs tbody').innerText(), /converged/);
  await noScript.close();

  // "Reconcile now" without a session goes to the login form; with the token it queues a reconcile.
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  await page.goto(`${base}/`);
  await page.locator('#graph svg').waitFor();
  await page.click('#sync');
  await page.waitForURL(/\/login$/);
  await page.fill('#token', 'not-the-token');
  await page.click('button[type=submit]');
  assert.match(await page.locator('.bad').innerText(), /not the API token/);
  await page.fill('#token', readFileSync(join(fx.tmp, 'api.token'), 'utf8').trim());
  await Promise.all([page.waitForURL(`${base}/`), page.click('button[type=submit]')]);
  assert.equal(await page.locator('header form button').innerText(), 'Log out');
  const before = (await http(`${base}/api/v1/reconciles`)).json.reconciles.length;
  await page.click('#sync');
  await page.locator('#sync', { hasText: 'Queued' }).waitFor();
  await waitFor('the button-triggered reconcile', async () => {
    const recs = (await http(`${base}/api/v1/reconciles`)).json.reconciles;
    return recs.length > before && recs[0].reasons.includes('api');
  });

  // Detail of one application: instances (with pid and endpoint) and history with the commit subject.
  await rowsOf(page).first().click();
  await page.locator('#detail-body table').first().waitFor();
  const detail = await page.locator('#detail').innerText();
  assert.match(detail, /hello-0\s+local\s+v1\s+127\.0\.0\.1:\d+\s+pid \d+\s+in sync/);
  assert.match(detail, /in sync: what runs is what was applied/);
  assert.match(detail, new RegExp(`${v1.slice(0, 12)}\\s+hello v1\\s+Boreas Test\\s+\\d+\\s+succeeded\\s+\\S+\\s+yes`));

  // A broken commit: the live page shows the banner with each error, and the badge is not green.
  await fx.repo.write({ 'manifests/hello.yaml': helloManifest(fx.appPort, 'one').replace('runtime: process', 'runtime: process\n  replicas: lots') });
  const broken = await fx.repo.commit('Break hello');
  await page.locator('#banner:not([hidden])').waitFor({ timeout: 60_000 });
  const bannerText = await page.locator('#banner').innerText();
  assert.match(
    bannerText,
    new RegExp(`Revision ${broken.slice(0, 12)} is invalid: 1 validation error\\(s\\); ${v1.slice(0, 12)} \\(the last valid revision\\) is kept in sync`),
  );
  assert.match(bannerText, /hello\.yaml:\d+:\d+: Application\/hello: .*replicas/);
  assert.equal(await page.locator('#ready').innerText(), 'HEAD invalid');
  assert.doesNotMatch((await page.locator('#ready').getAttribute('class')) ?? '', /\bok\b/);

  // The same from the server alone, and on a screenshot: the banner's pixels are red, the table has rows.
  const fresh = await (await browser.newContext({ javaScriptEnabled: false })).newPage();
  await fresh.goto(`${base}/`);
  assert.match(await fresh.locator('#banner').innerText(), /hello\.yaml:\d+:\d+: Application\/hello/);
  assert.equal(await rowsOf(fresh).count(), 1);
  const shot = await fresh.screenshot();
  const box = (await fresh.locator('#banner').boundingBox())!;
  const [corner] = await pixelsAt(browser, shot, [[Math.round(box.x + 4), Math.round(box.y + 4)]]);
  assert.deepEqual(corner, [0xc0, 0x26, 0x2d], 'the banner is red');
  // The row is drawn: within its box there is dark text on the white section background.
  const row = (await rowsOf(fresh).first().boundingBox())!;
  assert.ok(row.height >= 16 && row.y > box.y + box.height, `a rendered row below the banner (${JSON.stringify(row)})`);
  const grid: Array<[number, number]> = [];
  for (let y = row.y + 2; y < row.y + row.height - 1; y += 2)
    for (let x = row.x + 2; x < row.x + row.width - 1; x += 3) grid.push([Math.round(x), Math.round(y)]);
  const seen = await pixelsAt(browser, shot, grid);
  const dark = seen.filter(([r, g, b]) => r + g + b < 300).length;
  const light = seen.filter(([r, g, b]) => r + g + b > 720).length;
  assert.ok(dark > 20 && light > seen.length / 2, `text on a white row: ${dark} dark, ${light} light of ${seen.length} pixels`);
});

test('dashboard in Chromium: 10,000 applications page and filter without hanging', { timeout: 240_000 }, async (t) => {
  const browser = await launchChromium(t);
  if (!browser) return;
  const fx = await daemonFixture(t, 'dash10k');
  // 10,000 applications applied earlier to nodes this revision does not declare (so they stay
  // Unknown: never pruned), seeded through the store's own API.
  const store = openSqliteStore(fx.state);
  const seeded: DesiredResource[] = [];
  await store.transaction(async (tx) => {
    for (let i = 0; i < 10_000; i++) {
      const app = `app-${String(i).padStart(5, '0')}`;
      const node = `fleet-${i % 40}`;
      const spec = processSpec(`${app}-0`, { node, version: `v${i % 3}`, ports: { http: 20_000 + (i % 1000) } });
      const r: DesiredResource = {
        id: `agent:${node}/Instance/${app}-0`,
        target: `agent:${node}`,
        kind: 'Instance',
        owner: app,
        environment: 'fleet',
        name: `${app}-0`,
        hash: hashJson(spec),
        dependsOn: [],
        spec,
      };
      await tx.recordApplied(r, 'seeded', 'f'.repeat(40));
      seeded.push(r);
    }
  });
  await store.close();
  const daemon = await fx.start(['--repo', fx.repo.dir, '--path', 'manifests', '--state', fx.state, '--interval', '1h', '--resync', '1h']);
  const base = daemon.base;
  await waitFor('the first reconcile', async () => (await http(`${base}/v1/ready`)).status === 200, 120_000);
  // What the nodes said when they were last asked: every 7th application's instance is gone.
  const again = openSqliteStore(fx.state);
  const seen: ObservedResource[] = seeded.map((r, i) =>
    i % 7 === 0
      ? { id: r.id, state: 'absent', health: { status: 'Missing', level: 0 }, drift: ['process exited'] }
      : { id: r.id, state: 'present', appliedHash: r.hash, health: { status: 'Healthy', level: 100 } },
  );
  again.saveObserved(seen);
  again.close();

  const page = await (await browser.newContext()).newPage();
  await page.goto(`${base}/`);
  assert.equal(await rowsOf(page).count(), 100, 'one page of rows, not 10,001');
  assert.match(await page.locator('#range').innerText(), /^1–100 of 10001$/);
  assert.match(await page.locator('#summary').innerText(), /10001 applications: 8572 in sync, 0 drifted, 1429 missing, 0 unknown/);

  await page.fill('#filter', 'app-09999');
  await page.locator('#range', { hasText: '1–1 of 1 (filtered from 10001)' }).waitFor({ timeout: 10_000 });
  assert.deepEqual(await rowsOf(page).evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-app'))), ['app-09999']);

  await page.fill('#filter', 'missing fleet-7');
  // i % 7 === 0 and i % 40 === 7: i ≡ 7 (mod 40) and ≡ 0 (mod 7), one in 280 → 36 of 10,000.
  await page.locator('#range', { hasText: 'of 36 (filtered' }).waitFor({ timeout: 10_000 });
  assert.ok((await rowsOf(page).evaluateAll((trs) => trs.map((tr) => tr.textContent ?? ''))).every((text) => text.includes('missing')));

  await page.fill('#filter', '');
  await page.click('#next');
  assert.match(await page.locator('#range').innerText(), /^101–200 of 10001$/);
  assert.equal(await rowsOf(page).first().getAttribute('data-app'), 'app-00100');
  // How long one keystroke's filter takes in this browser (a figure, not an assertion).
  const ms = await page.evaluate(() => {
    const input = document.getElementById('filter') as HTMLInputElement;
    const start = performance.now();
    for (const q of ['a', 'ap', 'app', 'app-0', 'app-01', 'app-012']) {
      input.value = q;
      input.dispatchEvent(new Event('input'));
    }
    return (performance.now() - start) / 6;
  });
  t.diagnostic(`filtering 10,001 applications: ${ms.toFixed(1)} ms per keystroke`);
  assert.match(await page.locator('#range').innerText(), /of 100 \(filtered from 10001\)$/);
});

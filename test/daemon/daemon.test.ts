// The real `boreas daemon` as a child process against a real git repository: readiness after the
// first reconcile, a signed GitHub push webhook applying a new commit, a bad signature refused,
// metrics, v1 status, the dashboard, SIGTERM exit 0 and `boreas down` cleaning up.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { sign } from '@octokit/webhooks-methods';
import { runCli } from '../helpers/cli.js';
import { helloManifest, http, parsePrometheus, daemonFixture, waitFor } from './daemon-process.js';

const secret = 'test-webhook-secret-0123456789';

test('daemon: ready after the first reconcile, webhook-driven deploy, metrics, status, graceful stop', { timeout: 120_000 }, async (t) => {
  const fx = await daemonFixture(t, 'main');
  const { tmp, appPort, repo, state } = fx;
  await writeFile(join(tmp, 'webhook.secret'), secret + '\n');
  // Settings come from the config file (relative paths resolve against it); flags add the rest.
  await writeFile(
    join(tmp, 'boreas.yaml'),
    `repo: ${repo.dir}\nref: main\npath: manifests\nstate: state.db\nwebhookSecretFile: webhook.secret\ninterval: 1h\nresync: 1h\nlogFormat: json\n`,
  );

  const daemon = await fx.start(['--config', join(tmp, 'boreas.yaml'), '--timeout', '60s']);
  const base = daemon.base;

  // Ready only once the first reconcile has finished.
  const first = await http(`${base}/v1/ready`);
  assert.equal(first.status, 503, `the first reconcile cannot be finished yet: ${first.text}`);
  assert.equal(first.json.ready, false);
  const ready = await waitFor('ready', async () => {
    const r = await http(`${base}/v1/ready`);
    return r.status === 200 && r.json;
  });
  assert.equal(ready.lastReconcile.result, 'converged', daemon.logs());
  const v1 = await repo.revParse('HEAD');
  assert.equal(ready.lastReconcile.revision, v1);

  // The app it deployed answers.
  const app1 = await http(`http://127.0.0.1:${appPort}/`);
  assert.equal(app1.json.message, 'one');

  // v1 status shape.
  const status = await http(`${base}/v1/status/hello`);
  assert.equal(status.status, 200);
  assert.deepEqual(status.json, {
    app: 'hello',
    healthy: { level: 100 },
    versions: [{ version: 'v1', percent: 100, healthy: { level: 100 }, nodes: [status.json.versions[0].nodes[0]] }],
  });
  assert.deepEqual(status.json.versions[0].nodes[0].healthy, { level: 100 });
  assert.equal((await http(`${base}/v1/status/nope`)).status, 404);

  // Metrics parse and count the reconcile.
  const m1 = parsePrometheus((await http(`${base}/metrics`)).text);
  assert.equal(m1.get('boreas_reconcile_total{result="converged"}'), 1);
  assert.equal(m1.get('boreas_drift_resources'), 0);
  assert.equal(m1.get(`boreas_revision_info{sha="${v1}"}`), 1);
  assert.ok((m1.get('boreas_tasks_total{state="succeeded"}') ?? 0) >= 1);
  assert.ok((m1.get('boreas_last_reconcile_timestamp_seconds') ?? 0) > Date.now() / 1000 - 120);
  // The standard process metrics come along (prom-client's defaults), for the usual dashboards.
  assert.ok((m1.get('process_resident_memory_bytes') ?? 0) > 1_000_000);
  assert.ok((m1.get('process_cpu_user_seconds_total') ?? 0) > 0);
  assert.ok(m1.has('nodejs_eventloop_lag_seconds'));

  // The API and the dashboard.
  const tasks = await http(`${base}/api/v1/tasks`);
  assert.ok(
    tasks.json.tasks.some(
      (x: { resource: string; state: string; dependsOn: unknown }) =>
        x.resource.endsWith('Instance/hello-0') && x.state === 'succeeded' && Array.isArray(x.dependsOn),
    ),
    tasks.text,
  );
  const apps = await http(`${base}/api/v1/applications`);
  assert.equal(apps.json.applications[0].name, 'hello');
  assert.equal(apps.json.applications[0].sync, 'in-sync');
  assert.equal(apps.json.applications[0].revision.sha, v1);
  assert.deepEqual(apps.json.applications[0].drift, { count: 0, resources: [] });
  assert.deepEqual(apps.json.applications[0].pendingChanges, []);
  assert.deepEqual((await http(`${base}/api/v1/drift`)).json.changes, []);
  assert.equal((await http(`${base}/api/v1/revisions`)).json.current, v1);
  const page = await http(`${base}/`);
  assert.match(page.headers.get('content-type') ?? '', /text\/html/);
  assert.match(page.text, /api\/v1\/tasks/);
  assert.doesNotMatch(page.text, /<(script|link|img)[^>]+(src|href)=/i, 'the dashboard loads no external assets');
  // Server-rendered: the row is in the HTML (test/daemon/dashboard-browser.test.ts drives the page in Chromium).
  assert.match(page.text, /<tr data-app="hello">.*<b>hello<\/b>.*in sync/);

  // A new commit; a webhook with a bad signature is refused and triggers nothing.
  await repo.write({ 'manifests/hello.yaml': helloManifest(appPort, 'two', 'v2') });
  const v2 = await repo.commit('hello v2');
  const push = JSON.stringify({ ref: 'refs/heads/main', after: v2, repository: { full_name: 'acme/config' } });
  const bad = await http(`${base}/hooks/github`, {
    method: 'POST',
    body: push,
    headers: { 'content-type': 'application/json', 'x-github-event': 'push', 'x-hub-signature-256': await sign('wrong-secret', push) },
  });
  assert.equal(bad.status, 401);
  const unsigned = await http(`${base}/hooks/github`, { method: 'POST', body: push, headers: { 'x-github-event': 'push' } });
  assert.equal(unsigned.status, 401);
  const gitlab = await http(`${base}/hooks/gitlab`, {
    method: 'POST',
    body: push,
    headers: { 'x-gitlab-event': 'Push Hook', 'x-gitlab-token': 'not-the-secret' },
  });
  assert.equal(gitlab.status, 401);
  const gitea = await http(`${base}/hooks/gitea`, { method: 'POST', body: push, headers: { 'x-gitea-event': 'push', 'x-gitea-signature': '0'.repeat(64) } });
  assert.equal(gitea.status, 401);
  // Signed, but not a push / not the followed branch: accepted and ignored.
  const ping = JSON.stringify({ zen: 'hi' });
  const pinged = await http(`${base}/hooks/github`, {
    method: 'POST',
    body: ping,
    headers: { 'x-github-event': 'ping', 'x-hub-signature-256': await sign(secret, ping) },
  });
  assert.equal(pinged.status, 202);
  assert.equal(pinged.json.accepted, false);
  const other = JSON.stringify({ ref: 'refs/heads/feature', after: v2 });
  const otherRes = await http(`${base}/hooks/github`, {
    method: 'POST',
    body: other,
    headers: { 'x-github-event': 'push', 'x-hub-signature-256': await sign(secret, other) },
  });
  assert.equal(otherRes.status, 202);
  assert.equal(otherRes.json.accepted, false);
  await new Promise((r) => setTimeout(r, 1500));
  assert.equal((await http(`${base}/api/v1/reconciles`)).json.reconciles.length, 1, 'no reconcile was triggered');
  assert.equal((await http(`http://127.0.0.1:${appPort}/`)).json.message, 'one');

  // A signed push for main triggers a reconcile that applies v2.
  const good = await http(`${base}/hooks/github`, {
    method: 'POST',
    body: push,
    headers: { 'content-type': 'application/json', 'x-github-event': 'push', 'x-github-delivery': 'd-1', 'x-hub-signature-256': await sign(secret, push) },
  });
  assert.equal(good.status, 202, good.text);
  assert.equal(good.json.accepted, true);
  await waitFor('the app to serve v2', async () => (await http(`http://127.0.0.1:${appPort}/`)).json?.message === 'two', 30_000);
  const recs = await waitFor('the webhook reconcile to be recorded', async () => {
    const r = (await http(`${base}/api/v1/reconciles`)).json.reconciles;
    return r.length >= 2 && r[0].finishedAt && r;
  });
  assert.deepEqual(recs[0].reasons, ['webhook:github']);
  assert.equal(recs[0].result, 'converged');
  assert.equal(recs[0].revision, v2);
  const status2 = await http(`${base}/v1/status/hello`);
  assert.deepEqual(
    status2.json.versions.map((v: { version: string }) => v.version),
    ['v2'],
  );
  const m2 = parsePrometheus((await http(`${base}/metrics`)).text);
  assert.equal(m2.get('boreas_reconcile_total{result="converged"}'), 2);
  assert.equal(m2.get(`boreas_revision_info{sha="${v2}"}`), 1);
  assert.equal(m2.get('boreas_webhooks_total{forge="github",result="unauthorized"}'), 2);
  assert.equal(m2.get('boreas_webhooks_total{forge="gitlab",result="unauthorized"}'), 1);
  assert.equal(m2.get('boreas_webhooks_total{forge="github",result="accepted"}'), 1);

  // Structured JSON logs.
  const lines = daemon.logs().trim().split('\n');
  for (const line of lines) assert.doesNotThrow(() => JSON.parse(line), `not a JSON log line: ${line}`);
  assert.ok(!daemon.logs().includes(secret), 'the webhook secret is never logged');
  assert.ok(!daemon.logs().includes('literal-secret-in-env'), 'env values are never logged');
  assert.ok(daemon.logs().includes('"msg":"task finished"'), 'task progress is logged');
  for (const path of ['/api/v1/tasks', '/api/v1/drift', '/api/v1/applications', '/api/v1/runs']) {
    assert.ok(!(await http(`${base}${path}`)).text.includes('literal-secret-in-env'), `${path} shows no env value`);
  }

  // SIGTERM: exit 0; the app keeps running until `boreas down` removes it.
  assert.equal(await daemon.stop(), 0, daemon.logs());
  assert.equal((await http(`http://127.0.0.1:${appPort}/`)).json.message, 'two');
  const down = await runCli(['down', '--state', state]);
  assert.equal(down.code, 0, down.stderr);
  await assert.rejects(http(`http://127.0.0.1:${appPort}/`), 'the app is gone after boreas down');
});

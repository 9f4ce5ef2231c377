// The daemon's API is locked by default, through a real `boreas daemon` process on 127.0.0.1: a token
// is generated into the state dir (0600, path logged, token never); POSTs need it (also a
// cross-site text/plain POST: 403 for the foreign Origin, 401 without token); a foreign Host is
// refused (DNS rebinding); the dashboard logs in with the token into an HttpOnly SameSite=Strict
// cookie that makes "Reconcile now" work; a replayed signed webhook (same id, new id, or after a
// restart) answers 200 {duplicate: true} and queues nothing; malformed URLs are 400; slow headers 408.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { connect } from 'node:net';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { sign } from '@octokit/webhooks-methods';
import { resolveDaemonConfig } from '../../src/daemon/config.js';
import { readsNeedToken } from '../../src/daemon/http/auth.js';
import { daemonFixture, http, parsePrometheus, waitFor } from './daemon-process.js';

const secret = 'sec-webhook-secret-0123456789';

/** A request with exactly these headers (fetch would not let a test set Host). */
function raw(base: string, method: string, path: string, headers: Record<string, string> = {}, body?: string) {
  const u = new URL(base);
  return new Promise<{ status: number; headers: Record<string, string | string[] | undefined>; text: string }>((resolve, reject) => {
    const req = request(
      { host: u.hostname, port: u.port, method, path, headers: { ...headers, ...(body ? { 'content-length': Buffer.byteLength(body) } : {}) } },
      (res) => {
        let text = '';
        res.on('data', (d) => (text += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

function slowHeaders(base: string): Promise<string> {
  const u = new URL(base);
  const head = `GET /api/v1/runs HTTP/1.1\r\nHost: ${u.host}\r\nX-Slow: ${'a'.repeat(200)}\r\n\r\n`;
  return new Promise((resolve, reject) => {
    const sock = connect(Number(u.port), u.hostname);
    let answer = '';
    let i = 0;
    const timer = setInterval(() => !sock.destroyed && i < head.length && sock.write(head[i++]), 500);
    sock.on('data', (d) => (answer += d.toString()));
    sock.on('error', reject);
    sock.on('close', () => {
      clearInterval(timer);
      resolve(answer);
    });
  });
}

test('daemon: locked API by default, dashboard login, Host/Origin checks, replayed webhooks, HTTP hygiene', { timeout: 180_000 }, async (t) => {
  const fx = await daemonFixture(t, 'sec');
  const { tmp, repo, state } = fx;
  await writeFile(join(tmp, 'webhook.secret'), secret + '\n');
  const args = [
    '--repo',
    repo.dir,
    '--path',
    'manifests',
    '--state',
    state,
    '--interval',
    '1h',
    '--resync',
    '1h',
    '--webhook-secret-file',
    join(tmp, 'webhook.secret'),
    '--allowed-hosts',
    'boreas.example.com',
  ];
  let daemon = await fx.start(args);
  const base = daemon.base;
  const host = new URL(base).host;
  const slow = slowHeaders(base);
  await waitFor('ready', async () => (await http(`${base}/v1/ready`)).status === 200, 60_000);

  // A token was generated beside the state file, private, and its path (only) logged.
  const tokenFile = join(tmp, 'api.token');
  const token = readFileSync(tokenFile, 'utf8').trim();
  assert.match(token, /^[A-Za-z0-9_-]{43}$/);
  assert.equal(statSync(tokenFile).mode & 0o777, 0o600);
  assert.ok(daemon.logs().includes(`"file":"${tokenFile}"`), daemon.logs());
  assert.ok(!daemon.logs().includes(token), 'the token is never logged');

  // Mutating calls need the token; a cross-site text/plain POST (CSRF) is refused before that.
  assert.equal((await raw(base, 'POST', '/api/v1/reconcile', { host })).status, 401);
  const csrf = await raw(base, 'POST', '/api/v1/reconcile', { host, origin: 'http://evil.example', 'content-type': 'text/plain' }, 'x');
  assert.equal(csrf.status, 403);
  assert.match(JSON.parse(csrf.text).error, /^Origin "http:\/\/evil\.example" may not call this API/);
  const otherPort = await raw(base, 'POST', '/api/v1/reconcile', { host, origin: 'http://127.0.0.1:1', authorization: `Bearer ${token}` });
  assert.equal(otherPort.status, 403, 'another local web app (other port) is another origin');
  assert.equal((await raw(base, 'POST', '/api/v1/reconcile', { host, 'sec-fetch-site': 'cross-site', authorization: `Bearer ${token}` })).status, 403);
  assert.equal((await raw(base, 'POST', '/api/v1/reconcile', { host, authorization: 'Bearer wrong' })).status, 401);
  assert.equal((await raw(base, 'POST', '/api/v1/reconcile', { host, authorization: `Bearer ${token}` })).status, 202);

  // DNS rebinding: a foreign Host name is refused everywhere but health/readiness.
  const rebound = await raw(base, 'GET', '/api/v1/applications', { host: `evil.example:${new URL(base).port}` });
  assert.equal(rebound.status, 403);
  assert.match(JSON.parse(rebound.text).error, /^Host "evil\.example:\d+" is not an address of this daemon/);
  assert.equal((await raw(base, 'GET', '/', { host: 'evil.example' })).status, 403);
  assert.equal((await raw(base, 'GET', '/metrics', { host: 'evil.example' })).status, 403);
  assert.equal((await raw(base, 'GET', '/api/v1/runs', { host: `localhost:${new URL(base).port}` })).status, 200);
  assert.equal((await raw(base, 'GET', '/api/v1/runs', { host: 'boreas.example.com' })).status, 200, '--allowed-hosts');
  assert.equal((await raw(base, 'GET', '/v1/health', { host: 'evil.example' })).status, 200);

  // On loopback, reads are open (the decision for other addresses is checked below).
  assert.equal((await http(`${base}/api/v1/runs`)).status, 200);
  assert.equal(readsNeedToken(resolveDaemonConfig({ listen: '0.0.0.0:8080' }, tmp)), true);
  assert.equal(readsNeedToken(resolveDaemonConfig({ listen: '10.1.2.3:8080', apiReadPublic: true }, tmp)), false);
  assert.equal(readsNeedToken(resolveDaemonConfig({ listen: '127.0.0.1:8080' }, tmp)), false);

  // Malformed URLs are the client's error.
  const bad = await raw(base, 'GET', '/v1/status/%E0%A4%A', { host });
  assert.equal(bad.status, 400, bad.text);
  assert.match(bad.text, /malformed request URL/);

  // Dashboard: the button without a login is refused; the login form sets the cookie; then it works.
  assert.match((await raw(base, 'GET', '/login', { host })).text, /<form method="post" action="login">/);
  const wrong = await raw(base, 'POST', '/login', { host, origin: base, 'content-type': 'application/x-www-form-urlencoded' }, 'token=nope');
  assert.equal(wrong.status, 401);
  assert.equal(wrong.headers['set-cookie'], undefined);
  const ok = await raw(
    base,
    'POST',
    '/login',
    { host, origin: base, 'content-type': 'application/x-www-form-urlencoded' },
    `token=${encodeURIComponent(token)}`,
  );
  assert.equal(ok.status, 303);
  assert.equal(ok.headers.location, './');
  const setCookie = String(ok.headers['set-cookie']);
  assert.match(setCookie, /^boreas_session=\d+\.[A-Za-z0-9_-]+; Max-Age=43200; Path=\/; HttpOnly; SameSite=Strict$/);
  assert.ok(!setCookie.includes(token), 'the cookie is not the token');
  const cookie = setCookie.split(';')[0];
  const before = (await http(`${base}/api/v1/reconciles`)).json.reconciles.length;
  const click = await raw(base, 'POST', '/api/v1/reconcile', { host, origin: base, cookie });
  assert.equal(click.status, 202, click.text);
  await waitFor('the dashboard reconcile', async () => (await http(`${base}/api/v1/reconciles`)).json.reconciles.length > before, 60_000);
  assert.equal((await raw(base, 'POST', '/api/v1/reconcile', { host, cookie: 'boreas_session=99999999999.AAAA' })).status, 401, 'a forged cookie');
  const page = await raw(base, 'GET', '/', { host });
  assert.match(page.text, /if \(r\.status === 401\) \{ location\.href = "login"/, 'the button leads to the login form');

  // A signed push webhook: accepted once; replays (same id, new id, and after a restart) queue nothing.
  await waitFor('no reconcile running', async () =>
    (await http(`${base}/api/v1/reconciles`)).json.reconciles.every((r: { finishedAt?: string }) => r.finishedAt),
  );
  const push = JSON.stringify({ ref: 'refs/heads/main', after: await repo.revParse('HEAD') });
  const hook = async (b: string, delivery: string) =>
    http(`${b}/hooks/github`, {
      method: 'POST',
      body: push,
      headers: { 'content-type': 'application/json', 'x-github-event': 'push', 'x-github-delivery': delivery, 'x-hub-signature-256': await sign(secret, push) },
    });
  const first = await hook(base, 'delivery-1');
  assert.equal(first.status, 202, first.text);
  assert.equal(first.json.accepted, true);
  for (const delivery of ['delivery-1', 'delivery-1', 'delivery-2']) {
    const replay = await hook(base, delivery);
    assert.equal(replay.status, 200, replay.text);
    assert.equal(replay.json.duplicate, true);
  }
  const metrics = parsePrometheus((await http(`${base}/metrics`)).text);
  assert.equal(metrics.get('boreas_triggers_total{source="webhook"}'), 1, 'one reconcile queued for four deliveries');
  assert.equal(metrics.get('boreas_webhooks_total{forge="github",result="duplicate"}'), 3);

  // The state dir is private while the daemon runs: 0600 files (state, WAL, SHM, token, caches) in 0700 dirs.
  const stateFiles = (readdirSync(tmp, { recursive: true }) as string[]).filter((p) => !p.startsWith('local'));
  for (const name of ['state.db', 'state.db-wal', 'state.db-shm', 'api.token', 'cache/manifests-parse.v8']) assert.ok(stateFiles.includes(name), name);
  for (const p of stateFiles.filter((p) => !p.endsWith('.secret') && !p.endsWith('.yaml'))) {
    // A reconcile may be running: its state.lock (and temp files) can go between the listing and the stat.
    const st = statSync(join(tmp, p), { throwIfNoEntry: false });
    if (!st) continue;
    assert.equal(st.mode & 0o777, st.isDirectory() ? 0o700 : 0o600, `${p} has mode ${(st.mode & 0o777).toString(8)}`);
  }

  // A manifest symlinked out of the repository: the reconcile is refused naming the file; nothing of it is read.
  writeFileSync(join(tmp, 'outside.yaml'), 'kind: CANARY-daemon-secret\n');
  symlinkSync(join(tmp, 'outside.yaml'), join(repo.dir, 'manifests', 'x.yaml'));
  const runs = (await http(`${base}/api/v1/reconciles`)).json.reconciles.length;
  assert.equal((await raw(base, 'POST', '/api/v1/reconcile', { host, authorization: `Bearer ${token}` })).status, 202);
  const refused = await waitFor('the invalid reconcile', async () => {
    const recs = (await http(`${base}/api/v1/reconciles`)).json.reconciles;
    return recs.length > runs && recs[0].result === 'invalid' && recs[0];
  });
  assert.deepEqual(refused.diagnostics, ['x.yaml:1:1: symlink to a path outside the repository']);
  assert.ok(!daemon.logs().includes('CANARY'), 'the target was never read');
  unlinkSync(join(repo.dir, 'manifests', 'x.yaml'));

  // Slow headers were cut off meanwhile.
  assert.match(await slow, /^HTTP\/1\.1 408 /);

  // After a restart the delivery is still known (kept in the state store), and the token is the same.
  assert.equal(await daemon.stop(), 0, daemon.logs());
  daemon = await fx.start(args);
  await waitFor('ready again', async () => (await http(`${daemon.base}/v1/ready`)).status === 200, 60_000);
  const afterRestart = await hook(daemon.base, 'delivery-1');
  assert.equal(afterRestart.status, 200, afterRestart.text);
  assert.deepEqual(afterRestart.json, { duplicate: true, delivery: 'delivery-1' });
  assert.equal(parsePrometheus((await http(`${daemon.base}/metrics`)).text).get('boreas_triggers_total{source="webhook"}'), undefined);
  assert.equal(readFileSync(tokenFile, 'utf8').trim(), token, 'the generated token is reused');
  assert.ok(!daemon.logs().includes('API token generated'), 'generated only once');
});

test('daemon config: apiReadPublic and allowedHosts keys, --allowed-hosts flag checked', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'boreas-daemon-seccfg-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const fx = { tmp: dir };
  const file = join(fx.tmp, 'secure.yaml');
  await writeFile(file, 'apiReadPublic: true\nallowedHosts: [Boreas.Example.com, "10.0.0.5:8443"]\n');
  const cfg = resolveDaemonConfig({ config: file }, fx.tmp);
  assert.equal(cfg.apiReadPublic, true);
  assert.deepEqual(cfg.allowedHosts, ['boreas.example.com', '10.0.0.5:8443']);
  assert.deepEqual(resolveDaemonConfig({ config: file, allowedHosts: 'a.example,b.example:80' }, fx.tmp).allowedHosts, ['a.example', 'b.example:80']);
  assert.throws(() => resolveDaemonConfig({ allowedHosts: 'http://x' }, fx.tmp), { message: '--allowed-hosts: "http://x" is not a host name or host:port' });
  assert.equal(resolveDaemonConfig({}, fx.tmp).apiReadPublic, false);
});

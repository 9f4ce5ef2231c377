// RenderAndDeployNginx against a real nginx: traffic reaches a real backend, re-rendering moves it,
// a broken config is refused while the old site keeps serving, and unchanged content never reloads.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { readFile, writeFile } from 'node:fs/promises';
import { request } from 'undici';
import { renderNginxSite, type NginxEndpoint } from '../../src/desired/ingress/nginx-render.js';
import { sitePath } from '../../src/desired/ingress/paths.js';
import { deployNginxSite, NginxCommandError } from '../../src/runtime/nginx/index.js';
import { nginxUnavailable, startNginx, waitFor, type TestNginx } from '../helpers/nginx.js';

const skip = nginxUnavailable();

async function backend(name: string): Promise<{ server: Server; port: number }> {
  const server = createServer((req, res) => res.end(`${name} ${req.headers.host} ${req.url}`));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, port: (server.address() as { port: number }).port };
}

async function get(port: number, path = '/', host = 'shop.test'): Promise<{ status: number; body: string }> {
  const res = await request(`http://127.0.0.1:${port}${path}`, { headers: { host } });
  return { status: res.statusCode, body: await res.body.text() };
}

function payload(nginx: TestNginx, endpoints: Record<string, NginxEndpoint[]>) {
  const content = renderNginxSite({
    site: 'shop',
    hosts: ['shop.test'],
    rules: [
      { path: '/', application: 'web', port: 'http' },
      { path: '/api/', application: 'api', port: 'http' },
    ],
    backends: Object.entries(endpoints).map(([application, eps]) => ({ application, port: 'http', endpoints: eps })),
    facts: nginx.facts,
    marker: 'test-marker',
  });
  return {
    siteName: 'shop',
    targetPath: sitePath(nginx.facts, 'shop'),
    content,
    testCommand: nginx.facts.testCommand,
    reloadCommand: nginx.facts.reloadCommand,
  };
}

const ep = (port: number, healthy = true, node = 'n1'): NginxEndpoint => ({ node, host: '127.0.0.1', port, version: 'v1', healthy });

test('deploy a site through real nginx: routing, re-render, 503, broken config, zero reloads', { skip }, async (t) => {
  const nginx = await startNginx();
  const one = await backend('web-1');
  const two = await backend('web-2');
  const api = await backend('api-1');
  t.after(async () => {
    for (const b of [one, two, api]) b.server.close();
    await nginx.stop();
  });
  const opts = { allowedRoots: [nginx.facts.confDir] };

  // 1. first deploy: site created, nginx reloaded, longest prefix routes /api/ to the api backend
  const first = await deployNginxSite(payload(nginx, { web: [ep(one.port)], api: [ep(api.port)] }), opts);
  assert.equal(first.outcome, 'configured');
  await nginx.waitForReloads(1);
  assert.deepEqual(await get(nginx.facts.httpPort, '/'), { status: 200, body: 'web-1 shop.test /' });
  assert.deepEqual(await get(nginx.facts.httpPort, '/api/items'), { status: 200, body: 'api-1 shop.test /api/items' });

  // 2. same content again: unchanged, and nginx did not reload
  const again = await deployNginxSite(payload(nginx, { web: [ep(one.port)], api: [ep(api.port)] }), opts);
  assert.equal(again.outcome, 'unchanged');
  await new Promise((r) => setTimeout(r, 200));
  assert.equal(await nginx.reloads(), 1);

  // 3. endpoints change (web-1 unhealthy, web-2 new): traffic moves to web-2 only
  const moved = await deployNginxSite(payload(nginx, { web: [ep(one.port, false), ep(two.port, true, 'n2')], api: [ep(api.port)] }), opts);
  assert.equal(moved.outcome, 'configured');
  await nginx.waitForReloads(2);
  for (let i = 0; i < 4; i++) assert.equal((await get(nginx.facts.httpPort, '/')).body, 'web-2 shop.test /');

  // 4. every api endpoint unhealthy: /api/ answers 503 (config still valid), / still serves
  await deployNginxSite(payload(nginx, { web: [ep(two.port)], api: [ep(api.port, false)] }), opts);
  await nginx.waitForReloads(3);
  assert.equal((await get(nginx.facts.httpPort, '/api/x')).status, 503);
  assert.equal((await get(nginx.facts.httpPort, '/')).body, 'web-2 shop.test /');

  // 5. a broken config: nginx -t refuses it, the error text names the problem, the old file is back
  const good = await readFile(sitePath(nginx.facts, 'shop'), 'utf8');
  const broken = payload(nginx, { web: [ep(one.port)], api: [ep(api.port)] });
  broken.content = broken.content.replace('proxy_http_version 1.1;', 'proxy_http_version 1.1 bogus_directive;');
  await assert.rejects(deployNginxSite(broken, opts), (err: unknown) => {
    assert.ok(err instanceof NginxCommandError);
    assert.match(err.message, /nginx refused site shop; previous config kept: .*\[emerg\].*proxy_http_version/);
    return true;
  });
  assert.equal(await readFile(sitePath(nginx.facts, 'shop'), 'utf8'), good);
  await new Promise((r) => setTimeout(r, 200));
  assert.equal(await nginx.reloads(), 3, 'a refused config causes no reload');
  assert.equal((await get(nginx.facts.httpPort, '/')).body, 'web-2 shop.test /');

  // 6. a reload elsewhere still serves the restored (good) config
  await writeFile(`${nginx.facts.confDir}/other.conf`, '# nothing\n');
  await deployNginxSite({ ...payload(nginx, {}), siteName: 'empty', targetPath: sitePath(nginx.facts, 'empty'), content: '# empty site\n' }, opts);
  await nginx.waitForReloads(4);
  await waitFor(async () => (await get(nginx.facts.httpPort, '/')).body === 'web-2 shop.test /', 2000, 'site to keep serving');
});

test('a site path outside the allowed roots is refused before anything is written', { skip }, async () => {
  await assert.rejects(
    deployNginxSite(
      { siteName: 'x', targetPath: '/etc/nginx/../passwd', content: 'x', testCommand: ['true'], reloadCommand: ['true'] },
      { allowedRoots: ['/tmp/boreas-none'] },
    ),
    /outside the allowed roots/,
  );
});

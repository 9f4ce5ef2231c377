// Each probe against real endpoints: healthy and unhealthy.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import http from 'node:http';
import net from 'node:net';
import { test } from 'node:test';
import { execProbe, httpProbe, processProbe, runHealthCheck, tcpProbe } from '../../src/runtime/health/index.js';
import { processStartTime } from '../../src/runtime/process/proc-stat.js';
import { freePort, onCleanup } from './helpers.js';

async function listen(t: import('node:test').TestContext, server: http.Server | net.Server): Promise<number> {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  onCleanup(t, () => new Promise((r) => server.close(r)));
  return (server.address() as net.AddressInfo).port;
}

test('http: 2xx/3xx healthy, 5xx, refused and slow answers unhealthy', async (t) => {
  const port = await listen(
    t,
    http.createServer((req, res) => {
      if (req.url === '/ok') return void res.end('ok');
      if (req.url === '/moved') return void res.writeHead(302, { location: '/ok' }).end();
      if (req.url === '/slow') return void setTimeout(() => res.end('late'), 1500);
      res.writeHead(503).end();
    }),
  );
  const probe = (path: string, p = port) => httpProbe({ host: '127.0.0.1', port: p, path, timeoutMs: 500 });
  assert.deepEqual(await probe('/ok'), { status: 'Healthy', level: 100, message: `GET http://127.0.0.1:${port}/ok: 200` });
  assert.equal((await probe('/moved')).level, 100);
  assert.deepEqual(await probe('/down'), { status: 'Degraded', level: 0, message: `GET http://127.0.0.1:${port}/down: HTTP 503` });
  assert.match((await probe('/slow')).message!, /timed out after 500 ms/);
  const closed = await freePort();
  assert.deepEqual(await probe('/', closed), { status: 'Degraded', level: 0, message: `GET http://127.0.0.1:${closed}/: ECONNREFUSED` });
});

test('tcp: connect healthy, refused unhealthy', async (t) => {
  const port = await listen(
    t,
    net.createServer((s) => s.end()),
  );
  assert.equal((await tcpProbe({ host: '127.0.0.1', port, timeoutMs: 500 })).status, 'Healthy');
  const closed = await freePort();
  assert.deepEqual(await tcpProbe({ host: '127.0.0.1', port: closed, timeoutMs: 500 }), {
    status: 'Degraded',
    level: 0,
    message: `tcp 127.0.0.1:${closed}: ECONNREFUSED`,
  });
});

test('exec: exit 0 healthy; non-zero, timeout and missing command unhealthy', async () => {
  assert.equal((await execProbe({ command: [process.execPath, '-e', 'process.exit(0)'], timeoutMs: 5000 })).level, 100);
  const bad = await execProbe({ command: [process.execPath, '-e', 'console.log("db not ready"); process.exit(2)'], timeoutMs: 5000 });
  assert.deepEqual(bad, { status: 'Degraded', level: 0, message: `${process.execPath}: exit 2: db not ready` });
  const slow = await execProbe({ command: [process.execPath, '-e', 'setTimeout(() => {}, 10000)'], timeoutMs: 300 });
  assert.equal(slow.message, `${process.execPath}: timed out after 300 ms`);
  assert.match((await execProbe({ command: ['/nonexistent/check'], timeoutMs: 1000 })).message!, /cannot run \/nonexistent\/check: ENOENT/);
  // Arguments are not interpreted by a shell.
  const literal = await execProbe({
    command: [process.execPath, '-e', 'process.exit(process.argv[1] === "$(touch /tmp/x); *" ? 0 : 1)', '$(touch /tmp/x); *'],
    timeoutMs: 5000,
  });
  assert.equal(literal.level, 100);
});

test('process: alive with matching start time healthy, exited missing', async (t) => {
  assert.equal(processProbe(process.pid, processStartTime(process.pid)).status, 'Healthy');
  assert.equal(processProbe(process.pid, '1').status, 'Missing', 'same pid, other start time');
  const child = spawn(process.execPath, ['-e', '0']);
  await new Promise((r) => child.once('exit', r));
  assert.deepEqual(processProbe(child.pid), { status: 'Missing', level: 0, message: `pid ${child.pid} not running` });
  void t;
});

test('runHealthCheck picks the declared probe and reports a stopped instance as missing', async (t) => {
  const port = await listen(
    t,
    http.createServer((_req, res) => res.end('ok')),
  );
  const base = { intervalSeconds: 1, timeoutSeconds: 1, initialDelaySeconds: 0, failureThreshold: 1 };
  assert.equal((await runHealthCheck({ ...base, http: { port, path: '/healthz', scheme: 'http' } }, { host: '127.0.0.1', running: true })).level, 100);
  assert.equal((await runHealthCheck({ ...base, tcp: { port } }, { host: '127.0.0.1', running: true })).level, 100);
  assert.deepEqual(await runHealthCheck({ ...base, tcp: { port } }, { host: '127.0.0.1', running: false }), {
    status: 'Missing',
    level: 0,
    message: 'not running',
  });
  assert.deepEqual(await runHealthCheck(undefined, { host: '127.0.0.1', running: true }), { status: 'Healthy', level: 100, message: 'process running' });
});

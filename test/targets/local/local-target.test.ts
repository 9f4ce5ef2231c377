// The local target end to end with real processes and files: apply, observe, health, drift (killed
// process, edited file), repair, Stopped, delete, secrets never stored, downLocal.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { InstanceSpec } from '../../../src/model/machine-specs.js';
import { readRecord } from '../../../src/runtime/state/instance-state.js';
import { downLocal } from '../../../src/targets/local/index.js';
import { freePort, getText, isAlive, killAfter, killGroup, onCleanup, processSpec, tempDir, waitFor, writeScripts } from '../../runtime/helpers.js';
import { again, fileResource, instanceResource, localTarget, task } from './helpers.js';

// Serves the content of its config file (path in argv) on /, 200 on /healthz.
const configServer = `import http from 'node:http'; import { readFileSync } from 'node:fs';
const file = process.argv[2];
http.createServer((req, res) => res.end(req.url === '/healthz' ? 'ok' : readFileSync(file, 'utf8') + '|' + (process.env.SECRET_TOKEN ?? ''))).listen(Number(process.env.BOREAS_PORT_HTTP), '127.0.0.1');
process.on('SIGTERM', () => process.exit(0));`;

function allFilesText(dir: string): string {
  let out = '';
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true })) if (e.isFile()) out += readFileSync(join(e.parentPath, e.name), 'utf8');
  return out;
}

test('instance + file: apply, observe, health, drift and repair, stop, delete', async (t) => {
  const repo = tempDir(t);
  const state = tempDir(t);
  writeScripts(repo, { 'app.mjs': configServer });
  const work = join(state, 'local');
  killAfter(t, work, 'app-0');
  const port = await freePort();
  process.env.TEST_SECRET_TOKEN = 's3cr3t-value';
  onCleanup(t, () => delete process.env.TEST_SECRET_TOKEN);

  const target = await localTarget(state, repo);
  assert.equal(target.key, 'local');
  const file = fileResource({ app: 'app', instance: 'app-0', path: 'conf/app.txt', mode: '0640', content: 'upstream=127.0.0.1:1\n' });
  const spec: InstanceSpec = processSpec('app-0', {
    process: { command: 'node', args: ['app.mjs', 'conf/app.txt'] },
    env: { BOREAS_PORT_HTTP: String(port), SECRET_TOKEN: { valueFrom: { env: 'TEST_SECRET_TOKEN' } } },
    ports: { http: port },
    health: { http: { port, path: '/healthz', scheme: 'http' }, intervalSeconds: 1, timeoutSeconds: 1, initialDelaySeconds: 0, failureThreshold: 1 },
  });
  const inst = instanceResource(spec, [file.id]);

  // Nothing applied yet.
  const [f0, i0] = await target.observe([file, inst]);
  assert.deepEqual({ exists: f0.state === 'present', fp: f0.fingerprint }, { exists: false, fp: 'missing' });
  assert.deepEqual({ exists: i0.state === 'present', status: i0.health.status }, { exists: false, status: 'Missing' });

  // Apply the file, then the instance (the order the DAG gives).
  const fileTask = task(file);
  assert.equal((await target.apply(fileTask)).outcome, 'created');
  const filePath = join(work, 'instances/app-0/conf/app.txt');
  assert.equal(readFileSync(filePath, 'utf8'), 'upstream=127.0.0.1:1\n');
  assert.equal(statSync(filePath).mode & 0o777, 0o640);
  // The same task again is answered from the agent's record (idempotency key); new work on the same content writes nothing.
  assert.equal((await target.apply(again(fileTask))).outcome, 'created');
  assert.equal((await target.apply(task(file, 'update'))).outcome, 'unchanged');
  const started = await target.apply(task(inst));
  assert.equal(started.outcome, 'created');
  assert.match(started.message!, /^app-0 started \(pid \d+\)$/);
  assert.equal(
    await waitFor('app answers', () => getText(port)),
    'upstream=127.0.0.1:1\n|s3cr3t-value',
    'relative arg resolves to the rendered file (cwd = instance dir); secret resolved',
  );
  assert.equal((await target.health(inst)).level, 100);
  assert.equal((await target.health(file)).level, 100);

  const [f1, i1] = await target.observe([file, inst]);
  assert.deepEqual(
    { exists: f1.state === 'present', appliedHash: f1.appliedHash, drift: f1.drift },
    { exists: true, appliedHash: file.hash, drift: undefined },
  );
  assert.match(f1.fingerprint!, /^sha256:[0-9a-f]{16}$/);
  assert.equal(i1.state === 'present', true);
  assert.equal(i1.appliedHash, inst.hash);
  assert.deepEqual(i1.appliedSpec, inst.spec, 'applied spec kept for field diffs');
  const rec = (await readRecord(work, 'app-0'))!;
  assert.equal(i1.fingerprint, `pid:${rec.pid}@${rec.startTime}`);
  assert.equal(i1.health.level, 100);
  assert.equal(await target.apply(task(inst, 'update')).then((r) => r.outcome), 'unchanged');
  assert.ok(!allFilesText(state).includes('s3cr3t-value'), 'resolved secret never written under the state dir');

  // Drift 1: the process is killed.
  killGroup(rec.pid!);
  await waitFor('process gone', () => !isAlive(rec.pid!));
  const [i2] = await target.observe([inst]);
  assert.equal(i2.state === 'present', false);
  assert.deepEqual(i2.drift, [`process exited (pid ${rec.pid} not running)`]);
  assert.equal((await target.health(inst)).status, 'Missing');
  assert.equal((await target.apply(task(inst, 'repair'))).outcome, 'configured');
  await waitFor('app answers again', () => getText(port));
  assert.equal((await target.observe([inst]))[0].state, 'present');

  // Drift 2: the file is edited on disk.
  writeFileSync(filePath, 'hacked\n');
  const [f2] = await target.observe([file]);
  assert.deepEqual(
    { exists: f2.state === 'present', appliedHash: f2.appliedHash, drift: f2.drift, status: f2.health.status },
    { exists: true, appliedHash: file.hash, drift: [`${filePath} was edited on disk`], status: 'Degraded' },
  );
  assert.notEqual(f2.fingerprint, f1.fingerprint);
  assert.equal((await target.apply(task(file, 'repair'))).outcome, 'configured');
  assert.equal(readFileSync(filePath, 'utf8'), 'upstream=127.0.0.1:1\n');
  // ...and deleted by hand.
  writeFileSync(filePath, '');
  await import('node:fs/promises').then((fs) => fs.rm(filePath));
  const [f3] = await target.observe([file]);
  assert.deepEqual({ exists: f3.state === 'present', drift: f3.drift }, { exists: false, drift: [`${filePath} is missing`] });
  await target.apply(task(file, 'repair'));

  // A spec change restarts it.
  const pidBefore = (await readRecord(work, 'app-0'))!.pid;
  const changed = instanceResource({ ...spec, version: 'v2' }, [file.id]);
  const [i3] = await target.observe([changed]);
  assert.notEqual(i3.appliedHash, changed.hash);
  assert.equal((await target.apply(task(changed, 'update'))).outcome, 'configured');
  assert.notEqual((await readRecord(work, 'app-0'))!.pid, pidBefore);

  // state: Stopped.
  const stopped = instanceResource({ ...spec, version: 'v2', state: 'Stopped' }, [file.id]);
  assert.equal((await target.apply(task(stopped, 'update'))).outcome, 'configured');
  const [i4] = await target.observe([stopped]);
  assert.deepEqual(
    { exists: i4.state === 'present', appliedHash: i4.appliedHash, status: i4.health.status, drift: i4.drift },
    { exists: true, appliedHash: stopped.hash, status: 'Suspended', drift: undefined },
  );
  assert.equal(await getText(port), undefined, 'no longer answers');

  // delete (prune).
  assert.equal((await target.apply(task(stopped, 'delete'))).outcome, 'deleted');
  assert.equal((await target.apply(task(file, 'delete'))).outcome, 'deleted');
  assert.equal(existsSync(filePath), false);
  assert.equal(existsSync(join(work, 'instances/app-0')), false, 'nothing left of the instance');
  const [f5, i5] = await target.observe([file, stopped]);
  assert.equal(f5.state === 'present' || i5.state === 'present', false);
  assert.equal((await target.apply(task(stopped, 'delete'))).outcome, 'unchanged');
});

test('an absolute file path is written where it says; a bad secret fails the apply clearly', async (t) => {
  const repo = tempDir(t);
  const state = tempDir(t);
  const elsewhere = tempDir(t);
  writeScripts(repo);
  const target = await localTarget(state, repo);
  const file = fileResource({ app: 'a', instance: 'a-0', path: join(elsewhere, 'etc/a.conf'), mode: '0600', content: 'x' });
  assert.equal((await target.apply(task(file))).outcome, 'created');
  assert.equal(statSync(join(elsewhere, 'etc/a.conf')).mode & 0o777, 0o600);
  const inst = instanceResource(processSpec('a-0', { env: { TOKEN: { valueFrom: { env: 'BOREAS_TEST_NOPE' } } } }));
  await assert.rejects(target.apply(task(inst)), /BOREAS_TEST_NOPE is not set/);
  assert.equal(await readRecord(join(state, 'local'), 'a-0'), undefined, 'nothing started without its secret');
});

test('health waits for the initial delay and reports failed probes', async (t) => {
  const repo = tempDir(t);
  const state = tempDir(t);
  writeScripts(repo);
  killAfter(t, join(state, 'local'), 'slow-0');
  const port = await freePort();
  const closed = await freePort();
  const target = await localTarget(state, repo);
  const inst = instanceResource(
    processSpec('slow-0', {
      env: { PORT: String(port) },
      health: { tcp: { port: closed }, intervalSeconds: 1, timeoutSeconds: 1, initialDelaySeconds: 2, failureThreshold: 1 },
    }),
  );
  await target.apply(task(inst));
  assert.deepEqual(await target.health(inst), { status: 'Progressing', level: 50, message: 'starting (initial delay)' });
  await new Promise((r) => setTimeout(r, 2100));
  assert.deepEqual(await target.health(inst), { status: 'Degraded', level: 0, message: `tcp 127.0.0.1:${closed}: ECONNREFUSED` });
});

test('downLocal stops and removes every instance and file the local state knows', async (t) => {
  const repo = tempDir(t);
  const state = tempDir(t);
  writeScripts(repo);
  const work = join(state, 'local');
  killAfter(t, work, 'one-0');
  killAfter(t, work, 'two-0');
  const target = await localTarget(state, repo);
  const file = fileResource({ app: 'one', instance: 'one-0', path: 'c.txt', mode: '0644', content: 'c' });
  await target.apply(task(file));
  await target.apply(task(instanceResource(processSpec('one-0'))));
  await target.apply(task(instanceResource(processSpec('two-0'))));
  const pids = [(await readRecord(work, 'one-0'))!.pid!, (await readRecord(work, 'two-0'))!.pid!];
  const res = await downLocal(state);
  assert.deepEqual(res.instances.sort(), ['one-0', 'two-0']);
  assert.deepEqual(res.files, [join(work, 'instances/one-0/c.txt')]);
  for (const pid of pids) assert.equal(isAlive(pid), false);
  assert.deepEqual(readdirSync(join(work, 'instances')), []);
  assert.deepEqual(await downLocal(state), { instances: [], strays: [], files: [], problems: [] });
});

test('a script instance with an exec health check (relative to the repo) through the local target', async (t) => {
  const repo = tempDir(t);
  const state = tempDir(t);
  writeScripts(repo, {
    'check.mjs': `const r = await fetch('http://127.0.0.1:' + process.env.PORT + '/healthz').catch(() => undefined); process.exit(r?.ok ? 0 : 1);`,
  });
  killAfter(t, join(state, 'local'), 'job-0');
  const port = await freePort();
  const target = await localTarget(state, repo);
  const inst = instanceResource(
    processSpec('job-0', {
      runtime: 'script',
      process: undefined,
      script: { start: ['node', 'server.mjs'] },
      env: { PORT: String(port) },
      health: { exec: { command: ['node', 'check.mjs'] }, intervalSeconds: 1, timeoutSeconds: 5, initialDelaySeconds: 0, failureThreshold: 1 },
    }),
  );
  assert.equal((await target.apply(task(inst))).outcome, 'created');
  assert.deepEqual(
    await waitFor('healthy', async () => {
      const h = await target.health(inst);
      return h.level === 100 ? h : undefined;
    }),
    { status: 'Healthy', level: 100, message: `${process.execPath}: exit 0` },
  );
  const [o] = await target.observe([inst]);
  assert.deepEqual(
    { exists: o.state === 'present', runtime: o.details?.runtime, appliedHash: o.appliedHash },
    { exists: true, runtime: 'script', appliedHash: inst.hash },
  );
  assert.equal((await target.apply(task(inst, 'delete'))).outcome, 'deleted');
  assert.equal((await target.health(inst)).status, 'Missing');
});

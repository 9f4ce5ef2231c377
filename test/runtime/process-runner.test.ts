// The process runner with real processes: detached start, observe, restart on spec change, stop,
// remove, surviving the starter, pid reuse, logs and rotation.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { ProcessRunner } from '../../src/runtime/runners/process.js';
import { readRecord, writeRecord } from '../../src/runtime/state/instance-state.js';
import { freePort, getText, isAlive, killAfter, killGroup, processSpec, tempDir, waitFor, writeScripts } from './helpers.js';

const repoRoot = resolve(import.meta.dirname, '../..');

test('starts detached, observes, leaves a same-hash instance alone, restarts on a new hash', async (t) => {
  const base = tempDir(t);
  const work = tempDir(t);
  writeScripts(base);
  killAfter(t, work, 'api-0');
  const runner = new ProcessRunner({ workDir: work, baseDir: base });
  const port = await freePort();
  const spec = processSpec('api-0', { env: { PORT: String(port) } });

  assert.equal(await runner.ensureRunning(spec, 'h1', { PORT: String(port), MESSAGE: 'one' }), 'created');
  assert.equal(await waitFor('server answers', () => getText(port)), 'one');
  const rec1 = (await readRecord(work, 'api-0'))!;
  assert.ok(rec1.pid && rec1.startTime, 'pid and start time recorded');
  assert.equal(rec1.specHash, 'h1');
  assert.deepEqual((rec1.spec as { process: unknown }).process, { command: 'node', args: ['server.mjs'] });
  assert.equal(rec1.argv?.[0], process.execPath, 'node resolves to this Node binary');
  assert.equal(rec1.argv?.[1], join(base, 'server.mjs'), 'relative script resolved against baseDir');
  assert.ok(!JSON.stringify(rec1).includes('"one"'), 'resolved env is not persisted');

  const obs = await runner.observe('api-0');
  assert.equal(obs.running, true);
  assert.equal(obs.exists, true);
  assert.equal(obs.appliedHash, 'h1');
  assert.equal(obs.fingerprint, `pid:${rec1.pid}@${rec1.startTime}`);
  assert.deepEqual(await runner.list(), ['api-0']);

  assert.equal(await runner.ensureRunning(spec, 'h1', { PORT: String(port), MESSAGE: 'one' }), 'unchanged');
  assert.equal((await readRecord(work, 'api-0'))!.pid, rec1.pid, 'same process kept');

  assert.equal(await runner.ensureRunning(spec, 'h2', { PORT: String(port), MESSAGE: 'two' }), 'configured');
  const rec2 = (await readRecord(work, 'api-0'))!;
  assert.notEqual(rec2.pid, rec1.pid);
  assert.equal(isAlive(rec1.pid!), false, 'old process terminated');
  assert.equal(await waitFor('new server answers', async () => ((await getText(port)) === 'two' ? 'two' : undefined)), 'two');
  assert.match(readFileSync(join(work, 'instances/api-0/stderr.log'), 'utf8'), /got SIGTERM/, 'old process got SIGTERM first');
  assert.match(
    readFileSync(join(work, 'instances/api-0/stdout.log'), 'utf8'),
    new RegExp(`listening ${port}[\\s\\S]*listening ${port}`),
    'stdout of both runs appended to the log',
  );
});

test('a dead process is observed as drift and restarted by ensureRunning', async (t) => {
  const base = tempDir(t);
  const work = tempDir(t);
  writeScripts(base);
  killAfter(t, work, 'api-0');
  const runner = new ProcessRunner({ workDir: work, baseDir: base });
  const spec = processSpec('api-0');
  await runner.ensureRunning(spec, 'h1', {});
  const rec = (await readRecord(work, 'api-0'))!;
  killGroup(rec.pid!);
  await waitFor('process gone', async () => !(await runner.observe('api-0')).running);
  const obs = await runner.observe('api-0');
  assert.equal(obs.exists, false);
  assert.equal(obs.appliedHash, 'h1');
  assert.deepEqual(obs.drift, [`process exited (pid ${rec.pid} not running)`]);
  assert.equal(obs.fingerprint, `exited:pid:${rec.pid}@${rec.startTime}`);
  assert.equal(await runner.ensureRunning(spec, 'h1', {}), 'configured');
  assert.equal((await runner.observe('api-0')).running, true);
});

test('the instance outlives the process that started it', async (t) => {
  const base = tempDir(t);
  const work = tempDir(t);
  writeScripts(base);
  killAfter(t, work, 'web-0');
  const port = await freePort();
  const starter = join(base, 'starter.mts');
  writeFileSync(
    starter,
    `import { ProcessRunner } from ${JSON.stringify(pathToFileURL(join(repoRoot, 'src/runtime/runners/process.ts')).href)};
const r = new ProcessRunner({ workDir: ${JSON.stringify(work)}, baseDir: ${JSON.stringify(base)} });
console.log(await r.ensureRunning({ app: 'web', instance: 'web-0', ordinal: 0, node: 'local', host: '127.0.0.1', version: 'v1', runtime: 'process',
  process: { command: 'node', args: ['server.mjs'] }, env: {}, ports: {}, filesHash: '', state: 'Running' }, 'h', { PORT: '${port}', MESSAGE: 'still here' }));
`,
  );
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', starter], { cwd: repoRoot });
  assert.equal(stdout.trim(), 'created');
  const rec = (await readRecord(work, 'web-0'))!;
  assert.ok(isAlive(rec.pid!), 'instance alive after its starter exited');
  assert.equal(await waitFor('server answers', () => getText(port)), 'still here');
  const runner = new ProcessRunner({ workDir: work, baseDir: base });
  assert.equal((await runner.observe('web-0')).running, true, 'a new runner (next CLI run) sees it running');
});

test('a reused pid is not taken for the instance and is never signalled', async (t) => {
  const work = tempDir(t);
  const runner = new ProcessRunner({ workDir: work, baseDir: work });
  // Our own pid with a different start time: exactly what a recycled pid looks like.
  await writeRecord(work, { instance: 'old-0', runtime: 'process', specHash: 'h', spec: null, desired: 'running', pid: process.pid, startTime: '1' });
  const obs = await runner.observe('old-0');
  assert.equal(obs.running, false);
  assert.deepEqual(obs.drift, [`process exited (pid ${process.pid} now belongs to another process)`]);
  assert.equal(await runner.remove('old-0'), 'deleted');
  assert.ok(isAlive(process.pid), 'the unrelated process was not killed');
  assert.equal(await readRecord(work, 'old-0'), undefined);
});

test('stop keeps a stopped record; remove deletes record and logs', async (t) => {
  const base = tempDir(t);
  const work = tempDir(t);
  writeScripts(base);
  killAfter(t, work, 'api-0');
  const runner = new ProcessRunner({ workDir: work, baseDir: base });
  const spec = processSpec('api-0');
  await runner.ensureRunning(spec, 'h1', {});
  const pid = (await readRecord(work, 'api-0'))!.pid!;
  const stoppedSpec = { ...spec, state: 'Stopped' as const };
  assert.equal(await runner.stop('api-0', { spec: stoppedSpec, specHash: 'h-stopped' }), 'configured');
  assert.equal(isAlive(pid), false);
  const obs = await runner.observe('api-0');
  assert.deepEqual(
    { exists: obs.exists, running: obs.running, stopped: obs.stopped, appliedHash: obs.appliedHash, drift: obs.drift },
    { exists: true, running: false, stopped: true, appliedHash: 'h-stopped', drift: [] },
  );
  assert.equal(await runner.stop('api-0', { spec: stoppedSpec, specHash: 'h-stopped' }), 'unchanged');
  assert.ok(existsSync(join(work, 'instances/api-0/stdout.log')));
  assert.equal(await runner.remove('api-0'), 'deleted');
  assert.equal(existsSync(join(work, 'instances/api-0')), false, 'instance dir removed when empty');
  assert.equal(await runner.remove('api-0'), 'unchanged');
  assert.deepEqual(await runner.observe('api-0'), { exists: false, running: false });
});

test('a process that dies at start fails ensureRunning with its stderr', async (t) => {
  const base = tempDir(t);
  const work = tempDir(t);
  writeScripts(base, { 'crash.mjs': `console.error('config file missing: /nope'); process.exit(3);` });
  const runner = new ProcessRunner({ workDir: work, baseDir: base });
  await assert.rejects(
    runner.ensureRunning(processSpec('bad-0', { process: { command: 'node', args: ['crash.mjs'] } }), 'h', {}),
    /bad-0 exited right after start \(code 3\); stderr:\nconfig file missing: \/nope/,
  );
  await assert.rejects(
    runner.ensureRunning(processSpec('bad-0', { process: { command: 'no-such-binary-xyz' } }), 'h', {}),
    /command "no-such-binary-xyz" not found on PATH/,
  );
  await assert.rejects(runner.ensureRunning(processSpec('bad-0', { process: { command: './missing/bin' } }), 'h', {}), /cannot start .*missing\/bin: ENOENT/);
});

test('a cwd where no directory can be made (under /proc) fails the start in one line instead of spinning forever', { timeout: 30_000 }, async (t) => {
  const base = tempDir(t);
  const work = tempDir(t);
  const runner = new ProcessRunner({ workDir: work, baseDir: base });
  // Node's recursive mkdir loops forever when an existing directory answers ENOENT for a new child.
  await assert.rejects(
    runner.ensureRunning(processSpec('cwd-0', { process: { command: 'sleep', args: ['60'], cwd: '/proc/boreas-nowhere/x' } }), 'h', {}),
    /\/proc\/boreas-nowhere: cannot create a directory there \(ENOENT\)/,
  );
});

test('logs over the limit are rotated to .1 at start', async (t) => {
  const base = tempDir(t);
  const work = tempDir(t);
  writeScripts(base);
  killAfter(t, work, 'api-0');
  const runner = new ProcessRunner({ workDir: work, baseDir: base }, { rotateBytes: 100 });
  const dir = join(work, 'instances/api-0');
  await runner.ensureRunning(processSpec('api-0'), 'h1', {});
  await waitFor('first line logged', () => readFileSync(join(dir, 'stdout.log'), 'utf8').includes('listening'));
  writeFileSync(join(dir, 'stdout.log'), 'x'.repeat(500));
  await runner.ensureRunning(processSpec('api-0'), 'h2', {});
  assert.equal(statSync(join(dir, 'stdout.log.1')).size, 500, 'old log kept as .1');
  await waitFor('new log has the new run', () => readFileSync(join(dir, 'stdout.log'), 'utf8').startsWith('listening'));
});

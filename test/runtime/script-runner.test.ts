// The script runner with real scripts: a long-running start command is tracked like a process; a
// daemonising start (exits 0) is judged by its status command and stopped by its stop command.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { ScriptRunner } from '../../src/runtime/runners/script.js';
import { readRecord } from '../../src/runtime/state/instance-state.js';
import { freePort, getText, isAlive, killAfter, killGroup, onCleanup, processSpec, tempDir, waitFor, writeScripts } from './helpers.js';

const daemonScripts = {
  // Starts server.mjs detached, writes its pid to ./server.pid (cwd = instance dir), exits 0.
  'start.mjs': `import { spawn } from 'node:child_process'; import { writeFileSync } from 'node:fs'; import { dirname, join } from 'node:path';
const c = spawn(process.execPath, [join(dirname(process.argv[1]), 'server.mjs')], { detached: true, stdio: 'ignore', env: process.env });
writeFileSync('server.pid', String(c.pid)); c.unref();`,
  'status.mjs': `import { readFileSync } from 'node:fs'; try { process.kill(Number(readFileSync('server.pid', 'utf8')), 0); } catch { process.exit(3); }`,
  'stop.mjs': `import { readFileSync, rmSync } from 'node:fs'; try { process.kill(Number(readFileSync('server.pid', 'utf8')), 'SIGTERM'); } catch {} rmSync('server.pid', { force: true });`,
};

const scriptSpec = (script: NonNullable<ReturnType<typeof processSpec>['script']>) => processSpec('job-0', { runtime: 'script', process: undefined, script });

test('a long-running start command is supervised like a process', async (t) => {
  const base = tempDir(t);
  const work = tempDir(t);
  writeScripts(base);
  killAfter(t, work, 'job-0');
  const runner = new ScriptRunner({ workDir: work, baseDir: base }, { oneShotWindowMs: 300 });
  const port = await freePort();
  const spec = scriptSpec({ start: ['node', 'server.mjs'] });
  assert.equal(await runner.ensureRunning(spec, 'h1', { PORT: String(port) }), 'created');
  assert.equal(await waitFor('server answers', () => getText(port)), 'hi');
  const pid = (await readRecord(work, 'job-0'))!.pid!;
  assert.equal((await runner.observe('job-0')).running, true);
  assert.equal(await runner.ensureRunning(spec, 'h1', { PORT: String(port) }), 'unchanged');
  assert.equal(await runner.stop('job-0'), 'configured');
  assert.equal(isAlive(pid), false, 'no stop command: the process group is signalled');
  assert.equal((await runner.observe('job-0')).stopped, true);
});

test('a daemonising start is judged by status and stopped by the stop command', async (t) => {
  const base = tempDir(t);
  const work = tempDir(t);
  writeScripts(base, daemonScripts);
  const port = await freePort();
  const pidFile = join(work, 'instances/job-0/server.pid');
  onCleanup(t, () => existsSync(pidFile) && killGroup(Number(readFileSync(pidFile, 'utf8'))));
  const runner = new ScriptRunner({ workDir: work, baseDir: base }, { oneShotWindowMs: 2000 });
  const spec = scriptSpec({ start: ['node', 'start.mjs'], status: ['node', 'status.mjs'], stop: ['node', 'stop.mjs'] });

  assert.equal(await runner.ensureRunning(spec, 'h1', { PORT: String(port) }), 'created');
  assert.equal((await readRecord(work, 'job-0'))!.oneShot, true);
  assert.equal(await waitFor('daemon answers', () => getText(port)), 'hi');
  const obs = await runner.observe('job-0');
  assert.deepEqual({ exists: obs.exists, running: obs.running, oneShot: obs.details?.oneShot }, { exists: true, running: true, oneShot: true });
  assert.equal(await runner.ensureRunning(spec, 'h1', { PORT: String(port) }), 'unchanged', 'status says running: nothing to do');

  const daemonPid = Number(readFileSync(pidFile, 'utf8'));
  assert.equal(await runner.stop('job-0'), 'configured');
  await waitFor('daemon stopped', () => !isAlive(daemonPid));
  assert.equal(existsSync(pidFile), false, 'stop command ran in the instance dir');

  // Killed behind Boreas's back: status reports it, and that is drift.
  assert.equal(await runner.ensureRunning(spec, 'h2', { PORT: String(port) }), 'configured');
  killGroup(Number(readFileSync(pidFile, 'utf8')));
  await waitFor('status reports down', async () => !(await runner.observe('job-0')).running);
  assert.deepEqual((await runner.observe('job-0')).drift, ['status command reports job-0 is not running']);
  assert.equal(await runner.remove('job-0'), 'deleted');
  assert.deepEqual(await runner.list(), []);
});

test('a start command that fails is reported with its stderr', async (t) => {
  const base = tempDir(t);
  const work = tempDir(t);
  writeScripts(base, { 'fail.mjs': `console.error('port already in use'); process.exit(1);` });
  const runner = new ScriptRunner({ workDir: work, baseDir: base }, { oneShotWindowMs: 2000 });
  await assert.rejects(
    runner.ensureRunning(scriptSpec({ start: ['node', 'fail.mjs'] }), 'h', {}),
    /job-0 exited right after start \(code 1\); stderr:\nport already in use/,
  );
});

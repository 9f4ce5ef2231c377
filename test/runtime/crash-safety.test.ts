// What a kill -9 between "intent recorded" and "pid recorded" leaves behind, recreated with real
// processes, and what the next run does with it: adopt the launch (never start a second copy), stop
// strays of older launches before starting, never signal a process without the instance identity,
// and find tagged processes for `down` even when their records are gone.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { downLocal } from '../../src/targets/local/index.js';
import { findTagged, instanceIdentity, workDirTag } from '../../src/runtime/process/identity.js';
import { processStartTime } from '../../src/runtime/process/proc-stat.js';
import { ProcessRunner } from '../../src/runtime/runners/process.js';
import { type InstanceRecord, readRecord, writeRecord } from '../../src/runtime/state/instance-state.js';
import { processesWhere } from '../helpers/procfs.js';
import { freePort, getText, isAlive, killGroup, onCleanup, processSpec, tempDir, waitFor, writeScripts } from './helpers.js';

/** Kills every process still tagged with an identity of `work` after the test. */
function killTaggedAfter(t: Parameters<typeof onCleanup>[0], work: string): void {
  onCleanup(t, () => {
    for (const p of findTagged((id) => id.endsWith(workDirTag(work)))) killGroup(p.pid);
  });
}

/** Starts server.mjs detached with the instance's identity, as an interrupted start would have. */
function spawnTagged(base: string, work: string, instance: string, launch: string, env: Record<string, string>): ChildProcess {
  const child = spawn(process.execPath, [join(base, 'server.mjs')], {
    cwd: base,
    detached: true,
    stdio: 'ignore',
    env: { PATH: process.env.PATH, ...env, BOREAS_INSTANCE_IDENTITY: instanceIdentity(work, instance), BOREAS_LAUNCH_ID: launch },
  });
  child.unref();
  return child;
}

/** The intent record a start writes before it spawns (pending: the pid never got recorded). */
function intent(work: string, instance: string, launchId: string, specHash = 'h1'): InstanceRecord {
  return {
    instance,
    runtime: 'process',
    specHash,
    spec: processSpec(instance),
    desired: 'running',
    identity: instanceIdentity(work, instance),
    launchId,
    pending: true,
  };
}

const tagged = (work: string, instance: string) => processesWhere((env) => env.BOREAS_INSTANCE_IDENTITY === instanceIdentity(work, instance));

test('a launch whose pid was never recorded is adopted, not started a second time', async (t) => {
  const base = tempDir(t);
  const work = tempDir(t);
  writeScripts(base);
  killTaggedAfter(t, work);
  const port = await freePort();
  await writeRecord(work, intent(work, 'api-0', 'launch-1'));
  const orphan = spawnTagged(base, work, 'api-0', 'launch-1', { PORT: String(port), MESSAGE: 'first' });
  assert.equal(await waitFor('the orphan answers', () => getText(port)), 'first');

  const runner = new ProcessRunner({ workDir: work, baseDir: base });
  const obs = await runner.observe('api-0');
  assert.equal(obs.running, true, 'the unrecorded launch reads as running');
  assert.equal(obs.appliedHash, 'h1');
  assert.equal(obs.details?.pid, orphan.pid);
  assert.equal(obs.details?.adopted, true);
  assert.equal(obs.drift, undefined);

  const spec = processSpec('api-0', { env: { PORT: String(port) } });
  assert.equal(await runner.ensureRunning(spec, 'h1', { PORT: String(port), MESSAGE: 'second' }), 'unchanged');
  const rec = (await readRecord(work, 'api-0'))!;
  assert.equal(rec.pid, orphan.pid, 'the record adopted the running process');
  assert.equal(rec.startTime, processStartTime(orphan.pid!));
  assert.equal(rec.pending, undefined);
  assert.equal(await getText(port), 'first', 'nothing was restarted');
  assert.deepEqual(
    tagged(work, 'api-0').map((p) => p.pid),
    [orphan.pid],
    'one process for the instance',
  );
});

test('strays of an interrupted start are stopped before the next start, so the port is free for it', async (t) => {
  const base = tempDir(t);
  const work = tempDir(t);
  writeScripts(base);
  killTaggedAfter(t, work);
  const port = await freePort();
  // Launch 1 ran but was never recorded; then a start of launch 2 was interrupted before it spawned.
  const stray = spawnTagged(base, work, 'api-0', 'launch-1', { PORT: String(port), MESSAGE: 'stray' });
  assert.equal(await waitFor('the stray answers', () => getText(port)), 'stray');
  await writeRecord(work, intent(work, 'api-0', 'launch-2'));

  const runner = new ProcessRunner({ workDir: work, baseDir: base });
  const obs = await runner.observe('api-0');
  assert.equal(obs.running, false);
  assert.equal(obs.exists, false, 'the plan starts it');
  assert.deepEqual(obs.drift, [
    'the last start of api-0 did not finish (no process of it runs)',
    `1 stray process(es) of api-0 left by an interrupted start (pid ${stray.pid})`,
  ]);

  const spec = processSpec('api-0', { env: { PORT: String(port) } });
  assert.equal(await runner.ensureRunning(spec, 'h1', { PORT: String(port), MESSAGE: 'fresh' }), 'configured');
  assert.equal(await waitFor('the new start answers', async () => ((await getText(port)) === 'fresh' ? 'fresh' : undefined)), 'fresh');
  await waitFor('the stray to be gone', () => !isAlive(stray.pid!));
  const rec = (await readRecord(work, 'api-0'))!;
  assert.deepEqual(
    tagged(work, 'api-0').map((p) => p.pid),
    [rec.pid],
  );
  assert.equal((await runner.observe('api-0')).drift, undefined);
});

test('a recorded pid now held by a process without the identity is not the instance and is never signalled', async (t) => {
  const work = tempDir(t);
  const runner = new ProcessRunner({ workDir: work, baseDir: work });
  // Same pid, same start time: only the missing identity tells this process is not the instance.
  const other = spawn('sleep', ['30'], { stdio: 'ignore' });
  onCleanup(t, () => killGroup(other.pid!));
  await waitFor('sleep started', () => processStartTime(other.pid!));
  await writeRecord(work, {
    ...intent(work, 'old-0', 'launch-1'),
    pending: undefined,
    pid: other.pid,
    startTime: processStartTime(other.pid!),
  });
  const obs = await runner.observe('old-0');
  assert.equal(obs.running, false);
  assert.equal(await runner.stop('old-0'), 'configured');
  assert.equal(await runner.remove('old-0'), 'deleted');
  assert.ok(isAlive(other.pid!), 'the unrelated process was not signalled');
});

test('downLocal stops processes that carry an identity of its work dir even when their records are gone', async (t) => {
  const base = tempDir(t);
  const state = tempDir(t);
  writeScripts(base);
  const work = join(state, 'local');
  killTaggedAfter(t, work);
  const runner = new ProcessRunner({ workDir: work, baseDir: base });
  const port = await freePort();
  await runner.ensureRunning(processSpec('api-0', { env: { PORT: String(port) } }), 'h1', { PORT: String(port) });
  const pid = (await readRecord(work, 'api-0'))!.pid!;
  const elsewhere = tempDir(t);
  killTaggedAfter(t, elsewhere);
  const foreignPort = await freePort();
  const foreign = spawnTagged(base, elsewhere, 'api-0', 'x', { PORT: String(foreignPort) });
  await waitFor('both answer', async () => (await getText(port)) !== undefined && (await getText(foreignPort)) !== undefined);
  rmSync(join(work, 'instances'), { recursive: true, force: true });

  const res = await downLocal(state);
  assert.deepEqual(res.instances, []);
  assert.deepEqual(res.strays, [pid]);
  await waitFor('stopped', () => !isAlive(pid));
  assert.ok(isAlive(foreign.pid!), 'the same instance name under another work dir is not ours');
});

// Writes under --allowed-root cannot be raced out of it, through a real `boreas agent` process over
// HTTP: while a second process keeps swapping `root/sw` between a directory and a symlink to a
// directory outside the root, ApplyConfigFiles tasks write `root/sw/raceN.txt`. Not one file (final
// or temp) may land outside. Also: a symlink inside the root keeps working, and removal and
// challenge files are confined the same way.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { AgentProcess, agentDirs, call } from '../helpers/agent.js';

/** Every entry below `dir`, recursively (symlinks not followed). */
function listAll(dir: string): string[] {
  return (readdirSync(dir, { recursive: true }) as string[]).sort();
}

// Each state is held for 0 or 1 ms: a swapper that never pauses can starve every write on a busy
// 2-core machine (all refused), which would leave the "writes inside still work" half untested.
const swapper = `
const fs = require('node:fs');
const [sw, outside] = process.argv.slice(1);
const cell = new Int32Array(new SharedArrayBuffer(4));
const pause = () => Atomics.wait(cell, 0, 0, Math.random() < 0.5 ? 0 : 1);
for (;;) {
  try { fs.rmSync(sw, { recursive: true, force: true }); fs.symlinkSync(outside, sw); } catch {}
  pause();
  try { fs.rmSync(sw, { recursive: true, force: true }); fs.mkdirSync(sw); } catch {}
  pause();
}`;

test('agent: 400 ApplyConfigFiles racing a directory/symlink swap put no file outside the allowed root', { timeout: 120_000 }, async (t) => {
  const dirs = agentDirs('race');
  const agent = new AgentProcess('race', dirs);
  const outside = join(dirs.root, 'outside');
  mkdirSync(outside);
  const sw = join(dirs.allowedRoot, 'sw');
  const swap = spawn(process.execPath, ['-e', swapper, sw, outside], { stdio: 'ignore' });
  t.after(async () => {
    swap.kill('SIGKILL');
    await agent.stop();
    dirs.cleanup();
  });
  const url = await agent.start();

  const outcomes = { written: 0, refused: 0, other: [] as string[] };
  let n = 0;
  const send = async () => {
    const i = n++;
    const r = await call(url, dirs.token, 'POST', '/v1/tasks', {
      taskId: `race-${i}`,
      type: 'ApplyConfigFiles',
      payload: { files: [{ path: join(sw, `race${i}.txt`), content: `race ${i}\n` }] },
    });
    assert.equal(r.status, 200, JSON.stringify(r.json));
    if (r.json.status === 'succeeded') outcomes.written++;
    else if (
      /outside the allowed roots|not a directory|moved while writing|removed while writing|replaced by a symlink|keeps disappearing|keeps changing/.test(
        r.json.errorMessage,
      )
    )
      outcomes.refused++;
    else outcomes.other.push(r.json.errorMessage);
  };
  const burst = async (count: number) => {
    const end = n + count;
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        while (n < end) await send();
      }),
    );
  };
  await burst(400);
  // The race must really have been run both ways; keep going (bounded) until it was.
  while ((outcomes.written === 0 || outcomes.refused === 0) && n < 4000) await burst(100);
  swap.kill('SIGKILL');
  await new Promise((r) => swap.once('exit', r));

  assert.deepEqual(listAll(outside), [], `nothing (file or .tmp) was written outside the root after ${n} tasks`);
  assert.deepEqual(outcomes.other, [], 'every failure is a refusal that names the reason');
  assert.ok(outcomes.written > 0, `some writes landed inside the root (${JSON.stringify(outcomes)})`);
  assert.ok(outcomes.refused > 0, `some writes met the symlink and were refused (${JSON.stringify(outcomes)})`);
  assert.deepEqual(
    listAll(dirs.allowedRoot).filter((f) => f.endsWith('.tmp')),
    [],
    'no temp file is left behind',
  );
});

test('agent: symlinks inside the root keep working; removal and challenge files stay confined', { timeout: 60_000 }, async (t) => {
  const dirs = agentDirs('links');
  const webroot = join(dirs.root, 'webroot');
  const agent = new AgentProcess('links', dirs, ['--nginx-webroot', webroot]);
  t.after(async () => {
    await agent.stop();
    dirs.cleanup();
  });
  const url = await agent.start();
  const outside = join(dirs.root, 'outside');
  mkdirSync(outside);
  mkdirSync(join(dirs.allowedRoot, 'real'));
  symlinkSync('real', join(dirs.allowedRoot, 'alias'));
  symlinkSync(outside, join(dirs.allowedRoot, 'escape'));
  let id = 0;
  const task = (type: string, payload: unknown) => call(url, dirs.token, 'POST', '/v1/tasks', { taskId: `t-${id++}`, type, payload });

  const ok = await task('ApplyConfigFiles', { files: [{ path: join(dirs.allowedRoot, 'alias/app.conf'), content: 'a=1\n' }] });
  assert.equal(ok.json.status, 'succeeded', ok.json.errorMessage);
  assert.equal(readFileSync(join(dirs.allowedRoot, 'real/app.conf'), 'utf8'), 'a=1\n', 'written through the symlink that stays inside');
  assert.equal(ok.json.outcome, 'created');

  // A symlink leaving the root: refused, naming the path, and nothing of the task is written.
  const bad = await task('ApplyConfigFiles', {
    files: [
      { path: join(dirs.allowedRoot, 'real/first.conf'), content: 'x' },
      { path: join(dirs.allowedRoot, 'escape/evil.conf'), content: 'x' },
    ],
  });
  assert.equal(bad.json.status, 'failed');
  assert.match(bad.json.errorMessage, /escape\/evil\.conf \(resolves to .*outside\/evil\.conf\) is outside the allowed roots/);
  assert.deepEqual(listAll(outside), []);
  assert.deepEqual(listAll(join(dirs.allowedRoot, 'real')), ['app.conf'], 'no partial apply');

  // A final component that is a symlink out of the root is neither followed for the write nor removed through.
  symlinkSync(join(outside, 'target.conf'), join(dirs.allowedRoot, 'real/link.conf'));
  const viaLink = await task('ApplyConfigFiles', { files: [{ path: join(dirs.allowedRoot, 'real/link.conf'), content: 'x' }] });
  assert.equal(viaLink.json.status, 'failed');
  assert.match(viaLink.json.errorMessage, /is outside the allowed roots/);
  assert.deepEqual(listAll(outside), []);

  // RemoveFiles through an escaping symlinked directory is refused; the outside file stays.
  mkdirSync(join(outside, 'keep'));
  const victim = join(outside, 'keep/victim.txt');
  await import('node:fs').then((fs) => fs.writeFileSync(victim, 'keep me'));
  const rm = await task('RemoveFiles', { paths: [join(dirs.allowedRoot, 'escape/keep/victim.txt')] });
  assert.equal(rm.json.status, 'failed');
  assert.equal(readFileSync(victim, 'utf8'), 'keep me');

  // The webroot's .well-known swapped for a symlink out: the challenge is refused, not written outside.
  mkdirSync(webroot);
  symlinkSync(outside, join(webroot, '.well-known'));
  const ch = await task('PublishChallenge', { token: 'tok_1', content: 'tok_1.key' });
  assert.equal(ch.json.status, 'failed');
  assert.match(ch.json.errorMessage, /outside the allowed roots/);
  assert.deepEqual(listAll(outside), ['keep', 'keep/victim.txt']);
});

// The systemd runner and the Systemd* tasks against a real systemd user manager: unit written,
// daemon-reload, start, status through `systemctl show`, env (secrets) through an EnvironmentFile,
// restart on a new spec, drift when the unit dies, stop, remove.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { SystemdRunner, showUnit } from '../../src/runtime/runners/systemd.js';
import type { InstanceSpec } from '../../src/model/machine-specs.js';
import { startUserManager } from '../helpers/systemd.js';
import { call, inProcessAgent } from '../helpers/agent.js';

const manager = await startUserManager();
const skip = 'skip' in manager ? manager.skip : undefined;
after(() => ('skip' in manager ? undefined : manager.stop()));

const unit = (arg: string) => `[Unit]\nDescription=boreas test ${arg}\n\n[Service]\nExecStart=/bin/sleep ${arg}\n\n[Install]\nWantedBy=default.target\n`;
function spec(arg: string): InstanceSpec {
  return {
    app: 'svc',
    instance: 'svc-0',
    ordinal: 0,
    node: 'n1',
    host: '127.0.0.1',
    version: 'v1',
    runtime: 'systemd',
    systemd: { unit: unit(arg) },
    env: {},
    ports: {},
    filesHash: '',
    state: 'Running',
  };
}
const environ = (pid: number) => readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');

test('systemd runner: install, start, observe, restart on change, drift, stop, remove', { skip }, async () => {
  if ('skip' in manager) return;
  const runner = new SystemdRunner({ workDir: join(manager.dir, 'work'), baseDir: manager.dir }, { systemctl: manager.systemctl, unitDir: manager.unitDir });
  const opts = { systemctl: manager.systemctl, unitDir: manager.unitDir };

  assert.equal(await runner.ensureRunning(spec('301'), 'h1', { DB_PASSWORD: 'p"a$s\\w' }), 'created');
  assert.equal(readFileSync(join(manager.unitDir, 'boreas-svc-0.service'), 'utf8'), unit('301'));
  const envFile = join(manager.dir, 'work', 'instances', 'svc-0', 'systemd.env');
  assert.equal(statSync(envFile).mode & 0o777, 0o600);
  const seen = await runner.observe('svc-0');
  assert.equal(seen.running, true);
  assert.equal(seen.appliedHash, 'h1');
  assert.match(seen.fingerprint!, /^invocation:[0-9a-f]{32}$/);
  const pid = seen.details!.mainPid as number;
  assert.ok(environ(pid).includes('DB_PASSWORD=p"a$s\\w'), 'the secret reaches the unit unchanged');
  assert.equal((await showUnit(opts, 'boreas-svc-0.service')).ActiveState, 'active');

  assert.equal(await runner.ensureRunning(spec('301'), 'h1', { DB_PASSWORD: 'p"a$s\\w' }), 'unchanged');
  assert.equal((await runner.observe('svc-0')).fingerprint, seen.fingerprint);

  assert.equal(await runner.ensureRunning(spec('302'), 'h2', { DB_PASSWORD: 'x' }), 'configured');
  const changed = await runner.observe('svc-0');
  assert.equal(changed.appliedHash, 'h2');
  assert.notEqual(changed.fingerprint, seen.fingerprint);

  process.kill(changed.details!.mainPid as number, 'SIGKILL');
  await new Promise((r) => setTimeout(r, 300));
  const dead = await runner.observe('svc-0');
  assert.equal(dead.exists, false, 'a unit that should run but is failed is drift');
  assert.equal(dead.details!.activeState, 'failed');
  assert.equal(await runner.ensureRunning(spec('302'), 'h2', { DB_PASSWORD: 'x' }), 'configured');
  assert.equal((await runner.observe('svc-0')).running, true);

  assert.equal(await runner.stop('svc-0'), 'configured');
  const stopped = await runner.observe('svc-0');
  assert.equal(stopped.running, false);
  assert.equal(stopped.exists, true);
  assert.deepEqual(await runner.list(), ['svc-0']);

  assert.equal(await runner.remove('svc-0'), 'deleted');
  assert.equal(existsSync(join(manager.unitDir, 'boreas-svc-0.service')), false);
  assert.equal(existsSync(envFile), false);
  assert.deepEqual(await runner.observe('svc-0'), { exists: false, running: false });
  assert.equal((await showUnit(opts, 'boreas-svc-0.service')).LoadState, 'not-found');
});

test('agent: SystemdInstallUnit and SystemdControl with --systemctl as argv', { skip }, async (t) => {
  if ('skip' in manager) return;
  const { agent, dirs, stop } = await inProcessAgent('sd', { systemctl: manager.systemctl, systemdUnitDir: manager.unitDir });
  t.after(stop);
  const task = (taskId: string, type: string, payload: object) => call(agent.url, dirs.token, 'POST', '/v1/tasks', { taskId, type, payload });
  const installed = await task('u1', 'SystemdInstallUnit', { unitName: 'hello.service', content: unit('303'), enable: true });
  assert.equal(installed.json.status, 'succeeded', installed.json.errorMessage);
  assert.equal(installed.json.outcome, 'configured');
  assert.equal((await task('u2', 'SystemdInstallUnit', { unitName: 'hello.service', content: unit('303') })).json.outcome, 'unchanged');
  const started = await task('c1', 'SystemdControl', { unitName: 'hello.service', action: 'start' });
  assert.equal(started.json.outcome, 'configured');
  assert.equal(started.json.details.activeState, 'active');
  assert.equal((await task('c2', 'SystemdControl', { unitName: 'hello.service', action: 'start' })).json.outcome, 'unchanged');
  const restarted = await task('c3', 'SystemdControl', { unitName: 'hello.service', action: 'restart' });
  assert.notEqual(restarted.json.details.invocationId, started.json.details.invocationId);
  assert.equal((await task('c4', 'SystemdControl', { unitName: 'hello.service', action: 'stop' })).json.details.activeState, 'inactive');
  const status = await task('c5', 'SystemdControl', { unitName: 'hello.service', action: 'status' });
  assert.equal(status.json.message, 'hello.service inactive (dead)');
  // Unit files only in the unit dir or allowed roots; names cannot carry paths or options.
  const outside = await task('u3', 'SystemdInstallUnit', { unitName: 'evil.service', unitPath: '/etc/systemd/system/evil.service', content: unit('1') });
  assert.equal(outside.json.status, 'failed');
  assert.match(outside.json.errorMessage, /outside the allowed roots/);
  const badName = await task('u4', 'SystemdControl', { unitName: '--now.service', action: 'start' });
  assert.match(badName.json.errorMessage, /invalid systemd unit name/);
});

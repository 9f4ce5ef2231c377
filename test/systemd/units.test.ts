// The shipped systemd units (systemd/*.service) started for real under a systemd manager (the user
// manager of test/helpers/systemd.ts): only paths are substituted — the `boreas` command, /var/lib
// and /etc/boreas moved into a temp dir — plus what a per-user manager cannot do (switch User=,
// create StateDirectory=) and logs to a file (no journald here). Every hardening line stays, and the
// test looks inside the running service's namespace: read-only root, writable state dir, private
// /tmp, no new privileges; then /v1/health answers and `systemctl stop` ends it cleanly.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../../src/util/paths.js';
import { writeCliShim } from '../helpers/cli.js';
import { runGit } from '../helpers/git-repo.js';
import { freePort } from '../helpers/ports.js';
import { startUserManager, type UserManager } from '../helpers/systemd.js';

const unitsDir = join(packageRoot, 'systemd');
const manager = await startUserManager();
// Not under /tmp or /var/tmp (PrivateTmp= hides those from the service) nor a home (ProtectHome=).
const root = 'skip' in manager ? undefined : mkdtempSync('/var/lib/boreas-unit-test-');
const skip = 'skip' in manager ? manager.skip : undefined;
after(async () => {
  if (!('skip' in manager)) await manager.stop();
  if (root) rmSync(root, { recursive: true, force: true });
});

/** The shipped unit with paths moved under `root`. */
function forTest(unit: string, root: string, bin: string, log: string): string {
  // Paths first: `root` and `bin` contain /var/lib/boreas themselves.
  let text = unit
    .replaceAll('/var/lib/boreas', `${root}/var/lib/boreas`)
    .replaceAll('/etc/boreas/', `${root}/etc/boreas/`)
    .replaceAll('/usr/local/bin/boreas', bin)
    // A per-user manager cannot switch users, and StateDirectory= would mean ~/.local/state here.
    .replace(/^(User|Group|StateDirectory|StateDirectoryMode)=.*\n/gm, '')
    .replace('[Service]\n', `[Service]\nStandardOutput=append:${log}\nStandardError=append:${log}\n`);
  // A checkout under a home directory must stay readable for ExecStart (the shipped value is `yes`).
  if (/^\/(root|home|run\/user)(\/|$)/.test(packageRoot)) text = text.replace('ProtectHome=yes', 'ProtectHome=read-only');
  // A checkout under /tmp or /var/tmp would vanish behind PrivateTmp=: bind it into the namespace, read-only.
  if (/^\/(var\/)?tmp\//.test(packageRoot)) text = text.replace('[Service]\n', `[Service]\nBindReadOnlyPaths=${packageRoot}\n`);
  return text;
}

function systemctl(m: UserManager, ...args: string[]): string {
  const r = spawnSync(m.systemctl[0], [...m.systemctl.slice(1), ...args], { encoding: 'utf8' });
  if (r.status !== 0 && args[0] !== 'show') throw new Error(`systemctl ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

function show(m: UserManager, unit: string, ...props: string[]): Record<string, string> {
  const out = systemctl(m, 'show', unit, ...props.map((p) => `-p${p}`));
  return Object.fromEntries(
    out
      .trim()
      .split('\n')
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  );
}

/** Runs a shell command inside the service's mount namespace; returns its exit status. */
function inService(pid: string, command: string): number | null {
  return spawnSync('nsenter', ['--target', pid, '--mount', '--', 'sh', '-c', command], { encoding: 'utf8' }).status;
}

async function waitHealthy(m: UserManager, unit: string, url: string, log: string): Promise<unknown> {
  const deadline = Date.now() + 90_000;
  for (;;) {
    const res = await fetch(url).catch(() => undefined);
    if (res?.status === 200) return res.json();
    const { ActiveState, SubState, ExecMainStatus } = show(m, unit, 'ActiveState', 'SubState', 'ExecMainStatus');
    // A start that failed (auto-restart after an exit, or failed) is reported at once with its status.
    if (ActiveState === 'failed' || SubState === 'auto-restart' || Date.now() > deadline) {
      const status = spawnSync(m.systemctl[0], [...m.systemctl.slice(1), 'status', unit], { encoding: 'utf8' }).stdout;
      throw new Error(
        `${unit} is ${ActiveState}/${SubState} (exit status ${ExecMainStatus}), ${url} not answering\n${status}\nlog:\n${existsSync(log) ? readFileSync(log, 'utf8') : '(none)'}`,
      );
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Starts one unit, checks the sandbox from inside and the health endpoint, then stops it. */
async function exercise(m: UserManager, name: string, base: string, writable: string): Promise<void> {
  const log = join(base, `${name}.log`);
  writeFileSync(join(m.unitDir, name), forTest(readFileSync(join(unitsDir, name), 'utf8'), base, join(base, 'bin', 'boreas'), log));
  systemctl(m, 'daemon-reload');
  systemctl(m, 'start', name);
  try {
    const port = Number(readFileSync(join(base, `${name}.port`), 'utf8'));
    const health = await waitHealthy(m, name, `http://127.0.0.1:${port}/v1/health`, log);
    assert.ok(health && typeof health === 'object', `${name}: /v1/health answered JSON`);

    const { MainPID: pid, ActiveState } = show(m, name, 'MainPID', 'ActiveState');
    assert.equal(ActiveState, 'active');
    assert.match(readFileSync(`/proc/${pid}/status`, 'utf8'), /^NoNewPrivs:\s+1$/m, 'NoNewPrivileges=yes');
    assert.notEqual(inService(pid, 'touch /etc/boreas-unit-probe'), 0, 'ProtectSystem=strict: /etc is read-only');
    assert.notEqual(inService(pid, `touch ${join(base, 'etc', 'boreas', 'probe')}`), 0, 'config dir read-only');
    assert.equal(inService(pid, `touch ${join(writable, 'probe')}`), 0, `ReadWritePaths: ${writable} is writable`);
    if (readdirSync('/root').length > 0 && !/^\/(root|home|run\/user)(\/|$)/.test(packageRoot))
      assert.equal(inService(pid, 'test -z "$(ls -A /root)"'), 0, 'ProtectHome=yes: /root is empty inside');
    const hostTmp = mkdtempSync('/tmp/boreas-unit-probe-');
    try {
      assert.notEqual(inService(pid, `test -e ${hostTmp}`), 0, 'PrivateTmp=yes: the host /tmp is not visible');
    } finally {
      rmSync(hostTmp, { recursive: true, force: true });
    }
  } finally {
    systemctl(m, 'stop', name);
  }
  const stopped = show(m, name, 'ActiveState', 'Result', 'ExecMainStatus');
  assert.deepEqual(stopped, { ActiveState: 'inactive', Result: 'success', ExecMainStatus: '0' }, `${name} stopped cleanly`);
}

test('boreas-daemon.service runs hardened, answers /v1/health, stops cleanly', { skip }, async () => {
  if ('skip' in manager || !root) return;
  const base = join(root, 'daemon');
  writeCliShim(join(base, 'bin'));
  const stateDir = join(base, 'var', 'lib', 'boreas');
  mkdirSync(stateDir, { recursive: true });
  mkdirSync(join(base, 'etc', 'boreas'), { recursive: true });
  // The repository is read-only for the service: nothing may be written into it.
  const repo = join(base, 'repo');
  mkdirSync(repo);
  writeFileSync(join(repo, 'environment.yaml'), 'apiVersion: boreas.dev/v1\nkind: Environment\nmetadata: {name: local}\nspec: {type: local}\n');
  await runGit(repo, ['init', '--quiet', '--initial-branch=main']);
  await runGit(repo, ['add', '.']);
  await runGit(repo, ['commit', '--quiet', '-m', 'env']);
  const port = await freePort(1);
  writeFileSync(join(base, 'boreas-daemon.service.port'), String(port));
  writeFileSync(join(base, 'etc', 'boreas', 'boreas.yaml'), `repo: ${repo}\nlisten: 127.0.0.1:${port}\ninterval: 1h\n`);
  await exercise(manager, 'boreas-daemon.service', base, stateDir);
  assert.ok(existsSync(join(stateDir, 'state.db')), 'the daemon kept its state in the state directory');
  assert.equal(spawnSync('git', ['status', '--porcelain'], { cwd: repo, encoding: 'utf8' }).stdout, '', 'the repository is untouched');
});

test('boreas-agent.service runs hardened, answers /v1/health, stops cleanly', { skip }, async () => {
  if ('skip' in manager || !root) return;
  const base = join(root, 'agent');
  writeCliShim(join(base, 'bin'));
  const workDir = join(base, 'var', 'lib', 'boreas-agent');
  mkdirSync(workDir, { recursive: true });
  mkdirSync(join(base, 'etc', 'boreas'), { recursive: true });
  const port = await freePort(1);
  writeFileSync(join(base, 'boreas-agent.service.port'), String(port));
  writeFileSync(join(base, 'etc', 'boreas', 'agent.token'), 'unit-test-token-0123456789\n', { mode: 0o600 });
  writeFileSync(
    join(base, 'etc', 'boreas', 'agent.yaml'),
    `listen: 127.0.0.1:${port}\nnodeName: unit-test\ntokenFile: ${join(base, 'etc', 'boreas', 'agent.token')}\n`,
  );
  await exercise(manager, 'boreas-agent.service', base, workDir);
});

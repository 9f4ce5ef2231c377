// The machine fails, not the input: a full disk, a read-only file system, a directory the user may
// not write. Each is one line naming the file and what to do, exit 2, never a stack trace or an
// "internal error"; and on a full disk `down` still stops the apps.
//
// How the faults are made real here (tests run as root, which ignores file modes):
// - ENOSPC and EROFS: a 4 MiB tmpfs mounted over the state directory inside a private mount namespace
//   (`unshare --mount` holding it, `nsenter -m` running the CLI in it), filled with `dd`, then
//   remounted read-only. Needs CAP_SYS_ADMIN; skipped with the reason where mounting is not allowed.
// - EACCES: the CLI run as `nobody` (setpriv) against a root-owned 0755 directory; as a non-root
//   user, against a 0555 directory.
import assert from 'node:assert/strict';
import { type ChildProcess, execFile, spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readlinkSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { writeCliShim } from '../helpers/cli.js';
import { createFleet, freePort, reconcileArgs } from '../helpers/local-fleet.js';
import { listenersOn, processesWhere } from '../helpers/procfs.js';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function run(argv: string[], timeoutMs = 120_000): Promise<Run> {
  return new Promise((resolve) => {
    execFile(argv[0], argv.slice(1), { timeout: timeoutMs, env: { ...process.env, NO_COLOR: '1' } }, (err, stdout, stderr) =>
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr }),
    );
  });
}

/** Why this machine cannot mount a tmpfs in a private mount namespace, or undefined when it can. */
function mountUnavailable(): string | undefined {
  const dir = mkdtempSync(join(tmpdir(), 'boreas-mnt-probe-'));
  try {
    const res = spawnSync('unshare', ['--mount', '--propagation', 'private', 'mount', '-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', dir], { encoding: 'utf8' });
    if (res.error) return `unshare is not available (${res.error.message})`;
    return res.status === 0 ? undefined : `cannot mount a tmpfs in a mount namespace here: ${res.stderr.trim()}`;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** One line on stderr, the fault's, and nothing that looks like a crash. */
function assertOneFaultLine(res: Run, pattern: RegExp, what: string): void {
  assert.equal(res.code, 2, `${what}: exit 2\n${res.stdout}${res.stderr}`);
  const lines = res.stderr.trimEnd().split('\n');
  assert.equal(lines.length, 1, `${what}: one line\n${res.stderr}`);
  assert.match(lines[0], pattern, what);
  assert.doesNotMatch(res.stderr + res.stdout, /internal error|\n\s+at /, `${what}: no stack trace`);
}

const skipMount = mountUnavailable();

test('a full disk, then a read-only one: one line naming the file, exit 2; down still stops the app', { skip: skipMount }, async (t) => {
  const fleet = await createFleet();
  const stateDir = dirname(fleet.stateFile);
  const bin = mkdtempSync(join(tmpdir(), 'boreas-bin-'));
  const shim = writeCliShim(bin);
  // A process that only holds a private mount namespace; every CLI run below joins it.
  const holder: ChildProcess = spawn('unshare', ['--mount', '--propagation', 'private', 'sleep', '600'], { stdio: 'ignore' });
  t.after(async () => {
    holder.kill('SIGKILL');
    await fleet.cleanup();
    rmSync(bin, { recursive: true, force: true });
  });
  const ownNs = readlinkSync('/proc/self/ns/mnt');
  for (let i = 0; i < 200 && readlinkSync(`/proc/${holder.pid}/ns/mnt`) === ownNs; i++) await new Promise((r) => setTimeout(r, 10));
  const inNs = (argv: string[]) => run(['nsenter', '-t', String(holder.pid), '-m', '--', ...argv]);
  const cli = (args: string[]) => inNs([shim, ...args, '--state', fleet.stateFile]);
  const mounted = await inNs(['mount', '-t', 'tmpfs', '-o', 'size=4m,mode=0700', 'tmpfs', stateDir]);
  assert.equal(mounted.code, 0, mounted.stderr);

  const app = { name: 'api', port: await freePort(1) };
  await fleet.setApps([app]);
  const up = await cli(reconcileArgs(fleet));
  assert.equal(up.code, 0, up.stdout + up.stderr);
  const instancesDir = join(stateDir, 'local', 'instances');
  const running = () => processesWhere((env) => env.BOREAS_INSTANCE_DIR?.startsWith(`${instancesDir}/`) === true);
  assert.equal(running().length, 1);

  // Fill the file system, then ask for a new revision: the run cannot write its cache or its state.
  await inNs(['sh', '-c', `dd if=/dev/zero of=${stateDir}/filler bs=4k 2>/dev/null; true`]);
  const df = await inNs(['df', '-k', stateDir]);
  assert.match(df.stdout, /\s100%\s/, df.stdout);
  await fleet.setApps([{ ...app, version: 'v2' }], 'v2');
  const full = await cli(reconcileArgs(fleet));
  const escaped = stateDir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  assertOneFaultLine(
    full,
    new RegExp(
      `^boreas: ${escaped}/\\S+: no space (left on device|for its shared-memory file) \\((ENOSPC|SQLITE_FULL|SQLITE_IOERR_SHMSIZE)\\); free space there and run again$`,
    ),
    'reconcile on a full disk',
  );
  assert.equal(running().length, 1, 'the app still runs');

  const down = await cli(['down']);
  assert.doesNotMatch(down.stderr + down.stdout, /internal error|\n\s+at /, `down on a full disk: no stack trace\n${down.stdout}${down.stderr}`);
  assert.match(down.stdout, /^- local instance api-0 \(from its record\)$/m, down.stdout + down.stderr);
  assert.deepEqual(running(), [], 'down stopped the app although the state could not be written');
  assert.deepEqual(listenersOn(app.port), []);

  // Read-only: with space again, but no writes at all.
  await inNs(['rm', '-f', `${stateDir}/filler`]);
  assert.equal((await inNs(['mount', '-o', 'remount,ro', stateDir])).code, 0);
  const readOnly = await cli(reconcileArgs(fleet));
  assertOneFaultLine(
    readOnly,
    new RegExp(`^boreas: ${escaped}/\\S+: read-only file system \\(EROFS\\); use a writable location \\(for the state: --state <file>\\)$`),
    'reconcile on a read-only file system',
  );
});

test('a state directory this user may not write: one line naming the file, exit 2', async (t) => {
  const root = mkdtempSync(join(tmpdir(), 'boreas-eacces-'));
  t.after(() => {
    chmodSync(join(root, 'state'), 0o755);
    rmSync(root, { recursive: true, force: true });
  });
  chmodSync(root, 0o755);
  const stateDir = join(root, 'state');
  const asRoot = process.getuid?.() === 0;
  // Root ignores modes, so as root the CLI runs as nobody against root's 0755 directory.
  mkdirSync(stateDir, { mode: asRoot ? 0o755 : 0o555 });
  chmodSync(stateDir, asRoot ? 0o755 : 0o555);
  const bin = join(root, 'bin');
  const shim = writeCliShim(bin);
  for (const p of [bin, shim]) chmodSync(p, 0o755);
  const repo = join(root, 'repo');
  mkdirSync(repo, { mode: 0o755 });
  const stateFile = join(stateDir, 'state.db');
  const argv = [shim, 'reconcile', '--once', '--repo', repo, '--state', stateFile];
  if (asRoot && spawnSync('setpriv', ['--version']).error) return t.skip('setpriv is not installed: cannot run the CLI as nobody');
  const res = await run(asRoot ? ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups', '--', ...argv] : argv);
  assertOneFaultLine(
    res,
    new RegExp(
      `^boreas: ${stateFile.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: permission denied \\(EACCES\\); fix its permissions or run as a user who may use it$`,
    ),
    'reconcile with an unwritable state directory',
  );
  assert.deepEqual(readdirSync(stateDir), [], 'nothing was created');
  assert.equal(statSync(stateDir).mode & 0o777, asRoot ? 0o755 : 0o555);
});

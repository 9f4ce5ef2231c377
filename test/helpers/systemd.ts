// A real systemd user manager for tests : `systemd --user` in a private mount namespace
// (tmpfs on /run/systemd so it believes it may run), its runtime dir and unit dir under a temp dir.
// `systemctl` reaches it from outside through XDG_RUNTIME_DIR, passed as argv via env(1), which is
// exactly the configurable invocation the runner and the agent take (`--systemctl "..."`).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface UserManager {
  /** argv prefix for systemctl, e.g. ["env", "XDG_RUNTIME_DIR=...", "systemctl", "--user"]. */
  systemctl: string[];
  /** Where user units are read from. */
  unitDir: string;
  dir: string;
  stop(): Promise<void>;
}

/** Starts the manager; `{ skip }` explains why it could not. */
export async function startUserManager(): Promise<UserManager | { skip: string }> {
  if (!existsSync('/lib/systemd/systemd')) return { skip: 'systemd is not installed (/lib/systemd/systemd missing)' };
  if (spawnSync('which', ['unshare']).status !== 0) return { skip: 'unshare (util-linux) is not installed' };
  const dir = mkdtempSync(join(tmpdir(), 'boreas-systemd-'));
  const xdg = join(dir, 'xdg');
  const config = join(dir, 'config');
  const unitDir = join(config, 'systemd', 'user');
  mkdirSync(xdg, { recursive: true, mode: 0o700 });
  mkdirSync(unitDir, { recursive: true });
  // The "inaccessible" nodes are what a booted systemd (PID 1) creates in /run/systemd: sandboxing
  // (ProtectHome=, ProtectKernelTunables=, ProtectKernelLogs=, InaccessiblePaths=) mounts them over
  // what it hides, and fails with status 226/NAMESPACE when they are missing.
  const inaccessible =
    'mkdir -m 0755 /run/systemd/inaccessible && cd /run/systemd/inaccessible && mkdir -m 0 dir && touch reg && chmod 0 reg && mkfifo -m 0 fifo && mknod -m 0 chr c 0 0 && mknod -m 0 blk b 0 0 && cd /';
  // unshare and sh exec into systemd: child.pid is the manager's pid, so stop() kills only ours.
  const child = spawn(
    'unshare',
    [
      '--mount',
      '--propagation',
      'private',
      'sh',
      '-c',
      `mount -t tmpfs tmpfs /run/systemd && mkdir /run/systemd/system && ${inaccessible} && exec /lib/systemd/systemd --user`,
    ],
    {
      env: { ...process.env, XDG_RUNTIME_DIR: xdg, XDG_CONFIG_HOME: config },
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  let log = '';
  child.stderr!.on('data', (c: Buffer) => (log = (log + c.toString()).slice(-2000)));
  // enable/disable resolve unit paths client-side, so systemctl needs the same XDG_CONFIG_HOME.
  const systemctl = ['env', `XDG_RUNTIME_DIR=${xdg}`, `XDG_CONFIG_HOME=${config}`, 'systemctl', '--user'];
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        child.once('exit', () => {
          clearTimeout(timer);
          resolve();
        });
        child.kill('SIGTERM');
      });
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 15_000;
  for (;;) {
    // (is-system-running says "offline" from outside the namespace; show works over the socket.)
    const probe = spawnSync(systemctl[0], [...systemctl.slice(1), 'show', '-p', 'Version'], { encoding: 'utf8' });
    if (probe.status === 0 && /^Version=\S/.test(probe.stdout)) break;
    if (child.exitCode !== null || Date.now() > deadline) {
      await stop();
      return {
        skip: `systemd --user did not start (exit ${child.exitCode}): ${(log || probe.stderr || probe.stdout).trim().split('\n').slice(-2).join(' | ')}`,
      };
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { systemctl, unitDir, dir, stop };
}

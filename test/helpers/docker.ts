// A real Docker engine for tests : Debian's dockerd on a private socket and data root
// under a temp dir (no bridge, no iptables), plus a busybox image made with `docker import` from the
// static busybox binary, so no registry is needed. `startDockerd()` resolves to undefined with a
// reason when the engine cannot start here; tests then skip with that reason.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, copyFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const busyboxImage = 'boreas/busybox:test';

export interface Dockerd {
  socketPath: string;
  stop(): Promise<void>;
}

function findBusybox(): string | undefined {
  return ['/bin/busybox', '/usr/bin/busybox'].find((p) => existsSync(p));
}

/** Starts dockerd and imports the busybox image; `{ skip }` explains why it could not. */
export async function startDockerd(): Promise<Dockerd | { skip: string }> {
  if (spawnSync('which', ['dockerd']).status !== 0) return { skip: 'dockerd is not installed (apt-get install docker.io)' };
  if (spawnSync('which', ['docker']).status !== 0) return { skip: 'the docker CLI is not installed (needed for docker import)' };
  const busybox = findBusybox();
  if (!busybox) return { skip: 'busybox-static is not installed (needed to build the test image)' };
  if (process.getuid?.() !== 0) return { skip: 'dockerd needs root here' };
  const dir = mkdtempSync(join(tmpdir(), 'boreas-dockerd-'));
  const socketPath = join(dir, 'docker.sock');
  const child: ChildProcess = spawn(
    'dockerd',
    [
      '--data-root',
      join(dir, 'data'),
      '--exec-root',
      join(dir, 'exec'),
      '--pidfile',
      join(dir, 'dockerd.pid'),
      '-H',
      `unix://${socketPath}`,
      '--iptables=false',
      '--ip6tables=false',
      '--bridge=none',
      '--storage-driver=overlay2',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let log = '';
  child.stderr!.on('data', (c: Buffer) => (log = (log + c.toString()).slice(-4000)));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
        child.once('exit', () => {
          clearTimeout(timer);
          resolve();
        });
        child.kill('SIGTERM');
      });
    }
    // dockerd leaves its netns and overlay mounts behind; detach them before removing the dir.
    const mounts = spawnSync('awk', [`index($2, "${dir}") == 1 { print $2 }`, '/proc/self/mounts'], { encoding: 'utf8' })
      .stdout.split('\n')
      .filter(Boolean);
    for (const m of mounts.reverse()) spawnSync('umount', ['-l', m], { stdio: 'ignore' });
    try {
      rmSync(dir, { recursive: true, force: true });
    } catch {
      /* a mount still busy: leave the temp dir rather than fail the test run */
    }
  };
  const docker = (...args: string[]) => spawnSync('docker', ['-H', `unix://${socketPath}`, ...args], { encoding: 'utf8' });
  const deadline = Date.now() + 30_000;
  while (docker('version').status !== 0) {
    if (child.exitCode !== null || Date.now() > deadline) {
      await stop();
      return { skip: `dockerd did not start: ${log.split('\n').filter(Boolean).slice(-3).join(' | ')}` };
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  const rootfs = join(dir, 'rootfs');
  mkdirSync(join(rootfs, 'bin'), { recursive: true });
  copyFileSync(busybox, join(rootfs, 'bin', 'busybox'));
  for (const tool of ['sh', 'httpd', 'sleep', 'echo', 'cat', 'env']) symlinkSync('busybox', join(rootfs, 'bin', tool));
  const tar = spawnSync('tar', ['-C', rootfs, '-cf', join(dir, 'rootfs.tar'), '.']);
  const imported = tar.status === 0 ? docker('import', '-c', 'CMD ["/bin/sh"]', join(dir, 'rootfs.tar'), busyboxImage) : tar;
  if (imported.status !== 0) {
    await stop();
    return { skip: `could not build the busybox image: ${String(imported.stderr)}` };
  }
  return { socketPath, stop };
}

// Runs the real `boreas` CLI as a child process, the way a user does, and captures what it prints.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../../src/util/paths.js';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

const sourceEntry = join(packageRoot, 'src', 'cli', 'main.ts');
const builtEntry = join(packageRoot, 'dist', 'src', 'cli', 'main.js');

/** Newest modification time of the TypeScript sources. */
function newestSource(dir: string): number {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    newest = Math.max(newest, e.isDirectory() ? newestSource(p) : statSync(p).mtimeMs);
  }
  return newest;
}

/**
 * The compiled CLI when `npm run build` output is newer than every source file (as after `npm ci`,
 * whose prepare step builds), else the sources through tsx. Same program either way; the compiled
 * one starts several times faster, which matters for suites that run the CLI hundreds of times.
 */
const argv: string[] =
  existsSync(builtEntry) && statSync(builtEntry).mtimeMs >= newestSource(join(packageRoot, 'src'))
    ? [builtEntry]
    : // tsx by URL: a bare `--import tsx` is resolved from the working directory, which may be anywhere.
      ['--import', import.meta.resolve('tsx'), sourceEntry];

/**
 * Writes an executable `boreas` into `binDir` that runs this CLI (built or through tsx, as above), for
 * tests that run commands the way a user types them (README steps, CI recipes) with `binDir` on PATH.
 */
export function writeCliShim(binDir: string): string {
  mkdirSync(binDir, { recursive: true });
  const path = join(binDir, 'boreas');
  const quoted = [process.execPath, ...argv].map((a) => `'${a.replace(/'/g, "'\\''")}'`).join(' ');
  writeFileSync(path, `#!/bin/sh\nexec ${quoted} "$@"\n`, { mode: 0o755 });
  return path;
}

export function runCli(args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number; input?: string } = {}): Promise<CliResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [...argv, ...args], {
      cwd: opts.cwd ?? packageRoot,
      env: { ...process.env, NO_COLOR: '1', ...opts.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 120_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolvePromise({ code: code ?? -1, stdout, stderr });
    });
    child.stdin.end(opts.input ?? '');
  });
}

/** Starts the CLI without waiting, for tests that interrupt it (kill -9) or talk to a daemon. */
export function spawnCli(args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): ChildProcess {
  return spawn(process.execPath, [...argv, ...args], {
    cwd: opts.cwd ?? packageRoot,
    env: { ...process.env, NO_COLOR: '1', ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

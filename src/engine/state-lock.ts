// One writer per state file: a reconcile (CLI, daemon or rollback) or a `down` holds an exclusive lock
// file next to the state file, so two processes never run the same tasks at once. A lock left by a
// process that died (kill -9) is taken over: its pid no longer runs.
import { openSync, closeSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { ExitCode, UserError } from '../model/errors.js';

interface LockInfo {
  pid: number;
  command: string;
  since: string;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Takes the lock or throws a UserError naming the holder; returns the release function. */
export function acquireStateLock(stateDir: string, command: string): () => void {
  const file = join(stateDir, 'state.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, 'wx', 0o600);
      try {
        writeSync(fd, JSON.stringify({ pid: process.pid, command, since: new Date().toISOString() } satisfies LockInfo));
      } catch (err) {
        // A full disk: no half-made lock is left behind for the next run to puzzle over.
        closeSync(fd);
        unlinkSync(file);
        throw err;
      }
      closeSync(fd);
      return () => {
        try {
          if ((JSON.parse(readFileSync(file, 'utf8')) as LockInfo).pid === process.pid) unlinkSync(file);
        } catch {
          /* already gone */
        }
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      let holder: LockInfo | undefined;
      try {
        holder = JSON.parse(readFileSync(file, 'utf8')) as LockInfo;
      } catch {
        holder = undefined; // half-written by a process that died mid-write
      }
      if (holder && holder.pid !== process.pid && alive(holder.pid)) {
        throw new UserError(
          `another boreas ${holder.command} (pid ${holder.pid}, since ${holder.since}) is working on this state file`,
          ExitCode.UsageOrChanges,
          'wait for it to finish, or stop it',
        );
      }
      try {
        unlinkSync(file); // stale: its owner is gone
      } catch {
        /* someone else took it over first; retry */
      }
    }
  }
  throw new UserError('could not take the state lock (contended)', ExitCode.UsageOrChanges);
}

// Process identity from /proc: a pid alone is not an identity (pids are reused), pid + start time
// (field 22 of /proc/<pid>/stat, in clock ticks since boot) is.
import { readFileSync } from 'node:fs';

export interface ProcStat {
  pid: number;
  /** One-letter state: R, S, D, Z (zombie), T, ... */
  state: string;
  /** Start time in clock ticks after boot (field 22). */
  startTime: string;
  /** Process group id (field 5). */
  pgid: number;
  /** Session id (field 6): an instance started detached leads its own session, children stay in it. */
  sid: number;
}

/** Reads /proc/<pid>/stat; undefined when the process does not exist. */
export function readProcStat(pid: number): ProcStat | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // Field 2 (comm) is parenthesised and may contain spaces or ')'; everything after the last ')'
  // is space-separated starting at field 3.
  const rest = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return { pid, state: rest[0], pgid: Number(rest[2]), sid: Number(rest[3]), startTime: rest[19] };
}

/** Start time of a live process, or undefined when it is gone (zombies count as gone). */
export function processStartTime(pid: number): string | undefined {
  const stat = readProcStat(pid);
  return stat && stat.state !== 'Z' && stat.state !== 'X' ? stat.startTime : undefined;
}

/**
 * Whether `pid` is alive and still the same process that was started (start time matches when one
 * is given), so a recycled pid is not mistaken for our instance.
 */
export function isSameProcessAlive(pid: number | undefined, startTime?: string): boolean {
  if (!pid || pid <= 0) return false;
  const now = processStartTime(pid);
  if (now === undefined) return false;
  return startTime === undefined || now === startTime;
}

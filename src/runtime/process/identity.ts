// Which instance a process belongs to, kept where a crash cannot lose it: in the process's own
// environment. Every process Boreas starts for an instance carries BOREAS_INSTANCE_IDENTITY (the instance
// and the work dir of the machine that runs it) and BOREAS_LAUNCH_ID (one start of it); children
// inherit both. Reading them back from /proc/<pid>/environ finds a process whose pid was never
// recorded (kill -9 between the spawn and the record), and keeps a pid that the kernel reused for
// an unrelated process from ever being signalled.
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { sha256 } from '../../util/hash.js';
import { readProcStat } from './proc-stat.js';

export const instanceIdVar = 'BOREAS_INSTANCE_IDENTITY';
export const launchIdVar = 'BOREAS_LAUNCH_ID';

/** `@<12 hex>` naming a work dir: two Boreas work dirs on one machine never share identities. */
export function workDirTag(workDir: string): string {
  return `@${sha256(resolve(workDir)).slice(0, 12)}`;
}

/** `<instance>@<work dir tag>`: the same on every run, unique on the machine. */
export function instanceIdentity(workDir: string, instance: string): string {
  return `${instance}${workDirTag(workDir)}`;
}

/** A fresh id for one start of an instance. */
export function newLaunchId(): string {
  return randomBytes(8).toString('hex');
}

export interface ProcessTag {
  identity: string;
  launch?: string;
}

/** A live process carrying an instance identity. */
export interface TaggedProcess extends ProcessTag {
  pid: number;
  /** /proc/<pid>/stat start time (with the pid, the identity of the process itself). */
  startTime: string;
  pgid: number;
  sid: number;
}

const marker = Buffer.from(`${instanceIdVar}=`);

function parseTag(environ: Buffer): ProcessTag | undefined {
  if (environ.indexOf(marker) < 0) return undefined;
  let identity: string | undefined;
  let launch: string | undefined;
  for (const entry of environ.toString('utf8').split('\0')) {
    if (entry.startsWith(`${instanceIdVar}=`)) identity = entry.slice(instanceIdVar.length + 1);
    else if (entry.startsWith(`${launchIdVar}=`)) launch = entry.slice(launchIdVar.length + 1);
  }
  return identity ? { identity, ...(launch ? { launch } : {}) } : undefined;
}

/** The tag of a process, or undefined when it is gone, not ours to read, or carries none. */
export function readTag(pid: number): ProcessTag | undefined {
  try {
    return parseTag(readFileSync(`/proc/${pid}/environ`));
  } catch {
    return undefined;
  }
}

/** Whether `pid` runs, is the process started at `startTime` (when given) and carries `identity`. */
export function isTaggedAlive(pid: number | undefined, startTime: string | undefined, identity: string): boolean {
  if (!pid || pid <= 0) return false;
  const stat = readProcStat(pid);
  if (!stat || stat.state === 'Z' || stat.state === 'X') return false;
  if (startTime !== undefined && stat.startTime !== startTime) return false;
  return readTag(pid)?.identity === identity;
}

/** Every live process (but this one) whose identity satisfies `match`, from one pass over /proc. */
export function findTagged(match: (identity: string) => boolean): TaggedProcess[] {
  let names: string[];
  try {
    names = readdirSync('/proc');
  } catch {
    return []; // no procfs: nothing can be found, and nothing is signalled on a guess
  }
  const out: TaggedProcess[] = [];
  for (const name of names) {
    const pid = Number(name);
    if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid) continue;
    const tag = readTag(pid);
    if (!tag || !match(tag.identity)) continue;
    const stat = readProcStat(pid);
    if (!stat || stat.state === 'Z' || stat.state === 'X') continue;
    out.push({ ...tag, pid, startTime: stat.startTime, pgid: stat.pgid, sid: stat.sid });
  }
  return out;
}

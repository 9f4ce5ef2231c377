// The processes of one instance, found from its record: the recorded pid when it is still the same
// process and carries the instance identity (no /proc scan: the common, cheap case), and — whenever
// the record cannot vouch for itself (a start a crash cut short, a recorded process that is gone) —
// every process carrying the identity (one /proc scan): the launch to adopt, and strays to stop.
// Together with the sweep before every start this keeps one process tree per instance.
import type { InstanceRecord } from '../state/instance-state.js';
import { findTagged, instanceIdentity, isTaggedAlive, type TaggedProcess } from './identity.js';
import { isSameProcessAlive } from './proc-stat.js';
import { type LiveProcess, terminateProcesses } from './terminate.js';

export interface InstanceProcesses {
  /** The process of the recorded launch: alive, and carrying the identity (older records: same pid and start time). */
  current?: LiveProcess;
  /** `current` was found by the pending launch's id, not by a recorded pid: the record should adopt it. */
  adopted?: boolean;
  /** Other processes with the identity, outside current's session: leftovers of interrupted starts. */
  strays: TaggedProcess[];
}

/** The identity the record's processes carry (older records: the one they would carry now). */
export function identityOf(workDir: string, rec: Pick<InstanceRecord, 'instance' | 'identity'>): string {
  return rec.identity ?? instanceIdentity(workDir, rec.instance);
}

/**
 * Locates the instance's processes. `scan: 'always'` (starts, stops, removals) looks through /proc
 * even when the record vouches for its process; observe scans only when it does not.
 */
export function locateProcesses(workDir: string, rec: InstanceRecord, opts: { scan?: 'always' | 'when-unsure' } = {}): InstanceProcesses {
  const identity = identityOf(workDir, rec);
  let current: LiveProcess | undefined;
  if (!rec.pending && rec.pid && rec.startTime) {
    const alive = rec.identity ? isTaggedAlive(rec.pid, rec.startTime, rec.identity) : isSameProcessAlive(rec.pid, rec.startTime);
    if (alive) current = { pid: rec.pid, startTime: rec.startTime };
  }
  // A one-shot script's start exited on purpose; what it daemonised carries the identity legitimately.
  const unsure = rec.pending === true || (rec.desired === 'running' && !current && !rec.oneShot);
  if (!unsure && opts.scan !== 'always') return { current, strays: [] };
  const tagged = findTagged((id) => id === identity);
  let adopted = false;
  if (!current && rec.pending && rec.launchId) {
    // The launch's own process leads the session it was started in (spawned detached).
    const leader = tagged.find((p) => p.launch === rec.launchId && p.pid === p.sid);
    if (leader) {
      current = { pid: leader.pid, startTime: leader.startTime };
      adopted = true;
    }
  }
  const session = current ? tagged.find((p) => p.pid === current.pid)?.sid : undefined;
  const strays = tagged.filter((p) => p.pid !== current?.pid && (session === undefined || p.sid !== session));
  return { current, ...(adopted ? { adopted } : {}), strays };
}

/** The record after adopting the process a crash left unrecorded. */
export function adoptedRecord(rec: InstanceRecord, proc: LiveProcess): InstanceRecord {
  const { pending: _pending, ...rest } = rec;
  return { ...rest, pid: proc.pid, startTime: proc.startTime, startedAt: rec.startedAt ?? new Date().toISOString() };
}

/**
 * Stops every process of the instance: the recorded one (also for older records without an
 * identity) and everything carrying the identity, children included. True when something ran.
 */
export async function stopInstanceProcesses(
  workDir: string,
  rec: Pick<InstanceRecord, 'instance' | 'identity'> & Partial<InstanceRecord>,
  graceMs?: number,
): Promise<boolean> {
  const identity = identityOf(workDir, rec);
  const procs: LiveProcess[] = findTagged((id) => id === identity);
  if (rec.pid && !rec.pending && !procs.some((p) => p.pid === rec.pid)) {
    // An older record's process carries no identity: the pid and start time are all there is.
    const alive = rec.identity ? false : isSameProcessAlive(rec.pid, rec.startTime);
    if (alive && rec.startTime) procs.push({ pid: rec.pid, startTime: rec.startTime });
  }
  return terminateProcesses(procs, graceMs);
}

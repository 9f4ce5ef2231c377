// `boreas down` from what this machine itself knows, whatever the state file says (or when it is
// missing, emptied or damaged): every instance the runners' per-instance records name (processes,
// scripts, systemd units, containers labelled with this work dir), then every process still carrying
// an instance identity of this work dir (a record lost with its directory), then every file the local
// agent's records say it wrote (leaving tombstones, as removal tasks do). The records live beside the
// instances (`<stateDir>/local`), so a lost state file never orphans what runs on this machine.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { AgentState } from '../../agent/state/agent-state.js';
import { environmentFault } from '../../model/faults.js';
import { removeEmptyParents } from '../../runtime/files/index.js';
import { instancesRoot } from '../../runtime/paths.js';
import { findTagged, workDirTag } from '../../runtime/process/identity.js';
import { terminateProcesses } from '../../runtime/process/terminate.js';
import { RunnerSet } from '../../runtime/runners/index.js';
import { localWorkDir } from './paths.js';
import { localRunnerFactories } from './runners.js';

export interface DownResult {
  /** Instances removed through their records. */
  instances: string[];
  /** Pids of processes that carried an identity of this work dir although no record named them. */
  strays: number[];
  /** Files removed. */
  files: string[];
  /** What could not be done, one line each (a runtime that failed, unreadable agent records). */
  problems: string[];
}

/** Stops and removes everything the local work dir `<stateDir>/local` knows about. */
export async function downLocal(stateDir: string): Promise<DownResult> {
  const workDir = localWorkDir(stateDir);
  const runners = new RunnerSet({ workDir, baseDir: process.cwd() }, localRunnerFactories());
  const result: DownResult = { instances: [], strays: [], files: [], problems: [] };
  for (const runner of runners.all()) {
    // A runtime whose tooling is not there (no docker, no systemctl) has nothing of ours running.
    const names = await runner.list().catch(() => [] as string[]);
    for (const name of names) {
      try {
        if ((await runner.remove(name)) === 'deleted') result.instances.push(name);
      } catch (err) {
        result.problems.push(`${name}: ${environmentFault(err)?.message ?? (err as Error).message}`);
      }
    }
  }
  const tag = workDirTag(workDir);
  const left = findTagged((identity) => identity.endsWith(tag));
  if (left.length > 0) {
    await terminateProcesses(left);
    result.strays = left.map((p) => p.pid);
  }
  if (existsSync(join(workDir, 'agent.db'))) {
    try {
      await retireRecordedResources(workDir, result.files);
    } catch (err) {
      const db = join(workDir, 'agent.db');
      result.problems.push(environmentFault(err, { stateFile: db })?.message ?? `${db}: ${(err as Error).message}`);
    }
  }
  return result;
}

/**
 * Deletes every file the local agent recorded writing, and leaves a tombstone for every instance and
 * file it applied, as a RemoveInstance / RemoveFiles task would: observe then reports them removed, so
 * starting the same content again is a new task key — never a replay of the first start's recorded
 * success, which would start nothing.
 */
async function retireRecordedResources(workDir: string, removed: string[]): Promise<void> {
  const state = new AgentState(workDir);
  const removedBy = `down-${randomBytes(8).toString('hex')}`;
  try {
    for (const r of state.resources()) {
      if ((r.kind !== 'File' && r.kind !== 'Instance') || r.locator.removedAt) continue;
      for (const f of (r.locator.files as Array<{ path: string }> | undefined) ?? []) {
        await rm(f.path, { force: true });
        const inside = relative(instancesRoot(workDir), f.path);
        if (!inside.startsWith('..')) await removeEmptyParents(f.path, join(instancesRoot(workDir), inside.split('/')[0]));
        removed.push(f.path);
      }
      const now = new Date().toISOString();
      state.recordResource({ id: r.id, kind: r.kind, appliedHash: '', locator: { removedAt: now, removedBy }, updatedAt: now });
    }
  } finally {
    state.close();
  }
}

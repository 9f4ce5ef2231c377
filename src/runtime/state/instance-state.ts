// The runner's record of an instance, one JSON file per instance written atomically. It survives the
// CLI (`reconcile --once` exits, the next run reads it) and never holds resolved secrets: the spec is
// stored with its `{valueFrom}` references, the resolved env is not stored at all.
import { readFileSync } from 'node:fs';
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Json } from '../../model/resource.js';
import type { Runtime } from '../../model/machine-specs.js';
import { writeFileAtomic } from '../files/atomic.js';
import { instanceDir, instancesRoot, stateFileName } from '../paths.js';

export interface InstanceRecord {
  instance: string;
  runtime: Runtime;
  /** Hash of the spec the instance was last started (or stopped) from. */
  specHash: string;
  /** That spec, for field-level diffs in plans. */
  spec: Json;
  /** 'running' = should be up; 'stopped' = stopped on purpose (state: Stopped). */
  desired: 'running' | 'stopped';
  pid?: number;
  /** /proc/<pid>/stat field 22 of the started process (pid reuse detection). */
  startTime?: string;
  startedAt?: string;
  /** Script runtime: start exited 0 quickly, so `status` (or the record) says whether it runs. */
  oneShot?: boolean;
  /** Resolved argv (no env) for status displays. */
  argv?: string[];
  /** Runtime-specific facts (artifact path, ...). */
  extra?: Record<string, Json>;
}

export function recordPath(workDir: string, instance: string): string {
  return join(instanceDir(workDir, instance), stateFileName);
}

/** The record of an instance, or undefined. Read synchronously: a small file read per observe is far cheaper without the thread-pool round trip. */
export async function readRecord(workDir: string, instance: string): Promise<InstanceRecord | undefined> {
  try {
    return JSON.parse(readFileSync(recordPath(workDir, instance), 'utf8')) as InstanceRecord;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    if (err instanceof SyntaxError) return undefined; // a torn file cannot happen with atomic writes; be lenient anyway
    throw err;
  }
}

export async function writeRecord(workDir: string, record: InstanceRecord): Promise<void> {
  await writeFileAtomic(recordPath(workDir, record.instance), JSON.stringify(record, null, 2) + '\n', 0o600);
}

export async function deleteRecord(workDir: string, instance: string): Promise<void> {
  await rm(recordPath(workDir, instance), { force: true });
}

/** Every instance record under workDir, optionally of one runtime. */
export async function listRecords(workDir: string, runtime?: Runtime): Promise<InstanceRecord[]> {
  let names: string[];
  try {
    names = await readdir(instancesRoot(workDir));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const out: InstanceRecord[] = [];
  for (const name of names.sort()) {
    const rec = await readRecord(workDir, name).catch(() => undefined);
    if (rec && (!runtime || rec.runtime === runtime)) out.push(rec);
  }
  return out;
}

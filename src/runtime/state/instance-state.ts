// The runner's record of an instance, one JSON file per instance written atomically and fsync'd. It
// survives the CLI (`reconcile --once` exits, the next run reads it) and a crash: a start writes the
// record of its intent (spec, identity, launch id) before it spawns, creates or installs anything,
// and what it started (pid + start time, container id) right after. It never holds resolved secrets:
// the spec is stored with its `{valueFrom}` references, the resolved env is not stored at all.
import { readFileSync } from 'node:fs';
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Json } from '../../model/resource.js';
import type { InstanceSpec, Runtime } from '../../model/machine-specs.js';
import { writeFileAtomic } from '../files/atomic.js';
import { instanceDir, instancesRoot, stateFileName } from '../paths.js';

export interface InstanceRecord {
  instance: string;
  runtime: Runtime;
  /** Hash of the spec the instance was last started (or stopped) from. */
  specHash: string;
  /** That spec, for field-level diffs in plans (null in a record written by `stop` alone). */
  spec: InstanceSpec | null;
  /** 'running' = should be up; 'stopped' = stopped on purpose (state: Stopped). */
  desired: 'running' | 'stopped';
  /** BOREAS_INSTANCE_IDENTITY every process of the instance carries (process/identity.ts); absent in older records. */
  identity?: string;
  /** BOREAS_LAUNCH_ID of the last start. */
  launchId?: string;
  /**
   * The intent of a start is recorded but not yet what it started (no pid, no container id): either
   * the start is under way, or a crash cut it short. The next observe or start looks for the launch
   * by its identity and adopts it, or stops what it finds.
   */
  pending?: boolean;
  /** Container runtime: the container created for this record. */
  containerId?: string;
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

/** Deletes the record, and temp files of record writes a crash interrupted. */
export async function deleteRecord(workDir: string, instance: string): Promise<void> {
  await rm(recordPath(workDir, instance), { force: true });
  const dir = instanceDir(workDir, instance);
  const leftovers = (await readdir(dir).catch(() => [] as string[])).filter((n) => n.startsWith(`.${stateFileName}.`) && n.endsWith('.tmp'));
  for (const name of leftovers) await rm(join(dir, name), { force: true });
}

/** The recorded spec as plain JSON (what observations carry for field-level diffs). */
export function specJson(spec: InstanceSpec | null): Json {
  return JSON.parse(JSON.stringify(spec));
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

// File resources on this machine: written atomically with their mode, observed by content hash, with
// a small record per file (spec hash + spec) so plans can tell "changed in Git" from "edited on disk".
import { readFileSync } from 'node:fs';
import { readdir, readFile, rm, rmdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { DesiredResource, Health, Json, ObservedResource } from '../../model/resource.js';
import type { TaskResult } from '../../model/plan.js';
import type { FileSpec } from '../../runtime/instance-spec.js';
import { writeFileAtomic, parseMode } from '../../runtime/files/atomic.js';
import { observeFile } from '../../runtime/files/observe.js';
import { instanceDir, resolveInstanceFilePath } from '../../runtime/paths.js';
import { sha256 } from '../../util/hash.js';

interface FileRecord {
  path: string;
  instance?: string;
  specHash: string;
  spec: Json;
}

/** Where a File resource lands: absolute, or under its instance dir. */
export function localFilePath(workDir: string, spec: FileSpec): string {
  return resolveInstanceFilePath(workDir, spec.instance, spec.path);
}

/** The record kept for the file at `path`. */
export const recordFile = (workDir: string, path: string): string => join(workDir, 'files', `${sha256(path).slice(0, 32)}.json`);

async function readFileRecord(workDir: string, path: string): Promise<FileRecord | undefined> {
  try {
    return JSON.parse(readFileSync(recordFile(workDir, path), 'utf8')) as FileRecord;
  } catch {
    return undefined;
  }
}

export async function listFileRecords(workDir: string): Promise<FileRecord[]> {
  const names = await readdir(join(workDir, 'files')).catch(() => [] as string[]);
  const out: FileRecord[] = [];
  for (const n of names) {
    const rec = await readFile(join(workDir, 'files', n), 'utf8')
      .then((t) => JSON.parse(t) as FileRecord)
      .catch(() => undefined);
    if (rec) out.push(rec);
  }
  return out;
}

/** Removes the directories a relative file lived in, up to its instance dir, while they are empty. */
export async function removeEmptyParents(workDir: string, instance: string, path: string): Promise<void> {
  const top = instanceDir(workDir, instance);
  for (let dir = dirname(path); dir.startsWith(top); dir = dirname(dir)) {
    if (
      !(await rmdir(dir).then(
        () => true,
        () => false,
      ))
    )
      return;
  }
}

export async function observeLocalFile(workDir: string, r: DesiredResource): Promise<ObservedResource> {
  const spec = r.spec as unknown as FileSpec;
  const path = localFilePath(workDir, spec);
  const [disk, rec] = await Promise.all([observeFile(path, spec), readFileRecord(workDir, path)]);
  const applied = rec ? { appliedHash: rec.specHash, appliedSpec: rec.spec } : disk.exists && disk.drift.length === 0 ? { appliedHash: r.hash } : {};
  const health: Health = !disk.exists
    ? { status: 'Missing', level: 0, message: `${path} is missing` }
    : disk.drift.length
      ? { status: 'Degraded', level: 50, message: disk.drift.join('; ') }
      : { status: 'Healthy', level: 100, message: 'content matches' };
  return {
    id: r.id,
    exists: disk.exists,
    ...applied,
    health,
    ...(disk.drift.length ? { drift: disk.drift } : {}),
    fingerprint: disk.contentHash ? `sha256:${disk.contentHash}` : 'missing',
    details: { path },
  };
}

export async function applyLocalFile(workDir: string, r: DesiredResource, deleting: boolean): Promise<TaskResult> {
  const spec = r.spec as unknown as FileSpec;
  const path = localFilePath(workDir, spec);
  const rec = await readFileRecord(workDir, path);
  if (deleting) {
    const disk = await observeFile(path, spec);
    await rm(path, { force: true });
    await rm(recordFile(workDir, path), { force: true });
    await removeEmptyParents(workDir, spec.instance, path);
    return { outcome: disk.exists || rec ? 'deleted' : 'unchanged', message: `removed ${path}` };
  }
  const disk = await observeFile(path, spec);
  if (disk.exists && disk.drift.length === 0 && rec?.specHash === r.hash) return { outcome: 'unchanged', details: { path } };
  await writeFileAtomic(path, spec.content, parseMode(spec.mode));
  const record: FileRecord = { path, instance: spec.instance, specHash: r.hash, spec: r.spec };
  await writeFileAtomic(recordFile(workDir, path), JSON.stringify(record) + '\n', 0o600);
  return { outcome: disk.exists ? 'configured' : 'created', message: `wrote ${path}`, details: { path } };
}

// `boreas down` without a usable state database: stops and removes every instance and file the local
// target's own records know, whatever the inventory says.
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { RunnerSet } from '../../runtime/runners/index.js';
import { listFileRecords, recordFile, removeEmptyParents } from './files.js';

export interface DownResult {
  instances: string[];
  files: string[];
}

/** Stops and removes every local instance (any runtime) and deletes every file recorded under `<stateDir>/local`. */
export async function downLocal(stateDir: string): Promise<DownResult> {
  const workDir = join(stateDir, 'local');
  const runners = new RunnerSet({ workDir, baseDir: process.cwd() });
  const instances: string[] = [];
  for (const runner of runners.all()) {
    for (const name of await runner.list()) {
      if ((await runner.remove(name)) === 'deleted') instances.push(name);
    }
  }
  const files: string[] = [];
  for (const rec of await listFileRecords(workDir)) {
    await rm(rec.path, { force: true });
    await rm(recordFile(workDir, rec.path), { force: true });
    if (rec.instance) await removeEmptyParents(workDir, rec.instance, rec.path);
    files.push(rec.path);
  }
  return { instances, files };
}

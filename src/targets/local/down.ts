// `boreas down` without a usable state database: stops and removes every instance and file the local
// target's own records know, whatever the inventory says.
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { RunnerSet } from '../../runtime/runners/index.js';
import { listFileRecords, recordFile, removeEmptyParents } from './files.js';
import { localRunnerFactories } from './runners.js';

export interface DownResult {
  instances: string[];
  files: string[];
}

/** Stops and removes every local process/script/systemd instance and deletes every file recorded under `<stateDir>/local`. */
export async function downLocal(stateDir: string): Promise<DownResult> {
  const workDir = join(stateDir, 'local');
  const runners = new RunnerSet({ workDir, baseDir: process.cwd() }, localRunnerFactories());
  const instances: string[] = [];
  // Containers are skipped: the docker engine may be shared with agents on this machine and its
  // labels do not say which work dir started them; the inventory-driven `boreas down` removes them.
  for (const runner of runners.all().filter((r) => r.runtime !== 'container')) {
    // A runtime whose tooling is not there (no systemctl) has nothing of ours running.
    const names = await runner.list().catch(() => [] as string[]);
    for (const name of names) {
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

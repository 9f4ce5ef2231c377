// `boreas down` without a usable state database: stops and removes every instance the local agent's
// runner records know and every file its own records say it wrote, whatever the inventory says. The
// records live beside the instances (`<stateDir>/local`), so a lost or corrupt state file never
// orphans what runs on this machine.
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { AgentState } from '../../agent/state/agent-state.js';
import { removeEmptyParents } from '../../runtime/files/index.js';
import { instancesRoot } from '../../runtime/paths.js';
import { RunnerSet } from '../../runtime/runners/index.js';
import { localWorkDir } from './paths.js';
import { localRunnerFactories } from './runners.js';

export interface DownResult {
  instances: string[];
  files: string[];
}

/** Stops and removes every local process/script/systemd instance and deletes every file recorded under `<stateDir>/local`. */
export async function downLocal(stateDir: string): Promise<DownResult> {
  const workDir = localWorkDir(stateDir);
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
  if (existsSync(workDir)) {
    const state = new AgentState(workDir);
    try {
      for (const r of state.resources()) {
        const list = r.kind === 'File' ? ((r.locator.files as Array<{ path: string }> | undefined) ?? []) : [];
        for (const f of list) {
          await rm(f.path, { force: true });
          const inside = relative(instancesRoot(workDir), f.path);
          if (!inside.startsWith('..')) await removeEmptyParents(f.path, join(instancesRoot(workDir), inside.split('/')[0]));
          files.push(f.path);
        }
        if (r.kind === 'File') state.forgetResource(r.id);
      }
    } finally {
      state.close();
    }
  }
  return { instances, files };
}

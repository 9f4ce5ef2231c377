// `boreas down`: stops and removes everything Boreas started on this machine. First what the state
// file says was applied (recorded, ordered, through the same executor as reconcile); then whatever
// the local per-instance records and instance identities still show (a start a crash left
// unrecorded). When the state file is missing, emptied, damaged or cannot be written (a full disk),
// the second step alone still stops everything it can find here, and says so.
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Command } from 'commander';
import { openSession } from '../../engine/session.js';
import { acquireStateLock } from '../../engine/state-lock.js';
import { teardown } from '../../engine/teardown.js';
import { type EnvironmentFault, ExitCode } from '../../model/errors.js';
import { environmentFault } from '../../model/faults.js';
import { type DownResult, downLocal, localWorkDir } from '../../targets/local/index.js';
import { safeLines, safeText } from '../../util/terminal-text.js';
import { addStateOption } from '../options.js';
import type { SetExit } from './index.js';

export function registerDown(program: Command, setExit: SetExit): void {
  const cmd = program
    .command('down')
    .description('Stop and remove everything Boreas started locally (per the state file and the local records)')
    .option('--all', 'also delete from agents and clusters, not only this machine');
  addStateOption(cmd);
  cmd.action(async (flags: { state: string; all?: boolean }) => {
    const stateFile = resolve(flags.state);
    const stateDir = dirname(stateFile);
    let failed = false;
    let removed = 0;
    let fault: EnvironmentFault | undefined;
    // A missing state file is opened as a new, empty one (nothing recorded to tear down), as before.
    try {
      const outcome = await teardownFromState(flags.state, !!flags.all);
      removed += outcome.removed;
      failed ||= outcome.failed;
    } catch (err) {
      fault = environmentFault(err, { stateFile });
      if (!fault) throw err;
      process.stderr.write(`boreas: ${safeLines(fault.message)}\n`);
      process.stdout.write(`Stopping what the records under ${safeText(localWorkDir(stateDir))} show instead.\n`);
    }
    const swept = await sweepLocal(stateDir);
    removed += swept.instances.length + swept.strays.length + swept.files.length;
    for (const name of swept.instances) process.stdout.write(`- local instance ${safeText(name)} (from its record)\n`);
    if (swept.strays.length) process.stdout.write(`- ${swept.strays.length} process(es) of instances without a record (pid ${swept.strays.join(', ')})\n`);
    for (const file of swept.files) process.stdout.write(`- ${safeText(file)}\n`);
    for (const problem of swept.problems) process.stdout.write(`! ${safeText(problem)}\n`);
    failed ||= swept.problems.length > 0;
    if (fault && flags.all) {
      process.stderr.write('boreas: agents and clusters were not reached: without a usable state file Boreas cannot tell what it applied there\n');
      failed = true;
    }
    if (removed === 0 && !failed) process.stdout.write('Nothing to remove.\n');
    else if (fault || swept.instances.length + swept.strays.length + swept.files.length > 0)
      process.stdout.write(
        `Removed ${swept.instances.length} instance(s), ${swept.strays.length} unrecorded process(es) and ${swept.files.length} file(s) found on this machine.\n`,
      );
    setExit(failed ? ExitCode.Failure : ExitCode.Ok);
  });
}

/** The inventory-driven teardown, printed as before; throws what opening or writing the state throws. */
async function teardownFromState(state: string, all: boolean): Promise<{ removed: number; failed: boolean }> {
  const session = openSession({ state });
  try {
    const { plan, summary } = await teardown(session, { all });
    if (!summary) return { removed: 0, failed: false };
    for (const r of summary.results)
      process.stdout.write(
        `${r.state === 'succeeded' ? '-' : '!'} ${safeText(r.resourceId)}${r.state === 'succeeded' ? '' : `: ${safeText(r.message ?? r.state)}`}\n`,
      );
    process.stdout.write(`Removed ${summary.succeeded} of ${plan.changes.length} resource(s).\n`);
    return { removed: summary.succeeded, failed: summary.failed > 0 };
  } finally {
    await session.close();
  }
}

/**
 * downLocal under the state lock. A lock held by a running reconcile stops `down` (it would fight
 * it); a lock that cannot even be written (a full or read-only disk) does not stop the teardown.
 */
async function sweepLocal(stateDir: string): Promise<DownResult> {
  let release: (() => void) | undefined;
  if (existsSync(stateDir)) {
    try {
      release = acquireStateLock(stateDir, 'down');
    } catch (err) {
      if (!environmentFault(err)) throw err;
    }
  }
  try {
    return await downLocal(stateDir);
  } finally {
    release?.();
  }
}

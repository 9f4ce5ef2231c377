// `boreas down`: stops and removes everything Boreas started on this machine. First what the state
// file says was applied (recorded, ordered, through the same executor as reconcile); then whatever
// the local per-instance records and instance identities still show (a start a crash left
// unrecorded). When the state file is missing, emptied, damaged or cannot be written (a full disk),
// the second step alone still stops everything it can find here, and says so.
import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { openSession } from '../../engine/session.js';
import { isStateFile } from '../../engine/session-options.js';
import { acquireStateLock } from '../../engine/state-lock.js';
import { teardown } from '../../engine/teardown.js';
import { type EnvironmentFault, ExitCode } from '../../model/errors.js';
import { environmentFault } from '../../model/faults.js';
import { stateLocation } from '../../store/index.js';
import { type DownResult, downLocal, localWorkDir } from '../../targets/local/index.js';
import type { RawFlags } from '../../util/options/index.js';
import { safeLines, safeText, terminalJson } from '../../util/terminal-text.js';
import { addCommonOptions, sessionFlags } from '../options.js';
import type { SetExit } from './types.js';

export function registerDown(program: Command, setExit: SetExit): void {
  const cmd = program
    .command('down')
    .description('Stop and remove everything Boreas started locally (per the state file and the local records)')
    .option('--all', 'also delete from agents and clusters, not only this machine');
  addCommonOptions(cmd, { manifests: false, output: ['text', 'json'] });
  cmd.action(async (flags: RawFlags & { all?: boolean; output: 'text' | 'json' }) => {
    const { state } = sessionFlags(flags);
    // The local records live in the state's directory: beside a state file, or $BOREAS_DATA_DIR
    // (else ./.boreas) for a database state; a directory that does not exist holds none.
    const location = stateLocation(state);
    const stateDir = isStateFile(state) || existsSync(location.dir) ? location.dir : undefined;
    const report: DownReport = { removed: [], failed: [], total: 0, text: [] };
    let fault: EnvironmentFault | undefined;
    if (!isStateFile(state) || existsSync(state)) {
      try {
        await teardownFromState(state, !!flags.all, report);
      } catch (err) {
        fault = environmentFault(err, { stateFile: state });
        if (!fault) throw err;
        process.stderr.write(`boreas: ${safeLines(fault.message)}\n`);
        if (stateDir) report.text.push(`Stopping what the records under ${safeText(localWorkDir(stateDir))} show instead.`);
      }
    }
    const swept = stateDir ? await sweepLocal(stateDir) : { instances: [], strays: [], files: [], problems: [] };
    for (const name of swept.instances) note(report, `local instance ${name}`, '(from its record)');
    if (swept.strays.length) {
      report.removed.push(...swept.strays.map((pid) => `pid ${pid}`));
      report.total += swept.strays.length;
      report.text.push(`- ${swept.strays.length} process(es) of instances without a record (pid ${swept.strays.join(', ')})`);
    }
    for (const file of swept.files) note(report, file);
    for (const problem of swept.problems) {
      report.failed.push({ resource: 'local records', message: problem });
      report.text.push(`! ${safeText(problem)}`);
    }
    if (fault && flags.all) {
      process.stderr.write('boreas: agents and clusters were not reached: without a usable state file Boreas cannot tell what it applied there\n');
      report.failed.push({ resource: 'agents and clusters', message: 'not reached: no usable state file' });
    }
    const sweptCount = swept.instances.length + swept.strays.length + swept.files.length;
    if (report.removed.length === 0 && report.failed.length === 0) report.text.push('Nothing to remove.');
    else if (fault || sweptCount > 0)
      report.text.push(
        `Removed ${swept.instances.length} instance(s), ${swept.strays.length} unrecorded process(es) and ${swept.files.length} file(s) found on this machine.`,
      );
    if (flags.output === 'json') process.stdout.write(`${terminalJson({ removed: report.removed, failed: report.failed, total: report.total }, 2)}\n`);
    else process.stdout.write(report.text.map((line) => `${line}\n`).join(''));
    setExit(report.failed.length > 0 ? ExitCode.Failure : ExitCode.Ok);
  });
}

/** What `down` did, for either output: ids removed, failures, and the text lines in order. */
interface DownReport {
  removed: string[];
  failed: Array<{ resource: string; message: string }>;
  total: number;
  text: string[];
}

function note(report: DownReport, what: string, suffix?: string): void {
  report.removed.push(what);
  report.total++;
  report.text.push(`- ${safeText(what)}${suffix ? ` ${suffix}` : ''}`);
}

/** The inventory-driven teardown; throws what opening or writing the state throws. */
async function teardownFromState(state: string, all: boolean, report: DownReport): Promise<void> {
  const session = openSession({ state });
  try {
    const { plan, summary } = await teardown(session, { all });
    // Resources on a target that did not answer stay where they are and in the inventory (a later
    // `down` removes them): that is a failure to report, not "Nothing to remove".
    report.total += plan.changes.length + plan.unknown.length;
    for (const u of plan.unknown) report.failed.push({ resource: u.id, message: `kept: ${u.cause.message}` });
    for (const t of plan.unknownTargets) {
      if (t.resources > 0) report.text.push(`? ${safeText(t.cause.message)}: ${t.resources} resource(s) kept; run down again once it answers`);
    }
    if (!summary) {
      if (plan.unknown.length) report.text.push(`Removed 0 of ${plan.unknown.length} resource(s).`);
      return;
    }
    for (const r of summary.results) {
      if (r.state === 'succeeded') {
        report.removed.push(r.resourceId);
        report.text.push(`- ${safeText(r.resourceId)}`);
      } else {
        report.failed.push({ resource: r.resourceId, message: r.message ?? r.state });
        report.text.push(`! ${safeText(r.resourceId)}: ${safeText(r.message ?? r.state)}`);
      }
    }
    report.text.push(`Removed ${summary.succeeded} of ${plan.changes.length + plan.unknown.length} resource(s).`);
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

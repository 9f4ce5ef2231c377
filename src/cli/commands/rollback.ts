// `boreas rollback <app> [--to <revision>]`: re-applies the desired state an application had at an
// earlier revision and pins it there until Git moves on (see engine/pins.ts).
import type { Command } from 'commander';
import { ExitCode, UserError } from '../../model/errors.js';
import { openSession } from '../../engine/session.js';
import { loadValidRevision } from '../../engine/load-revision.js';
import { reconcile } from '../../engine/reconcile.js';
import { readPins, writePins } from '../../engine/pins.js';
import { parseDuration } from '../../util/duration.js';
import { existsSync } from 'node:fs';
import { isStateFile } from '../../engine/session-options.js';
import type { RawFlags } from '../../util/options/index.js';
import { addCommonOptions, sessionFlags, useColor } from '../options.js';
import { renderRunSummaryJson, renderRunSummaryText } from '../../report/index.js';
import type { AppRevisionRecord } from '../../store/store.js';
import type { SetExit } from './types.js';
import { terminalJson } from '../../util/terminal-text.js';

export function registerRollback(program: Command, setExit: SetExit): void {
  const cmd = program
    .command('rollback')
    .argument('<app>', 'application name')
    .description("Re-apply an application's desired state from an earlier revision (default: the previous one)")
    .option('--to <revision>', 'revision (full or abbreviated) from `boreas history <app>`')
    .option('--timeout <duration>', 'give up after this long', '5m');
  addCommonOptions(cmd, { manifests: true, output: ['text', 'json'], ageIdentities: true });
  cmd.action(async (app: string, flags: RawFlags & { to?: string; timeout: string; output: 'text' | 'json'; color?: boolean }) => {
    const where = sessionFlags(flags);
    // Nothing was ever applied with this state: say so without creating it.
    if (isStateFile(where.state) && !existsSync(where.state))
      throw new UserError(`no history for application "${app}" in ${where.state}; nothing to roll back to`, ExitCode.Failure);
    const session = openSession(where);
    try {
      const records = await session.store.listAppRevisions(app);
      if (records.length === 0) throw new UserError(`no history for application "${app}"; nothing to roll back to`, ExitCode.Failure);
      const target = pickTarget(records, flags.to);
      if (!(await session.store.loadDesired(target.revision)))
        throw new UserError(`the desired state of revision ${target.revision.slice(0, 12)} is not in the state file`, ExitCode.Failure);
      const loaded = await loadValidRevision(session);
      await writePins(session.store, { ...(await readPins(session.store)), [app]: { to: target.revision, madeAt: loaded.revision.sha } });
      await session.store.audit({
        type: 'rollback',
        subject: `Application/${app}`,
        message: `pinned to ${target.revision} while Git is at ${loaded.revision.sha}`,
      });
      const summary = await reconcile(session, { timeoutMs: parseDuration(flags.timeout), dryRun: false, prune: true, concurrency: 4, loaded });
      process.stdout.write(`Rolled back ${app} to ${target.revision.slice(0, 12)} (pinned until the next Git revision).\n`);
      process.stdout.write(
        flags.output === 'json' ? terminalJson(renderRunSummaryJson(summary)) + '\n' : renderRunSummaryText(summary, { color: useColor(flags) }),
      );
      setExit(summary.converged ? ExitCode.Ok : ExitCode.Failure);
    } finally {
      await session.close();
    }
  });
}

/** The record to return to: the one named by --to, else the newest whose desired state differs from the current. */
function pickTarget(records: AppRevisionRecord[], to: string | undefined): AppRevisionRecord {
  if (to) {
    const hits = [...new Set(records.filter((r) => r.revision === to || r.revision.startsWith(to)).map((r) => r.revision))];
    if (hits.length > 1) throw new UserError(`revision prefix "${to}" is ambiguous: ${hits.map((h) => h.slice(0, 12)).join(', ')}`, ExitCode.Failure);
    const hit = records.find((r) => r.revision === hits[0]);
    if (!hit) throw new UserError(`revision "${to}" was never applied to this application (see \`boreas history\`)`, ExitCode.Failure);
    return hit;
  }
  const current = records[0];
  const previous = records.find((r) => r.desiredHash !== current.desiredHash && r.result === 'succeeded');
  if (!previous) throw new UserError('no earlier revision with a different desired state to roll back to', ExitCode.Failure);
  return previous;
}

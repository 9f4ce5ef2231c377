// `boreas plan`: what reconcile would do, changing nothing. With --base, desired state at two
// revisions is compared without touching any target (PR previews; `--output markdown` is the PR comment).
import type { Command } from 'commander';
import { ExitCode, UserError, ValidationFailed } from '../../model/errors.js';
import { openSession } from '../../engine/session.js';
import { loadValidRevision } from '../../engine/load-revision.js';
import { planPass } from '../../engine/plan-pass.js';
import { planAgainstBase } from '../../engine/plan-base.js';
import { openSource } from '../../source/index.js';
import { loadManifests } from '../../manifests/load.js';
import type { Plan } from '../../model/plan.js';
import type { Diagnostic } from '../../model/diagnostic.js';
import { addOutputOption, addSourceOptions, addStateOption, useColor } from '../options.js';
import { renderPlanJson, renderPlanMarkdown, renderPlanText } from '../../report/index.js';
import type { SetExit } from './index.js';

interface PlanFlags {
  repo: string;
  ref?: string;
  path?: string;
  state: string;
  output: 'text' | 'json' | 'markdown';
  base?: string;
  detailedExitcode?: boolean;
  prune: boolean;
}

export function registerPlan(program: Command, setExit: SetExit): void {
  const cmd = program
    .command('plan')
    .description('Show what would be created, changed and deleted, and why; changes nothing')
    .option('--base <ref>', 'compare desired state at this revision with --ref (or the working tree); needs no target access')
    .option('--detailed-exitcode', 'exit 0 when there are no changes, 2 when there are, 1 on error')
    .option('--no-prune', 'do not plan deletion of resources removed from Git');
  addSourceOptions(cmd);
  addStateOption(cmd);
  addOutputOption(cmd, ['text', 'json', 'markdown']);
  cmd.action(async (flags: PlanFlags) => {
    const session = openSession({ repo: flags.repo, ref: flags.ref, path: flags.path, state: flags.state });
    try {
      let plan: Plan;
      let baseRevision: string | undefined;
      if (flags.base) {
        const baseSource = await openSource({ repo: flags.repo, ref: flags.base, path: flags.path, cacheDir: session.cacheDir });
        const [base, head] = [await loadOrReport(session, baseSource, flags, 'base', setExit), await loadOrReport(session, undefined, flags, 'head', setExit)];
        if (!base || !head) return;
        plan = planAgainstBase(base, head, flags.prune);
        baseRevision = base.revision.sha;
      } else {
        const loaded = await loadOrReport(session, undefined, flags, 'head', setExit);
        if (!loaded) return;
        const registry = session.targets(loaded.manifests, loaded.source.rootDir);
        plan = (await planPass({ revision: loaded.revision.sha, manifests: loaded.manifests, store: session.store, registry, log: session.log, prune: flags.prune, readOnly: true })).plan;
      }
      if (flags.output === 'json') process.stdout.write(JSON.stringify(renderPlanJson(plan), null, 2) + '\n');
      else if (flags.output === 'markdown') process.stdout.write(renderPlanMarkdown(plan, { baseRevision }));
      else process.stdout.write(renderPlanText(plan, { color: useColor() }));
      setExit(flags.detailedExitcode && plan.changes.length > 0 ? ExitCode.UsageOrChanges : ExitCode.Ok);
    } catch (err) {
      // plan's contract: 1 for every error (2 means "changes present" with --detailed-exitcode).
      if (err instanceof UserError) throw new UserError(err.message, ExitCode.Failure, err.hint);
      throw err;
    } finally {
      await session.close();
    }
  });
}

/** Loads a revision; in markdown mode an invalid revision becomes a report with the errors inline. */
async function loadOrReport(session: ReturnType<typeof openSession>, source: Awaited<ReturnType<typeof openSource>> | undefined, flags: PlanFlags, which: string, setExit: SetExit) {
  try {
    return await loadValidRevision(session, source, { record: false });
  } catch (err) {
    if (!(err instanceof ValidationFailed) || flags.output !== 'markdown') throw err;
    const src = source ?? (await session.source());
    const rev = (await loadManifests(src, { cacheDir: session.cacheDir })).revision;
    const diagnostics: Diagnostic[] = err.diagnostics;
    process.stdout.write(renderPlanMarkdown({ revision: rev.sha, changes: [], unchanged: 0, orphans: [] }, { diagnostics, title: `${which} revision is invalid` }));
    setExit(ExitCode.Failure);
    return undefined;
  }
}

// `boreas plan`: what reconcile would do, changing nothing. With --base, desired state at two
// revisions is compared without touching any target (PR previews; `--output markdown` is the PR comment).
import type { Command } from 'commander';
import { ExitCode, UserError, ValidationFailed } from '../../model/errors.js';
import { openSession } from '../../engine/session.js';
import { loadValidRevision } from '../../engine/load-revision.js';
import { planRevision } from '../../engine/plan-revision.js';
import { scopeOf } from '../../engine/target-scope.js';
import { planAgainstBase } from '../../engine/plan-base.js';
import { openRevisionSecrets, redact } from '../../secrets/index.js';
import { openSource } from '../../source/index.js';
import { loadManifests } from '../../manifests/load.js';
import type { Plan } from '../../model/plan.js';
import type { Diagnostic } from '../../model/diagnostic.js';
import type { RawFlags } from '../../util/options/index.js';
import { addCommonOptions, sessionFlags, useColor } from '../options.js';
import { renderPlanJson, renderPlanMarkdown, renderPlanText, GITHUB_COMMENT_LIMIT, type PlanMarkdownOptions } from '../../report/index.js';
import { resolveForgeTarget, upsertPlanComment, MARKER_HASH_OVERHEAD, FORGE_KINDS, type ForgeTarget } from '../../report/forge/index.js';
import type { SetExit } from './types.js';
import { terminalJson } from '../../util/terminal-text.js';

interface PlanFlags {
  repo: string;
  ref?: string;
  path?: string;
  state: string;
  color?: boolean;
  output: 'text' | 'json' | 'markdown';
  base?: string;
  detailedExitcode?: boolean;
  prune: boolean;
  allowEmpty?: boolean;
  allowMassDelete?: boolean;
  comment?: string;
  forgeUrl?: string;
  forgeRepo?: string;
  pr?: string;
  forgeTokenEnv?: string;
  ageIdentityFiles: string[];
}

export function registerPlan(program: Command, setExit: SetExit): void {
  const cmd = program
    .command('plan')
    .description('Show what would be created, changed and deleted, and why; changes nothing')
    .option('--base <rev>', 'compare desired state at this revision (e.g. origin/main, HEAD~1) with --ref (or the working tree); needs no target access')
    .option('--detailed-exitcode', 'exit 0 when there are no changes, 2 when there are, 1 on error')
    .option('--no-prune', 'do not plan deletion of resources removed from Git')
    .option('--allow-empty', 'accept a repository path without manifests (plans deleting everything Boreas manages)')
    .option('--allow-mass-delete', 'do not hold back deletions of more than half of an environment')
    .option('--comment <forge>', `post the markdown report as the PR's one plan comment, created or updated in place (${FORGE_KINDS.join('|')})`)
    .option('--forge-url <url>', 'forge API base (default https://api.github.com for github)')
    .option('--forge-repo <repo>', 'owner/name (GitLab: project id or group/name)')
    .option('--pr <number>', 'pull (merge) request number')
    .option('--forge-token-env <var>', 'environment variable holding the API token (default GITHUB_TOKEN, GITEA_TOKEN or GITLAB_TOKEN)');
  addCommonOptions(cmd, { manifests: true, output: ['text', 'json', 'markdown'], ageIdentities: true });
  cmd.action(async (raw: RawFlags & Omit<PlanFlags, 'repo' | 'ref' | 'path' | 'state' | 'ageIdentityFiles'>) => {
    const flags: PlanFlags = { ...raw, ...sessionFlags(raw) };
    // Checked before any work so a missing token or flag fails fast and sends nothing.
    const forge = flags.comment ? resolveForgeTarget({ ...flags, comment: flags.comment }) : undefined;
    if (forge) flags.output = 'markdown';
    const session = openSession({
      repo: flags.repo,
      ref: flags.ref,
      path: flags.path,
      state: flags.state,
      readOnly: true,
      ageIdentityFiles: flags.ageIdentityFiles,
    });
    try {
      let plan: Plan;
      let baseRevision: string | undefined;
      if (flags.base) {
        const baseSource = await openSource({ repo: flags.repo, ref: flags.base, path: flags.path, cacheDir: session.cacheDir });
        const [base, head] = [
          await loadOrReport(session, baseSource, flags, 'base', setExit, forge),
          await loadOrReport(session, undefined, flags, 'head', setExit, forge),
        ];
        if (!base || !head) return;
        plan = await planAgainstBase(base, head, flags.prune);
        baseRevision = base.revision.sha;
      } else {
        const loaded = await loadOrReport(session, undefined, flags, 'head', setExit, forge);
        if (!loaded) return;
        // Compared with what is applied, so encrypted values are decrypted (keyed digests) as in reconcile.
        const secrets = await openRevisionSecrets(loaded.manifests, loaded.source, { identityFiles: session.ageIdentityFiles, stateDir: session.stateDir });
        const registry = session.targets(scopeOf(loaded.manifests), loaded.source.rootDir, { readOnly: true, resolveSecret: secrets.resolve });
        plan = (
          await planRevision({
            revision: loaded.revision.sha,
            manifests: loaded.manifests,
            store: session.store,
            registry,
            prune: flags.prune,
            allowMassDelete: flags.allowMassDelete,
            secretDigest: secrets.digest,
          })
        ).plan;
      }
      // Observations may quote a resolved secret (a drift or error message): masked before printing.
      if (flags.output === 'json') process.stdout.write(redact(terminalJson(renderPlanJson(plan), 2)) + '\n');
      else if (flags.output === 'markdown') await emitMarkdown(plan, { baseRevision }, forge);
      else process.stdout.write(redact(renderPlanText(plan, { color: useColor(flags) })));
      // Unknown resources are an error, as terraform's failed refresh: the plan cannot be trusted.
      // Blocked ones too: applying this plan cannot reach the desired state.
      if (plan.unknown.length > 0 || (plan.blocked?.length ?? 0) > 0) setExit(ExitCode.Failure);
      else setExit(flags.detailedExitcode && plan.changes.length > 0 ? ExitCode.UsageOrChanges : ExitCode.Ok);
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
async function loadOrReport(
  session: ReturnType<typeof openSession>,
  source: Awaited<ReturnType<typeof openSource>> | undefined,
  flags: PlanFlags,
  which: string,
  setExit: SetExit,
  forge?: ForgeTarget,
) {
  try {
    // The base of a comparison may be empty (a first PR); the revision planned may not, unless asked.
    return await loadValidRevision(session, source, { record: false, allowEmpty: which === 'base' || flags.allowEmpty });
  } catch (err) {
    if (!(err instanceof ValidationFailed) || flags.output !== 'markdown') throw err;
    const src = source ?? (await session.source());
    const rev = (await loadManifests(src, { cacheDir: session.cacheDir })).revision;
    const diagnostics: Diagnostic[] = err.diagnostics;
    await emitMarkdown(
      { revision: rev.sha, changes: [], unchanged: 0, orphans: [], unknown: [], unknownTargets: [] },
      { diagnostics, title: `${which} revision is invalid` },
      forge,
    );
    setExit(ExitCode.Failure);
    return undefined;
  }
}

/** Prints the markdown report, or posts it as the PR's plan comment and prints its URL (or "unchanged"). */
async function emitMarkdown(plan: Plan, opts: PlanMarkdownOptions, forge: ForgeTarget | undefined): Promise<void> {
  if (!forge) return void process.stdout.write(redact(renderPlanMarkdown(plan, opts)));
  // The hashed marker line is longer than the plain one; leave it room under the forge's limit.
  const result = await upsertPlanComment(forge, renderPlanMarkdown(plan, { ...opts, maxChars: GITHUB_COMMENT_LIMIT - MARKER_HASH_OVERHEAD }));
  process.stdout.write(result.action === 'unchanged' ? `unchanged ${result.url}\n` : `${result.action} ${result.url}\n`);
}

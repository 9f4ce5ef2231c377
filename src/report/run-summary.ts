// The end of `reconcile --once` (and rollback): what ran, what failed and why, and whether drift is
// zero, rendered from the model's RunSummary (what the engine reports).
import type { Json } from '../model/resource.js';
import { paint } from './ansi.js';
import { formatDuration, plural, shortRevision } from './format.js';
import { blockedLines, countActions, describeCounts, massDeleteLines, unknownTargetLines } from './plan-summary.js';
import { renderPlanText } from './plan-text.js';
import type { RunSummary } from '../model/run-summary.js';
export type { RunSummary };
import { renderPlanJson } from './plan-json.js';
import { safeText } from '../util/terminal-text.js';
import { redact, redactDeep } from '../util/redact.js';

/** Changes still listed after a run that did not converge. */
const maxRemainingListed = 20;

/** Human summary printed after the run. */
export function renderRunSummaryText(summary: RunSummary, opts: { color?: boolean } = {}): string {
  const p = paint(!!opts.color);
  const lines: string[] = [];
  const rev = safeText(shortRevision(summary.revision));
  if (summary.dryRun && summary.plan) {
    lines.push(renderPlanText(summary.plan, { color: !!opts.color }).trimEnd(), '', `Dry run: nothing was changed (revision ${rev}).`);
    return lines.join('\n') + '\n';
  }
  const t = summary.tasks;
  const taskLine = `Tasks: ${t.run} run, ${t.succeeded} succeeded, ${t.failed} failed, ${t.skipped} skipped${t.cancelled ? `, ${t.cancelled} cancelled` : ''}.`;
  const took = formatDuration(summary.durationMs);
  const unknown = summary.plan?.unknown ?? [];
  const unhealthy = summary.unhealthy ?? [];
  if (summary.interrupted) {
    lines.push(p.red(`Interrupted: ${summary.interrupted.done} done, ${summary.interrupted.notStarted} not started; run again to continue.`));
    lines.push(taskLine);
  } else if (summary.converged && t.run === 0 && t.failed === 0) {
    lines.push(p.green(`No changes. Revision ${rev} is applied and drift is zero (${took}).`));
    lines.push(taskLine);
  } else if (summary.converged) {
    lines.push(p.green(`Converged: revision ${rev} applied, drift is zero (${plural(summary.passes ?? 1, 'pass', 'passes')}, ${took}).`));
    lines.push(taskLine);
  } else if (summary.result === 'blocked' && !summary.failures.length) {
    // Nothing failed: what is left cannot be applied as things are; each line says why.
    const blocked = summary.plan?.blocked ?? [];
    lines.push(
      p.red(`Blocked: ${plural(blocked.length, 'resource')} cannot be applied (revision ${rev}, ${plural(summary.passes ?? 1, 'pass', 'passes')}, ${took}).`),
    );
    lines.push(taskLine);
    for (const l of blockedLines(summary.plan ?? {})) lines.push(`  blocked ${safeText(l)}`);
    for (const c of (summary.plan?.changes ?? []).slice(0, maxRemainingListed))
      lines.push(`  ${c.action} ${safeText(c.id)}: ${safeText(c.message)}${c.deferred ? ` [${safeText(c.deferred)}]` : ''}`);
    for (const u of unhealthy.slice(0, maxRemainingListed)) lines.push(`  unhealthy ${safeText(u.resource)}: ${safeText(u.message)}`);
  } else {
    const left = summary.plan?.changes ?? [];
    const why = [
      ...(summary.plan?.massDelete?.length ? ['mass delete held back'] : []),
      ...(left.length ? [`${plural(left.length, 'change')} left (${describeCounts(countActions(left))})`] : []),
      ...(unknown.length
        ? [
            `${plural(unknown.length, 'resource')} unknown (${summary.plan!.unknownTargets.map((u) => `${u.cause.subject ?? u.target} ${u.cause.reason}`).join(', ')})`,
          ]
        : []),
      ...(unhealthy.length ? [`${plural(unhealthy.length, 'resource')} unhealthy`] : []),
      ...(summary.plan?.blocked?.length ? [`${plural(summary.plan.blocked.length, 'resource')} blocked`] : []),
      ...(summary.failures.length && !left.length ? ['failed'] : []),
    ];
    lines.push(p.red(`Not converged: ${why.join('; ') || 'failed'} (revision ${rev}, ${plural(summary.passes ?? 1, 'pass', 'passes')}, ${took}).`));
    lines.push(taskLine);
    for (const l of massDeleteLines(summary.plan ?? {})) lines.push(`  ${safeText(l)}`);
    for (const l of unknownTargetLines(summary.plan ?? { unknownTargets: [] })) lines.push(`  ${safeText(l)}`);
    for (const l of blockedLines(summary.plan ?? {})) lines.push(`  blocked ${safeText(l)}`);
    for (const c of left.slice(0, maxRemainingListed)) lines.push(`  ${c.action} ${safeText(c.id)}: ${safeText(c.message)}`);
    if (left.length > maxRemainingListed) lines.push(`  … and ${left.length - maxRemainingListed} more`);
    for (const u of unhealthy.slice(0, maxRemainingListed)) lines.push(`  unhealthy ${safeText(u.resource)}: ${safeText(u.message)}`);
  }
  if (summary.failures.length > 0) {
    lines.push(p.red(`Failures (${summary.failures.length}):`));
    for (const f of summary.failures) lines.push(`  ${safeText(f.resource)}: ${safeText(f.message)}`);
  }
  if (summary.orphans && summary.orphans.length > 0) {
    lines.push(p.yellow(`Not pruned (--no-prune or boreas.dev/prune: disabled), kept although no longer in Git: ${summary.orphans.map(safeText).join(', ')}`));
  }
  for (const r of summary.rolledBack ?? [])
    lines.push(p.red(`Release of ${safeText(r.application)} failed: rolled back to ${safeText(r.to.slice(0, 12))} (pinned until the next Git revision).`));
  for (const w of summary.warnings ?? []) lines.push(p.yellow(`warning: ${safeText(w)}`));
  // Failure messages come from targets and libraries: any resolved secret in them is masked.
  return redact(lines.join('\n')) + '\n';
}

/** The one summary object `--output json` ends with. */
export function renderRunSummaryJson(summary: RunSummary): { [key: string]: Json } {
  const out: { [key: string]: Json } = {
    revision: summary.revision,
    converged: summary.converged,
    result: summary.result ?? (summary.converged ? 'converged' : 'not-converged'),
    dryRun: !!summary.dryRun,
    passes: summary.passes ?? 1,
    tasks: {
      run: summary.tasks.run,
      succeeded: summary.tasks.succeeded,
      failed: summary.tasks.failed,
      skipped: summary.tasks.skipped,
      cancelled: summary.tasks.cancelled ?? 0,
    },
    durationMs: Math.round(summary.durationMs),
    duration: formatDuration(summary.durationMs),
    failures: summary.failures.map((f) => ({ resource: f.resource, message: f.message })),
    orphans: summary.orphans ?? [],
    rolledBack: summary.rolledBack ?? [],
    warnings: summary.warnings ?? [],
    unhealthy: summary.unhealthy ?? [],
    blocked: (summary.plan?.blocked ?? []).map((b) => ({ id: b.id, name: b.name, owner: b.owner, message: b.message })),
    unknown: (summary.plan?.unknownTargets ?? []).map((u) => ({ target: u.target, reason: u.cause.reason, message: u.cause.message, resources: u.resources })),
  };
  if (summary.interrupted) out.interrupted = { ...summary.interrupted };
  if (summary.plan?.massDelete) out.massDelete = summary.plan.massDelete.map((m) => ({ ...m }));
  if (summary.plan) {
    out.remaining = { ...countActions(summary.plan.changes) };
    if (summary.dryRun) out.plan = renderPlanJson(summary.plan);
  }
  return redactDeep(out);
}

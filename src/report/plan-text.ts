// `boreas plan` (text): terraform-like, per environment, per application, per resource, with
// field-level before → after lines and unified diffs of rendered files.
import type { Change, Plan } from '../model/plan.js';
import { paint, type Paint } from './ansi.js';
import { viewChange, ownerLabel } from './change-view.js';
import { formatValue, shortRevision, plural } from './format.js';
import {
  blockedLines,
  changeSymbol,
  countActions,
  describeCounts,
  groupBy,
  massDeleteLines,
  moveLine,
  shownWithCounterpart,
  unknownTargetLines,
} from './plan-summary.js';
import { displaySafePlan } from './safe-plan.js';

export interface PlanTextOptions {
  /** ANSI colours; the caller decides (TTY and NO_COLOR). */
  color: boolean;
}

/** The whole plan as text, ending with the `Plan: ...` or `No changes. ...` line. */
export function renderPlanText(raw: Plan, opts: PlanTextOptions): string {
  const plan = displaySafePlan(raw);
  const p = paint(opts.color);
  const lines: string[] = [];
  lines.push(p.bold(`Plan for revision ${shortRevision(plan.revision)}`) + p.dim(` (${plural(plan.unchanged, 'resource')} unchanged)`));
  // What could not be observed comes first: nothing below is the whole truth while it is there.
  if (plan.unknown.length > 0) {
    lines.push('', p.red(`Unknown: ${plural(plan.unknown.length, 'resource')} could not be observed, so they are neither pruned nor re-created:`));
    for (const l of unknownTargetLines(plan)) lines.push(`  ${l}`);
    for (const u of plan.unknown) lines.push(`    ? ${u.kind} ${u.name} (${u.owner}, ${u.target})${u.desired ? '' : ' [no longer in Git, kept]'}`);
  }
  const blocked = plan.blocked ?? [];
  if (blocked.length > 0) {
    lines.push('', p.red(`Blocked: ${plural(blocked.length, 'resource')} cannot be applied (nothing is tried until that changes):`));
    for (const l of blockedLines(plan)) lines.push(`    x ${l}`);
  }
  for (const [env, envChanges] of groupBy(plan.changes, (c) => c.environment)) {
    lines.push('', p.bold(`Environment ${env}`));
    for (const [owner, ownerChanges] of groupBy(envChanges, (c) => c.owner)) {
      lines.push(`  ${p.bold(ownerLabel(owner))}`);
      for (const c of ownerChanges) if (!shownWithCounterpart(c)) lines.push(...renderChange(c, p));
    }
  }
  if (plan.orphans.length > 0) {
    lines.push('', p.yellow(`Not pruned (--no-prune), ${plural(plan.orphans.length, 'resource')} kept although no longer in Git:`));
    for (const o of plan.orphans) lines.push(`    ${o.kind} ${o.name} (${o.owner}, ${o.target}): ${o.message}`);
  }
  for (const l of massDeleteLines(plan)) lines.push('', p.red(`Held back: ${l}.`));
  lines.push('');
  const unknown = `${plan.unknown.length ? `, ${plan.unknown.length} unknown` : ''}${blocked.length ? `, ${blocked.length} blocked` : ''}`;
  if (plan.changes.length === 0 && plan.unknown.length === 0 && blocked.length === 0) lines.push(p.green('No changes. Desired state matches actual state.'));
  else if (plan.changes.length === 0 && plan.unknown.length === 0)
    lines.push(p.red(`Plan: no changes to make, but ${plural(blocked.length, 'resource')} blocked: desired state cannot be reached.`));
  else if (plan.changes.length === 0)
    lines.push(p.red(`Plan: no changes to make, but ${plural(plan.unknown.length, 'resource')} unknown: actual state could not be verified.`));
  else lines.push(p.bold(`Plan: ${describeCounts(countActions(plan.changes))}${unknown}.`));
  return lines.join('\n') + '\n';
}

const actionColor = (p: Paint, c: Change) =>
  c.move ? p.cyan : { create: p.green, update: p.yellow, delete: p.red, repair: p.magenta, replace: p.red, adopt: p.yellow }[c.action];

function renderChange(c: Change, p: Paint): string[] {
  const view = viewChange(c);
  const color = actionColor(p, c);
  const head = moveLine(c) ?? `${c.kind} ${c.name}`;
  const out = [`    ${color(changeSymbol(c))} ${head}` + p.dim(` (${c.reason}: ${c.message})`) + (c.deferred ? p.dim(` [${c.deferred}]`) : '')];
  for (const f of view.fields) out.push(`        ${f.label}: ${formatValue(f.before)} → ${formatValue(f.after)}`);
  for (const diff of Object.values(view.textDiffs)) {
    for (const line of diff.replace(/\n$/, '').split('\n')) out.push(`        ${colorDiffLine(line, p)}`);
  }
  return out;
}

function colorDiffLine(line: string, p: Paint): string {
  if (line.startsWith('+++') || line.startsWith('---')) return p.bold(line);
  if (line.startsWith('@@')) return p.cyan(line);
  if (line.startsWith('+')) return p.green(line);
  if (line.startsWith('-')) return p.red(line);
  return line;
}

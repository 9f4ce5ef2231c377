// `boreas plan --output markdown`: the pull-request comment of docs/design.md, PR report. A hidden marker first
// (the comment is found and updated in place by it), a summary line, validation errors inline, one
// collapsible section per application, and a footer with base → head. It always fits maxChars:
// the largest diffs are cut first, then whole sections are collapsed, and the summary says so.
import type { Change, Plan } from '../model/plan.js';
import type { Diagnostic } from '../model/diagnostic.js';
import { viewChange } from './change-view.js';
import { countLines } from '../util/unified-diff.js';
import { fitParts, restoreParts, type Part } from './fit-budget.js';
import { formatValue, plural, shortRevision } from './format.js';
import { escapeHtml, fencedBlock, inlineCode, table, tableCell } from './markdown.js';
import {
  blockedLines,
  changeSymbol,
  countActions,
  countByEnvironment,
  describeCounts,
  groupBy,
  massDeleteLines,
  shownWithCounterpart,
  unknownTargetLines,
} from './plan-summary.js';
import { safeText } from '../util/terminal-text.js';
import { displaySafePlan } from './safe-plan.js';

/** The line that identifies Boreas's comment on a pull request (upsert key). */
export const PLAN_COMMENT_MARKER = '<!-- boreas-plan -->';

/** GitHub's limit on an issue comment body. */
export const GITHUB_COMMENT_LIMIT = 65_536;

export interface PlanMarkdownOptions {
  baseRevision?: string;
  diagnostics?: Diagnostic[];
  title?: string;
  maxChars?: number;
}

/** Room kept for the truncation note, which is only known once truncation is done. */
const noteReserve = 400;
/** Validation errors listed before "… and N more". */
const maxDiagnostics = 50;

/** The PR comment body, at most `maxChars` (default 65,536) characters long. */
export function renderPlanMarkdown(raw: Plan, opts: PlanMarkdownOptions = {}): string {
  const plan = displaySafePlan(raw);
  const maxChars = opts.maxChars ?? GITHUB_COMMENT_LIMIT;
  const frame: Frame = {
    head: renderHead(plan, opts),
    diagnostics: renderDiagnostics(opts.diagnostics ?? []),
    orphans: renderOrphans(plan),
    footer: renderFooter(plan, opts),
  };
  const owners = [...groupBy(plan.changes, (c) => c.owner)];
  const sections = owners.map(([owner, changes]) => sectionParts(owner, changes));
  const flat = sections.flat();
  const untouched = assemble(frame, '', join(flat));
  if (untouched.length <= maxChars) return untouched;

  const budget = maxChars - assemble(frame, '', '').length - noteReserve;
  // Stage 1: cut the largest diffs.
  let cut = fitParts(flat, budget).get(0) ?? 0;
  if (join(flat).length <= budget) {
    // The note turned out shorter than the room kept for it: give small diffs back while they fit.
    cut -= restoreParts(flat, maxChars - assemble(frame, truncationNote(cut, 0), join(flat)).length);
    const out = assemble(frame, truncationNote(cut, 0), join(flat));
    if (out.length <= maxChars) return out;
  }
  // Stage 2: collapse whole sections, largest first.
  const whole: Part[] = sections.map((parts, i) => ({ text: join(parts), shrunk: collapsedSection(owners[i]) }));
  const collapsed = fitParts(whole, budget).get(0) ?? 0;
  const out = assemble(frame, truncationNote(cut, collapsed), join(whole));
  if (out.length <= maxChars) return out;
  return oneLinePerApplication(frame, owners, truncationNote(cut, owners.length, true), maxChars);
}

/** The parts of the comment that are never shortened. */
interface Frame {
  head: string;
  diagnostics: string;
  orphans: string;
  footer: string;
}

function assemble(f: Frame, note: string, body: string): string {
  return f.head + note + f.diagnostics + body + f.orphans + f.footer;
}

/** Last resort (thousands of applications): one line per application while they fit, then a count. */
function oneLinePerApplication(frame: Frame, owners: Array<[string, Change[]]>, note: string, maxChars: number): string {
  let room = maxChars - assemble(frame, note, '').length - 80;
  let body = '';
  let shown = 0;
  for (const owner of owners) {
    const line = collapsedSection(owner, true);
    if (line.length > room) break;
    body += line;
    room -= line.length;
    shown++;
  }
  if (shown < owners.length) body += `- … and ${owners.length - shown} more applications not shown\n`;
  const out = assemble(frame, note, body + '\n');
  if (out.length <= maxChars) return out;
  const bare = frame.head + note + frame.footer;
  return bare.length <= maxChars ? bare : bare.slice(0, maxChars);
}

const join = (parts: Part[]) => parts.map((p) => p.text).join('');

function renderHead(plan: Plan, opts: PlanMarkdownOptions): string {
  const lines = [PLAN_COMMENT_MARKER, `### ${escapeHtml(safeText(opts.title ?? 'Boreas plan'))}`, ''];
  const errors = (opts.diagnostics ?? []).filter((d) => d.severity === 'error').length;
  if (plan.unknown.length > 0) {
    lines.push(`:question: **${plural(plan.unknown.length, 'resource')} unknown**: could not be observed, neither pruned nor re-created.`, '');
    for (const l of unknownTargetLines(plan)) lines.push(`- ${escapeHtml(l)}`);
    lines.push('');
  }
  for (const l of massDeleteLines(plan)) lines.push(`:warning: **Held back:** ${escapeHtml(l)}.`, '');
  const blocked = blockedLines(plan);
  if (blocked.length > 0) {
    lines.push(`:no_entry: **${plural(blocked.length, 'resource')} blocked**: cannot be applied, nothing is tried until that changes.`, '');
    for (const l of blocked) lines.push(`- ${escapeHtml(l)}`);
    lines.push('');
  }
  if (plan.changes.length === 0) {
    if (errors > 0) lines.push(`**Not planned:** ${plural(errors, 'validation error')}.`);
    else if (plan.unknown.length > 0) lines.push('**No changes to make, but actual state could not be verified.**');
    else if (blocked.length > 0) lines.push('**No changes to make, but desired state cannot be reached.**');
    else lines.push('**No changes.** Desired state matches actual state.');
  } else {
    lines.push(`**Plan: ${describeCounts(countActions(plan.changes))}.**`);
    const envs = [...countByEnvironment(plan.changes)].map(([env, counts]) => `${inlineCode(env)}: ${describeCounts(counts)}`);
    lines.push('', `Per environment: ${envs.join(' · ')}`);
  }
  return lines.join('\n') + '\n\n';
}

function truncationNote(cutDiffs: number, collapsedSections: number, everything = false): string {
  if (cutDiffs === 0 && collapsedSections === 0) return '';
  const what: string[] = [];
  if (cutDiffs > 0) what.push(`${plural(cutDiffs, 'diff')} truncated (largest first)`);
  if (collapsedSections > 0) what.push(everything ? `every application reduced to one line` : `${plural(collapsedSections, 'application section')} collapsed`);
  return `> :warning: This report was shortened to fit the comment size limit: ${what.join(', ')}. Run \`boreas plan\` for the full output.\n\n`;
}

function renderDiagnostics(diags: Diagnostic[]): string {
  if (diags.length === 0) return '';
  const sorted = [...diags].sort((a, b) => (a.severity === b.severity ? 0 : a.severity === 'error' ? -1 : 1));
  const errors = diags.filter((d) => d.severity === 'error').length;
  const lines = [`#### Validation: ${plural(errors, 'error')}, ${plural(diags.length - errors, 'warning')}`, ''];
  for (const d of sorted.slice(0, maxDiagnostics)) {
    const icon = d.severity === 'error' ? ':x:' : ':warning:';
    const what = [d.manifest && escapeHtml(safeText(d.manifest)), d.field && inlineCode(safeText(d.field)), escapeHtml(safeText(d.message))]
      .filter(Boolean)
      .join(': ');
    lines.push(`- ${icon} ${inlineCode(safeText(`${d.file}:${d.line}:${d.col}`))} ${what}`);
  }
  if (sorted.length > maxDiagnostics) lines.push(`- … and ${sorted.length - maxDiagnostics} more (run \`boreas validate\`)`);
  return lines.join('\n') + '\n\n';
}

function sectionTitle(owner: string, changes: Change[]): string {
  const envs = [...new Set(changes.map((c) => c.environment))].sort().join(', ');
  return `<strong>${escapeHtml(owner)}</strong> · ${escapeHtml(envs)} · ${describeCounts(countActions(changes))}`;
}

function sectionParts(owner: string, changes: Change[]): Part[] {
  const views = changes.filter((c) => !shownWithCounterpart(c)).map(viewChange);
  const rows = views.map(({ change: c }) => [
    inlineCode(changeSymbol(c)),
    tableCell(`${c.kind} ${inlineCode(c.name)}`),
    c.move ? `move ${inlineCode(c.move.from)} → ${inlineCode(c.move.to)}` : c.action,
    tableCell(escapeHtml(`${c.reason}: ${c.message}`)),
  ]);
  let intro = `<details><summary>${sectionTitle(owner, changes)}</summary>\n\n` + table(['', 'Resource', 'Action', 'Reason'], rows) + '\n';
  const fieldLines = views.flatMap((v) =>
    v.fields.map(
      (f) =>
        `- ${v.change.kind} ${inlineCode(v.change.name)} ${inlineCode(f.label)}: ${inlineCode(formatValue(f.before))} → ${inlineCode(formatValue(f.after))}`,
    ),
  );
  if (fieldLines.length > 0) intro += fieldLines.join('\n') + '\n\n';
  const parts: Part[] = [{ text: intro }];
  for (const v of views) {
    for (const [label, diff] of Object.entries(v.textDiffs)) {
      const note = `*diff of ${inlineCode(label)} truncated (${plural(countLines(diff), 'line')})*\n\n`;
      parts.push({ text: fencedBlock('diff', diff) + '\n', shrunk: note });
    }
  }
  parts.push({ text: '</details>\n\n' });
  return parts;
}

/** One line standing for a whole section; `listItem` packs lines into one list (last resort). */
function collapsedSection([owner, changes]: [string, Change[]], listItem = false): string {
  return `- ${sectionTitle(owner, changes)} (details left out to fit the size limit)\n${listItem ? '' : '\n'}`;
}

function renderOrphans(plan: Plan): string {
  if (plan.orphans.length === 0) return '';
  const lines = [`<details><summary>${plural(plan.orphans.length, 'resource')} kept although removed from Git (pruning disabled)</summary>`, ''];
  for (const o of plan.orphans.slice(0, 100)) lines.push(`- ${o.kind} ${inlineCode(o.name)} of ${escapeHtml(o.owner)} on ${inlineCode(o.target)}`);
  if (plan.orphans.length > 100) lines.push(`- … and ${plan.orphans.length - 100} more`);
  return lines.join('\n') + '\n\n</details>\n\n';
}

function renderFooter(plan: Plan, opts: PlanMarkdownOptions): string {
  const revs = opts.baseRevision
    ? `base ${inlineCode(shortRevision(opts.baseRevision))} → head ${inlineCode(shortRevision(plan.revision))}`
    : `revision ${inlineCode(shortRevision(plan.revision))}`;
  return `---\n<sub>Boreas plan · ${revs} · ${plural(plan.unchanged, 'resource')} unchanged</sub>\n`;
}

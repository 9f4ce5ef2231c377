// A copy of a plan whose strings cannot forge terminal or markdown output (util/terminal-text.ts):
// names, ids, messages and paths escaped as one line, diffs line by line. Field values (before /
// after) stay data: formatValue escapes what it prints.
import type { Change, Plan } from '../model/plan.js';
import { safeLines, safeText } from '../util/terminal-text.js';

function safeChange(c: Change): Change {
  return {
    ...c,
    message: safeText(c.message),
    id: safeText(c.id),
    target: safeText(c.target),
    owner: safeText(c.owner),
    environment: safeText(c.environment),
    name: safeText(c.name),
    fields: c.fields.map((f) => ({ ...f, path: safeText(f.path) })),
    textDiffs: Object.fromEntries(Object.entries(c.textDiffs).map(([label, diff]) => [safeText(label), safeLines(diff)])),
    ...(c.move ? { move: { ...c.move, from: safeText(c.move.from), to: safeText(c.move.to) } } : {}),
  };
}

/** The plan as renderers for people may print it. */
export function displaySafePlan(plan: Plan): Plan {
  const cause = <T extends { cause: { message: string } }>(u: T): T => ({ ...u, cause: { ...u.cause, message: safeText(u.cause.message) } });
  return {
    ...plan,
    revision: safeText(plan.revision),
    changes: plan.changes.map(safeChange),
    orphans: plan.orphans.map(safeChange),
    unknown: plan.unknown.map((u) => cause({ ...u, id: safeText(u.id), name: safeText(u.name) })),
    unknownTargets: plan.unknownTargets.map(cause),
    ...(plan.blocked
      ? { blocked: plan.blocked.map((b) => ({ ...b, id: safeText(b.id), name: safeText(b.name), owner: safeText(b.owner), message: safeText(b.message) })) }
      : {}),
  };
}

// Small formatting helpers shared by the text, markdown and status renderers.
import type { Json } from '../model/resource.js';
import { isMaskMarker } from '../secrets/mask.js';
import { safeText } from '../util/terminal-text.js';

/** Longest value printed inline on a field line; longer ones are cut with their length noted. */
const maxInlineValue = 120;

/**
 * One value on a `path: before → after` line: JSON for data, placeholders unquoted, `(none)` when
 * absent. Long values (a whole file's content) are cut, since the unified diff shows them in full.
 */
export function formatValue(value: Json | undefined): string {
  if (value === undefined) return '(none)';
  if (isMaskMarker(value)) return value;
  // JSON escapes C0 controls; DEL, C1 and bidi characters are escaped for the terminal too.
  const text = safeText(JSON.stringify(value));
  if (text.length <= maxInlineValue) return text;
  return `${text.slice(0, maxInlineValue - 1)}… (${text.length} chars)`;
}

/**
 * First 12 characters of a commit SHA (what git and GitHub show); a working-tree id keeps 12 of its
 * hash (`worktree:1a2b3c4d5e6f`, not 49 characters in a column); other ids unchanged.
 */
export function shortRevision(revision: string | undefined): string {
  if (!revision) return '(unknown)';
  if (/^worktree:[0-9a-f]{13,}$/i.test(revision)) return revision.slice(0, 'worktree:'.length + 12);
  return /^[0-9a-f]{40}$/i.test(revision) ? revision.slice(0, 12) : revision;
}

/** `1 task`, `2 tasks`. */
export function plural(n: number, singular: string, pluralForm = `${singular}s`): string {
  return `${n} ${n === 1 ? singular : pluralForm}`;
}

/** Milliseconds as `850ms`, `4.2s`, `3m05s`. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  const m = Math.floor(ms / 60_000);
  const s = Math.round((ms % 60_000) / 1000);
  return `${m}m${String(s).padStart(2, '0')}s`;
}

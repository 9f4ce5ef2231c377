// Unified diffs of rendered text (config files, nginx sites, Kubernetes YAML). The planner calls this
// to fill Change.textDiffs; the renderers only print what it produced.
import { createTwoFilesPatch } from 'diff';

/** Lines of context around each hunk, as `git diff` shows by default. */
const contextLines = 3;

/**
 * A git-style unified diff of `before` → `after` under `label` (a file path or object name).
 * Empty text on one side is shown as /dev/null, so creations and deletions read like git's.
 * Returns '' when the texts are equal.
 */
export function unifiedDiff(label: string, before: string, after: string): string {
  if (before === after) return '';
  const path = label.replace(/^\/+/, '');
  const oldName = before === '' ? '/dev/null' : `a/${path}`;
  const newName = after === '' ? '/dev/null' : `b/${path}`;
  const patch = createTwoFilesPatch(oldName, newName, before, after, undefined, undefined, { context: contextLines });
  // jsdiff starts with a line of '=' and puts a tab after each file name; git prints neither.
  return (
    patch
      .split('\n')
      .filter((line, i) => !(i === 0 && /^=+$/.test(line)))
      .map((line) => (line.startsWith('--- ') || line.startsWith('+++ ') ? line.replace(/\t$/, '') : line))
      // git leaves out a hunk length of 1 (`@@ -3 +3 @@`); so do we, so diffs read the same.
      .map((line) => (line.startsWith('@@ ') ? line.replace(/^@@ -(\d+),1 /, '@@ -$1 ').replace(/ \+(\d+),1 @@/, ' +$1 @@') : line))
      .join('\n')
  );
}

/** Number of lines of a diff (for "diff of X truncated (N lines)" notes). */
export function countLines(text: string): number {
  if (text === '') return 0;
  return text.endsWith('\n') ? text.split('\n').length - 1 : text.split('\n').length;
}

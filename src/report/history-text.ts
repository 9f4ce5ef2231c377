// `boreas history <app>`: the runs that touched one application, in the order given (newest first),
// with the commit each applied (subject and author) and whether the run changed anything.
import type { HistoryEntry } from '../model/history.js';
import { shortRevision } from './format.js';
import { textTable } from './table.js';
import { safeText } from '../util/terminal-text.js';

/** Longest commit subject shown in the table; the JSON output has it whole. */
const maxSubject = 50;

/** A table of revision, subject, author, run, result, time and whether anything changed. */
export function renderHistoryText(entries: HistoryEntry[]): string {
  if (entries.length === 0) return 'No history.\n';
  const rows = entries.map((e) => {
    const subject = e.revision.subject ?? (e.revision.sha.startsWith('worktree:') ? '(uncommitted working tree)' : '-');
    const changed = e.changed ? (e.changedResources ? `yes (${e.changedResources})` : 'yes') : 'no';
    return [
      shortRevision(e.revision.sha),
      subject.length > maxSubject ? `${subject.slice(0, maxSubject - 1)}…` : subject,
      e.revision.author ?? '-',
      String(e.runId),
      e.result,
      e.at,
      changed,
    ];
  });
  return (
    `History of ${safeText(entries[0].application)} (newest first)\n` + textTable(['REVISION', 'SUBJECT', 'AUTHOR', 'RUN', 'RESULT', 'AT', 'CHANGED'], rows)
  );
}

// `boreas history <app>`: the revisions applied to one application, in the order given (newest first).
import type { AppRevisionRecord } from '../store/store.js';
import { shortRevision } from './format.js';
import { textTable } from './table.js';
import { safeText } from '../util/terminal-text.js';

/** A table of revision, run, result, time and desired-state hash; marks where the desired state changed. */
export function renderHistoryText(records: AppRevisionRecord[]): string {
  if (records.length === 0) return 'No history.\n';
  const rows = records.map((r, i) => {
    const older = records[i + 1];
    const changed = !older || older.desiredHash !== r.desiredHash ? 'yes' : 'no';
    return [shortRevision(r.revision), String(r.runId), r.result, r.at, r.desiredHash.slice(0, 12), changed];
  });
  return `History of ${safeText(records[0].application)} (newest first)\n` + textTable(['REVISION', 'RUN', 'RESULT', 'AT', 'DESIRED', 'CHANGED'], rows);
}

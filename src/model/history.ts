// One line of `boreas history <app>` (and of the dashboard's history panel): a run that touched the
// application, the commit it applied, and whether anything actually changed.
import type { RevisionInfo } from './status.js';

export interface HistoryEntry {
  application: string;
  revision: RevisionInfo;
  runId: number;
  /** succeeded | failed | incomplete | rolled-back */
  result: string;
  /** When the run recorded it, ISO. */
  at: string;
  /** Hash of the app's desired resources at that revision (same hash = same desired state). */
  desiredHash: string;
  /** True when the run changed something of the app: its desired state, or a repair (a restarted instance). */
  changed: boolean;
  /** Resources the run created, changed or deleted (absent on rows recorded before it was counted). */
  changedResources?: number;
}

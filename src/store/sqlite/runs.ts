// Runs (one row per reconcile/down/rollback that had work to do).
import type { Database } from 'better-sqlite3';
import type { Json } from '../../model/resource.js';
import type { RunRecord } from '../store.js';
import type { SyncStore } from './sync-store.js';
import type { Clock, WriteCounter } from './write-counter.js';
import { type RunRow, toRunRecord } from '../rows.js';

export function runsTable(db: Database, w: WriteCounter, now: Clock): Pick<SyncStore, 'startRun' | 'finishRun' | 'listRuns'> {
  const insertRun = db.prepare('INSERT INTO runs (command, revision, started_at) VALUES (?, ?, ?)');
  const updateRun = db.prepare('UPDATE runs SET finished_at = ?, converged = ?, summary = ? WHERE id = ?');
  const selectRuns = db.prepare('SELECT * FROM runs ORDER BY id DESC LIMIT ?');

  return {
    startRun(command: string, revision: string): number {
      const info = w.run(insertRun, command, revision, now().toISOString());
      return Number(info.lastInsertRowid);
    },
    finishRun(runId: number, converged: boolean, summary: Json): void {
      w.run(updateRun, now().toISOString(), converged ? 1 : 0, JSON.stringify(summary), runId);
    },
    listRuns(limit = 20): RunRecord[] {
      return (selectRuns.all(limit) as RunRow[]).map(toRunRecord);
    },
  };
}

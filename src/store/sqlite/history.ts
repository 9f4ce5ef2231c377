// Per-application revision history (`boreas history`, `boreas rollback`) and the audit log.
import type { Database } from 'better-sqlite3';
import type { Json } from '../../model/resource.js';
import type { AppRevisionRecord, AppRunEntry, AuditEvent, StoredAuditEvent } from '../store.js';
import type { SyncStore } from './sync-store.js';
import type { Clock, WriteCounter } from './write-counter.js';
import { type AppRevisionRow, encodeRunApplications, mergeAppRevisions, type RunApplicationRow } from '../rows.js';

export function historyTables(
  db: Database,
  w: WriteCounter,
  now: Clock,
): Pick<SyncStore, 'recordAppRevision' | 'recordAppRevisions' | 'listAppRevisions' | 'audit' | 'listAudit'> {
  const insertAppRevision = db.prepare(
    'INSERT INTO app_revisions (application, revision, run_id, result, desired_hash, at, changed) VALUES (?, ?, ?, ?, ?, ?, ?)',
  );
  const selectAppRevisions = db.prepare('SELECT * FROM app_revisions WHERE application = ? ORDER BY id DESC');
  const insertRunApplications = db.prepare('INSERT INTO run_applications (run_id, revision, entries, at) VALUES (?, ?, ?, ?)');
  // json_each finds the key whatever characters the name holds (no JSON path quoting).
  const selectRunApplications = db.prepare(
    'SELECT r.run_id, r.revision, r.at, j.value AS entry FROM run_applications r, json_each(r.entries) j WHERE j.key = ? ORDER BY r.run_id DESC',
  );
  const insertAudit = db.prepare('INSERT INTO audit_events (at, type, subject, message, data) VALUES (?, ?, ?, ?, ?)');
  const selectAudit = db.prepare('SELECT * FROM audit_events WHERE (@subject IS NULL OR subject = @subject) ORDER BY id DESC LIMIT @limit');

  return {
    recordAppRevision(rec: Omit<AppRevisionRecord, 'at'>): void {
      w.run(insertAppRevision, rec.application, rec.revision, rec.runId, rec.result, rec.desiredHash, now().toISOString(), rec.changed ?? null);
    },
    recordAppRevisions(runId: number, revision: string, entries: AppRunEntry[]): void {
      if (entries.length) w.run(insertRunApplications, runId, revision, encodeRunApplications(entries), now().toISOString());
    },
    listAppRevisions(application: string): AppRevisionRecord[] {
      const runs = selectRunApplications.all(application) as RunApplicationRow[];
      return mergeAppRevisions(application, runs, selectAppRevisions.all(application) as AppRevisionRow[]);
    },
    audit(event: AuditEvent): void {
      w.run(insertAudit, now().toISOString(), event.type, event.subject, event.message, event.data === undefined ? null : JSON.stringify(event.data));
    },
    listAudit(subject?: string, limit = 100): StoredAuditEvent[] {
      const rows = selectAudit.all({ subject: subject ?? null, limit }) as Array<{
        id: number;
        at: string;
        type: string;
        subject: string;
        message: string;
        data: string | null;
      }>;
      return rows.map((r) => {
        const ev: StoredAuditEvent = { id: r.id, at: r.at, type: r.type, subject: r.subject, message: r.message };
        if (r.data !== null) ev.data = JSON.parse(r.data) as Json;
        return ev;
      });
    },
  };
}

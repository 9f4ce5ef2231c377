// Per-application revision history (`boreas history`, `boreas rollback`) and the audit log.
import type { Database } from 'better-sqlite3';
import type { Json } from '../../model/resource.js';
import type { AppRevisionRecord, AuditEvent, StoredAuditEvent } from '../store.js';
import type { SyncStore } from './sync-store.js';
import type { Clock, WriteCounter } from './write-counter.js';
import { type AppRevisionRow, toAppRevisionRecord } from '../rows.js';

export function historyTables(db: Database, w: WriteCounter, now: Clock): Pick<SyncStore, 'recordAppRevision' | 'listAppRevisions' | 'audit' | 'listAudit'> {
  const insertAppRevision = db.prepare(
    'INSERT INTO app_revisions (application, revision, run_id, result, desired_hash, at, changed) VALUES (?, ?, ?, ?, ?, ?, ?)',
  );
  const selectAppRevisions = db.prepare('SELECT * FROM app_revisions WHERE application = ? ORDER BY id DESC');
  const insertAudit = db.prepare('INSERT INTO audit_events (at, type, subject, message, data) VALUES (?, ?, ?, ?, ?)');
  const selectAudit = db.prepare('SELECT * FROM audit_events WHERE (@subject IS NULL OR subject = @subject) ORDER BY id DESC LIMIT @limit');

  return {
    recordAppRevision(rec: Omit<AppRevisionRecord, 'at'>): void {
      w.run(insertAppRevision, rec.application, rec.revision, rec.runId, rec.result, rec.desiredHash, now().toISOString(), rec.changed ?? null);
    },
    listAppRevisions(application: string): AppRevisionRecord[] {
      return (selectAppRevisions.all(application) as AppRevisionRow[]).map(toAppRevisionRecord);
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

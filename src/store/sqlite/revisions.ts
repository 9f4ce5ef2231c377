// Revisions seen and the desired resources of each, stored once per revision (rollback re-applies
// them; the benchmark's no-op path writes nothing because an existing snapshot is left alone).
import { redactForStorage } from '../at-rest.js';
import type { Database } from 'better-sqlite3';
import type { DesiredResource } from '../../model/resource.js';
import type { RevisionRecord } from '../store.js';
import type { SyncStore } from './sync-store.js';
import type { Clock, WriteCounter } from './write-counter.js';
import { type RevisionRow, toRevisionRecord } from '../rows.js';

export function revisionsTable(db: Database, w: WriteCounter, now: Clock): Pick<SyncStore, 'recordRevision' | 'getRevision' | 'saveDesired' | 'loadDesired'> {
  // First sight wins for seen_at; validity and tree hash are refreshed only when they differ.
  const upsertRevision = db.prepare(`
    INSERT INTO revisions (sha, tree_hash, source, ref, seen_at, valid, subject, author, committed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
    ON CONFLICT(sha) DO UPDATE SET tree_hash = excluded.tree_hash, valid = excluded.valid, ref = excluded.ref, source = excluded.source,
      subject = COALESCE(excluded.subject, revisions.subject), author = COALESCE(excluded.author, revisions.author),
      committed_at = COALESCE(excluded.committed_at, revisions.committed_at)
    WHERE revisions.tree_hash IS NOT excluded.tree_hash OR revisions.valid IS NOT excluded.valid
       OR revisions.ref IS NOT excluded.ref OR revisions.source IS NOT excluded.source
       OR (excluded.subject IS NOT NULL AND revisions.subject IS NOT excluded.subject)
       OR (excluded.author IS NOT NULL AND revisions.author IS NOT excluded.author)
       OR (excluded.committed_at IS NOT NULL AND revisions.committed_at IS NOT excluded.committed_at)`);
  const selectRevision = db.prepare('SELECT * FROM revisions WHERE sha = ?');
  const insertSnapshot = db.prepare('INSERT OR IGNORE INTO desired_snapshots (revision, resources, count, saved_at) VALUES (?, ?, ?, ?)');
  const existsSnapshot = db.prepare('SELECT 1 FROM desired_snapshots WHERE revision = ?').pluck();
  const selectSnapshot = db.prepare('SELECT resources FROM desired_snapshots WHERE revision = ?').pluck();

  return {
    recordRevision(rev: RevisionRecord): void {
      w.run(
        upsertRevision,
        rev.sha,
        rev.treeHash,
        rev.source,
        rev.ref ?? null,
        rev.seenAt,
        rev.valid ? 1 : 0,
        rev.subject ?? null,
        rev.author ?? null,
        rev.committedAt ?? null,
      );
    },
    getRevision(sha: string): RevisionRecord | undefined {
      const row = selectRevision.get(sha) as RevisionRow | undefined;
      return row && toRevisionRecord(row);
    },
    saveDesired(revision: string, resources: DesiredResource[]): void {
      // Checked first so an unchanged revision does not even serialise 10,000 resources.
      if (existsSnapshot.get(revision)) return;
      w.run(insertSnapshot, revision, JSON.stringify(resources.map(redactForStorage)), resources.length, now().toISOString());
    },
    loadDesired(revision: string): DesiredResource[] | undefined {
      const text = selectSnapshot.get(revision) as string | undefined;
      return text === undefined ? undefined : (JSON.parse(text) as DesiredResource[]);
    },
  };
}

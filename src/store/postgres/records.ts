// Revisions and desired snapshots, the inventory and observation cache, and the kv blobs: the same
// statements as the SQLite modules (../sqlite/revisions.ts, inventory.ts, kv.ts), in PostgreSQL's
// dialect (`IS DISTINCT FROM` for SQLite's `IS NOT`). Unchanged values write zero rows.
import type { InventoryItem } from '../../model/inventory.js';
import type { DesiredResource, ObservedResource } from '../../model/resource.js';
import { canonicalJson } from '../../util/hash.js';
import { redactForStorage } from '../at-rest.js';
import type { RevisionRecord, Store } from '../store.js';
import type { TableContext } from './db.js';
import { type RevisionRow, toRevisionRecord } from '../rows.js';

type RecordMethods = Pick<
  Store,
  | 'recordRevision'
  | 'getRevision'
  | 'saveDesired'
  | 'loadDesired'
  | 'listInventory'
  | 'recordApplied'
  | 'removeFromInventory'
  | 'saveObserved'
  | 'listObserved'
  | 'getKv'
  | 'setKv'
  | 'listKv'
>;

type InventoryRow = { resource: string; applied_hash: string; revision: string; last_task_key: string; applied_at: string };

export function recordTables(c: TableContext): RecordMethods {
  const { db, w, now } = c;
  return {
    async recordRevision(rev: RevisionRecord): Promise<void> {
      await c.write((q) =>
        w.run(
          q,
          `INSERT INTO revisions (sha, tree_hash, source, ref, seen_at, valid, subject, author, committed_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
           ON CONFLICT (sha) DO UPDATE SET tree_hash = excluded.tree_hash, valid = excluded.valid, ref = excluded.ref, source = excluded.source,
             subject = COALESCE(excluded.subject, revisions.subject), author = COALESCE(excluded.author, revisions.author),
             committed_at = COALESCE(excluded.committed_at, revisions.committed_at)
           WHERE revisions.tree_hash IS DISTINCT FROM excluded.tree_hash OR revisions.valid IS DISTINCT FROM excluded.valid
              OR revisions.ref IS DISTINCT FROM excluded.ref OR revisions.source IS DISTINCT FROM excluded.source
              OR (excluded.subject IS NOT NULL AND revisions.subject IS DISTINCT FROM excluded.subject)
              OR (excluded.author IS NOT NULL AND revisions.author IS DISTINCT FROM excluded.author)
              OR (excluded.committed_at IS NOT NULL AND revisions.committed_at IS DISTINCT FROM excluded.committed_at)`,
          [rev.sha, rev.treeHash, rev.source, rev.ref ?? null, rev.seenAt, rev.valid ? 1 : 0, rev.subject ?? null, rev.author ?? null, rev.committedAt ?? null],
        ),
      );
    },
    async getRevision(sha: string): Promise<RevisionRecord | undefined> {
      const row = (await db.query<RevisionRow>('SELECT * FROM revisions WHERE sha = $1', [sha])).rows[0];
      return row && toRevisionRecord(row);
    },
    async saveDesired(revision: string, resources: DesiredResource[]): Promise<void> {
      // Checked first so an unchanged revision does not even serialise 10,000 resources.
      if ((await db.query('SELECT 1 FROM desired_snapshots WHERE revision = $1', [revision])).rowCount) return;
      await c.write((q) =>
        w.run(q, 'INSERT INTO desired_snapshots (revision, resources, count, saved_at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING', [
          revision,
          JSON.stringify(resources.map(redactForStorage)),
          resources.length,
          now().toISOString(),
        ]),
      );
    },
    async loadDesired(revision: string): Promise<DesiredResource[] | undefined> {
      const row = (await db.query<{ resources: string }>('SELECT resources FROM desired_snapshots WHERE revision = $1', [revision])).rows[0];
      return row === undefined ? undefined : (JSON.parse(row.resources) as DesiredResource[]);
    },
    async listInventory(target?: string): Promise<InventoryItem[]> {
      const rows = (
        target === undefined
          ? await db.query<InventoryRow>('SELECT * FROM inventory ORDER BY resource_id')
          : await db.query<InventoryRow>('SELECT * FROM inventory WHERE target = $1 ORDER BY resource_id', [target])
      ).rows;
      return rows.map((row) => ({
        resource: JSON.parse(row.resource) as DesiredResource,
        appliedHash: row.applied_hash,
        revision: row.revision,
        lastTaskKey: row.last_task_key,
        appliedAt: row.applied_at,
      }));
    },
    async recordApplied(resource: DesiredResource, taskKey: string, revision: string): Promise<void> {
      await c.write((q) =>
        w.run(
          q,
          `INSERT INTO inventory (resource_id, target, owner, resource, applied_hash, revision, last_task_key, applied_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
           ON CONFLICT (resource_id) DO UPDATE SET target = excluded.target, owner = excluded.owner, resource = excluded.resource,
             applied_hash = excluded.applied_hash, revision = excluded.revision, last_task_key = excluded.last_task_key,
             applied_at = excluded.applied_at`,
          [resource.id, resource.target, resource.owner, JSON.stringify(redactForStorage(resource)), resource.hash, revision, taskKey, now().toISOString()],
        ),
      );
    },
    async removeFromInventory(resourceId: string): Promise<void> {
      // The cached observation of a deleted resource would show a ghost in `status`.
      await c.write(async (q) => {
        await w.run(q, 'DELETE FROM inventory WHERE resource_id = $1', [resourceId]);
        await w.run(q, 'DELETE FROM observed WHERE resource_id = $1', [resourceId]);
      });
    },
    async saveObserved(observed: ObservedResource[]): Promise<void> {
      if (observed.length === 0) return;
      const at = now().toISOString();
      await c.write(async (q) => {
        // As in SQLite: an absent resource that is not in the inventory is not cached.
        const absent = observed.filter((o) => o.state === 'absent').map((o) => o.id);
        const applied = absent.length
          ? new Set(
              (await q.query<{ resource_id: string }>('SELECT resource_id FROM inventory WHERE resource_id = ANY($1)', [absent])).rows.map(
                (r) => r.resource_id,
              ),
            )
          : new Set<string>();
        for (const o of observed) {
          if (o.state === 'absent' && !applied.has(o.id)) {
            await w.run(q, 'DELETE FROM observed WHERE resource_id = $1', [o.id]);
            continue;
          }
          await w.run(
            q,
            `INSERT INTO observed (resource_id, observation, changed_at) VALUES ($1, $2, $3)
             ON CONFLICT (resource_id) DO UPDATE SET observation = excluded.observation, changed_at = excluded.changed_at
             WHERE observed.observation IS DISTINCT FROM excluded.observation`,
            [o.id, canonicalJson(o), at],
          );
        }
      });
    },
    async listObserved(): Promise<ObservedResource[]> {
      const rows = (await db.query<{ observation: string }>('SELECT observation FROM observed ORDER BY resource_id')).rows;
      return rows.map((r) => JSON.parse(r.observation) as ObservedResource);
    },
    async getKv(namespace: string, key: string): Promise<string | undefined> {
      return (await db.query<{ value: string }>('SELECT value FROM kv WHERE namespace = $1 AND key = $2', [namespace, key])).rows[0]?.value;
    },
    async setKv(namespace: string, key: string, value: string | undefined): Promise<void> {
      await c.write((q) =>
        value === undefined
          ? w.run(q, 'DELETE FROM kv WHERE namespace = $1 AND key = $2', [namespace, key])
          : w.run(
              q,
              `INSERT INTO kv (namespace, key, value, updated_at) VALUES ($1, $2, $3, $4)
               ON CONFLICT (namespace, key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at
               WHERE kv.value IS DISTINCT FROM excluded.value`,
              [namespace, key, value, now().toISOString()],
            ),
      );
    },
    async listKv(namespace: string): Promise<Map<string, string>> {
      const rows = (await db.query<{ key: string; value: string }>('SELECT key, value FROM kv WHERE namespace = $1 ORDER BY key', [namespace])).rows;
      return new Map(rows.map((r) => [r.key, r.value]));
    },
  };
}

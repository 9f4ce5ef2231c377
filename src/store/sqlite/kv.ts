// Small named blobs (ACME account key, certificates, rollback pins, offline nodes). Setting the
// value a key already has writes nothing; setting undefined deletes the key.
import type { Database } from 'better-sqlite3';
import type { SyncStore } from './sync-store.js';
import type { Clock, WriteCounter } from './write-counter.js';

export function kvTable(db: Database, w: WriteCounter, now: Clock): Pick<SyncStore, 'getKv' | 'setKv' | 'listKv'> {
  const selectValue = db.prepare('SELECT value FROM kv WHERE namespace = ? AND key = ?').pluck();
  const upsertValue = db.prepare(`
    INSERT INTO kv (namespace, key, value, updated_at) VALUES (?, ?, ?, ?)
    ON CONFLICT(namespace, key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at
    WHERE kv.value IS NOT excluded.value`);
  const deleteValue = db.prepare('DELETE FROM kv WHERE namespace = ? AND key = ?');
  const selectNamespace = db.prepare('SELECT key, value FROM kv WHERE namespace = ? ORDER BY key');

  return {
    getKv(namespace: string, key: string): string | undefined {
      return selectValue.get(namespace, key) as string | undefined;
    },
    setKv(namespace: string, key: string, value: string | undefined): void {
      if (value === undefined) w.run(deleteValue, namespace, key);
      else w.run(upsertValue, namespace, key, value, now().toISOString());
    },
    listKv(namespace: string): Map<string, string> {
      return new Map((selectNamespace.all(namespace) as Array<{ key: string; value: string }>).map((r) => [r.key, r.value]));
    },
  };
}

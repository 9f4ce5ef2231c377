// FAKE kube-apiserver: server-side apply and update ownership (the structured-merge-diff rules the
// client relies on). Each manager owns a set of leaf paths. An apply:
//  - conflicts when another manager owns a path it sets to a different value (409 unless force;
//    with force the path moves to the applier); equal values become shared ownership;
//  - removes paths the applier owned before and no longer sets, unless someone else owns them;
//  - makes the applier own exactly the paths of its configuration.
// An update (kubectl edit) takes ownership of the paths whose values it changed.
import { deepEqual, deleteAt, getAt, keyPath, ownablePaths, pathKey, removalOrder, setAt, toFieldsV1, type Obj, type Path } from './fields.js';

export interface ManagerEntry {
  manager: string;
  operation: 'Apply' | 'Update';
  apiVersion: string;
  time: string;
  /** pathKey → owned */
  paths: Set<string>;
}

export interface Stored {
  obj: Obj;
  managers: ManagerEntry[];
}

export interface Conflict {
  manager: string;
  apiVersion: string;
  path: Path;
}

const now = () => new Date().toISOString().replace(/\.\d+Z$/, 'Z');

/** The merged object and managers, or the conflicts that stop a non-forced apply. */
export function serverSideApply(live: Stored | undefined, config: Obj, manager: string, force: boolean): { result: Stored } | { conflicts: Conflict[] } {
  const apiVersion = String(config.apiVersion);
  const newPaths = ownablePaths(config);
  const newKeys = new Set(newPaths.map(pathKey));
  const managers = (live?.managers ?? []).map((m) => ({ ...m, paths: new Set(m.paths) }));
  const obj: Obj = live ? structuredClone(live.obj) : { apiVersion: config.apiVersion, kind: config.kind, metadata: {} };
  const conflicts: Conflict[] = [];
  const taken: { m: ManagerEntry; key: string }[] = [];
  for (const p of newPaths) {
    const key = pathKey(p);
    for (const m of managers) {
      if (m.manager === manager || !m.paths.has(key)) continue;
      if (deepEqual(getAt(obj, p), getAt(config, p))) continue; // same value: shared ownership
      conflicts.push({ manager: m.manager, apiVersion: m.apiVersion, path: p });
      taken.push({ m, key });
    }
  }
  if (conflicts.length && !force) return { conflicts };
  for (const { m, key } of taken) m.paths.delete(key);

  const mine = managers.find((m) => m.manager === manager && m.operation === 'Apply');
  for (const key of [...(mine?.paths ?? [])].sort(removalOrder)) {
    if (newKeys.has(key)) continue;
    if (managers.some((m) => m !== mine && m.paths.has(key))) continue;
    deleteAt(obj, keyPath(key));
  }
  for (const p of newPaths) setAt(obj, p, getAt(config, p));
  const entry: ManagerEntry = { manager, operation: 'Apply', apiVersion, time: now(), paths: newKeys };
  const others = managers.filter((m) => m !== mine && m.paths.size > 0);
  return { result: { obj, managers: [...others, entry] } };
}

/** A non-apply write by `manager` (kubectl edit/patch): it owns what it changed, others lose it. */
export function updateAs(live: Stored, after: Obj, manager: string, changed: Path[]): Stored {
  const keys = changed.map(pathKey);
  const managers = live.managers.map((m) => ({ ...m, paths: new Set([...m.paths].filter((k) => !keys.includes(k))) }));
  let mine = managers.find((m) => m.manager === manager && m.operation === 'Update');
  if (!mine) managers.push((mine = { manager, operation: 'Update', apiVersion: String(after.apiVersion), time: now(), paths: new Set() }));
  for (const p of changed) if (getAt(after, p) !== undefined) mine.paths.add(pathKey(p));
  mine.time = now();
  return { obj: after, managers: managers.filter((m) => m.paths.size > 0) };
}

/** metadata.managedFields as the real server returns it. */
export function managedFieldsOf(managers: ManagerEntry[]): Obj[] {
  return managers.map((m) => ({
    manager: m.manager,
    operation: m.operation,
    apiVersion: m.apiVersion,
    time: m.time,
    fieldsType: 'FieldsV1',
    fieldsV1: toFieldsV1([...m.paths].map(keyPath)),
  }));
}

/** Same owners with the same paths (timestamps aside): an apply that changes nothing is a no-op. */
export function sameOwnership(a: ManagerEntry[], b: ManagerEntry[]): boolean {
  if (a.length !== b.length) return false;
  return a.every((m) => {
    const o = b.find((x) => x.manager === m.manager && x.operation === m.operation);
    return !!o && o.paths.size === m.paths.size && [...m.paths].every((k) => o.paths.has(k));
  });
}

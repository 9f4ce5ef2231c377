// FAKE kube-apiserver: field paths and managedFields (FieldsV1) like structured-merge-diff.
// A path is a list of elements: `f:<field>` for a map key, `k:{"name":"x"}` for an item of a list
// whose items all carry a `name` (containers, env, volumes, ports of a Service...: the "associative"
// lists of the real OpenAPI schemas); every other list is atomic (owned and replaced as a whole).
export type Obj = Record<string, unknown>;
export type Path = string[];

const isObj = (v: unknown): v is Obj => !!v && typeof v === 'object' && !Array.isArray(v);
const isKeyedList = (v: unknown): v is Obj[] => Array.isArray(v) && v.length > 0 && v.every((i) => isObj(i) && typeof i.name === 'string');
const itemKey = (name: string) => `k:${JSON.stringify({ name })}`;

/** Leaf paths set in an applied configuration (what its manager will own). */
export function leafPaths(value: unknown, prefix: Path = []): Path[] {
  if (isObj(value)) {
    const keys = Object.keys(value);
    if (keys.length === 0) return [prefix];
    return keys.flatMap((k) => leafPaths(value[k], [...prefix, `f:${k}`]));
  }
  if (isKeyedList(value)) return value.flatMap((item) => leafPaths(item, [...prefix, itemKey(item.name as string)]));
  return [prefix];
}

/** Owned paths of an object: everything except identity, server-managed metadata and status. */
export function ownablePaths(obj: Obj): Path[] {
  const out: Path[] = [];
  for (const [k, v] of Object.entries(obj)) {
    if (k === 'apiVersion' || k === 'kind' || k === 'status') continue;
    if (k === 'metadata') {
      const m = v as Obj;
      for (const mk of ['labels', 'annotations', 'finalizers', 'ownerReferences'])
        if (m[mk] !== undefined) out.push(...leafPaths(m[mk], ['f:metadata', `f:${mk}`]));
      continue;
    }
    out.push(...leafPaths(v, [`f:${k}`]));
  }
  return out;
}

export const pathKey = (p: Path) => JSON.stringify(p);
export const keyPath = (k: string) => JSON.parse(k) as Path;
/** `.spec.template.spec.containers[name="api"].image`, as the real server prints conflicts. */
export function pathText(p: Path): string {
  return p.map((e) => (e.startsWith('f:') ? `.${e.slice(2)}` : `[name=${JSON.stringify(JSON.parse(e.slice(2)).name)}]`)).join('');
}

function step(container: unknown, e: string): unknown {
  if (e.startsWith('f:')) return isObj(container) ? container[e.slice(2)] : undefined;
  const name = JSON.parse(e.slice(2)).name;
  return Array.isArray(container) ? container.find((i) => isObj(i) && i.name === name) : undefined;
}

export function getAt(obj: unknown, p: Path): unknown {
  let cur = obj;
  for (const e of p) {
    cur = step(cur, e);
    if (cur === undefined) return undefined;
  }
  return cur;
}

export function setAt(obj: Obj, p: Path, value: unknown): void {
  let cur: unknown = obj;
  for (let i = 0; i < p.length; i++) {
    const e = p[i];
    const last = i === p.length - 1;
    const nextIsItem = !last && p[i + 1].startsWith('k:');
    if (e.startsWith('f:')) {
      const o = cur as Obj;
      const k = e.slice(2);
      if (last) o[k] = structuredClone(value);
      else {
        if (nextIsItem ? !Array.isArray(o[k]) : !isObj(o[k])) o[k] = nextIsItem ? [] : {};
        cur = o[k];
      }
    } else {
      const list = cur as Obj[];
      const name = JSON.parse(e.slice(2)).name;
      let item = list.find((x) => x.name === name);
      if (!item) list.push((item = { name }));
      if (last) Object.assign(item, structuredClone(value));
      else cur = item;
    }
  }
}

/**
 * Removes a leaf and then every map or list item it leaves empty (real SSA drops emptied parents).
 * Callers remove item keys (`...k:{..}/f:name`) after the item's other fields (see `removalOrder`).
 */
export function deleteAt(obj: Obj, p: Path): void {
  const chain: unknown[] = [obj];
  for (const e of p.slice(0, -1)) {
    const next = step(chain[chain.length - 1], e);
    if (next === undefined) return;
    chain.push(next);
  }
  // An associative-list item keeps its key (`name`) while any of its other fields is still there.
  const isItemKey = p.length >= 2 && p[p.length - 1] === 'f:name' && p[p.length - 2].startsWith('k:');
  if (isItemKey && Object.keys(chain[chain.length - 1] as Obj).length > 1) return;
  for (let i = p.length - 1; i >= 0; i--) {
    const parent = chain[i];
    const e = p[i];
    if (e.startsWith('f:')) delete (parent as Obj)[e.slice(2)];
    else {
      const list = parent as Obj[];
      const name = JSON.parse(e.slice(2)).name;
      // the item may already have lost its `name`: find it by identity when we walked through it
      const at = i < p.length - 1 ? list.indexOf(chain[i + 1] as Obj) : list.findIndex((x) => x.name === name);
      if (at >= 0) list.splice(at, 1);
    }
    const left = chain[i];
    const empty = Array.isArray(left) ? left.length === 0 : isObj(left) && Object.keys(left).length === 0;
    // stop at the first ancestor that still holds something (and never delete the object itself)
    if (i === 0 || !empty) break;
  }
}

/** FieldsV1 JSON of a set of owned paths (`{"f:spec":{"f:replicas":{}}}`), as in metadata.managedFields. */
export function toFieldsV1(paths: Path[]): Obj {
  const root: Obj = {};
  for (const p of paths) {
    let cur = root;
    for (const e of p) {
      if (e.startsWith('k:') && !cur[e]) cur[e] = { '.': {} };
      cur = (cur[e] ??= {}) as Obj;
    }
  }
  return root;
}

/** Leaf paths whose values differ between two objects (both directions), for Update ownership. */
export function changedPaths(before: Obj, after: Obj): Path[] {
  const keys = new Map<string, Path>();
  for (const p of [...ownablePaths(before), ...ownablePaths(after)]) keys.set(pathKey(p), p);
  return [...keys.values()].filter((p) => !deepEqual(getAt(before, p), getAt(after, p)));
}

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) return a.length === (b as unknown[]).length && a.every((v, i) => deepEqual(v, (b as unknown[])[i]));
  const ka = Object.keys(a as Obj).filter((k) => (a as Obj)[k] !== undefined);
  const kb = Object.keys(b as Obj).filter((k) => (b as Obj)[k] !== undefined);
  return ka.length === kb.length && ka.every((k) => deepEqual((a as Obj)[k], (b as Obj)[k]));
}

/** Sort order for removals: an item's `name` after its other fields, so emptied items disappear. */
export function removalOrder(a: string, b: string): number {
  const isName = (k: string) => k.endsWith('"f:name"]') && /"k:\{/.test(k);
  return Number(isName(a)) - Number(isName(b));
}

// The one field-path style of every Boreas output (validate, plan, drift, API refusals): keys joined
// by dots, list items named by their `name` when they have one (`spec.template.spec.containers[name=web].image`,
// the key Kubernetes merges such lists by, so a path survives reordering), else by index
// (`spec.rules[0].host`). Internally paths stay segment lists or index strings (`containers[0]`);
// these functions render them for people, looking items up in the object the path points into.

export type PathSegment = string | number;

const isRecord = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

/** The printable path of `segments` inside `root` (`root` absent: items by index). */
export function fieldPathOf(segments: readonly PathSegment[], root?: unknown): string {
  let out = '';
  let cur: unknown = root;
  for (const seg of segments) {
    if (typeof seg === 'number') {
      const item = Array.isArray(cur) ? cur[seg] : undefined;
      out += itemKey(item, seg);
      cur = item;
    } else {
      out += out ? `.${seg}` : seg;
      cur = isRecord(cur) ? cur[seg] : undefined;
    }
  }
  return out;
}

/** `[name=web]` for an item with a name, else `[3]`. */
export function itemKey(item: unknown, index: number): string {
  const name = isRecord(item) ? item.name : undefined;
  return typeof name === 'string' && name !== '' ? `[name=${name}]` : `[${index}]`;
}

/** Segments of an index-style path: `a.b[2].c` → `['a', 'b', 2, 'c']`. */
export function indexPathSegments(path: string): PathSegment[] {
  const out: PathSegment[] = [];
  for (const m of path.matchAll(/([^.[\]]+)|\[(\d+)\]/g)) out.push(m[1] !== undefined ? m[1] : Number(m[2]));
  return out;
}

/** An index-style path (`spec.containers[0].image`) in the printable style, items looked up in `root`. */
export function namedFieldPath(path: string, root: unknown): string {
  if (!path.includes('[')) return path;
  return fieldPathOf(indexPathSegments(path), root);
}

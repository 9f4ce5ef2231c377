// Maps a field path inside a parsed document (`['spec', 'rules', 0, 'port']`) to the line:col of the
// YAML node that holds it, so every layer's diagnostics point at the offending key.
import { isMap, isScalar, isSeq, type Document, type LineCounter } from 'yaml';

export interface Position {
  line: number;
  col: number;
}

/**
 * Position of the deepest node along `path` that exists: the key of a mapping entry, or the item of
 * a sequence. A path that stops early (a missing field) points at its nearest existing parent.
 */
export function locate(document: Document, lineCounter: LineCounter, path: readonly (string | number)[]): Position {
  let node: unknown = document.contents;
  let offset = (document.contents as { range?: [number] } | null)?.range?.[0] ?? 0;
  for (const seg of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => (isScalar(p.key) ? String(p.key.value) : String(p.key)) === String(seg));
      if (!pair) break;
      const keyRange = (pair.key as { range?: [number] } | null)?.range;
      if (keyRange) offset = keyRange[0];
      node = pair.value;
    } else if (isSeq(node) && typeof seg === 'number' && seg < node.items.length) {
      node = node.items[seg];
      const range = (node as { range?: [number] } | null)?.range;
      if (range) offset = range[0];
    } else break;
  }
  return lineCounter.linePos(offset);
}

/** `/spec/ports/0/name` (JSON pointer) to path segments; numeric segments become indexes. */
export function pointerToPath(pointer: string): (string | number)[] {
  if (!pointer) return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^(0|[1-9]\d*)$/.test(s) ? Number(s) : s));
}

// Aligned plain-text tables (kubectl style: upper-case headers, two spaces between columns).
import { safeText } from '../util/terminal-text.js';

/** Renders rows under headers with columns padded to their widest cell; control characters in cells are escaped. */
export function textTable(headers: string[], rawRows: string[][], indent = ''): string {
  const rows = rawRows.map((r) => r.map((c) => safeText(c)));
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    indent +
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  return [line(headers), ...rows.map(line)].join('\n') + '\n';
}

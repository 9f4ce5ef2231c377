// Parses durations the way kubectl/flux flags accept them: "300", "30s", "5m", "1h30m".
import { UserError } from '../model/errors.js';

const units: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

export function parseDuration(text: string, flag = '--timeout'): number {
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h)/g;
  let total = 0;
  let consumed = 0;
  for (const m of text.matchAll(re)) {
    total += Number(m[1]) * units[m[2]];
    consumed += m[0].length;
  }
  if (consumed !== text.length || consumed === 0) throw new UserError(`${flag}: invalid duration "${text}" (use e.g. 90s, 5m, 1h)`);
  return total;
}

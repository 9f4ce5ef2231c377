// Splits an application's instances between the versions of its Release. Pure, deterministic:
// ordinals are assigned to versions in Release order, counts by largest remainder, so "90/10 of 10"
// is 9/1 and an unchanged Release never reshuffles which ordinal runs which version.
import type { Application, Release } from '../model/manifest-types.generated.js';

export interface VersionSlice {
  version: string;
  percent: number;
  /** Runtime blocks of this version merged over the application's. */
  overrides: Pick<Release['spec']['versions'][number], 'process' | 'container' | 'script' | 'systemd'>;
}

/** Instance counts per version by largest remainder; sums to `total`. */
export function splitCounts(total: number, percents: number[]): number[] {
  const exact = percents.map((p) => (total * p) / 100);
  const counts = exact.map(Math.floor);
  let left = total - counts.reduce((a, b) => a + b, 0);
  const order = exact.map((e, i) => ({ i, r: e - Math.floor(e) })).sort((a, b) => b.r - a.r || a.i - b.i);
  for (const { i } of order) {
    if (left <= 0) break;
    counts[i]++;
    left--;
  }
  return counts;
}

/** The version (and its overrides) of every ordinal 0..total-1. */
export function versionsByOrdinal(app: Application, release: Release | undefined, total: number): VersionSlice[] {
  if (!release) {
    const only: VersionSlice = { version: app.spec.version ?? 'unversioned', percent: 100, overrides: {} };
    return Array.from({ length: total }, () => only);
  }
  const versions = release.spec.versions;
  const counts = splitCounts(
    total,
    versions.map((v) => v.percent),
  );
  const out: VersionSlice[] = [];
  versions.forEach((v, i) => {
    const slice: VersionSlice = {
      version: v.version,
      percent: v.percent,
      overrides: { process: v.process, container: v.container, script: v.script, systemd: v.systemd },
    };
    for (let n = 0; n < counts[i]; n++) out.push(slice);
  });
  return out;
}

// The v1 status shape (`GET /v1/status/:app`, `boreas status --output json`): health level
// 0–100 per application, per version and per node, each the average of the instances below it.
import type { AppStatus, CertificateStatus, InstanceStatus } from '../model/status.js';
import { splitCounts } from '../desired/release.js';

export interface SeedHealth {
  level: number;
}

export interface V1Status {
  app: string;
  healthy: SeedHealth;
  versions: Array<{
    version: string;
    /** Share of the app's instances running this version, 0–100. */
    percent: number;
    healthy: SeedHealth;
    nodes: Array<{ node: string; healthy: SeedHealth }>;
  }>;
  /** Additive to the v1 shape: certificates served for the app through TLS Ingresses. */
  certificates?: CertificateStatus[];
}

/** Rounded mean of instance health levels; 0 when there are none (nothing running is not healthy). */
export function averageLevel(instances: InstanceStatus[]): number {
  if (instances.length === 0) return 0;
  const sum = instances.reduce((n, i) => n + clampLevel(i.health.level), 0);
  return Math.round(sum / instances.length);
}

function clampLevel(level: number): number {
  return Number.isFinite(level) ? Math.min(100, Math.max(0, level)) : 0;
}

/**
 * Integer percentages of `counts` that add up to exactly 100 (largest remainder), so 2 + 1
 * instances read 67/33, never 67/34 or 66/33.
 */
export function sharesOf(counts: number[]): number[] {
  const total = counts.reduce((a, b) => a + b, 0);
  return total === 0
    ? counts.map(() => 0)
    : splitCounts(
        100,
        counts.map((c) => (c / total) * 100),
      );
}

const byName = (a: string, b: string) => a.localeCompare(b, undefined, { numeric: true });

/** v1 status of one application. Versions and nodes are sorted by name for stable output. */
export function toV1Status(status: AppStatus): V1Status {
  const versions = [...new Set(status.instances.map((i) => i.version))].sort(byName);
  const perVersion = versions.map((v) => status.instances.filter((i) => i.version === v));
  const shares = sharesOf(perVersion.map((list) => list.length));
  return {
    app: status.app,
    healthy: { level: averageLevel(status.instances) },
    versions: versions.map((version, vi) => {
      const instances = perVersion[vi];
      const nodes = [...new Set(instances.map((i) => i.node))].sort(byName);
      return {
        version,
        percent: shares[vi],
        healthy: { level: averageLevel(instances) },
        nodes: nodes.map((node) => ({ node, healthy: { level: averageLevel(instances.filter((i) => i.node === node)) } })),
      };
    }),
    ...(status.certificates?.length ? { certificates: status.certificates } : {}),
  };
}

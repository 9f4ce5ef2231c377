// The v1 status shape (`GET /v1/status`, `GET /v1/status/:app`, `boreas status --output v1-json`):
// health level 0–100 per application, per version and per node, each the average of the instances
// below it. Kept as it is for simple deployments and existing clients (docs/design.md, Agent protocol).
import { type AppStatus, averageLevel, type CertificateStatus } from '../model/status.js';
import { splitCounts } from '../desired/release.js';

export { averageLevel } from '../model/status.js';

/** A health level as the v1 API writes it: `{level: 0–100}`. */
export interface HealthLevel {
  level: number;
}

export interface V1Status {
  app: string;
  healthy: HealthLevel;
  versions: Array<{
    version: string;
    /** Share of the app's instances running this version, 0–100. */
    percent: number;
    healthy: HealthLevel;
    nodes: Array<{ node: string; healthy: HealthLevel }>;
  }>;
  /** Additive to the v1 shape: certificates served for the app through TLS Ingresses. */
  certificates?: CertificateStatus[];
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

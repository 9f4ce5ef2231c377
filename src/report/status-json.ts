// The status JSON shape (`boreas status --output json`, `GET /api/v1/applications`): per application
// its environment, the revision applied (SHA, short SHA, commit subject and author), sync state,
// health, drift summary, versions and instances (node, version, endpoint, pid or container id,
// health). One renderer for the CLI and the API, so both say the same thing.
import type { AppStatus, CertificateStatus, DriftItem, SyncState } from '../model/status.js';
import type { Health, HealthStatus } from '../model/resource.js';
import { shortRevision } from './format.js';
import { toV1Status, type V1Status } from './status-v1.js';

export interface AppStatusJson {
  name: string;
  environment: string;
  revision: { sha: string; short: string; subject: string | null; author: string | null; committedAt: string | null; pinned: boolean };
  sync: SyncState;
  health: { status: HealthStatus; level: number };
  drift: { count: number; resources: DriftItem[] };
  versions: V1Status['versions'];
  instances: Array<{
    instance: string;
    node: string;
    version: string;
    endpoint: string | null;
    pid: number | null;
    containerId: string | null;
    sync: SyncState;
    health: Health;
    drift: string[];
  }>;
  certificates?: CertificateStatus[];
}

export function statusJson(s: AppStatus): AppStatusJson {
  const r = s.revision;
  return {
    name: s.app,
    environment: s.environment,
    revision: {
      sha: r.sha,
      short: shortRevision(r.sha),
      subject: r.subject ?? null,
      author: r.author ?? null,
      committedAt: r.committedAt ?? null,
      pinned: !!r.pinned,
    },
    sync: s.sync,
    health: s.health,
    drift: { count: s.drift.length, resources: s.drift },
    versions: toV1Status(s).versions,
    instances: s.instances.map((i) => ({
      instance: i.instance,
      node: i.node,
      version: i.version,
      endpoint: i.endpoint ?? null,
      pid: i.pid ?? null,
      containerId: i.containerId ?? null,
      sync: i.sync,
      health: i.health,
      drift: i.drift ?? [],
    })),
    ...(s.certificates?.length ? { certificates: s.certificates } : {}),
  };
}

/** Counts of applications per sync state (the dashboard's summary line, the API's `summary`). */
export function syncCounts(list: AppStatus[]): Record<SyncState, number> {
  const counts: Record<SyncState, number> = { 'in-sync': 0, drifted: 0, missing: 0, unknown: 0 };
  for (const s of list) counts[s.sync]++;
  return counts;
}

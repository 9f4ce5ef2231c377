// The input of `boreas status`, `GET /api/v1/applications` and the dashboard: what the engine gathers
// per application from the state file and a look at the targets. Renderers (text table, status JSON,
// the v1 status shape, HTML) are pure functions of it.
import type { Health, HealthStatus } from './resource.js';

/**
 * Whether what runs is what was applied: `in-sync`; `drifted` (there, but changed or unhealthy in a
 * way a repair would fix: a process gone, a file edited); `missing` (not there at all); `unknown` (its
 * target could not be asked). Unknown is never in sync.
 */
export type SyncState = 'in-sync' | 'drifted' | 'missing' | 'unknown';

/** A revision as people read it: the commit and what it says about itself. */
export interface RevisionInfo {
  /** Commit SHA, or `worktree:<hash>` for an uncommitted working tree. */
  sha: string;
  /** First line of the commit message (absent for a working tree, or a revision recorded before it was kept). */
  subject?: string;
  author?: string;
  /** Author time, ISO. */
  committedAt?: string;
  /** Set when the application is held at this revision by a rollback while Git says otherwise. */
  pinned?: boolean;
}

export interface InstanceStatus {
  /** `<app>-<ordinal>`, or a Kubernetes object name. */
  instance: string;
  /** Node (machine) or target the instance runs on. */
  node: string;
  version: string;
  health: Health;
  sync: SyncState;
  /** `host:port` the instance answers on, when it has a port. */
  endpoint?: string;
  /** Process id (process and script runtimes, a systemd unit's main pid) as last observed. */
  pid?: number;
  /** Container id (container runtime), short form. */
  containerId?: string;
  /** Why the live state differs from what was applied (empty/absent = in sync). */
  drift?: string[];
}

/** One resource of an application whose live state is not what was applied. */
export interface DriftItem {
  /** Resource id, e.g. `local/File/web-0/web.json`. */
  resource: string;
  kind: string;
  name: string;
  state: Exclude<SyncState, 'in-sync'>;
  message: string;
}

/** One certificate served for an application (through a TLS Ingress). */
export interface CertificateStatus {
  name: string;
  domains: string[];
  /** DNS names of the current version. */
  sans?: string[];
  /** ISO timestamp of expiry. */
  notAfter?: string;
  /** Whole days until expiry (negative once expired). */
  daysLeft?: number;
  issuer?: string;
  /** Current (desired) version in the certificate store. */
  version?: number;
  fingerprint?: string;
  /** What each edge node serves; `drift` when it is not the current version. */
  nodes?: Array<{ node: string; version?: number; fingerprint?: string; drift: boolean }>;
  message?: string;
}

export interface AppStatus {
  app: string;
  environment: string;
  /** The revision last applied to the app (the last one reconciled, or the one a rollback holds it at). */
  revision: RevisionInfo;
  /** The worst sync state of the app's resources. */
  sync: SyncState;
  /** Mean instance health level (0–100) and the worst instance health status. */
  health: { status: HealthStatus; level: number };
  /** Resources not in sync, ordered by id. */
  drift: DriftItem[];
  instances: InstanceStatus[];
  certificates?: CertificateStatus[];
}

/** Rounded mean of instance health levels (each clamped to 0–100); 0 when there are none (nothing running is not healthy). */
export function averageLevel(instances: Array<{ health: { level: number } }>): number {
  if (instances.length === 0) return 0;
  const clamp = (level: number) => (Number.isFinite(level) ? Math.min(100, Math.max(0, level)) : 0);
  return Math.round(instances.reduce((n, i) => n + clamp(i.health.level), 0) / instances.length);
}

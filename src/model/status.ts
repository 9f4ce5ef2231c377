// The input of `boreas status`: what the engine gathers per application from the state file and a
// live look at the targets. Renderers (text table, v1 status JSON) are pure functions of it.
import type { Health } from './resource.js';

export interface InstanceStatus {
  /** `<app>-<ordinal>`, or a Kubernetes object name. */
  instance: string;
  /** Node (machine) or target the instance runs on. */
  node: string;
  version: string;
  health: Health;
  /** `host:port` the instance answers on, when it has a port. */
  endpoint?: string;
  /** Why the live state differs from what was applied (empty/absent = in sync). */
  drift?: string[];
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
  /** Last revision applied to the app. */
  revision: string;
  instances: InstanceStatus[];
  certificates?: CertificateStatus[];
}

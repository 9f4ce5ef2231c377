// `POST /v1/observe` (and the pull-mode Observe task): the controller asks about many resources in
// one round trip; each item carries a locator computed from the desired spec, telling the agent
// where to look when it has no record of applying the resource itself. `POST /v1/observe-digests`
// (agents whose facts list the `observe-digests` feature) is the same question answered by digest:
// an observation equal to the one the controller already holds comes back as its digest only.
import type { NginxSiteProbe } from '../model/edge-specs.js';
import type { HealthCheckSpec, InstanceSpec, Runtime } from '../model/machine-specs.js';
import type { ObservedResource } from '../model/resource.js';
import type { NodeFacts } from './facts.js';

export interface ObserveItem {
  id: string;
  kind: string;
  /** Desired hash (used when the agent has no record but the disk already matches). */
  hash?: string;
  locator?: ResourceLocator;
}

/**
 * Where a resource lives on a node, by kind: an instance (runtime, instance, state, address, literal
 * env and health check), files (path, content hash, mode), an nginx site (path, content hash, probe)
 * or certificate files (paths, fingerprint). The agent also records the locator of what it applied,
 * plus when a removal happened, and prefers that record over the controller's.
 */
export interface ResourceLocator {
  runtime?: Runtime;
  instance?: string;
  state?: InstanceSpec['state'];
  host?: string;
  env?: Record<string, string>;
  health?: HealthCheckSpec;
  path?: string;
  files?: Array<{ path: string; contentHash: string; mode?: number }>;
  contentHash?: string;
  mode?: number;
  nginxSite?: string;
  probe?: NginxSiteProbe;
  certPath?: string;
  keyPath?: string;
  fingerprint?: string;
  app?: string;
  version?: string;
  unit?: string;
  unitPath?: string;
  /** Set by the agent when it removed the resource (and which task did). */
  removedAt?: string;
  removedBy?: string;
}

export interface ObserveResponse {
  node: string;
  facts: NodeFacts;
  observations: ObservedResource[];
}

/** The feature (NodeFacts.features) of an agent that answers `POST /v1/observe-digests`. */
export const observeDigestsFeature = 'observe-digests';

/**
 * `POST /v1/observe-digests`: the items of `POST /v1/observe`, plus the digest of the observation
 * the controller holds for some of them (from an earlier answer).
 */
export interface ObserveDigestsRequest {
  resources: ObserveItem[];
  /** Resource id → digest of the observation the controller holds for it. */
  known?: Record<string, string>;
}

/**
 * One answer per item, in request order: the digest of the observation (sha256 of its canonical
 * JSON), and the observation itself unless its digest is the one the controller sent as known.
 */
export interface DigestObservation {
  digest: string;
  observation?: ObservedResource;
}

export interface ObserveDigestsResponse {
  node: string;
  facts: NodeFacts;
  observations: DigestObservation[];
}

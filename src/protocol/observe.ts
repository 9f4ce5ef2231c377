// `POST /v1/observe` (and the pull-mode Observe task): the controller asks about many resources in
// one round trip; each item carries a locator computed from the desired spec, telling the agent
// where to look when it has no record of applying the resource itself.
import type { Json } from '../model/json.js';
import type { ObservedResource } from '../model/resource.js';
import type { NodeFacts } from './facts.js';

export interface ObserveItem {
  id: string;
  kind: string;
  /** Desired hash (used when the agent has no record but the disk already matches). */
  hash?: string;
  locator?: Record<string, Json>;
}

export interface ObserveResponse {
  node: string;
  facts: NodeFacts;
  observations: ObservedResource[];
}

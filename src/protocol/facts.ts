// What a node tells the controller about itself: the nginx settings sites are rendered for and the
// runtimes it can run. Sent with every observe answer, on `GET /v1/facts`, and as the pull-mode
// heartbeat's facts.
import type { NginxNodeFacts } from '../model/edge-specs.js';

export interface NodeFacts {
  node: string;
  agentVersion: string;
  runtimes: string[];
  nginx: NginxNodeFacts;
  /**
   * Protocol additions this agent serves beyond the first version (absent: none), e.g.
   * `observe-digests` (protocol/observe.ts). A controller uses one only when the agent lists it.
   */
  features?: string[];
}

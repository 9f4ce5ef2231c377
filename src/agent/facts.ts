// The facts this node reports (src/protocol/facts.ts): its nginx settings and its runtimes. The
// controller renders this node's sites for exactly these settings.
import type { NginxNodeFacts } from '../model/edge-specs.js';
import type { NodeFacts } from '../protocol/facts.js';
import { observeDigestsFeature } from '../protocol/observe.js';
import type { AgentConfig } from './config.js';
import type { AgentContext } from './context.js';

export const agentVersion = '0.1.0';

/** Protocol additions this agent serves (NodeFacts.features). */
export const agentFeatures = [observeDigestsFeature] as const;

export function nodeFacts(ctx: AgentContext): NodeFacts {
  return { node: ctx.config.nodeName, agentVersion, runtimes: ctx.runners.runtimes(), nginx: edgeFacts(ctx.config), features: [...agentFeatures] };
}

/** This node's nginx as sites are rendered and probed for. */
export function edgeFacts(c: AgentConfig): NginxNodeFacts {
  return {
    httpPort: c.nginxHttpPort,
    httpsPort: c.nginxHttpsPort,
    confDir: c.nginxConfDir,
    certDir: c.nginxCertDir,
    webroot: c.nginxWebroot,
    ...(c.nginxListenAddress ? { listenAddress: c.nginxListenAddress } : {}),
    testCommand: c.nginxTestCommand,
    reloadCommand: c.nginxReloadCommand,
  };
}

// What a node tells the controller about itself: the nginx settings the controller renders sites for
// (targets/nginx/facts.ts) and the runtimes it can run. Sent with every observe answer and on
// `GET /v1/facts`; in pull mode they are the heartbeat's capabilities/facts (seed 004 §13.2).
import type { NginxNodeFacts } from '../targets/nginx/facts.js';
import type { AgentContext } from './context.js';

export interface NodeFacts {
  node: string;
  agentVersion: string;
  runtimes: string[];
  nginx: NginxNodeFacts;
}

export const agentVersion = '0.1.0';

export function nodeFacts(ctx: AgentContext): NodeFacts {
  const c = ctx.config;
  return {
    node: c.nodeName,
    agentVersion,
    runtimes: ctx.runners.runtimes(),
    nginx: {
      httpPort: c.nginxHttpPort,
      httpsPort: c.nginxHttpsPort,
      confDir: c.nginxConfDir,
      certDir: c.nginxCertDir,
      webroot: c.nginxWebroot,
      ...(c.nginxListenAddress ? { listenAddress: c.nginxListenAddress } : {}),
      testCommand: c.nginxTestCommand,
      reloadCommand: c.nginxReloadCommand,
    },
  };
}

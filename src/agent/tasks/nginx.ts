// RenderAndDeployNginx / RemoveNginxSite / DeployCertificate: thin adapters onto the node-side nginx
// module (src/runtime/nginx). How nginx is tested and reloaded is the node's own configuration
// (--nginx-test-command, --nginx-reload-command): commands in a payload are ignored, so the
// controller cannot make the agent run an arbitrary program through these tasks.
import { join } from 'node:path';
import { deployCertificate, deployNginxSite, removeNginxSite } from '../../runtime/nginx/index.js';
import type { AgentContext } from '../context.js';
import type { TaskPayloads } from '../../protocol/tasks.js';
import type { TaskHandlers } from './types.js';

function sitePath(ctx: AgentContext, payload: TaskPayloads['RemoveNginxSite']): string {
  return payload.targetPath ?? join(ctx.config.nginxConfDir, `${payload.siteName}.conf`);
}

const nginxRoots = (ctx: AgentContext) => [ctx.config.nginxConfDir, ctx.config.nginxCertDir, ...ctx.config.allowedRoots];
/** Where this node's nginx listens: a reload waits until its old workers stopped accepting there. */
const listenPorts = (ctx: AgentContext) => [ctx.config.nginxHttpPort, ctx.config.nginxHttpsPort];

const deploySite: TaskHandlers['RenderAndDeployNginx'] = async (ctx, payload) => {
  const targetPath = sitePath(ctx, payload);
  const r = await deployNginxSite(
    {
      siteName: payload.siteName,
      targetPath,
      content: payload.content,
      testCommand: ctx.config.nginxTestCommand,
      reloadCommand: ctx.config.nginxReloadCommand,
    },
    { allowedRoots: [ctx.config.nginxConfDir], listenPorts: listenPorts(ctx) },
  );
  return {
    outcome: r.outcome,
    message: r.message ?? 'site unchanged',
    details: { hash: r.hash, targetPath },
    locator: { nginxSite: targetPath, contentHash: r.hash, ...(payload.probe ? { probe: payload.probe } : {}) },
  };
};

const removeSite: TaskHandlers['RemoveNginxSite'] = async (ctx, payload) => {
  const r = await removeNginxSite(
    {
      siteName: payload.siteName,
      targetPath: sitePath(ctx, payload),
      testCommand: ctx.config.nginxTestCommand,
      reloadCommand: ctx.config.nginxReloadCommand,
    },
    { allowedRoots: [ctx.config.nginxConfDir], listenPorts: listenPorts(ctx) },
  );
  return { outcome: r.outcome, removed: true };
};

const deployCert: TaskHandlers['DeployCertificate'] = async (ctx, payload) => {
  const r = await deployCertificate(
    {
      name: payload.name,
      certPem: payload.certPem,
      keyPem: payload.keyPem,
      certPath: payload.certPath,
      keyPath: payload.keyPath,
      ...(payload.reload === false ? {} : { testCommand: ctx.config.nginxTestCommand, reloadCommand: ctx.config.nginxReloadCommand }),
    },
    { allowedRoots: nginxRoots(ctx), listenPorts: listenPorts(ctx) },
  );
  return {
    outcome: r.outcome,
    details: { fingerprint: r.fingerprint },
    locator: { certPath: payload.certPath, keyPath: payload.keyPath, fingerprint: r.fingerprint },
  };
};

export const nginxHandlers: Pick<TaskHandlers, 'RenderAndDeployNginx' | 'RemoveNginxSite' | 'DeployCertificate'> = {
  RenderAndDeployNginx: deploySite,
  RemoveNginxSite: removeSite,
  DeployCertificate: deployCert,
};

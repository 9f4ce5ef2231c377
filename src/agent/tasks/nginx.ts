// RenderAndDeployNginx / RemoveNginxSite / DeployCertificate: thin adapters onto the node-side nginx
// module (src/runtime/nginx). How nginx is tested and reloaded is the node's own configuration
// (--nginx-test-command, --nginx-reload-command): commands in a payload are ignored, so the
// controller cannot make the agent run an arbitrary program through these tasks.
import { join } from 'node:path';
import { deployCertificate, deployNginxSite, removeNginxSite } from '../../runtime/nginx/index.js';
import type { AgentContext } from '../context.js';
import type { TaskHandler } from './handle.js';

function sitePath(ctx: AgentContext, payload: Record<string, unknown>): string {
  return (payload.targetPath as string | undefined) ?? join(ctx.config.nginxConfDir, `${payload.siteName as string}.conf`);
}

const nginxRoots = (ctx: AgentContext) => [ctx.config.nginxConfDir, ctx.config.nginxCertDir, ...ctx.config.allowedRoots];

const deploySite: TaskHandler = async (ctx, payload) => {
  const targetPath = sitePath(ctx, payload);
  const r = await deployNginxSite(
    {
      siteName: payload.siteName as string,
      targetPath,
      content: payload.content as string,
      testCommand: ctx.config.nginxTestCommand,
      reloadCommand: ctx.config.nginxReloadCommand,
    },
    { allowedRoots: [ctx.config.nginxConfDir] },
  );
  return {
    outcome: r.outcome,
    message: r.message ?? 'site unchanged',
    details: { hash: r.hash, targetPath },
    locator: { nginxSite: targetPath, contentHash: r.hash, ...(payload.probe ? { probe: payload.probe } : {}) },
  };
};

const removeSite: TaskHandler = async (ctx, payload) => {
  const r = await removeNginxSite(
    {
      siteName: payload.siteName as string,
      targetPath: sitePath(ctx, payload),
      testCommand: ctx.config.nginxTestCommand,
      reloadCommand: ctx.config.nginxReloadCommand,
    },
    { allowedRoots: [ctx.config.nginxConfDir] },
  );
  return { outcome: r.outcome, removed: true };
};

const deployCert: TaskHandler = async (ctx, payload) => {
  const r = await deployCertificate(
    {
      name: payload.name as string,
      certPem: payload.certPem as string,
      keyPem: payload.keyPem as string,
      certPath: payload.certPath as string,
      keyPath: payload.keyPath as string,
      ...(payload.reload === false ? {} : { testCommand: ctx.config.nginxTestCommand, reloadCommand: ctx.config.nginxReloadCommand }),
    },
    { allowedRoots: nginxRoots(ctx) },
  );
  return {
    outcome: r.outcome,
    details: { fingerprint: r.fingerprint },
    locator: { certPath: payload.certPath as string, keyPath: payload.keyPath as string, fingerprint: r.fingerprint },
  };
};

export const nginxHandlers = { RenderAndDeployNginx: deploySite, RemoveNginxSite: removeSite, DeployCertificate: deployCert };

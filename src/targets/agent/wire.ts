// Controller resources → agent wire messages: the observe locator of a resource and the typed task
// of a plan task (kind + action → task type). Secrets are resolved here, at apply time, and travel
// only in the request body (or, for the local target, only in memory).
import { isAbsolute } from 'node:path';
import type { Task } from '../../model/plan.js';
import type { DesiredResource } from '../../model/resource.js';
import type { ObserveItem } from '../../protocol/observe.js';
import type { AgentTask } from '../../protocol/tasks.js';
import { stateSecret } from '../../store/state-key.js';
import { sha256 } from '../../util/hash.js';
import { certificatePayload } from '../certificates/payload.js';
import { literalEnv, resolveEnv } from '../../secrets/env.js';
import type { TargetContext } from '../target.js';

/** Where the agent looks for a resource when it has no record of applying it. */
export function observeItem(r: DesiredResource): ObserveItem {
  const item: ObserveItem = { id: r.id, kind: r.kind, hash: r.hash };
  switch (r.kind) {
    case 'Instance': {
      const s = r.spec;
      item.locator = {
        runtime: s.runtime,
        instance: s.instance,
        state: s.state,
        host: s.host,
        env: literalEnv(s.env),
        ...(s.health ? { health: s.health } : {}),
      };
      break;
    }
    case 'File': {
      const s = r.spec;
      if (isAbsolute(s.path)) item.locator = { path: s.path, contentHash: sha256(s.content), mode: parseInt(s.mode || '0644', 8) };
      break;
    }
    case 'NginxSite': {
      const s = r.spec;
      item.locator = { nginxSite: s.targetPath, contentHash: sha256(s.content), probe: s.probe };
      break;
    }
    case 'CertificateFiles': {
      const s = r.spec;
      item.locator = { certPath: s.certPath, keyPath: s.keyPath, fingerprint: s.fingerprint };
      break;
    }
  }
  return item;
}

/** The agent task for a plan task. */
export async function agentTask(task: Task, ctx: TargetContext): Promise<AgentTask> {
  const r = task.resource;
  const del = task.action === 'delete';
  const base = { taskId: task.key, idempotencyKey: task.key, resource: { id: r.id, kind: r.kind, hash: r.hash } };
  switch (r.kind) {
    case 'Instance': {
      const s = r.spec;
      if (del) return { ...base, type: 'RemoveInstance', payload: { runtime: s.runtime, instance: s.instance } };
      const env = s.state === 'Stopped' ? {} : await resolveEnv(s.env, ctx.resolveSecret);
      return { ...base, type: 'StartInstance', payload: { spec: s, specHash: r.hash, env } };
    }
    case 'File': {
      const s = r.spec;
      if (del) return { ...base, type: 'RemoveFiles', payload: { paths: [s.path], instance: s.instance } };
      return { ...base, type: 'ApplyConfigFiles', payload: { files: [{ path: s.path, content: s.content, mode: s.mode, instance: s.instance }] } };
    }
    case 'NginxSite': {
      const s = r.spec;
      if (del) return { ...base, type: 'RemoveNginxSite', payload: { siteName: s.siteName, targetPath: s.targetPath } };
      return { ...base, type: 'RenderAndDeployNginx', payload: { siteName: s.siteName, targetPath: s.targetPath, content: s.content, probe: s.probe } };
    }
    case 'CertificateFiles': {
      const s = r.spec;
      if (del) return { ...base, type: 'RemoveFiles', payload: { paths: [s.certPath, s.keyPath] } };
      const p = await certificatePayload(ctx.store, s, { secretKey: stateSecret(ctx.stateDir) });
      return { ...base, type: 'DeployCertificate', payload: { name: p.name, certPem: p.certPem, keyPem: p.keyPem, certPath: p.certPath, keyPath: p.keyPath } };
    }
    default:
      throw new Error(`agent targets do not serve ${r.kind} resources (${r.id})`);
  }
}

// Controller resources → agent wire messages: the observe locator of a resource and the typed task
// of a plan task (kind + action → seed 004 task type). Secrets are resolved here, at apply time, and
// travel only in the request body.
import { stateSecret } from '../../store/state-key.js';
import { isAbsolute } from 'node:path';
import type { Task } from '../../model/plan.js';
import type { DesiredResource, Json } from '../../model/resource.js';
import type { FileSpec, InstanceSpec } from '../../runtime/instance-spec.js';
import { sha256 } from '../../util/hash.js';
import type { CertificateFilesSpec, NginxSiteSpec } from '../nginx/specs.js';
import type { TargetContext } from '../target.js';
import type { AgentTask } from '../../agent/tasks/types.js';
import type { ObserveItem } from '../../agent/observe.js';
import { certificatePayload } from '../certificates/payload.js';
import { resolveEnv } from '../../secrets/env.js';

/** Where the agent looks for a resource when it has no record of applying it. */
export function observeItem(r: DesiredResource): ObserveItem {
  const item: ObserveItem = { id: r.id, kind: r.kind, hash: r.hash };
  switch (r.kind) {
    case 'Instance': {
      const s = r.spec as unknown as InstanceSpec;
      item.locator = { runtime: s.runtime, instance: s.instance, state: s.state, host: s.host, ...(s.health ? { health: s.health as unknown as Json } : {}) };
      break;
    }
    case 'File': {
      const s = r.spec as unknown as FileSpec;
      if (isAbsolute(s.path)) item.locator = { path: s.path, contentHash: sha256(s.content), mode: parseInt(s.mode || '0644', 8) };
      break;
    }
    case 'NginxSite': {
      const s = r.spec as unknown as NginxSiteSpec;
      item.locator = { nginxSite: s.targetPath, contentHash: sha256(s.content) };
      break;
    }
    case 'CertificateFiles': {
      const s = r.spec as unknown as CertificateFilesSpec;
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
      const s = r.spec as unknown as InstanceSpec;
      if (del) return { ...base, type: 'RemoveInstance', payload: { runtime: s.runtime, instance: s.instance } };
      const env = s.state === 'Stopped' ? {} : await resolveEnv(s.env, ctx.resolveSecret);
      return { ...base, type: 'StartInstance', payload: { spec: r.spec as { [k: string]: Json }, specHash: r.hash, env } };
    }
    case 'File': {
      const s = r.spec as unknown as FileSpec;
      if (del) return { ...base, type: 'RemoveFiles', payload: { paths: [s.path], instance: s.instance } };
      return { ...base, type: 'ApplyConfigFiles', payload: { files: [{ path: s.path, content: s.content, mode: s.mode, instance: s.instance }] } };
    }
    case 'NginxSite': {
      const s = r.spec as unknown as NginxSiteSpec;
      if (del) return { ...base, type: 'RemoveNginxSite', payload: { siteName: s.siteName, targetPath: s.targetPath } };
      return { ...base, type: 'RenderAndDeployNginx', payload: { siteName: s.siteName, targetPath: s.targetPath, content: s.content } };
    }
    case 'CertificateFiles': {
      const s = r.spec as unknown as CertificateFilesSpec;
      if (del) return { ...base, type: 'RemoveFiles', payload: { paths: [s.certPath, s.keyPath] } };
      const p = certificatePayload(ctx.store, s, { secretKey: stateSecret(ctx.stateDir) });
      return { ...base, type: 'DeployCertificate', payload: { name: p.name, certPem: p.certPem, keyPem: p.keyPem, certPath: p.certPath, keyPath: p.keyPath } };
    }
    default:
      throw new Error(`agent targets do not handle ${r.kind} resources (${r.id})`);
  }
}

// The `local` target: runs machine resources (Instance, File) and the local edge (NginxSite,
// CertificateFiles; facts from BOREAS_NGINX_*, see nginx.ts) on this machine, in-process, with the
// same runners `boreas agent` uses on nodes. Its bookkeeping lives under `<stateDir>/local/`;
// processes it starts are detached and outlive the CLI.
import { join } from 'node:path';
import type { DesiredResource, Health, ObservedResource } from '../../model/resource.js';
import type { Task, TaskResult } from '../../model/plan.js';
import { UserError } from '../../model/errors.js';
import type { Runtime } from '../../runtime/instance-spec.js';
import { RunnerSet, type RunnerFactory } from '../../runtime/runners/index.js';
import type { Target, TargetContext, TargetFactory } from '../target.js';
import { applyLocalFile, observeLocalFile } from './files.js';
import { localRunnerFactories } from './runners.js';
import { applyInstance, instanceHealth, observeInstance, type InstanceEnv } from './instances.js';
import { applyLocalNginxSite, localNginxFacts, localNginxSiteHealth, observeLocalNginxSite } from './nginx.js';
import { applyLocalCertificate, localCertificateHealth, observeLocalCertificate } from './certificates.js';

export interface LocalTargetOptions {
  /** Replaces runner factories for this target only (tests; a different systemctl). */
  runners?: Partial<Record<Runtime, RunnerFactory>>;
}

/** `<stateDir>/local`: instance dirs (state, logs, relative files) and file records. */
export function localWorkDir(stateDir: string): string {
  return join(stateDir, 'local');
}

export class LocalTarget implements Target {
  private readonly env: InstanceEnv;

  constructor(
    readonly key: string,
    private readonly ctx: TargetContext,
    opts: LocalTargetOptions = {},
  ) {
    const workDir = localWorkDir(ctx.stateDir);
    this.env = {
      workDir,
      baseDir: ctx.repoDir,
      runners: new RunnerSet({ workDir, baseDir: ctx.repoDir }, { ...localRunnerFactories(), ...opts.runners }),
      resolveSecret: ctx.resolveSecret,
    };
  }

  async observe(resources: DesiredResource[]): Promise<ObservedResource[]> {
    return Promise.all(
      resources.map(async (r): Promise<ObservedResource> => {
        try {
          if (r.kind === 'Instance') return await observeInstance(this.env, r);
          if (r.kind === 'File') return await observeLocalFile(this.env.workDir, r);
          if (r.kind === 'NginxSite') return await observeLocalNginxSite(r);
          if (r.kind === 'CertificateFiles') return await observeLocalCertificate(r);
          return { id: r.id, exists: false, health: { status: 'Unknown', level: 0, message: `the local target does not handle ${r.kind}` } };
        } catch (err) {
          return { id: r.id, exists: false, health: { status: 'Unknown', level: 0, message: (err as Error).message } };
        }
      }),
    );
  }

  async apply(task: Task): Promise<TaskResult> {
    const r = task.resource;
    const deleting = task.action === 'delete';
    if (r.kind === 'Instance') return applyInstance(this.env, r, deleting);
    if (r.kind === 'File') return applyLocalFile(this.env.workDir, r, deleting);
    // nginx facts are read when first needed, so a bad BOREAS_NGINX_* only matters to local edges.
    if (r.kind === 'NginxSite') return applyLocalNginxSite(r, deleting, localNginxFacts());
    if (r.kind === 'CertificateFiles') return applyLocalCertificate(this.ctx, r, deleting, localNginxFacts());
    throw new UserError(`the local target does not handle ${r.kind} (${r.id})`);
  }

  async health(resource: DesiredResource): Promise<Health> {
    if (resource.kind === 'Instance') return instanceHealth(this.env, resource);
    if (resource.kind === 'File') return (await observeLocalFile(this.env.workDir, resource)).health;
    if (resource.kind === 'NginxSite') return localNginxSiteHealth(resource);
    if (resource.kind === 'CertificateFiles') return localCertificateHealth(resource);
    return { status: 'Unknown', level: 0, message: `the local target does not handle ${resource.kind}` };
  }
}

/** Factory for key `local`. */
export const localTargetFactory: TargetFactory = {
  type: 'local',
  create: (key: string, ctx: TargetContext) => new LocalTarget(key, ctx),
};

export { downLocal } from './down.js';

// Runner for `runtime: container` through the Docker Engine API (dockerode). The container itself is
// the record: labels `boreas.instance` and `boreas.spec-hash` say which instance it is and what it was
// started from, `boreas.instance-id` which work dir on this machine it belongs to, so a lost agent
// state file loses nothing. Before a container is created an intent record is written to the instance
// directory (fsync'd), and its id right after, so `down` finds it from the work dir alone; the
// container name (one per instance) keeps a crash from ever creating a second one. A changed spec (or
// changed resolved env) replaces the container; the image is pulled only when it is not present locally.
import { createRequire } from 'node:module';
import type Docker from 'dockerode';
import { UserError } from '../../model/errors.js';
import type { Json } from '../../model/resource.js';
import { canonicalJson, sha256 } from '../../util/hash.js';
import type { InstanceSpec } from '../../model/machine-specs.js';
import { instanceIdentity, instanceIdVar, workDirTag } from '../process/identity.js';
import type { Runner, RunnerContext, RunnerObservation } from '../runner.js';
import { deleteRecord, type InstanceRecord, listRecords, readRecord, writeRecord } from '../state/instance-state.js';

export interface ContainerRunnerOptions {
  /** Docker socket path (default /var/run/docker.sock). */
  socketPath?: string;
  /** Network mode when the spec names none: 'host' works everywhere (no bridge needed). */
  defaultNetworkMode?: string;
  /** Seconds docker waits between SIGTERM and SIGKILL on stop. Default 10. */
  stopTimeoutSeconds?: number;
}

export const instanceLabel = 'boreas.instance';
export const specHashLabel = 'boreas.spec-hash';
/** The instance identity (process/identity.ts): instance and the work dir that created the container. */
export const instanceIdLabel = 'boreas.instance-id';
const envHashLabel = 'boreas.env-hash';
// dockerode (and ssh2 under it) is required when a container runner is created, not when this module
// is imported: machines without container instances never load it (start-up, issue 12).
const require = createRequire(import.meta.url);

export class ContainerRunner implements Runner {
  readonly runtime = 'container' as const;
  readonly docker: Docker;

  /**
   * The container's labels are its record; the work dir only holds a note when it was stopped on
   * purpose (state: Stopped), since labels cannot be changed to the Stopped spec's hash.
   */
  constructor(
    private readonly ctx: RunnerContext,
    private readonly opts: ContainerRunnerOptions = {},
  ) {
    const DockerClient = require('dockerode') as typeof Docker;
    this.docker = new DockerClient({ socketPath: opts.socketPath ?? '/var/run/docker.sock' });
  }

  /** The container of an instance (running or not), newest first when several exist. */
  private async find(instance: string): Promise<Docker.ContainerInfo | undefined> {
    const list = await this.docker.listContainers({ all: true, filters: { label: [`${instanceLabel}=${instance}`] } });
    return list.sort((a, b) => b.Created - a.Created)[0];
  }

  async ensureRunning(spec: InstanceSpec, specHash: string, env: Record<string, string>): Promise<'created' | 'configured' | 'unchanged'> {
    const c = spec.container;
    if (!c) throw new UserError(`${spec.instance}: runtime container needs a container block`);
    // The env hash covers resolved secrets, so a rotated secret replaces the container too. Docker
    // keeps the env in its own config anyway; the label adds nothing an inspect would not show.
    const envHash = sha256(canonicalJson(env)).slice(0, 16);
    const identity = instanceIdentity(this.ctx.workDir, spec.instance);
    const rec = await readRecord(this.ctx.workDir, spec.instance);
    const running: InstanceRecord = { instance: spec.instance, runtime: 'container', specHash, spec, desired: 'running', identity };
    const existing = await this.find(spec.instance);
    if (existing && existing.Labels[specHashLabel] === specHash && existing.Labels[envHashLabel] === envHash) {
      // Running again (also after state: Stopped, or a create a crash left unrecorded): record it.
      if (rec?.desired !== 'running' || rec.pending || rec.containerId !== existing.Id)
        await writeRecord(this.ctx.workDir, { ...running, containerId: existing.Id });
      if (existing.State === 'running') return 'unchanged';
      await this.docker.getContainer(existing.Id).start();
      return 'configured';
    }
    // The intent, durable before the container exists; the container id follows right after.
    await writeRecord(this.ctx.workDir, { ...running, pending: true });
    await this.ensureImage(c.image);
    if (existing) await this.removeContainer(existing.Id);
    const networkMode = c.networkMode ?? this.opts.defaultNetworkMode ?? 'host';
    const exposed: Record<string, object> = {};
    const bindings: Record<string, Array<{ HostPort: string }>> = {};
    for (const p of c.ports ?? []) {
      const key = `${p.container}/${p.protocol ?? 'tcp'}`;
      exposed[key] = {};
      if (p.host !== undefined && networkMode !== 'host' && networkMode !== 'none') bindings[key] = [{ HostPort: String(p.host) }];
    }
    const container = await this.docker.createContainer({
      name: containerName(spec.instance),
      Image: c.image,
      ...(c.command ? { Entrypoint: c.command } : {}),
      ...(c.args ? { Cmd: c.args } : {}),
      Env: Object.entries({ ...env, [instanceIdVar]: identity }).map(([k, v]) => `${k}=${v}`),
      Labels: {
        [instanceLabel]: spec.instance,
        [instanceIdLabel]: identity,
        [specHashLabel]: specHash,
        [envHashLabel]: envHash,
        'boreas.app': spec.app,
        'boreas.version': spec.version,
      },
      ExposedPorts: exposed,
      HostConfig: { NetworkMode: networkMode, PortBindings: bindings, RestartPolicy: { Name: 'unless-stopped' } },
    });
    await writeRecord(this.ctx.workDir, { ...running, containerId: container.id, startedAt: new Date().toISOString() });
    await container.start();
    return existing ? 'configured' : 'created';
  }

  private async ensureImage(image: string): Promise<void> {
    try {
      await this.docker.getImage(image).inspect();
      return;
    } catch (err) {
      if ((err as { statusCode?: number }).statusCode !== 404) throw err;
    }
    const stream = await this.docker.pull(image);
    await new Promise<void>((resolve, reject) => this.docker.modem.followProgress(stream, (err: Error | null) => (err ? reject(err) : resolve())));
  }

  private async removeContainer(id: string): Promise<void> {
    await this.docker.getContainer(id).remove({ force: true, v: true });
  }

  async stop(instance: string, applied?: { spec: InstanceSpec; specHash: string }): Promise<'configured' | 'unchanged'> {
    const existing = await this.find(instance);
    const note = await readRecord(this.ctx.workDir, instance);
    const noted = !applied || (note?.desired === 'stopped' && note.specHash === applied.specHash);
    if (applied && !noted)
      await writeRecord(this.ctx.workDir, {
        instance,
        runtime: 'container',
        specHash: applied.specHash,
        spec: applied.spec,
        desired: 'stopped',
        identity: instanceIdentity(this.ctx.workDir, instance),
        ...(existing ? { containerId: existing.Id } : {}),
      });
    if (existing?.State !== 'running') return noted ? 'unchanged' : 'configured';
    await this.docker.getContainer(existing.Id).stop({ t: this.opts.stopTimeoutSeconds ?? 10 });
    return 'configured';
  }

  async remove(instance: string): Promise<'deleted' | 'unchanged'> {
    const existing = await this.find(instance);
    const note = await readRecord(this.ctx.workDir, instance);
    await deleteRecord(this.ctx.workDir, instance);
    if (!existing) return note ? 'deleted' : 'unchanged';
    await this.removeContainer(existing.Id);
    return 'deleted';
  }

  async observe(instance: string): Promise<RunnerObservation> {
    const existing = await this.find(instance);
    if (!existing) return { exists: false, running: false };
    const info = await this.docker.getContainer(existing.Id).inspect();
    const running = info.State.Running;
    const details: Record<string, Json> = {
      containerId: info.Id.slice(0, 12),
      image: existing.Image,
      status: info.State.Status,
      startedAt: info.State.StartedAt,
      runtime: 'container',
      ...(info.State.ExitCode ? { exitCode: info.State.ExitCode } : {}),
    };
    const fingerprint = `container:${info.Id.slice(0, 12)}@${info.State.StartedAt}`;
    const note = await readRecord(this.ctx.workDir, instance);
    if (note?.desired === 'stopped') {
      const drift = running ? [`${instance} should be stopped but runs`] : [];
      return {
        exists: true,
        running,
        appliedHash: note.specHash,
        fingerprint: running ? fingerprint : 'stopped',
        details,
        stopped: true,
        drift,
      } as RunnerObservation;
    }
    return {
      exists: true,
      running,
      appliedHash: existing.Labels[specHashLabel],
      fingerprint: running ? fingerprint : `${info.State.Status}:${fingerprint}`,
      details,
    };
  }

  /** Containers of this work dir: labelled with its identity tag, or named by one of its records. */
  async list(): Promise<string[]> {
    const tag = workDirTag(this.ctx.workDir);
    const list = await this.docker.listContainers({ all: true, filters: { label: [instanceLabel] } });
    const labelled = list.filter((c) => c.Labels[instanceIdLabel]?.endsWith(tag)).map((c) => c.Labels[instanceLabel]);
    const recorded = (await listRecords(this.ctx.workDir, 'container')).map((r) => r.instance);
    return [...new Set([...labelled, ...recorded])].sort();
  }
}

/** Docker container name of an instance (names are unique per engine, like instances per node). */
export function containerName(instance: string): string {
  return `boreas-${instance}`;
}

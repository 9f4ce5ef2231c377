// Observe on the node: the live state of many resources in one round trip (`POST /v1/observe`, the
// pull-mode Observe task, or the local target's loopback). Each item names the resource id and kind
// plus a locator computed by the controller from the desired spec; the agent prefers its own record
// of what it applied (hash and locator), so drift is judged against what was really written here.
// Health is part of every observation (an instance runs its health check, a site is probed through
// nginx), so the controller's verdict never rests on an earlier run's health.
import type { HealthCheckSpec } from '../model/machine-specs.js';
import type { Health, ObservedResource } from '../model/resource.js';
import type { ObserveItem, ResourceLocator } from '../protocol/observe.js';
import { fileContentHash, readWithMode } from '../runtime/files/index.js';
import { runHealthCheck } from '../runtime/health/index.js';
import { probeNginxSite, readServedCertificateFingerprint } from '../runtime/nginx/index.js';
import { instanceDir } from '../runtime/paths.js';
import { instanceEnv } from '../runtime/process/env.js';
import { resolveArgs, resolveCommand } from '../runtime/process/resolve-command.js';
import { runnerFor, type AgentContext } from './context.js';
import { edgeFacts } from './facts.js';
import type { ResourceRecord } from './state/agent-state.js';

const missing = (message: string): Health => ({ status: 'Missing', level: 0, message });
const ok = (message: string): Health => ({ status: 'Healthy', level: 100, message });

/** Observes every item (bounded concurrency); an item that cannot be observed reports Unknown. */
export async function observeResources(ctx: AgentContext, items: ObserveItem[]): Promise<ObservedResource[]> {
  const out = new Array<ObservedResource>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await observeItem(ctx, items[i]).catch(
        (err: Error): ObservedResource => ({
          id: items[i].id,
          state: 'unknown',
          cause: { reason: 'error', message: `node ${ctx.config.nodeName}: ${err.message}` },
          health: { status: 'Unknown', level: 0, message: err.message },
        }),
      );
    }
  };
  await Promise.all(Array.from({ length: Math.min(16, items.length) }, worker));
  return out;
}

async function observeItem(ctx: AgentContext, item: ObserveItem): Promise<ObservedResource> {
  const found = ctx.state.resource(item.id);
  if (found?.locator.removedAt) {
    const gone = await observeOne(ctx, item, undefined);
    return gone.state === 'present' ? gone : { ...gone, fingerprint: `removed:${(found.locator.removedBy ?? '').slice(0, 16)}` };
  }
  return observeOne(ctx, item, found);
}

async function observeOne(ctx: AgentContext, item: ObserveItem, rec: ResourceRecord | undefined): Promise<ObservedResource> {
  const loc: ResourceLocator = { ...item.locator, ...rec?.locator };
  switch (item.kind) {
    case 'Instance':
      return observeInstance(ctx, item, loc, rec?.appliedHash);
    case 'File':
      return observeFiles(item, loc, rec?.appliedHash);
    case 'NginxSite':
      return observeSite(ctx, item, loc, rec?.appliedHash);
    case 'CertificateFiles':
      return observeCertificate(item, loc, rec?.appliedHash);
    default:
      return {
        id: item.id,
        state: 'unknown',
        cause: { reason: 'unserved', message: `node ${ctx.config.nodeName} does not serve ${item.kind} resources` },
        health: { status: 'Unknown', level: 0 },
      };
  }
}

async function observeInstance(ctx: AgentContext, item: ObserveItem, loc: ResourceLocator, recordedHash: string | undefined): Promise<ObservedResource> {
  if (!loc.runtime || !loc.instance) throw new Error(`${item.id}: no runtime/instance to observe`);
  const obs = await runnerFor(ctx, loc.runtime).observe(loc.instance);
  const details = { node: ctx.config.nodeName, ...(obs.details ?? {}) };
  const appliedHash = recordedHash ?? obs.appliedHash;
  const base = {
    id: item.id,
    details,
    ...(appliedHash ? { appliedHash } : {}),
    ...(obs.appliedSpec !== undefined ? { appliedSpec: obs.appliedSpec } : {}),
    ...(obs.fingerprint ? { fingerprint: obs.fingerprint } : {}),
    ...(obs.drift?.length ? { drift: obs.drift } : {}),
  };
  if (!obs.exists) return { ...base, state: 'absent', health: missing(obs.drift?.[0] ?? `${loc.instance} is not running`) };
  if (loc.state === 'Stopped' || obs.stopped) return { ...base, state: 'present', health: { status: 'Suspended', level: 0, message: 'stopped' } };
  if (!obs.running) {
    const drift = obs.drift?.length ? obs.drift : [`${loc.instance} is not running`];
    return { ...base, state: 'absent', drift, health: missing(drift.join('; ')) };
  }
  const check = loc.health;
  const delay = (check?.initialDelaySeconds ?? 0) * 1000;
  if (delay && obs.startedAt && Date.now() - Date.parse(obs.startedAt) < delay) {
    return { ...base, state: 'present', health: { status: 'Progressing', level: 50, message: 'starting (initial delay)' } };
  }
  return { ...base, state: 'present', health: await instanceHealth(ctx, loc, check) };
}

/**
 * Runs the instance's health check from this node: http/tcp against the address other machines use
 * (the node's host), exec in the instance directory with the instance's literal environment (never
 * its secrets) and relative commands resolved like the instance's own.
 */
function instanceHealth(ctx: AgentContext, loc: ResourceLocator, check: HealthCheckSpec | undefined): Promise<Health> {
  const host = loc.host ?? '127.0.0.1';
  if (!check?.exec) return runHealthCheck(check, { host, running: true });
  const dir = instanceDir(ctx.config.workDir, loc.instance ?? '');
  const [cmd, ...args] = check.exec.command;
  const exec = { command: [resolveCommand(cmd, ctx.baseDir), ...resolveArgs(args, ctx.baseDir)] };
  const env = instanceEnv(loc.env ?? {}, { BOREAS_INSTANCE_DIR: dir });
  return runHealthCheck({ ...check, exec }, { host, running: true, cwd: dir, env });
}

async function observeFiles(item: ObserveItem, loc: ResourceLocator, recordedHash: string | undefined): Promise<ObservedResource> {
  const files = loc.files ?? (loc.path ? [{ path: loc.path, contentHash: loc.contentHash ?? '', mode: loc.mode }] : []);
  const drift: string[] = [];
  let present = 0;
  const hashes: string[] = [];
  for (const f of files) {
    const have = readWithMode(f.path);
    if (have === undefined) {
      drift.push(`${f.path} is missing`);
      continue;
    }
    present++;
    hashes.push(have.hash.slice(0, 16));
    if (f.contentHash && have.hash !== f.contentHash) drift.push(`${f.path} was edited on disk`);
    const mode = have.mode;
    if (typeof f.mode === 'number' && mode !== f.mode)
      drift.push(`${f.path} has mode ${mode.toString(8).padStart(4, '0')}, want ${f.mode.toString(8).padStart(4, '0')}`);
  }
  const exists = files.length > 0 && present === files.length;
  const appliedHash = recordedHash ?? (exists && drift.length === 0 ? item.hash : undefined);
  const health: Health = !exists
    ? missing(drift[0] ?? 'not applied')
    : drift.length
      ? { status: 'Degraded', level: 50, message: drift.join('; ') }
      : ok('content matches');
  return {
    id: item.id,
    state: exists ? 'present' : 'absent',
    ...(appliedHash ? { appliedHash } : {}),
    health,
    ...(drift.length ? { drift } : {}),
    fingerprint: exists ? `sha256:${hashes.join(',')}` : 'missing',
    details: { paths: files.map((f) => f.path) },
  };
}

/**
 * A site is present when its file is on disk; it is in sync when the file holds the rendered
 * content, and healthy only when nginx actually serves that content: a request with the site's
 * Host (and SNI) must come back carrying the rendered config's marker.
 */
async function observeSite(ctx: AgentContext, item: ObserveItem, loc: ResourceLocator, recordedHash: string | undefined): Promise<ObservedResource> {
  const path = loc.nginxSite;
  const want = loc.contentHash;
  const have = path ? await fileContentHash(path) : undefined;
  if (have === undefined) return { id: item.id, state: 'absent', health: missing(`site ${path ?? '(unknown path)'} is missing`), fingerprint: 'missing' };
  const drift = want && have !== want ? [`${path} was edited on disk`] : [];
  const appliedHash = recordedHash ?? (drift.length === 0 && want ? item.hash : undefined);
  const probe = loc.probe;
  const health: Health = drift.length
    ? { status: 'Degraded', level: 50, message: drift[0] }
    : probe
      ? await probeNginxSite(probe, edgeFacts(ctx.config))
      : ok('site in place');
  return {
    id: item.id,
    state: 'present',
    ...(appliedHash ? { appliedHash } : {}),
    health,
    ...(drift.length ? { drift } : {}),
    fingerprint: `sha256:${have.slice(0, 16)}`,
    details: { path: path! },
  };
}

async function observeCertificate(item: ObserveItem, loc: ResourceLocator, recordedHash: string | undefined): Promise<ObservedResource> {
  const served = loc.certPath ? await readServedCertificateFingerprint(loc.certPath) : undefined;
  const keyPresent = loc.keyPath ? (await fileContentHash(loc.keyPath)) !== undefined : false;
  if (!served || !keyPresent)
    return { id: item.id, state: 'absent', health: missing(`certificate files missing at ${loc.certPath ?? '?'}`), fingerprint: 'missing' };
  const drift = loc.fingerprint && served !== loc.fingerprint ? [`${loc.certPath} holds another certificate`] : [];
  const appliedHash = recordedHash ?? (drift.length === 0 && loc.fingerprint ? item.hash : undefined);
  return {
    id: item.id,
    state: 'present',
    ...(appliedHash ? { appliedHash } : {}),
    health: drift.length ? { status: 'Degraded', level: 50, message: drift[0] } : ok('certificate in place'),
    ...(drift.length ? { drift } : {}),
    fingerprint: `cert:${served}`,
    details: { certPath: loc.certPath ?? '', servedFingerprint: served },
  };
}

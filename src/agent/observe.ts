// `POST /v1/observe`: the live state of many resources in one round-trip (one request per node per
// reconcile). Each item names the resource id and kind plus a locator (where to look) computed by the
// controller from the desired spec; the agent prefers its own record of what it applied (hash and
// locator), so drift is judged against what was really written here.
import type { Health, Json, ObservedResource } from '../model/resource.js';
import type { HealthCheckSpec } from '../runtime/instance-spec.js';
import { fileContentHash } from '../runtime/files/index.js';
import { runHealthCheck } from '../runtime/health/index.js';
import { readServedCertificateFingerprint } from '../runtime/nginx/index.js';
import { stat } from 'node:fs/promises';
import { runnerFor, type AgentContext } from './context.js';
import type { ResourceRecord } from './state/agent-state.js';

export interface ObserveItem {
  id: string;
  kind: string;
  /** Desired hash (used when the agent has no record but the disk already matches). */
  hash?: string;
  locator?: Record<string, Json>;
}

const missing = (message: string): Health => ({ status: 'Missing', level: 0, message });
const ok = (message: string): Health => ({ status: 'Healthy', level: 100, message });

/** Observes every item (bounded concurrency); an item that cannot be observed reports Unknown. */
export async function observeResources(ctx: AgentContext, items: ObserveItem[]): Promise<ObservedResource[]> {
  const out = new Array<ObservedResource>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await observeItem(ctx, items[i]).catch((err: Error) => ({
        id: items[i].id,
        exists: false,
        health: { status: 'Unknown' as const, level: 0, message: err.message },
      }));
    }
  };
  await Promise.all(Array.from({ length: Math.min(16, items.length) }, worker));
  return out;
}

async function observeItem(ctx: AgentContext, item: ObserveItem): Promise<ObservedResource> {
  const found = ctx.state.resource(item.id);
  if (found?.locator.removedAt) {
    const gone = await observeOne(ctx, item, undefined);
    return gone.exists ? gone : { ...gone, fingerprint: `removed:${String(found.locator.removedBy).slice(0, 16)}` };
  }
  return observeOne(ctx, item, found);
}

async function observeOne(ctx: AgentContext, item: ObserveItem, rec: ResourceRecord | undefined): Promise<ObservedResource> {
  const loc = { ...(item.locator ?? {}), ...(rec?.locator ?? {}) } as Record<string, Json>;
  switch (item.kind) {
    case 'Instance':
      return observeInstance(ctx, item, loc, rec?.appliedHash);
    case 'File':
      return observeFiles(item, loc, rec?.appliedHash);
    case 'NginxSite':
      return observeHashedFile(item, loc.nginxSite as string, loc.contentHash as string | undefined, rec?.appliedHash, 'site');
    case 'CertificateFiles':
      return observeCertificate(item, loc, rec?.appliedHash);
    default:
      return { id: item.id, exists: false, health: { status: 'Unknown', level: 0, message: `kind ${item.kind} is not observed by agents` } };
  }
}

async function observeInstance(ctx: AgentContext, item: ObserveItem, loc: Record<string, Json>, recordedHash: string | undefined): Promise<ObservedResource> {
  const obs = await runnerFor(ctx, loc.runtime as string).observe(loc.instance as string);
  const extra = obs as typeof obs & { drift?: string[]; stopped?: boolean };
  const details = { node: ctx.config.nodeName, ...(obs.details ?? {}) };
  const base = { id: item.id, details, ...(obs.fingerprint ? { fingerprint: obs.fingerprint } : {}), ...(extra.drift?.length ? { drift: extra.drift } : {}) };
  if (!obs.exists)
    return {
      ...base,
      exists: false,
      ...(obs.appliedHash ? { appliedHash: recordedHash ?? obs.appliedHash } : {}),
      health: missing(extra.drift?.[0] ?? `${loc.instance} is not running`),
    };
  const appliedHash = recordedHash ?? obs.appliedHash;
  if (loc.state === 'Stopped' || extra.stopped)
    return { ...base, exists: true, ...(appliedHash ? { appliedHash } : {}), health: { status: 'Suspended', level: 0, message: 'stopped' } };
  if (!obs.running)
    return {
      ...base,
      exists: false,
      ...(appliedHash ? { appliedHash } : {}),
      drift: [...(extra.drift ?? []), `${loc.instance} is not running`],
      health: missing('not running'),
    };
  // Probe the address the instance is reached at (the node's host), as other machines would.
  const health = await runHealthCheck(loc.health as unknown as HealthCheckSpec | undefined, {
    host: (loc.host as string | undefined) ?? '127.0.0.1',
    running: true,
  });
  return { ...base, exists: true, ...(appliedHash ? { appliedHash } : {}), health };
}

async function observeFiles(item: ObserveItem, loc: Record<string, Json>, recordedHash: string | undefined): Promise<ObservedResource> {
  const files =
    (loc.files as Array<{ path: string; contentHash: string; mode?: number }> | undefined) ??
    (loc.path ? [{ path: loc.path as string, contentHash: loc.contentHash as string, mode: loc.mode as number | undefined }] : []);
  const drift: string[] = [];
  let present = 0;
  const hashes: string[] = [];
  for (const f of files) {
    const have = await fileContentHash(f.path);
    if (have === undefined) {
      drift.push(`${f.path} is missing`);
      continue;
    }
    present++;
    hashes.push(have.slice(0, 16));
    if (f.contentHash && have !== f.contentHash) drift.push(`${f.path} was edited on disk`);
    const mode = (await stat(f.path)).mode & 0o7777;
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
    exists,
    ...(appliedHash ? { appliedHash } : {}),
    health,
    ...(drift.length ? { drift } : {}),
    fingerprint: exists ? `sha256:${hashes.join(',')}` : 'missing',
    details: { paths: files.map((f) => f.path) },
  };
}

async function observeHashedFile(
  item: ObserveItem,
  path: string | undefined,
  want: string | undefined,
  recordedHash: string | undefined,
  what: string,
): Promise<ObservedResource> {
  const have = path ? await fileContentHash(path) : undefined;
  if (have === undefined) return { id: item.id, exists: false, health: missing(`${what} ${path ?? '(unknown path)'} is missing`), fingerprint: 'missing' };
  const drift = want && have !== want ? [`${path} was edited on disk`] : [];
  const appliedHash = recordedHash ?? (drift.length === 0 && want ? item.hash : undefined);
  return {
    id: item.id,
    exists: true,
    ...(appliedHash ? { appliedHash } : {}),
    health: drift.length ? { status: 'Degraded', level: 50, message: drift[0] } : ok(`${what} in place`),
    ...(drift.length ? { drift } : {}),
    fingerprint: `sha256:${have.slice(0, 16)}`,
    details: { path: path! },
  };
}

async function observeCertificate(item: ObserveItem, loc: Record<string, Json>, recordedHash: string | undefined): Promise<ObservedResource> {
  const served = loc.certPath ? await readServedCertificateFingerprint(loc.certPath as string) : undefined;
  const keyPresent = loc.keyPath ? (await fileContentHash(loc.keyPath as string)) !== undefined : false;
  if (!served || !keyPresent)
    return { id: item.id, exists: false, health: missing(`certificate files missing at ${loc.certPath ?? '?'}`), fingerprint: 'missing' };
  const drift = loc.fingerprint && served !== loc.fingerprint ? [`${loc.certPath} holds another certificate`] : [];
  const appliedHash = recordedHash ?? (drift.length === 0 && loc.fingerprint ? item.hash : undefined);
  return {
    id: item.id,
    exists: true,
    ...(appliedHash ? { appliedHash } : {}),
    health: drift.length ? { status: 'Degraded', level: 50, message: drift[0] } : ok('certificate in place'),
    ...(drift.length ? { drift } : {}),
    fingerprint: `cert:${served}`,
    details: { certPath: loc.certPath as string },
  };
}

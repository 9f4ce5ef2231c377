// NginxSite resources on this machine: the `local` edge. An Ingress without `nodes`/`nodeSelector`
// is served by the nginx next to the controller, whose facts come from the controller's environment:
//
//   BOREAS_NGINX_CONF_DIR        directory nginx includes `*.conf` from   (default /etc/nginx/conf.d)
//   BOREAS_NGINX_CERT_DIR        where certificates and keys are written  (default /etc/nginx/boreas-certs)
//   BOREAS_NGINX_WEBROOT         ACME http-01 webroot                     (default /var/lib/boreas/acme-webroot)
//   BOREAS_NGINX_HTTP_PORT       plain HTTP port                          (default 80)
//   BOREAS_NGINX_HTTPS_PORT      TLS port                                 (default 443)
//   BOREAS_NGINX_LISTEN          listen address, e.g. 127.0.0.1           (default: every address)
//   BOREAS_NGINX_TEST_COMMAND    config test command                      (default `nginx -t`)
//   BOREAS_NGINX_RELOAD_COMMAND  reload command                           (default `nginx -s reload`)
//
// Commands are split into argv on whitespace and run without a shell (a path with spaces needs a
// wrapper script). The site file is written/tested/reloaded by runtime/nginx exactly as on agents.
import type { DesiredResource, Health, ObservedResource } from '../../model/resource.js';
import type { TaskResult } from '../../model/plan.js';
import { UserError } from '../../model/errors.js';
import { NginxCommandError, deployNginxSite, observeNginxSite, removeNginxSite } from '../../runtime/nginx/index.js';
import { sha256Hex } from '../../runtime/nginx/atomic-file.js';
import { defaultNginxFacts, type NginxNodeFacts } from '../nginx/facts.js';
import type { NginxSiteSpec } from '../nginx/specs.js';

/** Nginx facts of this machine from BOREAS_NGINX_* (see the header), defaulting to defaultNginxFacts. */
export function localNginxFacts(env: NodeJS.ProcessEnv = process.env): NginxNodeFacts {
  const facts: NginxNodeFacts = {
    ...defaultNginxFacts,
    confDir: path(env, 'BOREAS_NGINX_CONF_DIR') ?? defaultNginxFacts.confDir,
    certDir: path(env, 'BOREAS_NGINX_CERT_DIR') ?? defaultNginxFacts.certDir,
    webroot: path(env, 'BOREAS_NGINX_WEBROOT') ?? defaultNginxFacts.webroot,
    httpPort: port(env, 'BOREAS_NGINX_HTTP_PORT') ?? defaultNginxFacts.httpPort,
    httpsPort: port(env, 'BOREAS_NGINX_HTTPS_PORT') ?? defaultNginxFacts.httpsPort,
    testCommand: argv(env, 'BOREAS_NGINX_TEST_COMMAND') ?? defaultNginxFacts.testCommand,
    reloadCommand: argv(env, 'BOREAS_NGINX_RELOAD_COMMAND') ?? defaultNginxFacts.reloadCommand,
  };
  const listen = env.BOREAS_NGINX_LISTEN?.trim();
  if (listen) {
    if (!/^[A-Za-z0-9.:]+$/.test(listen)) throw new UserError(`BOREAS_NGINX_LISTEN: "${listen}" is not an IP address`);
    facts.listenAddress = listen;
  }
  return facts;
}

function path(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const v = env[name]?.trim();
  if (!v) return undefined;
  if (!v.startsWith('/')) throw new UserError(`${name}: "${v}" must be an absolute path`);
  return v.replace(/\/+$/, '') || '/';
}

function port(env: NodeJS.ProcessEnv, name: string): number | undefined {
  const v = env[name]?.trim();
  if (!v) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > 65535) throw new UserError(`${name}: "${v}" is not a TCP port (1-65535)`);
  return n;
}

function argv(env: NodeJS.ProcessEnv, name: string): string[] | undefined {
  const parts = env[name]?.trim().split(/\s+/).filter(Boolean);
  return parts && parts.length > 0 ? parts : undefined;
}

/**
 * Observes a site by the content on disk: identical to the rendered content = applied (so an
 * unchanged site plans nothing and never reloads); different = drift, repaired by re-deploying.
 */
export async function observeLocalNginxSite(r: DesiredResource): Promise<ObservedResource> {
  const spec = r.spec as unknown as NginxSiteSpec;
  const disk = await observeNginxSite(spec.targetPath);
  const details = { path: spec.targetPath };
  if (!disk.exists)
    return { id: r.id, exists: false, health: { status: 'Missing', level: 0, message: `${spec.targetPath} is missing` }, fingerprint: 'missing', details };
  const fingerprint = `sha256:${disk.hash}`;
  if (disk.hash === sha256Hex(spec.content)) {
    return { id: r.id, exists: true, appliedHash: r.hash, health: { status: 'Healthy', level: 100, message: 'site config matches' }, fingerprint, details };
  }
  // No appliedHash: the planner falls back to the inventory, so a new render is an update and an
  // edit on disk (same desired spec as applied) is a repair.
  return {
    id: r.id,
    exists: true,
    health: { status: 'Degraded', level: 50, message: 'site config differs from the rendered one' },
    drift: [`${spec.targetPath} differs from the rendered site`],
    fingerprint,
    details,
  };
}

/**
 * Deploys (write, `nginx -t`, reload) or removes a site. nginx refusing the config is a verdict, not
 * a transient error: it is reported as a failed outcome with nginx's text, without retries.
 */
export async function applyLocalNginxSite(r: DesiredResource, deleting: boolean, facts: NginxNodeFacts): Promise<TaskResult> {
  const spec = r.spec as unknown as NginxSiteSpec;
  const opts = { allowedRoots: [facts.confDir] };
  try {
    if (deleting) {
      const res = await removeNginxSite(spec, opts);
      return { outcome: res.outcome, message: res.outcome === 'deleted' ? `removed ${spec.targetPath}, nginx reloaded` : `${spec.targetPath} was not present` };
    }
    const res = await deployNginxSite(spec, opts);
    return { outcome: res.outcome, message: res.message ?? `${spec.targetPath} unchanged`, details: { path: spec.targetPath, hash: res.hash } };
  } catch (err) {
    if (err instanceof NginxCommandError) return { outcome: 'failed', message: err.message };
    throw err;
  }
}

/** A site is healthy when the file on disk is the rendered one (nginx -t and reload passed). */
export async function localNginxSiteHealth(r: DesiredResource): Promise<Health> {
  return (await observeLocalNginxSite(r)).health;
}

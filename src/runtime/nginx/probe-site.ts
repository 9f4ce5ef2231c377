// Proves a deployed site is live: nginx -s reload returns before the new workers serve, so "the file
// is on disk and nginx -t passed" is not yet "serving". One request through this node's nginx with
// the site's Host header (and SNI for TLS) must come back carrying the rendered config's marker
// header; and when the site has healthy endpoints, the answer must not be the 502/503/504 of a
// missing or empty upstream.
import http from 'node:http';
import https from 'node:https';
import { setTimeout as sleep } from 'node:timers/promises';
import type { NginxNodeFacts, NginxSiteProbe } from '../../model/edge-specs.js';
import type { Health } from '../../model/resource.js';

/** The response header every rendered site sets (server level, `always`). */
export const siteMarkerHeader = 'x-boreas-config';

const timeoutMs = 3000;
/**
 * Right after a reload, workers of the old generation may still take a new connection for a moment:
 * one answer with the new marker is not yet "serving". Every one of a few fresh connections must be.
 */
const confirmations = 3;

/**
 * An old worker can also answer after the confirmations passed (it had not yet handled the reload's
 * quit signal when they ran): an answer without the new marker is asked again a few times, 100 ms
 * apart, before the site is reported as not serving it. A site that serves its marker pays nothing.
 */
const settleAttempts = 4;
const settleDelayMs = 100;

export async function probeNginxSite(probe: NginxSiteProbe, facts: Pick<NginxNodeFacts, 'listenAddress' | 'httpPort' | 'httpsPort'>): Promise<Health> {
  let last: Health = { status: 'Unknown', level: 0 };
  for (let attempt = 0; attempt < settleAttempts; attempt++) {
    if (attempt > 0) await sleep(settleDelayMs);
    last = await confirmed(probe, facts);
    if (last.status !== 'Progressing') return last;
  }
  return last;
}

/** Healthy only when each of a few fresh connections carries the marker; else the first other answer. */
async function confirmed(probe: NginxSiteProbe, facts: Pick<NginxNodeFacts, 'listenAddress' | 'httpPort' | 'httpsPort'>): Promise<Health> {
  let last: Health = { status: 'Unknown', level: 0 };
  for (let i = 0; i < confirmations; i++) {
    last = await probeOnce(probe, facts);
    if (last.level < 100) return last;
  }
  return last;
}

function probeOnce(probe: NginxSiteProbe, facts: Pick<NginxNodeFacts, 'listenAddress' | 'httpPort' | 'httpsPort'>): Promise<Health> {
  const host = facts.listenAddress && facts.listenAddress !== '0.0.0.0' && facts.listenAddress !== '::' ? facts.listenAddress : '127.0.0.1';
  const port = probe.tls ? facts.httpsPort : facts.httpPort;
  const where = `${probe.tls ? 'https' : 'http'}://${probe.host}${probe.path} via ${host}:${port}`;
  return new Promise((resolve) => {
    const options = {
      host,
      port,
      path: probe.path,
      method: 'GET',
      headers: { host: probe.host, 'user-agent': 'boreas-site-probe' },
      timeout: timeoutMs,
      agent: false as const,
      // A liveness check of this config, not a trust decision: the certificate is checked by its own resource.
      ...(probe.tls ? { servername: probe.host, rejectUnauthorized: false } : {}),
    };
    const req = (probe.tls ? https : http).request(options, (res) => {
      res.resume();
      const marker = res.headers[siteMarkerHeader];
      const code = res.statusCode ?? 0;
      if (marker !== probe.marker) {
        resolve({
          status: 'Progressing',
          level: 50,
          message: `${where}: nginx does not serve the new config yet (marker ${marker ?? 'missing'}, want ${probe.marker})`,
        });
      } else if (probe.expectBackend && (code === 502 || code === 503 || code === 504)) {
        resolve({ status: 'Degraded', level: 25, message: `${where}: HTTP ${code} although healthy endpoints exist` });
      } else {
        resolve({ status: 'Healthy', level: 100, message: `${where}: serving (HTTP ${code})` });
      }
    });
    req.on('timeout', () => req.destroy(new Error(`timed out after ${timeoutMs} ms`)));
    req.on('error', (err) => resolve({ status: 'Degraded', level: 0, message: `${where}: ${(err as NodeJS.ErrnoException).code ?? err.message}` }));
    req.end();
  });
}

// Live drift between resyncs: after each reconcile the daemon keeps watching what it just applied,
// through the targets that can watch (Target.watch; Kubernetes clusters), and asks for a reconcile
// (`drift:<target>`) when someone changes or deletes one of those objects. The watches live on their
// own read-only target registry and are restarted only when the desired state changed.
import type { LoadedRevision } from '../engine/load-revision.js';
import { scopeOf } from '../engine/target-scope.js';
import type { DesiredResource } from '../model/resource.js';
import { openRevisionSecrets } from '../secrets/index.js';
import { sha256 } from '../util/hash.js';
import type { Logger } from '../util/logger.js';
import { type DaemonBase, runSession } from './run-session.js';

export class LiveDriftWatch {
  private running: { key: string; stop: AbortController; close: () => Promise<void> } | undefined;
  private closed = false;

  constructor(
    private readonly base: DaemonBase,
    /** Asks for a reconcile; the reason names the target (`drift:kubernetes:prod`). */
    private readonly trigger: (reason: string) => void,
    private readonly log: Logger,
  ) {}

  /** Watches `desired` of `loaded` from now on (no-op when that is what is watched already). */
  async update(loaded: LoadedRevision, desired: DesiredResource[]): Promise<void> {
    if (this.closed) return;
    // Ids and hashes are strings, so plain JSON is canonical already (hashJson's key sorting would
    // only cost time on every resync).
    const key = sha256(JSON.stringify(desired.map((d) => [d.id, d.hash])));
    if (this.running?.key === key) return;
    await this.stop();
    const session = runSession(this.base);
    const stop = new AbortController();
    this.running = { key, stop, close: () => session.close() };
    try {
      // Objects are compared as applied: encrypted values the revision uses are decrypted again here.
      const secrets = await openRevisionSecrets(loaded.manifests, loaded.source, { identityFiles: session.ageIdentityFiles, stateDir: this.base.stateDir });
      const registry = session.targets(scopeOf(loaded.manifests), loaded.source.rootDir, { readOnly: true, resolveSecret: secrets.resolve });
      const byTarget = new Map<string, DesiredResource[]>();
      for (const d of desired) (byTarget.get(d.target) ?? byTarget.set(d.target, []).get(d.target)!).push(d);
      for (const [target, resources] of byTarget) {
        const t = await registry.get(target);
        if (!t.watch) continue;
        this.log.debug('watching live state', { target, resources: resources.length });
        t.watch(
          resources,
          {
            drift: (reason) => {
              this.log.info('live drift', { target, reason });
              this.trigger(`drift:${target}`);
            },
            error: (message) => this.log.warn('live watch failed; retrying', { target, error: message }),
          },
          stop.signal,
        ).catch((err: unknown) => {
          if (!stop.signal.aborted) this.log.warn('live watch stopped', { target, error: (err as Error)?.message ?? String(err) });
        });
      }
    } catch (err) {
      // Without a watch the periodic resync still finds drift: a warning, not a failure.
      this.log.warn('live drift watch not started', { error: (err as Error)?.message ?? String(err) });
    }
  }

  async stop(): Promise<void> {
    const r = this.running;
    this.running = undefined;
    if (!r) return;
    r.stop.abort();
    await r.close();
  }

  /** Stops for good (daemon shutdown). */
  async close(): Promise<void> {
    this.closed = true;
    await this.stop();
  }
}

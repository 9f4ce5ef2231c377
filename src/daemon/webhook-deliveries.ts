// Signed webhook deliveries already acted on, kept 24 hours in the state store (kv), so a replay —
// a forge's "redeliver", a retry, or someone re-sending a captured request — triggers nothing, also
// after a daemon restart. A delivery is known by its delivery id (X-GitHub-Delivery,
// X-Gitea-Delivery, X-Gitlab-Event-UUID) and by the hash of its signed body: the id header is not
// covered by GitHub's or Gitea's signature, so a captured delivery re-sent under a new id is still
// caught by its body. One kv entry (deliveries are few), pruned on every write.
import { createHash } from 'node:crypto';
import type { Store } from '../store/store.js';
import type { Headers } from './webhooks.js';

const namespace = 'webhooks';
const key = 'deliveries';
export const deliveryWindowMs = 24 * 60 * 60 * 1000;
/** Bound on remembered deliveries (a flood of distinct signed pushes cannot grow the row forever). */
const maxEntries = 20_000;

/** The delivery id header of a forge's request, if any. */
export function deliveryId(headers: Headers): string | undefined {
  for (const name of ['x-github-delivery', 'x-gitea-delivery', 'x-gitlab-event-uuid']) {
    const v = headers[name];
    const id = Array.isArray(v) ? v[0] : v;
    if (id) return id;
  }
  return undefined;
}

export class WebhookDeliveries {
  constructor(
    private readonly store: Pick<Store, 'getKv' | 'setKv'>,
    private readonly now: () => number = Date.now,
  ) {}

  private async load(): Promise<Map<string, number>> {
    try {
      return new Map(JSON.parse((await this.store.getKv(namespace, key)) ?? '[]') as Array<[string, number]>);
    } catch {
      return new Map();
    }
  }

  private names(forge: string, id: string | undefined, body: string): string[] {
    const names = [`${forge}:body:${createHash('sha256').update(body).digest('hex')}`];
    if (id) names.push(`${forge}:id:${id}`);
    return names;
  }

  /** True when the delivery's id or body was acted on within the window (a replay: do nothing). */
  async seen(forge: string, id: string | undefined, body: string): Promise<boolean> {
    const now = this.now();
    const seen = await this.load();
    return this.names(forge, id, body).some((n) => {
      const at = seen.get(n);
      return at !== undefined && now - at < deliveryWindowMs;
    });
  }

  /** Records a delivery that was acted on (its reconcile queued); entries past the window are dropped. */
  async remember(forge: string, id: string | undefined, body: string): Promise<void> {
    const now = this.now();
    const seen = await this.load();
    for (const [name, at] of seen) if (now - at >= deliveryWindowMs) seen.delete(name);
    for (const n of this.names(forge, id, body)) {
      seen.delete(n);
      seen.set(n, now);
    }
    await this.store.setKv(namespace, key, JSON.stringify([...seen].slice(-maxEntries)));
  }
}

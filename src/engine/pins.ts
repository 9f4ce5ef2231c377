// Rollback pins: `boreas rollback <app> --to <rev>` pins the app to that revision's desired resources
// (as Argo CD suspends auto-sync after a rollback). The pin holds while Git stays at the revision it
// was made on; the next Git revision that changes anything lifts it (at the reconcile's record stage:
// planning only reads pins).
import type { DesiredResource } from '../model/resource.js';
import type { Store } from '../store/store.js';
import { isKubeSecretResource } from '../model/secret-policy.js';

export interface Pin {
  /** Revision whose desired resources the app is pinned to. */
  to: string;
  /** Git revision current when the pin was made. */
  madeAt: string;
}

export async function readPins(store: Store): Promise<Record<string, Pin>> {
  return JSON.parse((await store.getKv('pins', 'apps')) ?? '{}');
}

export async function writePins(store: Store, pins: Record<string, Pin>): Promise<void> {
  await store.setKv('pins', 'apps', Object.keys(pins).length ? JSON.stringify(pins) : undefined);
}

/** Pins that hold at this Git revision. */
export async function activePins(store: Store, revision: string): Promise<Array<[string, Pin]>> {
  return Object.entries(await readPins(store)).filter(([, p]) => p.madeAt === revision);
}

/** Removes pins whose Git revision has passed (reconcile's record stage). */
export async function liftPins(store: Store, revision: string): Promise<void> {
  const pins = await readPins(store);
  const active = Object.entries(pins).filter(([, p]) => p.madeAt === revision);
  if (active.length !== Object.keys(pins).length) await writePins(store, Object.fromEntries(active));
}

/** Swaps pinned apps' resources in. */
export async function applyPins(
  resources: DesiredResource[],
  pins: Array<[string, Pin]>,
  loadDesired: (revision: string) => Promise<DesiredResource[] | undefined>,
): Promise<DesiredResource[]> {
  let out = resources;
  for (const [app, pin] of pins) {
    // Redacted snapshots (Secrets) cannot be re-applied: those keep what Git has now.
    const pinned = ((await loadDesired(pin.to)) ?? []).filter((r) => r.owner === app && !r.redacted);
    const pinnedIds = new Set(pinned.map((r) => r.id));
    const keepCurrent = out.filter((r) => r.owner === app && isKubeSecretResource(r) && !pinnedIds.has(r.id));
    out = [...out.filter((r) => r.owner !== app), ...pinned, ...keepCurrent];
  }
  return out;
}

// Which revision each application was last applied from. The inventory alone cannot say: a resource
// keeps the revision it was last changed in, so an app that a newer commit left untouched would show
// an old (even a `worktree:`) revision. A reconcile's record stage therefore remembers the revision
// it reconciled and the applications it held (written only when either changes, so a no-op
// reconcile still writes nothing); a rollback pin overrides it for the pinned app.
import type { ManifestSet } from '../manifests/model.js';
import type { RevisionInfo } from '../model/status.js';
import type { Store } from '../store/store.js';
import { activePins } from './pins.js';

interface AppliedSnapshot {
  revision: string;
  applications: string[];
}

const appliedKey = ['status', 'applied'] as const;

/** Record stage: the revision being reconciled and the applications in it. */
export async function rememberApplied(store: Store, revision: string, manifests: ManifestSet): Promise<void> {
  const snapshot: AppliedSnapshot = { revision, applications: [...manifests.applications.keys()].sort() };
  const text = JSON.stringify(snapshot);
  if ((await store.getKv(...appliedKey)) !== text) await store.setKv(...appliedKey, text);
}

/**
 * A lookup of the revision last applied to an application: the pin's revision while a rollback holds
 * it, the last reconciled revision when the app was in it, else (an app no longer in Git, kept by
 * --no-prune) the newest revision its resources were applied from.
 */
export async function appliedRevisions(store: Store): Promise<(app: string, newestInventoryRevision: string) => Promise<RevisionInfo>> {
  const raw = await store.getKv(...appliedKey);
  const snapshot = raw ? (JSON.parse(raw) as AppliedSnapshot) : undefined;
  const inLast = new Set(snapshot?.applications ?? []);
  const pins = new Map(snapshot ? await activePins(store, snapshot.revision) : []);
  const info = revisionFacts(store);
  return async (app, newest) => {
    const pin = pins.get(app);
    if (pin) return { ...(await info(pin.to)), pinned: true };
    return info(snapshot && inLast.has(app) ? snapshot.revision : newest);
  };
}

/** A lookup of what the store knows of a revision's commit (subject, author, time), read once per SHA. */
export function revisionFacts(store: Store): (sha: string) => Promise<RevisionInfo> {
  // The promise is kept, not the value: concurrent lookups of one SHA (history maps every row at
  // once) share one read.
  const facts = new Map<string, Promise<RevisionInfo>>();
  return (sha) => {
    let known = facts.get(sha);
    if (!known) facts.set(sha, (known = readFacts(store, sha)));
    return known;
  };
}

async function readFacts(store: Store, sha: string): Promise<RevisionInfo> {
  const rec = await store.getRevision(sha);
  const known: RevisionInfo = { sha };
  if (rec?.subject) known.subject = rec.subject;
  if (rec?.author) known.author = rec.author;
  if (rec?.committedAt) known.committedAt = rec.committedAt;
  return known;
}

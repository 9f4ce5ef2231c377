// Names the Kubernetes target writes into clusters. They are part of the on-cluster contract.

/**
 * Server-side apply field manager. LOAD-BEARING: the API server records field ownership per manager
 * name; renaming it makes Boreas a stranger to every field it applied before (they become orphaned,
 * are never removed when dropped from Git, and conflict with the new name).
 */
export const FIELD_MANAGER = 'boreas';

/** Annotation holding the hash of the desired spec last applied (ObservedResource.appliedHash). */
export const SPEC_HASH_ANNOTATION = 'boreas.dev/spec-hash';

/** Label selector of everything Boreas applies (set by the desired side on every object). */
export const MANAGED_SELECTOR = 'app.kubernetes.io/managed-by=boreas';

/** Owner labels set by the desired side (src/desired/kubernetes/ids.ts), read to tell owners apart. */
export const MANAGED_BY_LABEL = 'app.kubernetes.io/managed-by';
export const APPLICATION_LABEL = 'boreas.dev/application';

/**
 * Label holding the id of the state file that applied an object (added at apply time, targets/kubernetes/ownership.ts).
 * LOAD-BEARING: renaming it makes every object look unlabelled, so two installations could take
 * objects from each other again.
 */
export const STATE_ID_LABEL = 'boreas.dev/state-id';

/** How long a replace waits for the deleted object to be gone before creating it again. */
export const REPLACE_DELETE_TIMEOUT_MS = 60_000;

/** Requests in flight at once per target (dry-runs and GETs during observe). */
export const CONCURRENCY = 8;

/** Limit of one API request (connect, headers, body); a hung API server must not hang a reconcile. */
export const REQUEST_TIMEOUT_MS = 30_000;

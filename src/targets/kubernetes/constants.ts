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

/** Requests in flight at once per target (dry-runs and GETs during observe). */
export const CONCURRENCY = 8;

/** Limit of one API request (connect, headers, body); a hung API server must not hang a reconcile. */
export const REQUEST_TIMEOUT_MS = 30_000;

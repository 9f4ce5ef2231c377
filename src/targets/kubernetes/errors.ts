// Errors of the Kubernetes API as Boreas reports them: the server's Status (code, reason, message)
// kept whole, and "not served" as one consistent message whatever way the cluster said it (a 404
// on discovery, a group that is absent, a kind missing from its group).

/** A non-2xx answer of the API server, carrying its `metav1.Status`. */
export class KubeApiError extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
    readonly details?: { causes?: { field?: string; message?: string; reason?: string }[] },
    /** Seconds the server asked to wait before trying again (`Retry-After`). */
    readonly retryAfter?: number,
  ) {
    super(message);
    this.name = 'KubeApiError';
  }
}

/** The cluster does not serve this kind (API removed or not enabled, CRD not installed or not yet established). */
export class NotServedError extends Error {
  constructor(
    readonly kind: string,
    readonly apiVersion: string,
    cluster: string,
  ) {
    super(`${kind} ${apiVersion} is not served by cluster ${cluster} (API missing or CRD not installed)`);
    this.name = 'NotServedError';
  }
}

/** A request that did not complete: timeout, cancellation, connection refused, TLS failure. */
export class KubeTransportError extends Error {
  /** `closed`: the connection closed before a whole answer came (a read may be asked again). */
  constructor(
    message: string,
    readonly closed = false,
  ) {
    super(message);
    this.name = 'KubeTransportError';
  }
}

export function isNotFound(err: unknown): boolean {
  return err instanceof KubeApiError && err.code === 404;
}

export function isForbidden(err: unknown): boolean {
  return err instanceof KubeApiError && err.code === 403;
}

/**
 * An error that may not happen again: the request did not complete (connection closed, timeout), the
 * server asked to come back later (429), failed inside (5xx), or the object changed meanwhile (409
 * Conflict of an optimistic update). Server-side apply is idempotent, so such a write is retried
 * (docs/design.md, Pipeline: retries with backoff for transient errors only).
 */
export function isTransient(err: unknown): boolean {
  if (err instanceof KubeTransportError) return true;
  return err instanceof KubeApiError && (err.code === 429 || err.code >= 500 || (err.code === 409 && err.reason === 'Conflict'));
}

/** One line for users: the API server's Status message, not a dump of the response. */
export function apiErrorMessage(err: unknown): string {
  if (err instanceof KubeApiError) return `${err.code} ${err.reason ? `${err.reason}: ` : ''}${err.message}`;
  return String((err as Error)?.message ?? err).split('\n')[0];
}

// An abortable wait that says how it ended, for loops that stop at once on cancellation (retry
// backoff, health waits, a server's Retry-After) without turning the abort into an exception.

/** Resolves true after `ms`, or false at once when `signal` aborts (or already has). */
export function sleep(ms: number, signal?: AbortSignal): Promise<boolean> {
  if (signal?.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

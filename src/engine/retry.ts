// Retry timing: exponential backoff with jitter (the abortable wait itself is util/sleep.ts).

export interface RetryPolicy {
  /** Retries after the first attempt (so max + 1 attempts in all). */
  max: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export const defaultRetryPolicy: RetryPolicy = { max: 3, baseDelayMs: 200, maxDelayMs: 10_000 };

/**
 * Delay before retry number `retry` (1-based): base·2^(retry-1), capped, then "equal jitter" (half
 * fixed, half random) so that many tasks failing together do not retry in lockstep, while the wait
 * never drops below half the exponential step.
 */
export function backoffDelay(retry: number, policy: RetryPolicy, random: () => number = Math.random): number {
  const exp = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, retry - 1));
  return Math.round(exp / 2 + random() * (exp / 2));
}

// Retrying HTTP calls: which failures are worth another try, and how long to wait before it.

/** 429 (rate limited) and 5xx (server trouble) may succeed later; other statuses will not. */
export function isRetryableStatus(status: number): boolean {
  return status === 429 || (status >= 500 && status <= 599);
}

/**
 * Delay before retry number `attempt` (0-based): the server's Retry-After (seconds or HTTP date) when given,
 * else exponential backoff base·2^attempt; both capped at `maxMs`.
 */
export function backoffDelay(attempt: number, baseMs: number, retryAfter: string | null, maxMs = 30_000, now = Date.now()): number {
  if (retryAfter) {
    const secs = Number(retryAfter);
    if (Number.isFinite(secs) && secs >= 0) return Math.min(secs * 1000, maxMs);
    const date = Date.parse(retryAfter);
    if (Number.isFinite(date)) return Math.min(Math.max(0, date - now), maxMs);
  }
  return Math.min(baseMs * 2 ** attempt, maxMs);
}

/** Waits `ms`, or rejects with the signal's reason as soon as it aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

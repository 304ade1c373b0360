// How long to wait after a keystroke before asking the model: long enough that a fast typist is not sent a
// request per key, short enough that a pause shows a suggestion at once; slower models get a longer wait.
export interface DebounceLimits {
  minMs: number;
  maxMs: number;
  /** Gaps longer than this are pauses, not typing rhythm. */
  pauseMs: number;
}

const DEFAULT_LIMITS: DebounceLimits = { minMs: 50, maxMs: 750, pauseMs: 2000 };
/** Weight of the newest sample in the moving averages. */
const ALPHA = 0.3;

export class AdaptiveDebounce {
  private lastKeyAt: number | undefined;
  private typingGapMs: number | undefined;
  private latencyMs: number | undefined;

  /** fixedMs > 0 disables adaptation (the completion.debounceMs setting). */
  constructor(public fixedMs: number | undefined = undefined, private readonly limits: DebounceLimits = DEFAULT_LIMITS) {}

  /** Called on every edit of the active document. */
  recordKeystroke(nowMs: number): void {
    if (this.lastKeyAt !== undefined) {
      const gap = nowMs - this.lastKeyAt;
      if (gap > 0 && gap < this.limits.pauseMs) this.typingGapMs = ema(this.typingGapMs, gap);
    }
    this.lastKeyAt = nowMs;
  }

  /** Called with the wall time of each answered completion request. */
  recordLatency(ms: number): void {
    if (ms >= 0 && Number.isFinite(ms)) this.latencyMs = ema(this.latencyMs, ms);
  }

  /** Milliseconds to wait before sending the next request. */
  delayMs(): number {
    if (this.fixedMs !== undefined && this.fixedMs > 0) return this.fixedMs;
    // Wait a little longer than the user's usual gap between keys: the request fires when they pause.
    const typing = 1.3 * (this.typingGapMs ?? 120);
    // A request costs the model this long; don't spend it on text that will change within a fraction of it.
    const latency = 0.25 * (this.latencyMs ?? 0);
    return Math.round(Math.min(this.limits.maxMs, Math.max(this.limits.minMs, typing, latency)));
  }
}

function ema(prev: number | undefined, sample: number): number {
  return prev === undefined ? sample : prev + ALPHA * (sample - prev);
}

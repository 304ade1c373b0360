// Activation buffers reused from one forward step to the next, so that decoding a token allocates (almost)
// nothing: each fresh typed array is zeroed memory outside the JS heap, and the garbage of ~60 of them per token
// kept the collector's tasks running between tokens (a token boundary's event-loop turn took ~46 µs, not ~4).

/** Above this many elements a buffer is not kept (prefill chunks: their arrays are few and large). */
const MAX_KEPT_ELEMENTS = 1 << 18;

export class Workspace {
  /** `keep` false: every request is a fresh zeroed array (for callers that run rarely). */
  constructor(private readonly keep = true) {}

  private readonly f32s = new Map<string, Float32Array>();
  private readonly i32s = new Map<string, Int32Array>();

  /**
   * `n` floats for the buffer named `key`, with stale contents (the caller writes every element before reading
   * it). The next request for the same key returns the same memory, so a key's array is dead once the step that
   * asked for it is over. Large requests get a fresh array that is not kept.
   */
  f32(key: string, n: number): Float32Array {
    return this.keep ? take(this.f32s, key, n, (m) => new Float32Array(m)) : new Float32Array(n);
  }

  /** As f32, for int32 arrays. */
  i32(key: string, n: number): Int32Array {
    return this.keep ? take(this.i32s, key, n, (m) => new Int32Array(m)) : new Int32Array(n);
  }
}

function take<A extends Float32Array | Int32Array>(kept: Map<string, A>, key: string, n: number, make: (n: number) => A): A {
  if (n > MAX_KEPT_ELEMENTS) return make(n);
  let buf = kept.get(key);
  if (!buf || buf.length < n) kept.set(key, (buf = make(Math.max(n, 2 * (buf?.length ?? 0)))));
  return buf.length === n ? buf : (buf.subarray(0, n) as A);
}

/** A workspace that keeps nothing. */
export const FRESH = new Workspace(false);

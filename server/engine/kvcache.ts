// Latent KV cache: per layer per token only [c' (kv_lora_rank, normed) | k_pe (qk_rope_head_dim, roped)].

/**
 * Cache buffers of evicted sequences, kept for new ones up to `maxBytes`. Fresh memory is paged in on its first
 * write, and on a VM that cost 8 µs per 4 KiB page: cloning a 2048-token prefix of 4 layers (19 MB of rows)
 * into fresh arrays took 82 ms, into used ones a few. A buffer's stale rows are never read: a cache reads only
 * the rows it has written.
 */
export class CacheBuffers {
  private free: Float32Array[] = [];
  private bytes = 0;
  constructor(private readonly maxBytes: number) {}

  /** A buffer of at least `floats` floats (a kept one of at most twice that, else a new one). */
  take(floats: number): Float32Array {
    let best = -1;
    for (let i = 0; i < this.free.length; i++) {
      const n = this.free[i].length;
      if (n >= floats && n <= 2 * floats && (best < 0 || n < this.free[best].length)) best = i;
    }
    if (best < 0) return new Float32Array(floats);
    const [b] = this.free.splice(best, 1);
    this.bytes -= b.byteLength;
    return b;
  }

  /** Keeps a buffer nobody uses any more (the oldest kept ones go first beyond maxBytes). */
  give(b: Float32Array): void {
    if (b.byteLength > this.maxBytes) return;
    this.free.push(b);
    this.bytes += b.byteLength;
    while (this.bytes > this.maxBytes) this.bytes -= this.free.shift()!.byteLength;
  }

  clear(): void {
    this.free = [];
    this.bytes = 0;
  }
}

/** Rows to allocate for `rows` rows: a quarter more, rounded up to a power of two (so that kept buffers fit again). */
export function roomFor(rows: number): number {
  let cap = 64;
  while (cap < rows + (rows >> 2)) cap *= 2;
  return cap;
}

/** One layer's cached rows, [capacity, rowSize] with the first `length` rows (owned by SequenceCache) valid. */
export class LayerCache {
  data: Float32Array;
  constructor(readonly rowSize: number, capacity: number, private readonly buffers?: CacheBuffers) {
    this.data = this.alloc(rowSize * Math.max(capacity, 1));
  }

  private alloc(floats: number): Float32Array {
    return this.buffers ? this.buffers.take(floats) : new Float32Array(floats);
  }

  /**
   * Grows (see roomFor) once `rows` rows would leave less than a quarter of them to spare, keeping the first
   * `keep` rows. So a long prompt grows the cache while it is prefilled, not on the keystroke after it: a prompt
   * that filled the capacity exactly made that keystroke copy the whole cache into fresh memory (8192 tokens of
   * 4 layers: 75 MB, ~350 of the keystroke's 377 ms).
   */
  reserve(rows: number, keep: number): void {
    if ((rows + (rows >> 2)) * this.rowSize <= this.data.length) return;
    const next = this.alloc(roomFor(rows) * this.rowSize);
    next.set(this.data.subarray(0, keep * this.rowSize));
    this.buffers?.give(this.data);
    this.data = next;
  }
}

/** The cache of one token sequence through every layer. */
export class SequenceCache {
  readonly tokens: number[] = [];
  readonly layers: LayerCache[];
  lastUsed = 0;

  constructor(numLayers: number, readonly rowSize: number, capacity = 64, private readonly buffers?: CacheBuffers) {
    this.layers = Array.from({ length: numLayers }, () => new LayerCache(rowSize, capacity, buffers));
  }

  get length(): number {
    return this.tokens.length;
  }

  /** Makes room for `extra` more tokens in every layer. */
  reserve(extra: number): void {
    for (const l of this.layers) l.reserve(this.length + extra, this.length);
  }

  /** Records tokens whose rows the forward pass has just written. */
  commit(tokens: number[]): void {
    this.tokens.push(...tokens);
  }

  /** Forgets everything after the first n tokens. */
  truncate(n: number): void {
    this.tokens.length = Math.min(n, this.tokens.length);
  }

  /** A copy of the first n tokens' rows. */
  clonePrefix(n: number): SequenceCache {
    const c = new SequenceCache(this.layers.length, this.rowSize, roomFor(n), this.buffers);
    for (let i = 0; i < this.layers.length; i++) c.layers[i].data.set(this.layers[i].data.subarray(0, n * this.rowSize));
    c.tokens.push(...this.tokens.slice(0, n));
    return c;
  }

  /** Hands the layers' buffers back for new sequences; this cache must not be used afterwards. */
  recycle(): void {
    for (const l of this.layers) this.buffers?.give(l.data);
    this.layers.length = 0;
    this.tokens.length = 0;
  }

  /** Bytes held (allocated capacity). */
  bytes(): number {
    return this.layers.reduce((s, l) => s + l.data.byteLength, 0);
  }
}

/** Length of the longest common prefix of two token lists. */
export function commonPrefix(a: readonly number[], b: readonly number[]): number {
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a[i] === b[i]) i++;
  return i;
}

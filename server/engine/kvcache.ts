// Latent KV cache: per layer per token only [c' (kv_lora_rank, normed) | k_pe (qk_rope_head_dim, roped)].

/** One layer's cached rows, [capacity, rowSize] with the first `length` rows (owned by SequenceCache) valid. */
export class LayerCache {
  data: Float32Array;
  constructor(readonly rowSize: number, capacity: number) {
    this.data = new Float32Array(rowSize * Math.max(capacity, 1));
  }

  /** Grows (doubling) so that `rows` rows fit, keeping the first `keep` rows. */
  reserve(rows: number, keep: number): void {
    if (rows * this.rowSize <= this.data.length) return;
    let cap = this.data.length / this.rowSize;
    while (cap < rows) cap *= 2;
    const next = new Float32Array(cap * this.rowSize);
    next.set(this.data.subarray(0, keep * this.rowSize));
    this.data = next;
  }
}

/** The cache of one token sequence through every layer. */
export class SequenceCache {
  readonly tokens: number[] = [];
  readonly layers: LayerCache[];
  lastUsed = 0;

  constructor(numLayers: number, readonly rowSize: number, capacity = 64) {
    this.layers = Array.from({ length: numLayers }, () => new LayerCache(rowSize, capacity));
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
    const c = new SequenceCache(this.layers.length, this.rowSize, Math.max(n * 2, 64));
    for (let i = 0; i < this.layers.length; i++) c.layers[i].data.set(this.layers[i].data.subarray(0, n * this.rowSize));
    c.tokens.push(...this.tokens.slice(0, n));
    return c;
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

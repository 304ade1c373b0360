// Next-token choice: greedy argmax, or temperature + nucleus (top-p) sampling from a seeded PRNG.

/** Index of the largest value (ties → lowest index). */
export function argmax(x: ArrayLike<number>): number {
  let best = 0, top = x[0];
  for (let i = 1; i < x.length; i++) {
    const v = x[i];
    if (v > top) { top = v; best = i; }
  }
  return best;
}

/** mulberry32: small, fast, deterministic 32-bit PRNG → [0, 1). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class Sampler {
  private readonly random: () => number;

  /** `argmaxOf`: the argmax to use on logits (the kernels' own: ~10× faster than this file's on a 100k vocabulary). */
  constructor(readonly temperature = 0, readonly topP = 1, seed = 0, private readonly argmaxOf: (x: Float32Array) => number = argmax) {
    if (!(temperature >= 0)) throw new RangeError(`temperature must be >= 0, got ${temperature}`);
    if (!(topP > 0 && topP <= 1)) throw new RangeError(`top-p must be in (0, 1], got ${topP}`);
    this.random = seededRandom(seed);
  }

  /** Picks a token id from one row of logits [vocab]. */
  sample(logits: Float32Array): number {
    if (this.temperature === 0) return this.argmaxOf(logits);
    const V = logits.length;
    const max = logits[this.argmaxOf(logits)];
    const probs = new Float64Array(V); // unnormalized, the top token has 1
    let sum = 0;
    for (let i = 0; i < V; i++) sum += probs[i] = Math.exp((logits[i] - max) / this.temperature);
    if (this.topP >= 1) return pick(probs, undefined, V, sum, this.random());
    // Nucleus: the most likely tokens whose cumulative probability first reaches top-p. Only tokens above a
    // threshold are sorted; it drops until they hold enough mass, so the nucleus is always among them.
    let order: number[] = [];
    for (let threshold = 1e-4; ; threshold = threshold > 1e-300 ? threshold * 1e-4 : 0) {
      order = [];
      let above = 0;
      for (let i = 0; i < V; i++) if (probs[i] >= threshold && probs[i] > 0) (order.push(i), (above += probs[i]));
      if (above >= this.topP * sum || threshold === 0) break;
    }
    order.sort((a, b) => probs[b] - probs[a] || a - b);
    let kept = 0;
    let mass = 0;
    while (kept < order.length && (kept === 0 || mass < this.topP * sum)) mass += probs[order[kept++]];
    return pick(probs, order, kept, mass, this.random());
  }
}

/** Draws from the first `n` ids of `order` (undefined: ids 0..n-1) in proportion to probs (their total is `mass`). */
function pick(probs: Float64Array, order: number[] | undefined, n: number, mass: number, u: number): number {
  let r = u * mass;
  for (let i = 0; i < n; i++) {
    const id = order ? order[i] : i;
    r -= probs[id];
    if (r < 0) return id;
  }
  return order ? order[n - 1] : n - 1;
}

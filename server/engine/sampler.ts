// Next-token choice: greedy argmax, or temperature + nucleus (top-p) sampling from a seeded PRNG.
import { referenceKernels } from '../../native/reference';

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

/**
 * The nucleus of `probs`: the fewest ids, most likely first (ties: lower id first), whose probabilities add up to at
 * least `target`. Its ids go to `out` (in no particular order); returns how many and their mass. `ids` is scratch of
 * probs.length. A selection by pivots (each round keeps the side of a pivot that holds the boundary), so no round
 * sorts: a flat distribution's nucleus of tens of thousands of ids took 16 ms a token sorted with a comparator.
 */
export function nucleus(probs: Float32Array, target: number, out: Int32Array, ids: Int32Array): { n: number; mass: number } {
  let m = 0; // the ids still undecided, in id order
  let top = 0;
  for (let i = 0; i < probs.length; i++) if (probs[i] > 0) { ids[m++] = i; if (probs[i] > top) top = probs[i]; }
  let n = 0, mass = 0;
  // The first pivot cuts the long tail of a peaked distribution in one pass; then a middle one of three.
  let pivot = top * 1e-4;
  while (m > 0 && target > 0) {
    let above = 0, tied = 0;
    for (let j = 0; j < m; j++) {
      const p = probs[ids[j]];
      if (p > pivot) above += p;
      else if (p === pivot) tied += p;
    }
    let kept = 0;
    if (above >= target) { // the boundary lies above the pivot: decide among those
      for (let j = 0; j < m; j++) if (probs[ids[j]] > pivot) ids[kept++] = ids[j];
    } else if (above + tied >= target) { // all above, then ties in id order until the mass is reached
      for (let j = 0; j < m; j++) if (probs[ids[j]] > pivot) (out[n++] = ids[j]), (mass += probs[ids[j]]);
      let need = target - above;
      for (let j = 0; j < m && need > 0; j++) if (probs[ids[j]] === pivot) (out[n++] = ids[j]), (mass += pivot), (need -= pivot);
      return { n, mass };
    } else { // all at or above the pivot are in; the boundary lies below
      for (let j = 0; j < m; j++) {
        const id = ids[j];
        if (probs[id] >= pivot) (out[n++] = id), (mass += probs[id]);
        else ids[kept++] = id;
      }
      target -= above + tied;
    }
    m = kept;
    if (m === 0) break;
    const a = probs[ids[0]], b = probs[ids[m >> 1]], c = probs[ids[m - 1]];
    pivot = Math.max(Math.min(a, b), Math.min(Math.max(a, b), c));
  }
  if (n === 0 && m > 0) (out[n++] = ids[0]), (mass += probs[ids[0]]); // rounding left nothing: keep one
  return { n, mass };
}

export class Sampler {
  private readonly random: () => number;
  /** A row's probabilities and the nucleus's scratch, kept from token to token (a vocabulary-sized array a token kept the collector busy). */
  private probs = new Float32Array(0);
  private chosen = new Int32Array(0);
  private scratch = new Int32Array(0);

  /**
   * `argmaxOf`: the argmax to use on logits (the kernels' own: ~10× faster than this file's on a 100k vocabulary);
   * `softmaxOf`: an in-place softmax of one row (the kernels' own: ~20× faster than Math.exp over a vocabulary).
   */
  constructor(readonly temperature = 0, readonly topP = 1, seed = 0, private readonly argmaxOf: (x: Float32Array) => number = argmax,
              private readonly softmaxOf: (x: Float32Array) => void = (x) => referenceKernels.softmax(x, 1, x.length)) {
    if (!(temperature >= 0)) throw new RangeError(`temperature must be >= 0, got ${temperature}`);
    if (!(topP > 0 && topP <= 1)) throw new RangeError(`top-p must be in (0, 1], got ${topP}`);
    this.random = seededRandom(seed);
  }

  /** Picks a token id from one row of logits [vocab]. */
  sample(logits: Float32Array): number {
    if (this.temperature === 0) return this.argmaxOf(logits);
    const V = logits.length;
    if (this.probs.length !== V) [this.probs, this.chosen, this.scratch] = [new Float32Array(V), new Int32Array(V), new Int32Array(V)];
    const probs = this.probs;
    const max = logits[this.argmaxOf(logits)];
    for (let i = 0; i < V; i++) probs[i] = (logits[i] - max) / this.temperature; // ≤ 0 (masked ids -∞): exp cannot overflow
    this.softmaxOf(probs);
    let sum = 0;
    for (let i = 0; i < V; i++) sum += probs[i];
    if (this.topP >= 1) return pick(probs, undefined, V, sum, this.random());
    const { n, mass } = nucleus(probs, this.topP * sum, this.chosen, this.scratch);
    return pick(probs, this.chosen, n, mass, this.random());
  }
}

/** Draws from the first `n` ids of `order` (undefined: ids 0..n-1) in proportion to probs (their total is `mass`). */
function pick(probs: Float32Array, order: Int32Array | undefined, n: number, mass: number, u: number): number {
  let r = u * mass;
  for (let i = 0; i < n; i++) {
    const id = order ? order[i] : i;
    r -= probs[id];
    if (r < 0) return id;
  }
  return order ? order[n - 1] : n - 1;
}

// The decoder stack: embeddings → blocks (MLA + dense MLP or MoE) → final norm → lm_head.
import type { Kernels, Weight } from '../../native/api';
import type { ModelConfig } from './config';
import { weightRow } from './dtype';
import type { LayerCache, SequenceCache } from './kvcache';
import { absorbedFactorsOf, mlaForward, type AttentionStep } from './attention';
import { mlpForward } from './mlp';
import { moeForward } from './moe';
import { ropeParams, ropeTables, type RopeParams } from './rope';
import type { LayerWeights, ModelWeights } from './weights';
import { Workspace } from './workspace';

/** Beyond this many keys, expanding per-head K/V costs more memory than it saves: use the absorbed form. */
const MAX_EXPANDED_KEYS = 1024;

export class Transformer {
  readonly rope: RopeParams;
  /** Intermediate arrays of a forward step, kept for the next (decoding allocates almost nothing per token). */
  readonly ws = new Workspace();

  /** `fusedMoe` false keeps MoE layers (and the dense MLP) on per-expert kernel calls (the benchmark's naive path). */
  constructor(readonly k: Kernels, readonly cfg: ModelConfig, readonly w: ModelWeights, readonly fusedMoe = true) {
    this.rope = ropeParams(cfg);
  }

  /**
   * Makes every layer's absorbed MLA factors now. Decoding needs them, and made on first use they fell on the first
   * completion after loading: a one-token keystroke took 124 ms instead of 25 (4 layers of V2-Lite's shapes).
   */
  prepareDecode(): void {
    for (const lw of this.w.layers) absorbedFactorsOf(this.k, lw.attn);
  }

  /** Per-token cache row: [c' (kv_lora_rank) | k_pe (qk_rope_head_dim)]. */
  get cacheRowSize(): number {
    return this.cfg.kvLoraRank + this.cfg.qkRopeHeadDim;
  }

  /** Rows of an embedding table for `tokens` → [T, hidden]. */
  embed(table: Weight, tokens: number[]): Float32Array {
    const H = this.cfg.hiddenSize;
    const x = new Float32Array(tokens.length * H);
    tokens.forEach((id, t) => {
      if (!Number.isInteger(id) || id < 0 || id >= table.rows) throw new RangeError(`token id ${id} is outside the vocabulary [0, ${table.rows})`);
      weightRow(table, id, x, t * H);
    });
    return x;
  }

  /** Attention-step parameters for T new tokens after `past` cached ones. */
  step(past: number, T: number): AttentionStep {
    const n = T * this.rope.invFreq.length;
    const { cos, sin } = ropeTables(this.rope, past, T, this.ws.f32('rope.cos', n), this.ws.f32('rope.sin', n));
    return { past, cos, sin, softmaxScale: this.rope.softmaxScale };
  }

  /**
   * One decoder block in place on x [T, hidden]: h = x + attn(norm(x)); x = h + mlp(norm(h)).
   * `normed` and `delta` are [T, hidden] scratch, fully overwritten (forward() shares one pair across layers).
   */
  block(lw: LayerWeights, x: Float32Array, T: number, cache: LayerCache, s: AttentionStep, absorbed: boolean,
    normed: Float32Array = new Float32Array(T * this.cfg.hiddenSize), delta: Float32Array = new Float32Array(T * this.cfg.hiddenSize)): void {
    const { k, cfg } = this;
    const n = T * cfg.hiddenSize;
    k.rmsnorm(normed, x, lw.inputNorm, T, cfg.rmsNormEps);
    mlaForward(k, cfg, lw.attn, normed, T, cache, s, delta, absorbed, this.ws);
    k.axpy(x, delta, 1, n);
    k.rmsnorm(normed, x, lw.postNorm, T, cfg.rmsNormEps);
    if (lw.moe) moeForward(k, cfg, lw.moe, normed, T, delta, this.fusedMoe, this.ws);
    else mlpForward(k, lw.mlp!, normed, T, delta, this.fusedMoe);
    k.axpy(x, delta, 1, n);
  }

  /**
   * Runs `tokens` after the cache's contents, appends them to the cache and returns the final normed
   * hidden states [T, hidden]. Single tokens and long contexts use absorbed MLA unless `absorbed` says otherwise.
   */
  forward(tokens: number[], cache: SequenceCache, absorbed = tokens.length === 1 || cache.length + tokens.length > MAX_EXPANDED_KEYS): Float32Array {
    const T = tokens.length;
    const x = this.embed(this.w.embed, tokens);
    const s = this.step(cache.length, T);
    cache.reserve(T);
    const normed = this.ws.f32('block.normed', x.length);
    const delta = this.ws.f32('block.delta', x.length);
    this.w.layers.forEach((lw, i) => this.block(lw, x, T, cache.layers[i], s, absorbed, normed, delta));
    this.k.rmsnorm(x, x, this.w.norm, T, this.cfg.rmsNormEps);
    cache.commit(tokens);
    return x;
  }

  /** head(h) for `rows` rows of h [rows, hidden] → [rows, vocab]. */
  project(h: Float32Array, rows: number, head: Weight = this.w.lmHead, out: Float32Array = new Float32Array(rows * head.rows)): Float32Array {
    this.k.matmul(out, h, rows, head);
    return out;
  }
}

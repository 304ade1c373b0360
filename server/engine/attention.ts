// Multi-head Latent Attention (DeepSeek-V2 §2.1): naive (expanded K/V) prefill; absorbed form for decode and long contexts.
import type { Kernels, Weight } from '../../native/api';
import type { ModelConfig } from './config';
import type { LayerCache } from './kvcache';
import { weightRows } from './dtype';
import type { AbsorbedFactors, AttentionWeights } from './weights';
import { FRESH, type Workspace } from './workspace';

export interface AttentionStep {
  /** Tokens already in the cache before this step (= position of the first new token). */
  past: number;
  /** cos/sin [T, rope/2] for positions past..past+T-1. */
  cos: Float32Array;
  sin: Float32Array;
  softmaxScale: number;
}

/**
 * Both projections of the input in one batched call (they share x): the queries [T, heads, nope+rope] (rope
 * part rotated), q_b(rmsnorm(q_a(x))) or q_proj(x); and the new tokens' cache rows [T, kvLora+rope],
 * c' = kv_a_layernorm(c) with k_pe roped, written into `cache`.
 */
function projectInputs(k: Kernels, cfg: ModelConfig, w: AttentionWeights, x: Float32Array, T: number, cache: LayerCache, s: AttentionStep, ws: Workspace): Float32Array {
  const H = cfg.numAttentionHeads;
  const dq = cfg.qkNopeHeadDim + cfg.qkRopeHeadDim;
  const D = cache.rowSize; // kvLora + rope
  const rows = cache.data.subarray(s.past * D, (s.past + T) * D);
  const q = ws.f32('mla.q', T * H * dq);
  if (w.q) {
    k.matmulBatch([q, rows], [x, x], T, [w.q, w.kvA]);
  } else {
    const qa = ws.f32('mla.qa', T * cfg.qLoraRank!); // [T, qLora]
    k.matmulBatch([qa, rows], [x, x], T, [w.qA!, w.kvA]);
    k.rmsnorm(qa, qa, w.qANorm!, T, cfg.rmsNormEps);
    k.matmul(q, qa, T, w.qB!);
  }
  k.rope(q, T, H, H * dq, dq, cfg.qkNopeHeadDim, cfg.qkRopeHeadDim, s.cos, s.sin);
  for (let t = 0; t < T; t++) {
    const c = rows.subarray(t * D, t * D + cfg.kvLoraRank);
    k.rmsnorm(c, c, w.kvANorm, 1, cfg.rmsNormEps);
  }
  k.rope(rows, T, 1, D, 0, cfg.kvLoraRank, cfg.qkRopeHeadDim, s.cos, s.sin);
  return q;
}

/** Naive form: expand every cached latent to per-head k_nope and v with kv_b_proj, then ordinary attention. */
function attendExpanded(k: Kernels, cfg: ModelConfig, w: AttentionWeights, q: Float32Array, T: number, cache: LayerCache, s: AttentionStep): Float32Array {
  const H = cfg.numAttentionHeads;
  const { qkNopeHeadDim: nope, qkRopeHeadDim: rope, vHeadDim: dv, kvLoraRank: L } = cfg;
  const D = cache.rowSize;
  const tk = s.past + T;
  const latents = new Float32Array(tk * L); // [tk, kvLora]
  for (let t = 0; t < tk; t++) latents.set(cache.data.subarray(t * D, t * D + L), t * L);
  const kv = new Float32Array(tk * H * (nope + dv)); // [tk, H, nope + v]
  k.matmul(kv, latents, tk, w.kvB);
  const keys = new Float32Array(tk * H * (nope + rope)); // [tk, H, nope + rope], k_pe shared by all heads
  for (let t = 0; t < tk; t++) {
    const kpe = cache.data.subarray(t * D + L, (t + 1) * D);
    for (let h = 0; h < H; h++) {
      const dst = (t * H + h) * (nope + rope);
      keys.set(kv.subarray((t * H + h) * (nope + dv), (t * H + h) * (nope + dv) + nope), dst);
      keys.set(kpe, dst + nope);
    }
  }
  const out = new Float32Array(T * H * dv); // [T, H, v]
  k.attention(out, q, keys, kv.subarray(nope), {
    tq: T, tk, nHeads: H, nKvHeads: H, dk: nope + rope, dv, pastLen: s.past, scale: s.softmaxScale,
    qTokenStride: H * (nope + rope), qHeadStride: nope + rope,
    kTokenStride: H * (nope + rope), kHeadStride: nope + rope,
    vTokenStride: H * (nope + dv), vHeadStride: nope + dv,
    oTokenStride: H * dv, oHeadStride: dv,
  });
  return out;
}

/** Head h of every token, [T, H, width] (row stride `stride`, head offset `offset`) → [T, width] (a view when T is 1). */
function gatherHead(src: Float32Array, T: number, stride: number, offset: number, width: number): Float32Array {
  if (T === 1) return src.subarray(offset, offset + width); // decode: already contiguous
  const out = new Float32Array(T * width);
  for (let t = 0; t < T; t++) out.set(src.subarray(t * stride + offset, t * stride + offset + width), t * width);
  return out;
}

/** Inverse of gatherHead: [T, width] → head slot of [T, H, ...]. */
function scatterHead(dst: Float32Array, src: Float32Array, T: number, stride: number, offset: number, width: number): void {
  for (let t = 0; t < T; t++) dst.set(src.subarray(t * width, (t + 1) * width), t * stride + offset);
}

/**
 * Per head h of a weight stacked by head (rows h·r ..): [T, r] = x_h [T, w.cols] · W_hᵀ, x_h read from head slot h
 * (width w.cols, slots xHead apart, tokens H·xHead apart) and the result written to head slot h of `out` (slots
 * outHead apart). Decoding does every head in one call; longer runs gather and scatter per head.
 */
function perHeadProducts(k: Kernels, w: Weight, H: number, T: number, x: Float32Array, xHead: number, out: Float32Array, outHead: number): void {
  const r = w.rows / H;
  if (T === 1) return k.matmulHeads(out, x, w, H, xHead, outHead);
  const heads = Array.from({ length: H }, (_, h) => h);
  const outs = heads.map(() => new Float32Array(T * r));
  k.matmulBatch(outs, heads.map((h) => gatherHead(x, T, H * xHead, h * xHead, w.cols)), T, heads.map((h) => weightRows(w, h * r, r)));
  heads.forEach((h) => scatterHead(out, outs[h], T, H * outHead, h * outHead, r));
}

/** The layer's absorbed factors (W_UKᵀ and W_UV per head), made on first use, in huge pages when native. */
export function absorbedFactorsOf(k: Kernels, w: AttentionWeights): AbsorbedFactors {
  return w.absorbed(k.allocWeightBytes && ((n) => k.allocWeightBytes!(n)));
}

/**
 * Absorbed form: q_nope·W_UKᵀ puts each head's query in latent space, scored against the cached [c' | k_pe]
 * rows as one shared K/V head; the latent result is mapped to v by W_UV per head. Nothing is expanded.
 */
function attendAbsorbed(k: Kernels, cfg: ModelConfig, w: AttentionWeights, q: Float32Array, T: number, cache: LayerCache, s: AttentionStep, ws: Workspace): Float32Array {
  const H = cfg.numAttentionHeads;
  const { qkNopeHeadDim: nope, qkRopeHeadDim: rope, vHeadDim: dv, kvLoraRank: L } = cfg;
  const D = cache.rowSize; // L + rope
  const dq = nope + rope;
  const { ukT, uv } = absorbedFactorsOf(k, w);
  const qLat = ws.f32('mla.qLat', T * H * D); // [T, H, kvLora + rope]
  // per head [T, kvLora] = q_nope_h [T, nope] · W_UK_h [nope, kvLora], from q's head slots into qLat's
  if (ukT) perHeadProducts(k, ukT, H, T, q, dq, qLat, D);
  else qLat.fill(0); // no nope part: the latent queries are zero
  for (let t = 0; t < T; t++) { // each head's q_pe after its latent query: qLat[t, h, L..] = q[t, h, nope..]
    for (let h = 0; h < H; h++) qLat.set(q.subarray((t * H + h) * dq + nope, (t * H + h + 1) * dq), (t * H + h) * D + L);
  }
  const latOut = ws.f32('mla.latOut', T * H * L); // [T, H, kvLora]
  const tk = s.past + T;
  const kv = cache.data.subarray(0, tk * D);
  k.attention(latOut, qLat, kv, kv, {
    tq: T, tk, nHeads: H, nKvHeads: 1, dk: D, dv: L, pastLen: s.past, scale: s.softmaxScale,
    qTokenStride: H * D, qHeadStride: D,
    kTokenStride: D, kHeadStride: 0,
    vTokenStride: D, vHeadStride: 0,
    oTokenStride: H * L, oHeadStride: L,
  });
  const out = ws.f32('mla.heads', T * H * dv); // [T, H, v]
  perHeadProducts(k, uv, H, T, latOut, L, out, dv); // per head [T, v] = latent_h [T, kvLora] · W_UVᵀ
  return out;
}

/**
 * MLA over T new tokens x [T, hidden] (already input-normed) at positions past..past+T-1; appends their
 * latents to `cache` and writes o_proj output [T, hidden] to `out`. `absorbed` picks the decode form; `ws` holds
 * the step's intermediate arrays.
 */
export function mlaForward(k: Kernels, cfg: ModelConfig, w: AttentionWeights, x: Float32Array, T: number,
  cache: LayerCache, s: AttentionStep, out: Float32Array, absorbed: boolean, ws: Workspace = FRESH): void {
  const q = projectInputs(k, cfg, w, x, T, cache, s, ws);
  const heads = absorbed ? attendAbsorbed(k, cfg, w, q, T, cache, s, ws) : attendExpanded(k, cfg, w, q, T, cache, s);
  k.matmul(out, heads, T, w.o);
}

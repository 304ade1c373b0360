// The kernel contract: every numeric hot path of the engine goes through this interface.
// Implemented natively by the N-API addon (native/index.ts loads it) and, as a plain
// TypeScript reference used by the unit tests, by native/reference.ts.
//
// Conventions: activations are row-major Float32Array; a weight is the raw bytes of a
// [rows, cols] row-major matrix exactly as the checkpoint stores it (nn.Linear: [out, in]).

import { blockQuantRowBytes } from './block-quant';

/** Storage formats a weight matrix can have. */
export type WeightDType =
  | 'f32'
  | 'bf16'
  | 'f16'
  | 'f8_e4m3' // + DeepSeek-V3 block scales: one f32 per 128×128 block (weight ≈ fp8 × scale)
  // Block-quantized (made at load time; cols divisible by 32): per 32 weights of a row one f32 scale and 32
  // integer codes, weight ≈ code × scale, packed with the scales inside `data` (layout: native/block-quant.ts).
  // A matmul with them quantizes the activations the same way, per 32 columns (native/src/act_quant.h): each
  // block adds dw · dx · Σ code·q, the inner sum an exact integer (as llama.cpp's q8_0/q4_0 dot products).
  | 'q8_0' // codes in [-127, 127]
  | 'q4_0'; // codes in [-8, 7]

/** Bytes of one row of `cols` columns in `dtype` (block-quantized rows include their scales and padding). */
export function weightRowBytes(dtype: WeightDType, cols: number): number {
  switch (dtype) {
    case 'f32': return 4 * cols;
    case 'bf16': case 'f16': return 2 * cols;
    case 'f8_e4m3': return cols;
    case 'q8_0': case 'q4_0': return blockQuantRowBytes(dtype, cols);
  }
}

export interface Weight {
  dtype: WeightDType;
  rows: number; // N (out features)
  cols: number; // K (in features)
  /** Raw bytes, rows × weightRowBytes(dtype, cols) long; may be a view into a memory-mapped file (any alignment). */
  data: Uint8Array;
  /** f8_e4m3 only: [ceil(rows/128), ceil(cols/128)] row-major block scales (`weight_scale_inv`). */
  scales?: Float32Array;
  /**
   * f8_e4m3: whether no byte is a NaN code (0x7f/0xff). Optional; the native kernels find it on first use and
   * store it here, so a weight's bytes must not change once it has been used. (The native side also keeps a
   * used Weight's parsed fields on it; a new `data` or `scales` array is noticed, a changed dtype/rows/cols not.)
   */
  nanFree?: boolean;
}

export interface AttentionShape {
  tq: number; // query tokens
  tk: number; // key/value tokens
  nHeads: number; // query heads
  nKvHeads: number; // key/value heads (1 = all query heads share one K/V, as in absorbed MLA)
  dk: number; // query/key head dim
  dv: number; // value head dim
  /** Query i (0-based among tq) may attend keys 0..(pastLen + i) inclusive (causal). */
  pastLen: number;
  scale: number; // softmax scale applied to q·k
  // Element strides between consecutive tokens / heads in each buffer:
  qTokenStride: number; qHeadStride: number;
  kTokenStride: number; kHeadStride: number;
  vTokenStride: number; vHeadStride: number;
  oTokenStride: number; oHeadStride: number;
}

export interface Kernels {
  /** e.g. "cpu-avx512", "cpu-avx2", "cpu-scalar", "typescript-reference". */
  readonly backend: string;
  setThreads(n: number): void;
  getThreads(): number;

  /** out[m, n] = Σ_k x[m, k] · W[n, k]   (x: [m, w.cols], out: [m, w.rows]) */
  matmul(out: Float32Array, x: Float32Array, m: number, w: Weight): void;
  /**
   * Several independent matmuls in one call (one hand-off to the threads, rows of all weights split among
   * them): outs[j] = xs[j] · ws[j]ᵀ for every j, each x [m, ws[j].cols]. For the many small per-head
   * products of decoding, and for weights that share an input (pass the same x).
   */
  matmulBatch(outs: Float32Array[], xs: Float32Array[], m: number, ws: Weight[]): void;
  /**
   * One token through per-head blocks of one weight, stacked by head: w is [heads·r, k] and head h computes
   * out[h·outStride .. +r] = x[h·xStride .. +k] · W[h·r .. h·r+r]ᵀ (absorbed MLA's per-head products, one
   * call and one weight for all heads). f8_e4m3 needs r divisible by 128, so that no scale block spans two heads.
   */
  matmulHeads(out: Float32Array, x: Float32Array, w: Weight, heads: number, xStride: number, outStride: number): void;
  /**
   * Several tokens through their experts in one call: listed expert j serves the tokens rows[offsets[j] ..
   * offsets[j+1]) with weights coef[offsets[j] ..]; out[T, hidden] = Σ_j Σ_i coef·downs[j](silu(gates[j]·x_t) ⊙
   * ups[j]·x_t), x: [T, hidden], added in the order listed (expert by expert, token by token).
   */
  moeTokens(out: Float32Array, x: Float32Array, T: number, gates: Weight[], ups: Weight[], downs: Weight[],
    rows: Int32Array, offsets: Int32Array, coef: Float32Array): void;
  /**
   * Optional fast quantizer: an f32/bf16/f16 weight (cols divisible by 32) → a q8_0 / q4_0 weight's bytes
   * (rows × weightRowBytes) in `data`; the same bytes as server/engine/quantize.ts computes.
   */
  quantize?(w: Weight, dtype: 'q8_0' | 'q4_0', data: Uint8Array): void;
  /** Optional: `bytes` zero bytes for weights made at load time, in memory that streams fastest (huge pages). */
  allocWeightBytes?(bytes: number): Uint8Array;
  /** out[r] = x[r] / sqrt(mean(x[r]²) + eps) * weight; rows of length weight.length. out may alias x. */
  rmsnorm(out: Float32Array, x: Float32Array, weight: Float32Array, rows: number, eps: number): void;
  /** In-place row softmax over `cols` columns of `rows` rows. */
  softmax(x: Float32Array, rows: number, cols: number): void;
  /**
   * Rotary embedding on interleaved pairs (x[2i], x[2i+1]) of the ropeDim dims starting at `offset`
   * in each head of each token: token t head h starts at t*tokenStride + h*headStride.
   * cos/sin: [tokens, ropeDim/2] (already position- and YaRN-adjusted by the caller).
   */
  rope(x: Float32Array, tokens: number, nHeads: number, tokenStride: number, headStride: number,
       offset: number, ropeDim: number, cos: Float32Array, sin: Float32Array): void;
  /** out[i] = silu(gate[i]) * up[i] for i < n. out may alias gate. */
  siluMul(out: Float32Array, gate: Float32Array, up: Float32Array, n: number): void;
  /** The index of the first largest value of x; NaNs are passed over (0 when x[0] is NaN or x is empty). */
  argmax(x: Float32Array): number;
  /** y[i] += alpha * x[i] for i < n. */
  axpy(y: Float32Array, x: Float32Array, alpha: number, n: number): void;
  /** Causal multi-head (or grouped/multi-query) attention: out = softmax(scale·q·kᵀ + causal mask)·v. */
  attention(out: Float32Array, q: Float32Array, k: Float32Array, v: Float32Array, shape: AttentionShape): void;
}

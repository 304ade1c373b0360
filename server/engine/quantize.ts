// Quantize-at-load: bf16/f16/f32 linear weights → block-quantized int8 / int4 (blocks of 32 along K), in
// the packed layout the kernels stream (native/block-quant.ts): per block one f32 scale d and 32 codes q,
// w ≈ q · d; q8_0: q ∈ [-127, 127], d = amax / 127; q4_0: q ∈ [-8, 7], d = (signed extreme) / -8.
import { weightRowBytes, type Kernels, type Weight } from '../../native/api';
import { QUANT_BLOCK, packBlockQuantRow } from '../../native/block-quant';
import { weightRow } from './dtype';
import type { LayerWeights, MlpWeights, ModelWeights } from './weights';

export type QuantMode = 'int8' | 'int4';
export { QUANT_BLOCK };

/** Parses a --quant value. */
export function parseQuant(text: string | undefined): QuantMode | undefined {
  if (text === undefined || text === '' || text === 'none') return undefined;
  if (text !== 'int8' && text !== 'int4') throw new Error(`--quant must be int8 or int4, got ${JSON.stringify(text)}`);
  return text;
}

/** Whether a weight can be block-quantized (exact float storage, whole blocks along K). */
export function quantizable(w: Weight): boolean {
  return (w.dtype === 'bf16' || w.dtype === 'f16' || w.dtype === 'f32') && w.cols % QUANT_BLOCK === 0;
}

/** One row's blocks: row [cols] → q into `q` (int8 codes) and per-block scales. */
function quantizeRow(row: Float32Array, q: Int8Array, scales: Float32Array, levels: 127 | 8): void {
  for (let b = 0; b < row.length; b += QUANT_BLOCK) {
    // int8: symmetric amax/127; int4: the signed extreme maps to -8 (uses all 16 codes, as llama.cpp's q4_0).
    let ext = 0;
    for (let i = b; i < b + QUANT_BLOCK; i++) if (Math.abs(row[i]) > Math.abs(ext)) ext = row[i];
    const d = levels === 127 ? Math.abs(ext) / 127 : ext / -8;
    const inv = d ? 1 / d : 0;
    scales[b / QUANT_BLOCK] = d;
    for (let i = b; i < b + QUANT_BLOCK; i++) {
      const v = Math.floor(row[i] * inv + 0.5); // round half up (the native quantizer matches)
      q[i] = levels === 127 ? v : Math.max(-8, Math.min(7, v));
    }
  }
}

/**
 * A bf16/f16/f32 weight as q8_0 or q4_0 (new buffers; the source may be a memory-mapped file). `k` with a
 * native quantizer does it in parallel native code (same bytes); otherwise this TypeScript version runs.
 */
export function quantizeWeight(w: Weight, mode: QuantMode, k?: Pick<Kernels, 'quantize' | 'allocWeightBytes'>): Weight {
  if (!quantizable(w)) throw new Error(`cannot quantize a ${w.dtype} [${w.rows}, ${w.cols}] weight (need bf16/f16/f32 and cols divisible by ${QUANT_BLOCK})`);
  const { rows, cols } = w;
  const dtype = mode === 'int8' ? 'q8_0' : 'q4_0';
  const rowBytes = weightRowBytes(dtype, cols);
  if (k?.quantize) {
    const data = k.allocWeightBytes ? k.allocWeightBytes(rows * rowBytes) : new Uint8Array(rows * rowBytes);
    k.quantize(w, dtype, data);
    return { dtype, rows, cols, data };
  }
  const row = new Float32Array(cols);
  const q = new Int8Array(cols);
  const scales = new Float32Array(cols / QUANT_BLOCK);
  const data = new Uint8Array(rows * rowBytes);
  for (let r = 0; r < rows; r++) {
    weightRow(w, r, row);
    quantizeRow(row, q, scales, mode === 'int8' ? 127 : 8);
    packBlockQuantRow(dtype, q, scales, data, r * rowBytes);
  }
  return { dtype, rows, cols, data };
}

/** Which weights get quantized: every linear layer except the embedding (row lookups), routers and kv_b_proj (cut into per-head factors). */
export function quantizeModel(w: ModelWeights, mode: QuantMode, k?: Pick<Kernels, 'quantize' | 'allocWeightBytes'>, onWeight?: () => void): ModelWeights {
  const memo = new Map<Weight, Weight>();
  const q = (x: Weight): Weight => {
    if (!quantizable(x)) return x;
    let out = memo.get(x);
    if (!out) {
      memo.set(x, (out = quantizeWeight(x, mode, k)));
      onWeight?.();
    }
    return out;
  };
  const mlp = (m: MlpWeights): MlpWeights => ({ gate: q(m.gate), up: q(m.up), down: q(m.down) });
  const layer = (lw: LayerWeights): LayerWeights => {
    const a = lw.attn;
    return {
      ...lw,
      attn: { ...a, q: a.q && q(a.q), qA: a.qA && q(a.qA), qB: a.qB && q(a.qB), kvA: q(a.kvA), o: q(a.o) },
      mlp: lw.mlp && mlp(lw.mlp),
      moe: lw.moe && { ...lw.moe, experts: lw.moe.experts.map(mlp), shared: lw.moe.shared && mlp(lw.moe.shared) },
    };
  };
  return {
    ...w,
    layers: w.layers.map(layer),
    lmHead: q(w.lmHead),
    mtp: w.mtp && { ...w.mtp, ehProj: q(w.mtp.ehProj), block: layer(w.mtp.block), head: q(w.mtp.head) },
  };
}

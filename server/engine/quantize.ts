// Quantize-at-load: bf16/f16/f32 linear weights → block-quantized int8 / int4 (blocks of 32 along K).
//   q8_0: data = int8 q [rows, cols];                      scales = f32 [rows, cols/32];  w ≈ q · scale
//   q4_0: data = [rows, cols/2], per block of 32 columns 16 bytes: byte j = (q[j] + 8) | (q[j+16] + 8) << 4,
//         q ∈ [-8, 7];                                      scales = f32 [rows, cols/32];  w ≈ q · scale
import type { Kernels, Weight } from '../../native/api';
import { weightRow } from './dtype';
import type { LayerWeights, MlpWeights, ModelWeights } from './weights';

export type QuantMode = 'int8' | 'int4';
export const QUANT_BLOCK = 32;

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
function quantizeRow(row: Float32Array, q: Int8Array, scales: Float32Array, sOff: number, levels: 127 | 8): void {
  for (let b = 0; b < row.length; b += QUANT_BLOCK) {
    // int8: symmetric amax/127; int4: the signed extreme maps to -8 (uses all 16 codes, as llama.cpp's q4_0).
    let ext = 0;
    for (let i = b; i < b + QUANT_BLOCK; i++) if (Math.abs(row[i]) > Math.abs(ext)) ext = row[i];
    const d = levels === 127 ? Math.abs(ext) / 127 : ext / -8;
    const inv = d ? 1 / d : 0;
    scales[sOff + b / QUANT_BLOCK] = d;
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
  const blocks = cols / QUANT_BLOCK;
  const scales = new Float32Array(rows * blocks);
  const dtype = mode === 'int8' ? 'q8_0' : 'q4_0';
  if (k?.quantize) {
    const bytes = mode === 'int8' ? rows * cols : (rows * cols) / 2;
    const data = k.allocWeightBytes ? k.allocWeightBytes(bytes) : new Uint8Array(bytes);
    k.quantize(w, dtype, data, scales);
    return { dtype, rows, cols, data, scales };
  }
  const row = new Float32Array(cols);
  const q = new Int8Array(cols);
  const data = new Uint8Array(mode === 'int8' ? rows * cols : (rows * cols) / 2);
  for (let r = 0; r < rows; r++) {
    weightRow(w, r, row);
    quantizeRow(row, q, scales, r * blocks, mode === 'int8' ? 127 : 8);
    if (mode === 'int8') {
      data.set(new Uint8Array(q.buffer), r * cols);
    } else {
      const base = (r * cols) / 2;
      for (let b = 0; b < cols; b += QUANT_BLOCK) {
        for (let j = 0; j < 16; j++) data[base + b / 2 + j] = ((q[b + j] + 8) | ((q[b + j + 16] + 8) << 4)) & 0xff;
      }
    }
  }
  return { dtype, rows, cols, data, scales };
}

/** Row `row` of a q8_0/q4_0 weight as float32 (reference decoding). */
export function dequantizeRow(w: Weight, row: number, out: Float32Array, outOffset = 0): void {
  const { cols } = w;
  const blocks = cols / QUANT_BLOCK;
  const s = w.scales!;
  const dtype = w.dtype as string;
  for (let b = 0; b < blocks; b++) {
    const d = s[row * blocks + b];
    for (let j = 0; j < QUANT_BLOCK; j++) {
      const c = b * QUANT_BLOCK + j;
      let q: number;
      if (dtype === 'q8_0') {
        q = (w.data[row * cols + c] << 24) >> 24;
      } else {
        const byte = w.data[(row * cols) / 2 + b * 16 + (j & 15)];
        q = (j < 16 ? byte & 15 : byte >> 4) - 8;
      }
      out[outOffset + c] = q * d;
    }
  }
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

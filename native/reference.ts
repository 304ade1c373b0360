// Plain TypeScript versions of every kernel: slow, obviously correct, used to check the
// native addon. Sums accumulate in double precision.
import { weightRowBytes, type AttentionShape, type Kernels, type Weight } from './api';
import { blockQuantRowValues, unpackBlockQuantRow } from './block-quant';

/** bfloat16 bits → value: the top half of an IEEE binary32. */
export function bf16ToFloat(bits: number): number {
  bitsU32[0] = (bits & 0xffff) << 16;
  return bitsF32[0];
}
const bitsU32 = new Uint32Array(1);
const bitsF32 = new Float32Array(bitsU32.buffer);

/** IEEE binary16 bits → value: 1 sign, 5 exponent (bias 15), 10 mantissa, subnormals, inf/NaN. */
export function f16ToFloat(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exp = (bits >> 10) & 0x1f;
  const man = bits & 0x3ff;
  if (exp === 0x1f) return man ? NaN : sign * Infinity;
  if (exp === 0) return sign * (man / 1024) * 2 ** -14;
  return sign * (1 + man / 1024) * 2 ** (exp - 15);
}

/** float8 e4m3fn byte → value: 1 sign, 4 exponent (bias 7), 3 mantissa, subnormals, no inf, 0x7f/0xff NaN. */
export function fp8E4M3ToFloat(byte: number): number {
  const sign = byte & 0x80 ? -1 : 1;
  const exp = (byte >> 3) & 0xf;
  const man = byte & 7;
  if (exp === 15 && man === 7) return NaN;
  if (exp === 0) return sign * (man / 8) * 2 ** -6;
  return sign * (1 + man / 8) * 2 ** (exp - 7);
}


/** Every element of a weight as a number, row-major (fp8 includes its 128×128 block scale). */
export function decodeWeight(w: Weight): Float64Array {
  const view = new DataView(w.data.buffer, w.data.byteOffset, w.data.byteLength);
  const out = new Float64Array(w.rows * w.cols);
  if (w.dtype === 'q8_0' || w.dtype === 'q4_0') {
    for (let n = 0; n < w.rows; n++) blockQuantRowValues(w, n, out, n * w.cols);
    return out;
  }
  const scaleCols = Math.ceil(w.cols / 128);
  for (let n = 0; n < w.rows; n++) {
    for (let k = 0; k < w.cols; k++) {
      const i = n * w.cols + k;
      switch (w.dtype) {
        case 'f32': out[i] = view.getFloat32(i * 4, true); break;
        case 'bf16': out[i] = bf16ToFloat(view.getUint16(i * 2, true)); break;
        case 'f16': out[i] = f16ToFloat(view.getUint16(i * 2, true)); break;
        case 'f8_e4m3': {
          if (!w.scales) throw new Error('f8_e4m3 weight needs scales');
          out[i] = fp8E4M3ToFloat(w.data[i]) * w.scales[Math.floor(n / 128) * scaleCols + Math.floor(k / 128)];
          break;
        }
      }
    }
  }
  return out;
}

/** Round half to even (as the native activation quantizer rounds). */
function roundHalfEven(v: number): number {
  const r = Math.round(v);
  return r - v === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/**
 * One row of activations quantized for block-quantized weights (native/src/act_quant.h): per 32 values,
 * d = amax / 127 and codes round(x · (127 / amax)) in [-127, 127], every step in float32.
 */
export function quantizeActivationRow(x: Float32Array): { codes: Int8Array; scales: Float32Array } {
  const codes = new Int8Array(x.length);
  const scales = new Float32Array(x.length / 32);
  for (let b = 0; b < x.length; b += 32) {
    let amax = 0;
    for (let j = b; j < b + 32; j++) amax = Math.max(amax, Math.abs(x[j]));
    const inv = amax > 0 ? Math.fround(127 / amax) : 0;
    scales[b / 32] = Math.fround(amax / 127);
    for (let j = b; j < b + 32; j++) codes[j] = Math.max(-127, Math.min(127, roundHalfEven(Math.fround(x[j] * inv))));
  }
  return { codes, scales };
}

/** q8_0 / q4_0 weights meet activations quantized per block: Σ_blocks dw · dx · Σ code·q (exact integers). */
function blockQuantMatmul(out: Float32Array, x: Float32Array, m: number, w: Weight): void {
  const nb = w.cols / 32;
  const rows = Array.from({ length: w.rows }, (_, n) => unpackBlockQuantRow(w, n));
  for (let i = 0; i < m; i++) {
    const { codes, scales } = quantizeActivationRow(x.subarray(i * w.cols, (i + 1) * w.cols));
    rows.forEach((row, n) => {
      let s = 0;
      for (let b = 0; b < nb; b++) {
        let dot = 0;
        for (let k = b * 32; k < b * 32 + 32; k++) dot += row.codes[k] * codes[k];
        s += row.scales[b] * scales[b] * dot;
      }
      out[i * w.rows + n] = s;
    });
  }
}

function matmul(out: Float32Array, x: Float32Array, m: number, w: Weight): void {
  if (w.dtype === 'q8_0' || w.dtype === 'q4_0') return blockQuantMatmul(out, x, m, w);
  const wd = decodeWeight(w);
  for (let n = 0; n < w.rows; n++) {
    for (let i = 0; i < m; i++) {
      let s = 0;
      for (let k = 0; k < w.cols; k++) s += x[i * w.cols + k] * wd[n * w.cols + k];
      out[i * w.rows + n] = s;
    }
  }
}

function matmulBatch(outs: Float32Array[], xs: Float32Array[], m: number, ws: Weight[]): void {
  if (outs.length !== ws.length || xs.length !== ws.length) throw new TypeError('matmulBatch: outs, xs and ws must have the same length');
  ws.forEach((w, j) => matmul(outs[j], xs[j], m, w));
}

function matmulHeads(out: Float32Array, x: Float32Array, w: Weight, heads: number, xStride: number, outStride: number): void {
  if (!Number.isInteger(heads) || heads < 1 || w.rows % heads) throw new TypeError('matmulHeads: w.rows must be a multiple of heads');
  const r = w.rows / heads, k = w.cols;
  if (w.dtype === 'f8_e4m3' && r % 128) throw new TypeError('matmulHeads: an f8_e4m3 weight needs rows per head divisible by 128');
  const bytes = r * weightRowBytes(w.dtype, k), blockCols = Math.ceil(k / 128);
  for (let h = 0; h < heads; h++) {
    const rows: Weight = { dtype: w.dtype, rows: r, cols: k, data: w.data.subarray(h * bytes, (h + 1) * bytes) };
    if (w.scales) rows.scales = w.scales.subarray((h * r / 128) * blockCols, ((h + 1) * r / 128) * blockCols);
    matmul(out.subarray(h * outStride, h * outStride + r), x.subarray(h * xStride, h * xStride + k), 1, rows);
  }
}

function rmsnorm(out: Float32Array, x: Float32Array, weight: Float32Array, rows: number, eps: number): void {
  const d = weight.length;
  for (let r = 0; r < rows; r++) {
    let ss = 0;
    for (let i = 0; i < d; i++) ss += x[r * d + i] ** 2;
    const inv = 1 / Math.sqrt(ss / d + eps);
    for (let i = 0; i < d; i++) out[r * d + i] = x[r * d + i] * inv * weight[i];
  }
}

function softmax(x: Float32Array, rows: number, cols: number): void {
  for (let r = 0; r < rows; r++) {
    const row = x.subarray(r * cols, (r + 1) * cols);
    const max = row.reduce((a, b) => Math.max(a, b), -Infinity);
    let sum = 0;
    const e = Array.from(row, (v) => { const t = Math.exp(v - max); sum += t; return t; });
    for (let i = 0; i < cols; i++) row[i] = e[i] / sum;
  }
}

function rope(x: Float32Array, tokens: number, nHeads: number, tokenStride: number, headStride: number,
              offset: number, ropeDim: number, cos: Float32Array, sin: Float32Array): void {
  const half = ropeDim / 2;
  for (let t = 0; t < tokens; t++) {
    for (let h = 0; h < nHeads; h++) {
      const base = t * tokenStride + h * headStride + offset;
      for (let i = 0; i < half; i++) {
        const x0 = x[base + 2 * i], x1 = x[base + 2 * i + 1];
        const c = cos[t * half + i], s = sin[t * half + i];
        x[base + 2 * i] = x0 * c - x1 * s;
        x[base + 2 * i + 1] = x0 * s + x1 * c;
      }
    }
  }
}

function siluMul(out: Float32Array, gate: Float32Array, up: Float32Array, n: number): void {
  for (let i = 0; i < n; i++) out[i] = (gate[i] / (1 + Math.exp(-gate[i]))) * up[i];
}

function axpy(y: Float32Array, x: Float32Array, alpha: number, n: number): void {
  for (let i = 0; i < n; i++) y[i] += alpha * x[i];
}

function argmax(x: Float32Array): number {
  let best = 0;
  for (let i = 1; i < x.length; i++) if (x[i] > x[best]) best = i;
  return best;
}

function attention(out: Float32Array, q: Float32Array, k: Float32Array, v: Float32Array, s: AttentionShape): void {
  const group = s.nHeads / s.nKvHeads;
  for (let h = 0; h < s.nHeads; h++) {
    const kvh = Math.floor(h / group);
    for (let t = 0; t < s.tq; t++) {
      const keys = Math.min(s.tk, s.pastLen + t + 1);
      const scores: number[] = [];
      for (let j = 0; j < keys; j++) {
        let dot = 0;
        for (let d = 0; d < s.dk; d++) dot += q[t * s.qTokenStride + h * s.qHeadStride + d] * k[j * s.kTokenStride + kvh * s.kHeadStride + d];
        scores.push(dot * s.scale);
      }
      const max = scores.reduce((a, b) => Math.max(a, b), -Infinity);
      const p = scores.map((x) => Math.exp(x - max));
      const sum = p.reduce((a, b) => a + b, 0);
      for (let d = 0; d < s.dv; d++) {
        let acc = 0;
        for (let j = 0; j < keys; j++) acc += p[j] * v[j * s.vTokenStride + kvh * s.vHeadStride + d];
        out[t * s.oTokenStride + h * s.oHeadStride + d] = acc / sum;
      }
    }
  }
}

/** One token through one SwiGLU expert: down(silu(gate·x) ⊙ up·x), x: [hidden]. */
function expert(x: Float32Array, g: Weight, up: Weight, down: Weight): Float32Array {
  const gate = new Float32Array(g.rows), u = new Float32Array(g.rows);
  matmul(gate, x, 1, g);
  matmul(u, x, 1, up);
  siluMul(gate, gate, u, g.rows);
  const y = new Float32Array(down.rows);
  matmul(y, gate, 1, down);
  return y;
}

function moeTokens(out: Float32Array, x: Float32Array, T: number, gates: Weight[], ups: Weight[], downs: Weight[],
  rows: Int32Array, offsets: Int32Array, coef: Float32Array): void {
  const H = downs[0].rows, K = gates[0].cols;
  out.fill(0, 0, T * H);
  gates.forEach((g, j) => {
    for (let i = offsets[j]; i < offsets[j + 1]; i++) {
      const y = expert(x.subarray(rows[i] * K, (rows[i] + 1) * K), g, ups[j], downs[j]);
      axpy(out.subarray(rows[i] * H, (rows[i] + 1) * H), y, coef[i], H);
    }
  });
}

/** The reference implementation of the kernel contract (single-threaded). */
export const referenceKernels: Kernels = {
  backend: 'typescript-reference',
  setThreads: () => {},
  getThreads: () => 1,
  matmul,
  matmulBatch,
  matmulHeads,
  moeTokens,
  rmsnorm,
  softmax,
  rope,
  siluMul,
  axpy,
  argmax,
  attention,
};

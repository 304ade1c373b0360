// Exact upcasts of checkpoint storage formats to float32 (for norms, embeddings rows and derived weights).
import { weightRowBytes, type Weight, type WeightDType } from '../../native/api';
import { blockQuantRowValues } from '../../native/block-quant';
import { f16ToFloat, fp8E4M3ToFloat } from '../../native/reference';

/** safetensors dtype name → kernel weight dtype. */
export function weightDType(stDtype: string): WeightDType | undefined {
  return ({ F32: 'f32', BF16: 'bf16', F16: 'f16', F8_E4M3: 'f8_e4m3' } as Record<string, WeightDType>)[stDtype];
}

const F8_TABLE = Float32Array.from({ length: 256 }, (_, i) => fp8E4M3ToFloat(i));

/** Upcasts `count` elements of raw little-endian storage starting at element `start`. */
export function decodeElements(dtype: WeightDType, bytes: Uint8Array, start: number, count: number, out: Float32Array, outOffset = 0): void {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  switch (dtype) {
    case 'f32':
      for (let i = 0; i < count; i++) out[outOffset + i] = view.getFloat32((start + i) * 4, true);
      return;
    case 'bf16': {
      // bf16 is the top half of a float32: write the bits directly.
      const bits = new Uint32Array(out.buffer, out.byteOffset, out.length);
      for (let i = 0; i < count; i++) bits[outOffset + i] = view.getUint16((start + i) * 2, true) << 16;
      return;
    }
      return;
    case 'f16':
      for (let i = 0; i < count; i++) out[outOffset + i] = f16ToFloat(view.getUint16((start + i) * 2, true));
      return;
    case 'f8_e4m3':
      for (let i = 0; i < count; i++) out[outOffset + i] = F8_TABLE[bytes[start + i]];
      return;
  }
}

/** Row `row` of a weight matrix as float32 (fp8 and block-quantized rows multiplied by their block scales). */
export function weightRow(w: Weight, row: number, out: Float32Array, outOffset = 0): void {
  if (w.dtype === 'q8_0' || w.dtype === 'q4_0') return blockQuantRowValues(w, row, out, outOffset);
  decodeElements(w.dtype, w.data, row * w.cols, w.cols, out, outOffset);
  if (w.dtype === 'f8_e4m3') {
    const scales = w.scales!;
    const blockCols = Math.ceil(w.cols / 128);
    const srow = Math.floor(row / 128) * blockCols;
    for (let c = 0; c < w.cols; c++) out[outOffset + c] *= scales[srow + Math.floor(c / 128)];
  }
}

/** The whole weight as float32 [rows, cols]. */
export function weightToF32(w: Weight): Float32Array {
  const out = new Float32Array(w.rows * w.cols);
  for (let r = 0; r < w.rows; r++) weightRow(w, r, out, r * w.cols);
  return out;
}

/** A float32 matrix as an f32 Weight (raw bytes view, no copy). */
export function f32Weight(values: Float32Array, rows: number, cols: number): Weight {
  return { dtype: 'f32', rows, cols, data: new Uint8Array(values.buffer, values.byteOffset, rows * cols * 4) };
}

const FP8_BLOCK = 128; // fp8 scale blocks are FP8_BLOCK × FP8_BLOCK

/** Whether rows [start, start+count) of an fp8 weight are whole scale blocks (the last block may end early). */
function fp8WholeBlocks(w: Weight, start: number, count: number): boolean {
  return start % FP8_BLOCK === 0 && (count % FP8_BLOCK === 0 || start + count === w.rows);
}

/** Rows [start, start+count) as float32 (fp8 times its scales). */
function rowsAsF32(w: Weight, start: number, count: number): Float32Array {
  const out = new Float32Array(count * w.cols);
  for (let r = 0; r < count; r++) weightRow(w, start + r, out, r * w.cols);
  return out;
}

/**
 * Rows [start, start+count) of a weight: a zero-copy view (fp8: with its rows of scale blocks) unless fp8 blocks
 * would be cut, which upcasts them to f32.
 */
export function weightRows(w: Weight, start: number, count: number): Weight {
  if (w.dtype !== 'f8_e4m3') {
    const b = weightRowBytes(w.dtype, w.cols);
    return { dtype: w.dtype, rows: count, cols: w.cols, data: w.data.subarray(start * b, (start + count) * b) };
  }
  if (!fp8WholeBlocks(w, start, count)) return f32Weight(rowsAsF32(w, start, count), count, w.cols);
  const blockCols = Math.ceil(w.cols / FP8_BLOCK);
  const view: Weight = {
    dtype: 'f8_e4m3', rows: count, cols: w.cols, data: w.data.subarray(start * w.cols, (start + count) * w.cols),
    scales: w.scales!.subarray((start / FP8_BLOCK) * blockCols, Math.ceil((start + count) / FP8_BLOCK) * blockCols),
  };
  if (w.nanFree !== undefined) view.nanFree = w.nanFree; // a known answer spares the kernels a scan of the view
  return view;
}

/**
 * The transpose [cols, rows] of a row-major [rows, cols] matrix of `bytes`-byte elements (1, 2 or 4), moved as
 * whole elements.
 */
function transposeElements(src: Uint8Array, rows: number, cols: number, bytes: 1 | 2 | 4): Uint8Array {
  const out = new Uint8Array(rows * cols * bytes);
  const from = src.byteOffset % bytes ? src.slice() : src; // a typed view needs an aligned start
  const elements = (b: Uint8Array) => bytes === 1 ? b.subarray(0, rows * cols)
    : bytes === 2 ? new Uint16Array(b.buffer, b.byteOffset, rows * cols) : new Uint32Array(b.buffer, b.byteOffset, rows * cols);
  const a = elements(from), t = elements(out);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) t[c * rows + r] = a[r * cols + c];
  return out;
}

/**
 * Transpose of rows [start, start+count): a [cols, count] weight in the same dtype when exact (fp8: when the rows
 * are whole scale blocks, which then transpose with it), else f32.
 */
export function weightRowsTransposed(w: Weight, start: number, count: number): Weight {
  if (w.dtype === 'f8_e4m3') {
    if (!fp8WholeBlocks(w, start, count)) {
      const src = rowsAsF32(w, start, count);
      const out = transposeElements(new Uint8Array(src.buffer, src.byteOffset, src.byteLength), count, w.cols, 4);
      return f32Weight(new Float32Array(out.buffer), w.cols, count);
    }
    const data = transposeElements(w.data.subarray(start * w.cols, (start + count) * w.cols), count, w.cols, 1);
    // Block (i, j) of the transpose is block (start/128 + j, i) of w.
    const blockCols = Math.ceil(w.cols / FP8_BLOCK), tBlockRows = blockCols, tBlockCols = Math.ceil(count / FP8_BLOCK);
    const scales = new Float32Array(tBlockRows * tBlockCols);
    for (let i = 0; i < tBlockRows; i++)
      for (let j = 0; j < tBlockCols; j++) scales[i * tBlockCols + j] = w.scales![(start / FP8_BLOCK + j) * blockCols + i];
    return { dtype: 'f8_e4m3', rows: w.cols, cols: count, data, scales };
  }
  if (w.dtype === 'q8_0' || w.dtype === 'q4_0') throw new Error(`cannot transpose a ${w.dtype} weight (blocks run along its rows)`);
  const b = weightRowBytes(w.dtype, 1) as 1 | 2 | 4;
  const out = transposeElements(w.data.subarray(start * w.cols * b, (start + count) * w.cols * b), count, w.cols, b);
  return { dtype: w.dtype, rows: w.cols, cols: count, data: out };
}

// The in-memory layout of block-quantized weights (q8_0, q4_0), shared by every kernel path (native/src
// reads it through isa.h's weightRowBytes and the q8_group/q4_group vocabulary) and this TypeScript side.
//
// Logically a weight row of K columns is K/32 blocks; block b has a float32 scale d_b and 32 integer codes
// (q8: [-127, 127]; q4: [-8, 7]); element (n, k) = code · d. Decoding reads every row once, front to back,
// so each row is one sequential stream with its scales inside it (a separate scale array would be a second
// stream, which measured ~20% slower), laid out for the integer dot products (native/src/act_quant.h):
//
//   row    = groups of G = 16 blocks (the last group holds the K/32 mod 16 remaining blocks, if any),
//            then zero bytes up to a multiple of 64 (every row starts on a cache line)
//   group  = G float32 scales (little-endian), then the codes of its G blocks as 4-byte lanes:
//            lane l of step s holds block l's columns 4s..4s+3, steps one after another (step s at 4·G·s)
//     q8: 8 steps, columns 0..31, each byte = code + 128 (1..255)
//     q4: 4 steps, columns 0..15; each byte = (code of column c) + 8 | (code of column c + 16) + 8 << 4
//
// So a 64-byte load of a full group meets one 4-byte lane of each of 16 blocks, and 8 (q8) or 4×2 (q4)
// multiply-adds into the same 16 int32 lanes finish all 16 blocks without a horizontal reduction.
import type { Weight } from './api';

export type BlockQuantDType = 'q8_0' | 'q4_0';
/** Weights per block (one scale each). */
export const QUANT_BLOCK = 32;
/** Blocks per group. */
export const QUANT_GROUP = 16;

/** Bytes of one block: its scale and its codes. */
function blockBytes(dtype: BlockQuantDType): number {
  return dtype === 'q8_0' ? 4 + 32 : 4 + 16;
}

/** Bytes of one row of `cols` columns (a multiple of 32), padding included. */
export function blockQuantRowBytes(dtype: BlockQuantDType, cols: number): number {
  return Math.ceil(((cols / QUANT_BLOCK) * blockBytes(dtype)) / 64) * 64;
}

/** Where block b of a row lives: its group's start (bytes from the row start), its lane and the group's size. */
function blockPlace(dtype: BlockQuantDType, cols: number, b: number): { group: number; lane: number; G: number } {
  const g = Math.floor(b / QUANT_GROUP);
  const G = Math.min(QUANT_GROUP, cols / QUANT_BLOCK - g * QUANT_GROUP);
  return { group: g * QUANT_GROUP * blockBytes(dtype), lane: b % QUANT_GROUP, G };
}

/** Byte offset (from the row start) of column k's code; q4: its nibble is the high one when k mod 32 ≥ 16. */
function codeOffset(dtype: BlockQuantDType, cols: number, k: number): number {
  const { group, lane, G } = blockPlace(dtype, cols, Math.floor(k / QUANT_BLOCK));
  const c = dtype === 'q8_0' ? k % 32 : k % 16;
  return group + 4 * G + 4 * G * (c >> 2) + 4 * lane + (c & 3);
}

/**
 * Writes one row from its codes [cols] and block scales [cols/32] at `out[offset..]` (blockQuantRowBytes
 * bytes, padding zeroed).
 */
export function packBlockQuantRow(dtype: BlockQuantDType, codes: ArrayLike<number>, scales: ArrayLike<number>, out: Uint8Array, offset: number): void {
  const cols = codes.length;
  const rowBytes = blockQuantRowBytes(dtype, cols);
  out.fill(0, offset, offset + rowBytes);
  const view = new DataView(out.buffer, out.byteOffset + offset, rowBytes);
  for (let b = 0; b < cols / QUANT_BLOCK; b++) {
    const { group, lane } = blockPlace(dtype, cols, b);
    view.setFloat32(group + 4 * lane, scales[b], true);
  }
  for (let k = 0; k < cols; k++) {
    const at = offset + codeOffset(dtype, cols, k);
    if (dtype === 'q8_0') out[at] = codes[k] + 128;
    else out[at] |= (codes[k] + 8) << (k % 32 < 16 ? 0 : 4);
  }
}

/** The scale of block b of row n. */
export function blockQuantScale(w: Weight, n: number, b: number): number {
  const dtype = w.dtype as BlockQuantDType;
  const { group, lane } = blockPlace(dtype, w.cols, b);
  const at = n * blockQuantRowBytes(dtype, w.cols) + group + 4 * lane;
  return new DataView(w.data.buffer, w.data.byteOffset + at, 4).getFloat32(0, true);
}

/** The integer code of element (n, k), without its scale. */
export function blockQuantCode(w: Weight, n: number, k: number): number {
  const dtype = w.dtype as BlockQuantDType;
  const byte = w.data[n * blockQuantRowBytes(dtype, w.cols) + codeOffset(dtype, w.cols, k)];
  if (dtype === 'q8_0') return byte - 128;
  return (k % 32 < 16 ? byte & 15 : byte >> 4) - 8;
}

/** Row n as values (code × its block's scale) into out[outOffset..]: a Float32Array or, exactly, a Float64Array. */
export function blockQuantRowValues(w: Weight, n: number, out: Float32Array | Float64Array, outOffset = 0): void {
  const { codes, scales } = unpackBlockQuantRow(w, n);
  for (let k = 0; k < w.cols; k++) out[outOffset + k] = codes[k] * scales[k >> 5];
}

/** Row n decoded: codes and block scales. */
export function unpackBlockQuantRow(w: Weight, n: number): { codes: Int8Array; scales: Float32Array } {
  const codes = new Int8Array(w.cols);
  const scales = new Float32Array(w.cols / QUANT_BLOCK);
  for (let k = 0; k < w.cols; k++) codes[k] = blockQuantCode(w, n, k);
  for (let b = 0; b < scales.length; b++) scales[b] = blockQuantScale(w, n, b);
  return { codes, scales };
}

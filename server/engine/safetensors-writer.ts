// Writes .safetensors files (used by make-demo-model and by tests that build small checkpoints).
import fs from 'node:fs';
import path from 'node:path';

export interface TensorToWrite {
  name: string;
  dtype: 'F32' | 'BF16' | 'F16' | 'F8_E4M3';
  shape: number[];
  /** Little-endian raw bytes, prod(shape) × element size long. */
  data: Uint8Array;
}

const ELEMENT_BYTES = { F32: 4, BF16: 2, F16: 2, F8_E4M3: 1 } as const;

/** The bytes of a safetensors file: 8-byte LE header length, JSON header (space-padded to 8), data. */
export function encodeSafetensors(tensors: TensorToWrite[], metadata: Record<string, string> = { format: 'pt' }): Uint8Array {
  const header: Record<string, unknown> = { __metadata__: metadata };
  let offset = 0;
  for (const t of tensors) {
    const want = t.shape.reduce((a, b) => a * b, 1) * ELEMENT_BYTES[t.dtype];
    if (t.data.byteLength !== want) throw new Error(`tensor "${t.name}": ${t.data.byteLength} bytes but shape [${t.shape}] of ${t.dtype} needs ${want}`);
    header[t.name] = { dtype: t.dtype, shape: t.shape, data_offsets: [offset, offset + want] };
    offset += want;
  }
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - (Buffer.byteLength(json) % 8)) % 8);
  const headerBytes = Buffer.from(json, 'utf8');
  const out = new Uint8Array(8 + headerBytes.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerBytes.length), true);
  out.set(headerBytes, 8);
  let pos = 8 + headerBytes.length;
  for (const t of tensors) {
    out.set(t.data, pos);
    pos += t.data.byteLength;
  }
  return out;
}

/** Writes a file atomically (temp file + rename), so a failure never leaves a half-written file. */
export function writeFileAtomic(file: string, data: Uint8Array | string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.tmp-${process.pid}`;
  try {
    fs.writeFileSync(tmp, data);
    fs.renameSync(tmp, file);
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    throw err;
  }
}

export function writeSafetensors(file: string, tensors: TensorToWrite[]): void {
  writeFileAtomic(file, encodeSafetensors(tensors));
}

// ---- float32 → storage formats (round to nearest even) ----

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

export function f32ToBf16Bits(x: number): number {
  f32[0] = x;
  const bits = u32[0];
  if ((bits & 0x7fffffff) > 0x7f800000) return 0x7fc0; // NaN
  return ((bits + 0x7fff + ((bits >>> 16) & 1)) >>> 16) & 0xffff;
}

/** Non-negative finite E4M3 values by code 0..126 (ascending: the encoding is monotonic). */
const E4M3_VALUES = Array.from({ length: 127 }, (_, code) => {
  const e = code >> 3;
  const m = code & 7;
  return e === 0 ? m * 2 ** -9 : (1 + m / 8) * 2 ** (e - 7);
});

/** Nearest OCP E4M3 value (saturating at ±448; ties to the even code). */
export function f32ToF8e4m3Bits(x: number): number {
  if (Number.isNaN(x)) return 0x7f;
  const sign = x < 0 || Object.is(x, -0) ? 0x80 : 0;
  const a = Math.min(Math.abs(x), 448);
  let lo = 0;
  let hi = 126;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (E4M3_VALUES[mid] <= a) lo = mid;
    else hi = mid;
  }
  const dLo = a - E4M3_VALUES[lo];
  const dHi = E4M3_VALUES[hi] - a;
  const code = dLo < dHi ? lo : dHi < dLo ? hi : lo % 2 === 0 ? lo : hi;
  return sign | code;
}

export function toBf16Bytes(values: ArrayLike<number>): Uint8Array {
  const out = new Uint8Array(values.length * 2);
  const view = new DataView(out.buffer);
  for (let i = 0; i < values.length; i++) view.setUint16(i * 2, f32ToBf16Bits(values[i]), true);
  return out;
}

export function toF32Bytes(values: ArrayLike<number>): Uint8Array {
  return new Uint8Array(Float32Array.from(values).buffer);
}

/** Block-quantizes a [rows, cols] matrix to E4M3 with one scale per 128×128 block: (bytes, scale_inv [ceil(r/128), ceil(c/128)]). */
export function toF8Blocks(values: ArrayLike<number>, rows: number, cols: number): { data: Uint8Array; scales: Float32Array } {
  const br = Math.ceil(rows / 128);
  const bc = Math.ceil(cols / 128);
  const scales = new Float32Array(br * bc);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) {
    const s = Math.floor(r / 128) * bc + Math.floor(c / 128);
    scales[s] = Math.max(scales[s], Math.abs(values[r * cols + c]));
  }
  for (let i = 0; i < scales.length; i++) scales[i] = scales[i] > 0 ? Math.fround(scales[i] / 448) : 1;
  const data = new Uint8Array(rows * cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) {
    data[r * cols + c] = f32ToF8e4m3Bits(values[r * cols + c] / scales[Math.floor(r / 128) * bc + Math.floor(c / 128)]);
  }
  return { data, scales };
}

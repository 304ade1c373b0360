// Writes the benchmark's multi-GB synthetic checkpoints, streamed to disk (never whole in memory), once.
import fs from 'node:fs';
import path from 'node:path';
import { parseConfig } from '../engine/config';
import { seededRandom } from '../engine/sampler';
import { f32ToBf16Bits, f32ToF8e4m3Bits } from '../engine/safetensors-writer';
import { requiredTensors } from '../engine/synthetic';

export type BenchDType = 'bf16' | 'fp8';

interface PlannedTensor {
  name: string;
  dtype: 'BF16' | 'F8_E4M3' | 'F32';
  shape: number[];
  /** Fills `out` (exactly the tensor's byte length). */
  fill: (out: Uint8Array) => void;
}

const POOL_VALUES = 1 << 22; // 4M values per pool: rows drawn from it at random offsets look independent enough
const FP8_CLIP = 4; // fp8 block scale maps ±4σ onto ±448

/** Seeded standard normals (Box–Muller). */
function normals(seed: number, n: number): Float32Array {
  const random = seededRandom(seed);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i += 2) {
    const r = Math.sqrt(-2 * Math.log(Math.max(random(), 1e-12)));
    const a = 2 * Math.PI * random();
    out[i] = r * Math.cos(a);
    if (i + 1 < n) out[i + 1] = r * Math.sin(a);
  }
  return out;
}

/** Pools of encoded N(0, std²) bytes, one per (format, std), built on first use. */
class Pools {
  private readonly pools = new Map<string, Uint8Array>();
  constructor(private readonly seed: number) {}

  bf16(std: number, mean = 0): Uint8Array {
    const key = `bf16:${std}:${mean}`;
    let p = this.pools.get(key);
    if (!p) {
      const v = normals(this.seed + this.pools.size, POOL_VALUES);
      p = new Uint8Array(POOL_VALUES * 2);
      const view = new DataView(p.buffer);
      for (let i = 0; i < v.length; i++) view.setUint16(i * 2, f32ToBf16Bits(mean + v[i] * std), true);
      this.pools.set(key, p);
    }
    return p;
  }

  /** E4M3 codes of N(0,1)·448/FP8_CLIP: with block scale std·FP8_CLIP/448 they decode to N(0, std²). */
  fp8(): Uint8Array {
    let p = this.pools.get('fp8');
    if (!p) {
      const v = normals(this.seed + 1000, POOL_VALUES);
      p = Uint8Array.from(v, (x) => f32ToF8e4m3Bits((x * 448) / FP8_CLIP));
      this.pools.set('fp8', p);
    }
    return p;
  }
}

/** Copies pool slices at seeded random (element-aligned) offsets until `out` is full. */
function fillFromPool(out: Uint8Array, pool: Uint8Array, random: () => number, elemBytes: number): void {
  const span = 1 << 16; // bytes per slice
  for (let pos = 0; pos < out.length; pos += span) {
    const n = Math.min(span, out.length - pos);
    const start = Math.floor((random() * (pool.length - n)) / elemBytes) * elemBytes;
    out.set(pool.subarray(start, start + n), pos);
  }
}

function plan(configJson: Record<string, unknown>, dtype: BenchDType, seed: number): PlannedTensor[] {
  const cfg = parseConfig(configJson);
  const pools = new Pools(seed);
  const random = seededRandom(seed ^ 0x9e3779b9);
  const out: PlannedTensor[] = [];
  for (const t of requiredTensors(cfg)) {
    const cols = t.shape[t.shape.length - 1];
    const std = t.kind === 'norm' ? 0.1 : t.kind === 'bias' ? 0.05 : t.kind === 'embed' ? 1 : 1 / Math.sqrt(cols);
    if (t.kind === 'bias') {
      const v = normals(seed + 7, cols).map((x) => x * std);
      out.push({ name: t.name, dtype: 'F32', shape: t.shape, fill: (o) => o.set(new Uint8Array(v.buffer)) });
    } else if (t.kind === 'linear' && dtype === 'fp8') {
      const [rows] = t.shape;
      out.push({ name: t.name, dtype: 'F8_E4M3', shape: t.shape, fill: (o) => fillFromPool(o, pools.fp8(), random, 1) });
      const scales = new Float32Array(Math.ceil(rows / 128) * Math.ceil(cols / 128)).fill(Math.fround((std * FP8_CLIP) / 448));
      out.push({ name: `${t.name}_scale_inv`, dtype: 'F32', shape: [Math.ceil(rows / 128), Math.ceil(cols / 128)], fill: (o) => o.set(new Uint8Array(scales.buffer)) });
    } else {
      const mean = t.kind === 'norm' ? 1 : 0;
      out.push({ name: t.name, dtype: 'BF16', shape: t.shape, fill: (o) => fillFromPool(o, pools.bf16(std, mean), random, 2) });
    }
  }
  return out;
}

const ELEMENT_BYTES = { BF16: 2, F8_E4M3: 1, F32: 4 } as const;

/** Streams tensors into one .safetensors file (header first, then each tensor's bytes). */
function streamSafetensors(file: string, tensors: PlannedTensor[]): void {
  const header: Record<string, unknown> = { __metadata__: { format: 'pt' } };
  let offset = 0;
  for (const t of tensors) {
    const n = t.shape.reduce((a, b) => a * b, 1) * ELEMENT_BYTES[t.dtype];
    header[t.name] = { dtype: t.dtype, shape: t.shape, data_offsets: [offset, offset + n] };
    offset += n;
  }
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - (Buffer.byteLength(json) % 8)) % 8);
  const fd = fs.openSync(file, 'w');
  try {
    const len = Buffer.alloc(8);
    len.writeBigUInt64LE(BigInt(Buffer.byteLength(json)));
    fs.writeSync(fd, len);
    fs.writeSync(fd, Buffer.from(json, 'utf8'));
    for (const t of tensors) {
      const bytes = new Uint8Array(t.shape.reduce((a, b) => a * b, 1) * ELEMENT_BYTES[t.dtype]);
      t.fill(bytes);
      for (let pos = 0; pos < bytes.length; pos += 1 << 26) fs.writeSync(fd, bytes, pos, Math.min(1 << 26, bytes.length - pos));
    }
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * `dir` holding config.json + model.safetensors for `configJson` in `dtype`; written once (into a temp
 * folder renamed into place, so an interrupted run leaves nothing half-written) and reused afterwards.
 */
export function ensureCheckpoint(dir: string, configJson: Record<string, unknown>, dtype: BenchDType, seed = 1): { dir: string; written: boolean } {
  const stamp = JSON.stringify({ configJson, dtype, seed, version: 1 });
  const stampFile = path.join(dir, 'bench-stamp.json');
  if (fs.existsSync(stampFile) && fs.readFileSync(stampFile, 'utf8') === stamp) return { dir, written: false };
  const tmp = `${dir}.tmp-${process.pid}`;
  fs.rmSync(tmp, { recursive: true, force: true });
  fs.mkdirSync(tmp, { recursive: true });
  try {
    streamSafetensors(path.join(tmp, 'model.safetensors'), plan(configJson, dtype, seed));
    const cfgOut = { ...configJson };
    if (dtype === 'fp8') cfgOut.quantization_config = { quant_method: 'fp8', fmt: 'e4m3', activation_scheme: 'dynamic', weight_block_size: [128, 128] };
    fs.writeFileSync(path.join(tmp, 'config.json'), JSON.stringify(cfgOut, null, 2) + '\n');
    fs.writeFileSync(path.join(tmp, 'bench-stamp.json'), stamp);
    fs.rmSync(dir, { recursive: true, force: true });
    fs.renameSync(tmp, dir);
  } catch (err) {
    fs.rmSync(tmp, { recursive: true, force: true });
    throw err;
  }
  return { dir, written: true };
}

/**
 * A checkpoint of `configJson` that shares every tensor with `baseDir` (a symlinked shard) and adds only the
 * tensors `configJson` needs beyond it (the V3 router's correction biases) in a second shard.
 */
export function ensureVariant(dir: string, baseDir: string, configJson: Record<string, unknown>, seed = 1): string {
  const stamp = JSON.stringify({ configJson, base: fs.readFileSync(path.join(baseDir, 'bench-stamp.json'), 'utf8'), version: 1 });
  const stampFile = path.join(dir, 'bench-stamp.json');
  if (fs.existsSync(stampFile) && fs.readFileSync(stampFile, 'utf8') === stamp) return dir;
  const baseNames = new Set(Object.keys(JSON.parse(headerText(path.join(baseDir, 'model.safetensors')))));
  const extra = plan(configJson, 'bf16', seed).filter((t) => !baseNames.has(t.name));
  const tmp = `${dir}.tmp-${process.pid}`;
  fs.rmSync(tmp, { recursive: true, force: true });
  fs.mkdirSync(tmp, { recursive: true });
  try {
    const [shared, added] = ['model-00001-of-00002.safetensors', 'model-00002-of-00002.safetensors'];
    fs.symlinkSync(path.resolve(baseDir, 'model.safetensors'), path.join(tmp, shared));
    streamSafetensors(path.join(tmp, added), extra);
    const weightMap: Record<string, string> = {};
    for (const n of baseNames) if (n !== '__metadata__') weightMap[n] = shared;
    for (const t of extra) weightMap[t.name] = added;
    fs.writeFileSync(path.join(tmp, 'model.safetensors.index.json'), JSON.stringify({ metadata: {}, weight_map: weightMap }));
    fs.writeFileSync(path.join(tmp, 'config.json'), JSON.stringify(configJson, null, 2) + '\n');
    fs.writeFileSync(stampFile.replace(dir, tmp), stamp);
    fs.rmSync(dir, { recursive: true, force: true });
    fs.renameSync(tmp, dir);
  } catch (err) {
    fs.rmSync(tmp, { recursive: true, force: true });
    throw err;
  }
  return dir;
}

/** The JSON header of a .safetensors file (read without mapping the data). */
function headerText(file: string): string {
  const fd = fs.openSync(file, 'r');
  try {
    const len = Buffer.alloc(8);
    fs.readSync(fd, len, 0, 8, 0);
    const n = Number(len.readBigUInt64LE());
    const buf = Buffer.alloc(n);
    fs.readSync(fd, buf, 0, n, 8);
    return buf.toString('utf8');
  } finally {
    fs.closeSync(fd);
  }
}

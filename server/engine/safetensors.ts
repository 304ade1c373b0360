// Safetensors reader: parses headers ourselves and memory-maps the data (single file or index.json shards).
import fs from 'node:fs';
import path from 'node:path';

/** Byte size of each safetensors dtype; only the first four can be computed with. */
const DTYPE_BYTES: Record<string, number> = {
  F32: 4, BF16: 2, F16: 2, F8_E4M3: 1,
  F64: 8, I64: 8, U64: 8, I32: 4, U32: 4, I16: 2, U16: 2, I8: 1, U8: 1, BOOL: 1, F8_E5M2: 1,
};

export interface TensorInfo {
  name: string;
  /** Path of the .safetensors file holding it. */
  file: string;
  dtype: string;
  shape: number[];
  /** The tensor's bytes: a view into the mapped file. */
  data: Uint8Array;
}

export type FileMapper = (file: string) => Uint8Array;
/** Maps bytes [offset, offset + length) of a file (for files too large for one Uint8Array). */
export type RangeMapper = (file: string, offset: number, length: number) => Uint8Array;

/** Files up to this size are mapped whole; larger ones in segments of whole tensors (Node caps a Uint8Array at 4 GiB). */
const WHOLE_FILE_LIMIT = 2 ** 32 - 1;
const SEGMENT_BYTES = 2 ** 30;

/** The 8-byte length + JSON header of a file, read without mapping it. */
function readHeaderBytes(file: string, size: number): Uint8Array {
  const fd = fs.openSync(file, 'r');
  try {
    const len = Buffer.alloc(8);
    fs.readSync(fd, len, 0, 8, 0);
    const headerLen = Number(len.readBigUInt64LE());
    if (headerLen > size - 8) throw new SafetensorsError(`${file}: corrupt header (length ${headerLen} exceeds the file size ${size})`);
    const out = Buffer.alloc(8 + headerLen);
    fs.readSync(fd, out, 0, out.length, 0);
    return out;
  } finally {
    fs.closeSync(fd);
  }
}

export class SafetensorsError extends Error {}

/** Reads one .safetensors file's header and validates every entry against the file size. */
export function openSafetensors(file: string, map: FileMapper, mapRange?: RangeMapper,
  limits = { wholeFile: WHOLE_FILE_LIMIT, segment: SEGMENT_BYTES }): Map<string, TensorInfo> {
  let size: number;
  try {
    size = fs.statSync(file).size;
  } catch (err) {
    throw new SafetensorsError(`${file}: cannot open (${(err as Error).message})`);
  }
  if (size < 8) throw new SafetensorsError(`${file}: truncated safetensors file (${size} bytes, no header length)`);
  const segmented = size > limits.wholeFile && mapRange !== undefined;
  const bytes = segmented ? readHeaderBytes(file, size) : map(file);
  if (!segmented && bytes.byteLength !== size) throw new SafetensorsError(`${file}: mapped ${bytes.byteLength} bytes but the file has ${size}`);
  const headerLen = Number(new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true));
  if (headerLen > size - 8) throw new SafetensorsError(`${file}: corrupt header (length ${headerLen} exceeds the file size ${size})`);
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset + 8, headerLen).toString('utf8'));
  } catch (err) {
    throw new SafetensorsError(`${file}: corrupt header (invalid JSON: ${(err as Error).message})`);
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) throw new SafetensorsError(`${file}: corrupt header (not a JSON object)`);
  const dataStart = 8 + headerLen;
  const dataLen = size - dataStart;
  const tensors = new Map<string, TensorInfo>();
  const spans = new Map<string, [number, number]>();
  for (const [name, entry] of Object.entries(header)) {
    if (name === '__metadata__') continue;
    const e = entry as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
    const where = `${file}: tensor "${name}"`;
    if (typeof e !== 'object' || e === null) throw new SafetensorsError(`${where}: corrupt header entry`);
    const dtype = String(e.dtype);
    const elemBytes = DTYPE_BYTES[dtype];
    if (elemBytes === undefined) throw new SafetensorsError(`${where}: unknown dtype ${JSON.stringify(e.dtype)}`);
    if (!Array.isArray(e.shape) || !e.shape.every((d) => Number.isInteger(d) && d >= 0)) throw new SafetensorsError(`${where}: bad shape ${JSON.stringify(e.shape)}`);
    const offs = e.data_offsets;
    if (!Array.isArray(offs) || offs.length !== 2 || !offs.every((o) => Number.isInteger(o) && o >= 0) || offs[0] > offs[1]) {
      throw new SafetensorsError(`${where}: bad data_offsets ${JSON.stringify(offs)}`);
    }
    const [begin, end] = offs as [number, number];
    if (end > dataLen) throw new SafetensorsError(`${where}: data ends at byte ${end} but the file only has ${dataLen} data bytes (truncated?)`);
    const shape = e.shape as number[];
    const want = shape.reduce((a, b) => a * b, 1) * elemBytes;
    if (end - begin !== want) throw new SafetensorsError(`${where}: holds ${end - begin} bytes but shape [${shape.join(', ')}] of ${dtype} needs ${want}`);
    tensors.set(name, { name, file, dtype, shape, data: segmented ? new Uint8Array(0) : bytes.subarray(dataStart + begin, dataStart + end) });
    spans.set(name, [begin, end]);
  }
  if (segmented) mapSegments(file, dataStart, tensors, spans, mapRange!, limits.segment);
  return tensors;
}

/** Maps runs of consecutive tensors (≤ SEGMENT_BYTES each, or one larger tensor) and points each tensor into its run. */
function mapSegments(file: string, dataStart: number, tensors: Map<string, TensorInfo>, spans: Map<string, [number, number]>, mapRange: RangeMapper, segmentBytes: number): void {
  const order = [...spans.entries()].sort((a, b) => a[1][0] - b[1][0]);
  for (let i = 0; i < order.length;) {
    const segBegin = order[i][1][0];
    let j = i + 1;
    while (j < order.length && order[j][1][1] - segBegin <= segmentBytes) j++;
    const segEnd = Math.max(...order.slice(i, j).map(([, [, e]]) => e));
    const seg = mapRange(file, dataStart + segBegin, segEnd - segBegin);
    for (const [name, [b, e]] of order.slice(i, j)) tensors.get(name)!.data = seg.subarray(b - segBegin, e - segBegin);
    i = j;
  }
}

/** Every tensor of a model folder: `model.safetensors`, or the shards listed by `model.safetensors.index.json`. */
export class Checkpoint {
  private readonly tensors = new Map<string, TensorInfo>();
  /** For error messages: which file an absent tensor was expected in. */
  private readonly weightMap: Record<string, string> | undefined;
  readonly files: string[];
  readonly totalBytes: number;

  constructor(readonly dir: string, map: FileMapper, onFile?: (done: number, total: number) => void, mapRange?: RangeMapper) {
    const indexFile = path.join(dir, 'model.safetensors.index.json');
    const single = path.join(dir, 'model.safetensors');
    if (fs.existsSync(indexFile)) {
      let index: { weight_map?: Record<string, string> };
      try {
        index = JSON.parse(fs.readFileSync(indexFile, 'utf8'));
      } catch (err) {
        throw new SafetensorsError(`${indexFile}: invalid JSON (${(err as Error).message})`);
      }
      if (!index.weight_map || typeof index.weight_map !== 'object') throw new SafetensorsError(`${indexFile}: missing "weight_map"`);
      this.weightMap = index.weight_map;
      this.files = [...new Set(Object.values(index.weight_map))].sort().map((f) => path.join(dir, f));
    } else if (fs.existsSync(single)) {
      this.files = [single];
    } else {
      const found = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith('.safetensors')).sort() : [];
      if (!found.length) throw new SafetensorsError(`${dir}: no model.safetensors or model.safetensors.index.json`);
      this.files = found.map((f) => path.join(dir, f));
    }
    this.totalBytes = this.files.reduce((sum, f) => sum + (fs.existsSync(f) ? fs.statSync(f).size : 0), 0);
    let done = 0;
    for (const file of this.files) {
      for (const [name, info] of openSafetensors(file, map, mapRange)) this.tensors.set(name, info);
      done += fs.statSync(file).size;
      onFile?.(done, this.totalBytes);
    }
    if (this.weightMap) {
      for (const [name, f] of Object.entries(this.weightMap)) {
        const info = this.tensors.get(name);
        if (info && path.basename(info.file) !== f) throw new SafetensorsError(`${indexFile}: tensor "${name}" listed in ${f} but found in ${path.basename(info.file)}`);
      }
    }
  }

  has(name: string): boolean {
    return this.tensors.has(name);
  }

  get(name: string): TensorInfo | undefined {
    return this.tensors.get(name);
  }

  /** The file a tensor should be in (from the index, else the single file) — for error messages. */
  expectedFile(name: string): string {
    const f = this.weightMap?.[name];
    return f ? path.join(this.dir, f) : this.files.length === 1 ? this.files[0] : `${this.dir} (*.safetensors)`;
  }

  names(): string[] {
    return [...this.tensors.keys()];
  }
}

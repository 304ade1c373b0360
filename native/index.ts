// Loads the compiled N-API addon (native/build/Release or, when bundled, dist/native/) and
// exposes it as the engine's `Kernels`, plus zero-copy file mapping.
import { constants as bufferConstants } from 'node:buffer';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Kernels } from './api';

/** What the C++ addon exports (native/src/addon.cc): the kernels (quantize included) plus the extras below. */
interface Addon extends Omit<Kernels, 'backend' | 'quantize' | 'allocWeightBytes'> {
  isa: 'scalar' | 'avx2' | 'avx512' | 'avx512vnni' | 'avx512bf16';
  supportedIsas(): string[];
  quantize: NonNullable<Kernels['quantize']>;
  allocWeightBytes: NonNullable<Kernels['allocWeightBytes']>;
  readBandwidth(bufferBytes: number, threads: number, reps: number): number;
  copyToHugePages(src: Uint8Array): Uint8Array;
  mapFile(file: string, offset?: number, length?: number, maxLength?: number): Uint8Array;
}

const ADDON_FILE = 'deepseek_native.node';

/** Where the addon may be: next to the bundle (dist/native/) or in the source tree (native/build/Release/). */
function addonCandidates(): string[] {
  return [path.join(__dirname, 'native', ADDON_FILE), path.join(__dirname, 'build', 'Release', ADDON_FILE)];
}

let addon: Addon | undefined;

function load(): Addon {
  if (addon) return addon;
  const candidates = addonCandidates();
  const file = candidates.find((f) => fs.existsSync(f));
  if (!file) {
    throw new Error(`deepseek-local native addon not found (looked for ${candidates.join(', ')}); run \`npm install\` ` +
      '(or `npm run install`) in the extension folder to build it with node-gyp');
  }
  // A computed path, so esbuild leaves the require to run time.
  const req = require;
  addon = req(privateCopy(file)) as Addon;
  return addon;
}

/**
 * A content-addressed copy of the addon in the temp folder, written atomically: rebuilding or re-copying
 * the addon in place (node-gyp, the bundler) would otherwise change the mapped library under a running
 * process and crash it with SIGBUS. Falls back to the original when the copy cannot be made.
 */
function privateCopy(file: string): string {
  try {
    const bytes = fs.readFileSync(file);
    const hash = createHash('sha256').update(bytes).digest('hex').slice(0, 16);
    const copy = path.join(os.tmpdir(), `deepseek-native-${hash}.node`);
    if (!fs.existsSync(copy)) {
      const tmp = `${copy}.${process.pid}.tmp`;
      fs.writeFileSync(tmp, bytes, { mode: 0o755 });
      fs.renameSync(tmp, copy);
    }
    return copy;
  } catch {
    return file;
  }
}

/** ISAs this CPU can run ("scalar", "avx2", "avx512", "avx512vnni", "avx512bf16"); DEEPSEEK_NATIVE_ISA may force any of them. */
export function supportedIsas(): string[] {
  return load().supportedIsas();
}

/** The native kernels; the addon loads on first use. */
export const kernels: Kernels = {
  get backend() { return `cpu-${load().isa}`; },
  setThreads: (...a) => load().setThreads(...a),
  getThreads: () => load().getThreads(),
  matmul: (...a) => load().matmul(...a),
  matmulBatch: (...a) => load().matmulBatch(...a),
  matmulHeads: (...a) => load().matmulHeads(...a),
  moeTokens: (...a) => load().moeTokens(...a),
  quantize: (...a) => load().quantize(...a),
  allocWeightBytes: (...a) => load().allocWeightBytes(...a),
  rmsnorm: (...a) => load().rmsnorm(...a),
  softmax: (...a) => load().softmax(...a),
  rope: (...a) => load().rope(...a),
  siluMul: (...a) => load().siluMul(...a),
  axpy: (...a) => load().axpy(...a),
  argmax: (x) => load().argmax(x),
  attention: (...a) => load().attention(...a),
};

/** A copy of `src` in memory advised for transparent huge pages (weights then stream at full bandwidth). */
export function copyToHugePages(src: Uint8Array): Uint8Array {
  return load().copyToHugePages(src);
}

/** Memory read bandwidth in bytes/s: the fastest of `reps` streaming sums over `bufferBytes` on `threads` threads. */
export function readBandwidth(bufferBytes: number, threads: number, reps: number): number {
  return load().readBandwidth(bufferBytes, threads, reps);
}

/**
 * The whole file, memory-mapped read-only: zero-copy, unmapped when the array is garbage-collected.
 * Node 20 caps a Uint8Array at 4 GiB; larger files throw a RangeError (use mapFileRange).
 * (Under a V8 memory cage, e.g. Electron, external memory is forbidden and the addon copies instead.)
 */
export function mapFile(file: string): Uint8Array {
  return load().mapFile(file, 0, undefined, bufferConstants.MAX_LENGTH);
}

/** Bytes [offset, offset + length) of a file, memory-mapped read-only (any offset; zero-copy). */
export function mapFileRange(file: string, offset: number, length: number): Uint8Array {
  return load().mapFile(file, offset, length, bufferConstants.MAX_LENGTH);
}

// The machine's memory read bandwidth, measured in the same run: the native streaming-sum probe when the
// addon has it, else a JavaScript fallback (worker threads summing a shared buffer; a lower bound).
import { Worker } from 'node:worker_threads';

export interface BandwidthResult {
  /** The limit decode is measured against: the fastest of `samples`. */
  bytesPerSecond: number;
  /** Every probe of this run, bytes/s (the bench probes before each format and at the end: the machine is shared). */
  samples?: number[];
  threads: number;
  bufferBytes: number;
  method: 'native' | 'javascript';
}

interface NativeProbe {
  readBandwidth?: (bufferBytes: number, threads: number, reps: number) => number;
}

const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const { buf, begin, end, reps } = workerData;
const a = new Float64Array(buf, begin * 8, end - begin);
let s = 0;
for (let r = 0; r < reps; r++) { for (let i = 0; i < a.length; i += 4) s += a[i] + a[i + 1] + a[i + 2] + a[i + 3]; }
parentPort.postMessage(s);
`;

async function jsProbe(bufferBytes: number, threads: number, reps: number): Promise<number> {
  const n = bufferBytes / 8;
  const buf = new SharedArrayBuffer(bufferBytes);
  new Float64Array(buf).fill(1);
  const run = (): Promise<number> => {
    const t0 = performance.now();
    const jobs = Array.from({ length: threads }, (_, t) => new Promise<void>((resolve, reject) => {
      const begin = Math.floor((n * t) / threads / 4) * 4;
      const end = Math.floor((n * (t + 1)) / threads / 4) * 4;
      const w = new Worker(WORKER, { eval: true, workerData: { buf, begin, end, reps } });
      w.once('message', () => void w.terminate().then(() => resolve()));
      w.once('error', reject);
    }));
    return Promise.all(jobs).then(() => (bufferBytes * reps) / ((performance.now() - t0) / 1e3));
  };
  await run(); // warm-up: JIT and page faults
  return Math.max(await run(), await run());
}

/** Best of a few streaming reads over a buffer far larger than the last-level cache. */
export async function measureBandwidth(threads: number, native: NativeProbe | undefined, bufferBytes = 512 << 20, reps = 5): Promise<BandwidthResult> {
  if (native?.readBandwidth) {
    return { bytesPerSecond: native.readBandwidth(bufferBytes, threads, reps), threads, bufferBytes, method: 'native' };
  }
  return { bytesPerSecond: await jsProbe(bufferBytes, threads, 3), threads, bufferBytes, method: 'javascript' };
}

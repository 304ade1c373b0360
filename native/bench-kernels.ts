// Kernel micro-benchmark (not a test): node --import tsx native/bench-kernels.ts [small|mv|prefill]
// Prints matmul time, weight bandwidth and GFLOP/s for 1 and 2 threads.
import { weightRowBytes, type Weight, type WeightDType } from './api';
import { kernels } from './index';


function bench(label: string, rows: number, cols: number, m: number, dtype: WeightDType, reps: number) {
  const data = new Uint8Array(rows * weightRowBytes(dtype, cols)).fill(0x3c);
  const scales = dtype === 'f8_e4m3' ? new Float32Array(Math.ceil(rows / 128) * Math.ceil(cols / 128)).fill(1) : undefined;
  const w: Weight = { dtype, rows, cols, data, scales };
  const x = new Float32Array(m * cols).fill(0.5), out = new Float32Array(m * rows);
  for (const t of [1, 2]) {
    kernels.setThreads(t);
    kernels.matmul(out, x, m, w);
    const times: number[] = [];
    for (let i = 0; i < reps; i++) { const t0 = process.hrtime.bigint(); kernels.matmul(out, x, m, w); times.push(Number(process.hrtime.bigint() - t0) / 1e6); }
    times.sort((a, b) => a - b);
    const gflop = 2 * rows * cols * m / 1e9;
    console.log(label, dtype, `m=${m}`, `t=${t}`, 'min ms', times[0].toFixed(3), 'med', times[times.length >> 1].toFixed(3), 'GB/s', (data.length / times[0] / 1e6).toFixed(1), 'GFLOP/s', (gflop / times[0] * 1e3).toFixed(1));
  }
}
const which = process.argv[2] ?? 'all';
if (which === 'all' || which === 'small') bench('small', 512, 256, 1, 'bf16', 2000);
if (which === 'all' || which === 'mv') for (const d of ['bf16', 'f8_e4m3', 'f32', 'q8_0', 'q4_0'] as const) bench('mv', 4096, 4096, 1, d, 20);
if (which === 'all' || which === 'prefill') for (const d of ['bf16', 'f8_e4m3', 'q8_0'] as const) bench('prefill', 2048, 7168, 64, d, 3);

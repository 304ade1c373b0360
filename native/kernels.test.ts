// Native kernels vs the TypeScript reference on random data, every dtype, every ISA this CPU
// has (child processes with DEEPSEEK_NATIVE_ISA), 1 and 2 threads; plus mapFile and errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import v8 from 'node:v8';
import vm from 'node:vm';
import { weightRowBytes, type AttentionShape, type Kernels, type Weight, type WeightDType } from './api';
import { packBlockQuantRow } from './block-quant';
import { copyToHugePages, kernels, mapFile, mapFileRange, readBandwidth, supportedIsas } from './index';
import { bf16ToFloat, decodeWeight, f16ToFloat, fp8E4M3ToFloat, referenceKernels as ref } from './reference';

const forcedIsa = process.env.DEEPSEEK_NATIVE_ISA;

/** Deterministic uniform numbers in [-1, 1). */
function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0;
    return s / 2 ** 31 - 1;
  };
}

function randArray(n: number, seed: number, scale = 1): Float32Array {
  const r = rng(seed);
  return Float32Array.from({ length: n }, () => r() * scale);
}

/** A random weight: finite values of varied magnitude in each format (fp8 avoids the NaN codes). */
function randWeight(dtype: WeightDType, rows: number, cols: number, seed: number): Weight {
  const r = rng(seed);
  const bits = () => Math.floor((r() + 1) * 2 ** 15);
  const n = rows * cols;
  switch (dtype) {
    case 'f32':
      return { dtype, rows, cols, data: new Uint8Array(randArray(n, seed).buffer) };
    case 'bf16': // sign, exponent 120..130, random mantissa
      return { dtype, rows, cols, data: new Uint8Array(Uint16Array.from({ length: n }, () =>
        (bits() & 0x807f) | ((120 + (bits() % 11)) << 7)).buffer) };
    case 'f16': // sign, exponent 0..20 (includes subnormals), random mantissa
      return { dtype, rows, cols, data: new Uint8Array(Uint16Array.from({ length: n }, () =>
        (bits() & 0x83ff) | ((bits() % 21) << 10)).buffer) };
    case 'f8_e4m3': {
      const data = Uint8Array.from({ length: n }, () => { const b = bits() & 0xff; return (b & 0x7f) === 0x7f ? b - 1 : b; });
      const scales = Float32Array.from({ length: Math.ceil(rows / 128) * Math.ceil(cols / 128) }, () => 0.5 + Math.abs(r()));
      return { dtype, rows, cols, data, scales };
    }
    case 'q8_0': case 'q4_0': { // random codes (q8: every value in [-127, 127]; q4: in [-8, 7]) and positive scales
      const rowBytes = weightRowBytes(dtype, cols), data = new Uint8Array(rows * rowBytes);
      for (let row = 0; row < rows; row++) {
        const codes = Int8Array.from({ length: cols }, () => dtype === 'q8_0' ? (bits() % 255) - 127 : (bits() & 15) - 8);
        const scales = Float32Array.from({ length: cols / 32 }, () => 0.01 + Math.abs(r()) / 64);
        packBlockQuantRow(dtype, codes, scales, data, row * rowBytes);
      }
      return { dtype, rows, cols, data };
    }
  }
}

/** |a − b| ≤ rel·bound + abs for every element, with a message naming the first failure. */
function assertClose(actual: Float32Array, expected: Float32Array, bound: Float32Array | number, what: string, rel = 1e-5, abs = 1e-30): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < actual.length; i++) {
    const b = typeof bound === 'number' ? bound : bound[i];
    const ok = Math.abs(actual[i] - expected[i]) <= rel * b + abs;
    if (!ok) assert.fail(`${what}: element ${i}: native ${actual[i]} vs reference ${expected[i]} (bound ${b})`);
  }
}

/** Σ|x·w| per output: the scale against which float32 rounding error is measured. */
function matmulBound(x: Float32Array, m: number, w: Weight): Float32Array {
  const wd = decodeWeight(w), out = new Float32Array(m * w.rows);
  for (let n = 0; n < w.rows; n++)
    for (let i = 0; i < m; i++) {
      let s = 0;
      for (let k = 0; k < w.cols; k++) s += Math.abs(x[i * w.cols + k] * wd[n * w.cols + k]);
      out[i * w.rows + n] = s;
    }
  return out;
}

function withThreads(k: Kernels, n: number, fn: () => void): void {
  const before = k.getThreads();
  k.setThreads(n);
  try { fn(); } finally { k.setThreads(before); }
}

const DTYPES: WeightDType[] = ['f32', 'bf16', 'f16', 'f8_e4m3', 'q8_0', 'q4_0'];
// (m, N, K): not multiples of the vector width or of 128; the larger ones are split across threads. One-row
// products of bf16 with N = 1030 and of bf16 and fp8 with N = 521, K = 2150 are read as side-by-side stretches of
// rows (a few rows left over), with 1 and 2 threads; the stretches of fp8 rows lie in different 128-row scale
// blocks, and K = 2150 ends in half a block and a tail.
const MATMUL_SHAPES: Array<[number, number, number]> = [[1, 130, 200], [3, 130, 200], [17, 130, 200], [1, 5, 7], [2, 257, 300], [1, 1030, 1100], [1, 521, 2150], [9, 300, 520], [70, 9, 2100]];
// Block-quantized weights need K divisible by 32 (K = 2080 spans a cache-blocking boundary at 1024). Rows end in
// groups of 1 to 16 blocks (K/32 mod 16: 7, 1, 10, 2, 0, 12, 1, 0), on both sides of AVX2's 8-lane halves.
// Single-row decoding (K ≥ 1024) takes whole groups two at a time: K = 1536 leaves one whole group after the pair.
// Side-by-side stretches of rows (N = 300, K = 2080, with 1 thread) end in a partial group of one block.
const QUANT_SHAPES: Array<[number, number, number]> = [[1, 130, 224], [3, 130, 224], [17, 130, 224], [1, 5, 32], [2, 257, 320], [1, 1030, 1088], [9, 300, 512], [1, 70, 1408], [1, 300, 2080], [70, 9, 2080], [1, 33, 1536]];

// Reference results are computed once and checked with 1, 2 and 5 threads. Each thread reads a range of rows and
// then takes rows from the backs of the others' ranges; 5 threads on a machine of fewer cores start late or not
// at all, so whole ranges are taken by others (rows left unwritten stay NaN and fail).
const THREADS = [1, 2, 5];
const matmulCases = DTYPES.flatMap((dtype, d) => (dtype.startsWith('q') ? QUANT_SHAPES : MATMUL_SHAPES).map(([m, N, K], s) => {
  const w = randWeight(dtype, N, K, 100 * d + s), x = randArray(m * K, 1000 + 100 * d + s);
  const want = new Float32Array(m * N);
  ref.matmul(want, x, m, w);
  return { m, w, x, want, bound: matmulBound(x, m, w) };
}));

for (const threads of THREADS) {
  test(`matmul matches the reference for every dtype (${threads} thread(s))`, () => {
    withThreads(kernels, threads, () => {
      for (const { m, w, x, want, bound } of matmulCases) {
        const got = new Float32Array(m * w.rows).fill(NaN);
        kernels.matmul(got, x, m, w);
        assertClose(got, want, bound, `${kernels.backend} ${w.dtype} m=${m} N=${w.rows} K=${w.cols}`);
      }
    });
  });
}

test('results do not depend on timing: repeated calls on 2 and 5 threads give the same bits', () => {
  // A row is read differently inside a stretch than alone (other sums), so a split of the rows that followed the
  // threads' timing would change the last bits from call to call. Weights big enough to be split into pieces.
  for (const threads of [2, 5]) {
    withThreads(kernels, threads, () => {
      for (const [dtype, N] of [['bf16', 3000], ['q4_0', 3000], ['f8_e4m3', 1500]] as const) {
        const w = randWeight(dtype, N, 2048, 77), x = randArray(2048, 78);
        const first = new Float32Array(N);
        kernels.matmul(first, x, 1, w);
        for (let r = 0; r < 60; r++) {
          const again = new Float32Array(N);
          kernels.matmul(again, x, 1, w);
          const at = again.findIndex((v, i) => !Object.is(v, first[i]));
          assert.equal(at, -1, `${kernels.backend} ${dtype} ${threads} threads, call ${r}: row ${at} changed`);
        }
      }
    });
  }
});

for (const threads of THREADS) {
  test(`moeTokens (several tokens through their experts) matches the reference (${threads} thread(s))`, () => {
    const H = 2048, T = 7, sizes = [96, 64, 128, 40];
    const dts: WeightDType[] = ['bf16', 'q8_0', 'q4_0', 'f32'];
    const gates = sizes.map((I, j) => randWeight(dts[j], I, H, 510 + j));
    const ups = sizes.map((I, j) => randWeight(dts[j], I, H, 610 + j));
    const downs = sizes.map((I, j) => randWeight(dts[j] === 'q4_0' ? 'q8_0' : dts[j], H, I, 710 + j));
    // Expert 0 serves every token (a shared expert), 1 two tokens (decode rows), 2 none, 3 four (tiles).
    const rows = Int32Array.from([0, 1, 2, 3, 4, 5, 6, 5, 2, 6, 0, 3, 1]);
    const offsets = Int32Array.from([0, 7, 9, 9, 13]);
    const coef = Float32Array.from([1, 1, 1, 1, 1, 1, 1, 0.25, -0.5, 0.75, 1.5, -2, 0.125]);
    const x = randArray(T * H, 820);
    const want = new Float32Array(T * H);
    ref.moeTokens(want, x, T, gates, ups, downs, rows, offsets, coef);
    const got = new Float32Array(T * H).fill(NaN);
    withThreads(kernels, threads, () => kernels.moeTokens(got, x, T, gates, ups, downs, rows, offsets, coef));
    const scale = want.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
    assertClose(got, want, scale, 'moeTokens', 1e-4);
    assert.throws(() => kernels.moeTokens(got, x, T, gates, ups, downs, Int32Array.from([...rows.slice(0, 12), 7]), offsets, coef), /not a token index/);
    assert.throws(() => kernels.moeTokens(got, x, T, gates, ups, downs, rows, Int32Array.from([0, 7, 9, 9, 12]), coef), /offsets must run/);
    assert.throws(() => kernels.moeTokens(got, x, T, gates, ups, downs, rows, Int32Array.from([0, 9, 7, 9, 13]), coef), /must not decrease/);
    assert.throws(() => kernels.moeTokens(got, x, T, gates, ups.slice(1), downs, rows, offsets, coef), /same length/);
    assert.throws(() => kernels.moeTokens(got, x, T, [gates[0]], [ups[1]], [downs[0]], rows, Int32Array.of(0, 13), coef), /mismatched/);
    // One token, read where it is (no gather), through two experts and the dense-MLP form (one expert, weight 1).
    const one = new Float32Array(H).fill(NaN), oneWant = new Float32Array(H);
    const r1 = Int32Array.of(0, 0), o1 = Int32Array.of(0, 1, 2), c1 = Float32Array.of(0.5, 2);
    ref.moeTokens(oneWant, x, 1, gates.slice(0, 2), ups.slice(0, 2), downs.slice(0, 2), r1, o1, c1);
    withThreads(kernels, threads, () => kernels.moeTokens(one, x, 1, gates.slice(0, 2), ups.slice(0, 2), downs.slice(0, 2), r1, o1, c1));
    assertClose(one, oneWant, oneWant.reduce((m, v) => Math.max(m, Math.abs(v)), 0), 'moeTokens, one token', 1e-4);
  });
}

for (const threads of THREADS) {
  test(`matmulBatch equals one matmul per weight, shared and separate inputs, every dtype (${threads} thread(s))`, () => {
    withThreads(kernels, threads, () => {
      for (const m of [1, 3]) {
        // Weights of every dtype; pairs of them share one input (as q_proj and kv_a_proj do).
        const ws = DTYPES.flatMap((dtype, d) => [randWeight(dtype, 70 + 40 * d, 320, 900 + d), randWeight(dtype, 600, 320, 950 + d)]);
        const shared = DTYPES.map((_, d) => randArray(m * 320, 990 + d));
        const xs = ws.map((_, j) => (j % 2 ? randArray(m * 320, 1100 + j) : shared[j / 2]));
        const outs = ws.map((w) => new Float32Array(m * w.rows).fill(NaN));
        kernels.matmulBatch(outs, xs, m, ws);
        ws.forEach((w, j) => {
          const want = new Float32Array(m * w.rows);
          ref.matmul(want, xs[j], m, w);
          assertClose(outs[j], want, matmulBound(xs[j], m, w), `${kernels.backend} matmulBatch[${j}] ${w.dtype} m=${m}`);
        });
      }
    });
  });
}

test('an fp8 weight is scanned for NaN codes once and the answer is kept on it', () => {
  const w = randWeight('f8_e4m3', 130, 256, 5);
  assert.equal(w.nanFree, undefined);
  const x = randArray(256, 6), first = new Float32Array(130), again = new Float32Array(130);
  kernels.matmul(first, x, 1, w);
  assert.equal(w.nanFree, true);
  kernels.matmul(again, x, 1, w);
  assert.deepEqual(again, first);
});

test('a used Weight keeps its parsed form, but a new data (or fp8 scales) array, a copy or a frozen object is read afresh', () => {
  const x = randArray(256, 8);
  const product = (w: Weight) => { const out = new Float32Array(w.rows); kernels.matmul(out, x, 1, w); return out; };
  const reference = (w: Weight) => { const out = new Float32Array(w.rows); ref.matmul(out, x, 1, w); return out; };
  const a = randWeight('bf16', 40, 256, 11), b = randWeight('bf16', 40, 256, 12);
  assert.deepEqual(product(a), product(a));
  assert.ok(!Object.keys(a).some((k) => k.includes('deepseek')), 'the cache is not an enumerable property');
  const copy: Weight = { ...a, data: b.data }; // a spread carries no cache: b's bytes are read
  assertClose(product(copy), reference(b), matmulBound(x, 1, b), 'spread copy with other data');
  const swapped = randWeight('bf16', 40, 256, 11);
  product(swapped);
  swapped.data = b.data; // breaks the "used Weights do not change" rule: still read from the new bytes
  assertClose(product(swapped), reference(b), matmulBound(x, 1, b), 'data replaced after use');
  const f8 = randWeight('f8_e4m3', 40, 256, 13);
  product(f8);
  f8.scales = f8.scales!.map((v) => v * 2);
  assertClose(product(f8), reference(f8), matmulBound(x, 1, f8), 'fp8 scales replaced after use');
  const frozen = Object.freeze(randWeight('q4_0', 40, 256, 14));
  assert.deepEqual(product(frozen), product(frozen));
  assertClose(product(frozen), reference(frozen), matmulBound(x, 1, frozen), 'frozen q4_0 weight');
  // The replaced array collected in between: still a clean re-read.
  v8.setFlagsFromString('--expose-gc');
  const gc = vm.runInNewContext('gc') as () => void;
  const collected = randWeight('bf16', 40, 256, 15);
  product(collected);
  collected.data = randWeight('bf16', 40, 256, 12).data;
  gc();
  assertClose(product(collected), reference(b), matmulBound(x, 1, b), 'data replaced and collected');
  // A detached buffer is not read through the old pointer: the length check sees 0 bytes.
  const detached = randWeight('bf16', 40, 256, 16);
  product(detached);
  structuredClone(detached.data.buffer, { transfer: [detached.data.buffer as ArrayBuffer] });
  assert.throws(() => product(detached), /w\.data has 0 bytes/);
  // An object inheriting from a used Weight is parsed as itself (here: its own dtype).
  const asF16: Weight = Object.create(a);
  asF16.dtype = 'f16';
  assertClose(product(asF16), reference({ ...a, dtype: 'f16' }), matmulBound(x, 1, { ...a, dtype: 'f16' }), 'inheriting object');
});

test('q8/q4 activations are quantized exactly as act_quant.h says on every path (halfway values round to even)', () => {
  // Weight scales 1 and activation blocks whose largest magnitude is 127 (scale 1): every product is an exact
  // integer sum, so the result equals the reference exactly unless some activation code differs. Halfway values
  // (k + 1/2) tell round-half-even from the other roundings.
  const K = 1024, N = 5, r = rng(31);
  const x = Float32Array.from({ length: K }, (_, i) => i % 32 === 0 ? (i % 64 ? -127 : 127) : (Math.floor(r() * 20) + 0.5) * (i % 3 ? 1 : -1));
  for (const dtype of ['q8_0', 'q4_0'] as const) {
    const rowBytes = weightRowBytes(dtype, K), data = new Uint8Array(N * rowBytes);
    for (let row = 0; row < N; row++) {
      const codes = Int8Array.from({ length: K }, () => dtype === 'q8_0' ? Math.floor(r() * 127) : Math.floor(r() * 8));
      packBlockQuantRow(dtype, codes, new Float32Array(K / 32).fill(1), data, row * rowBytes);
    }
    const w: Weight = { dtype, rows: N, cols: K, data };
    for (const m of [1, 3]) { // single-row decoding and tiles
      const xm = Float32Array.from({ length: m * K }, (_, i) => x[i % K] * (1 + Math.floor(i / K)));
      const want = new Float32Array(m * N), got = new Float32Array(m * N);
      ref.matmul(want, xm, m, w);
      kernels.matmul(got, xm, m, w);
      assert.deepEqual(Array.from(got), Array.from(want), `${kernels.backend} ${dtype} m=${m}`);
    }
  }
});

test('activations are quantized afresh on every call, also when the same array is passed again changed', () => {
  // The native side keeps its quantized-activation buffers across calls; a stale one would give the old product.
  for (const dtype of ['q8_0', 'q4_0'] as const) {
    const w = randWeight(dtype, 40, 1024, 71), x = randArray(1024, 72);
    for (const round of [0, 1, 2]) {
      if (round) x.set(randArray(1024, 72 + round));
      const got = new Float32Array(40), want = new Float32Array(40);
      kernels.matmul(got, x, 1, w);
      ref.matmul(want, x, 1, w);
      assertClose(got, want, matmulBound(x, 1, w), `${kernels.backend} ${dtype} round ${round}`);
    }
  }
});

test('fp8 decoding stays exact for subnormal codes and for tiny and huge activations', () => {
  // Two activation rows: 4-row tiles; one row: single-row decoding (bf16 halves of x on avx512bf16, which round x
  // to 2^-17).
  for (const [K, rel, m] of [[320, 1e-6, 2], [320, 1e-5, 1], [704, 1e-5, 1]]) {
    const N = 12;
    // Only subnormal codes (exponent 0) and the smallest normals, so a wrong subnormal path cannot hide in the bound.
    const data = Uint8Array.from({ length: N * K }, (_, i) => ((i * 37) % 16) | (i % 3 ? 0x80 : 0));
    const w: Weight = { dtype: 'f8_e4m3', rows: N, cols: K, data, scales: Float32Array.from({ length: Math.ceil(K / 128) }, (_, i) => 1 + i) };
    for (const scale of [1, 1e-30, 1e30, 3e37]) {
      const x = Float32Array.from(randArray(m * K, 77), (v) => v * scale);
      const want = new Float32Array(m * N), got = new Float32Array(m * N);
      ref.matmul(want, x, m, w);
      kernels.matmul(got, x, m, w);
      assertClose(got, want, matmulBound(x, m, w), `${kernels.backend} fp8 subnormal codes, K=${K}, m=${m}, x scaled by ${scale}`, rel);
    }
  }
});

test('matmulHeads: one token through per-head row blocks of one stacked weight, strided in and out', () => {
  for (const dtype of ['f32', 'bf16', 'f16', 'q8_0', 'q4_0'] as WeightDType[]) {
    for (const [heads, r, k] of [[16, 40, 96], [3, 130, 512]]) {
      const w = randWeight(dtype, heads * r, k, 300 + heads);
      const xStride = k + 7, outStride = r + 5; // head slots inside wider rows, as q and qLat are
      const x = randArray((heads - 1) * xStride + k, 400 + heads);
      const got = new Float32Array((heads - 1) * outStride + r).fill(-1), want = got.slice();
      kernels.matmulHeads(got, x, w, heads, xStride, outStride);
      ref.matmulHeads(want, x, w, heads, xStride, outStride);
      for (let h = 0; h < heads; h++) {
        const headBytes = r * weightRowBytes(dtype, k);
        const bound = matmulBound(x.subarray(h * xStride, h * xStride + k), 1, { ...w, rows: r, data: w.data.subarray(h * headBytes, (h + 1) * headBytes) });
        assertClose(got.subarray(h * outStride, h * outStride + r), want.subarray(h * outStride, h * outStride + r), bound, `${kernels.backend} matmulHeads ${dtype} head ${h}`);
        if (h < heads - 1) assert.deepEqual(Array.from(got.subarray(h * outStride + r, (h + 1) * outStride)), [-1, -1, -1, -1, -1], 'gaps between head slots stay untouched');
      }
    }
  }
  // fp8: heads of whole 128-row scale blocks (the absorbed MLA factors of an fp8 kv_b_proj), each checked
  // against the whole stacked weight times that head's input (so the per-head scale rows are not assumed).
  for (const [heads, r, k] of [[4, 128, 512], [3, 256, 200]]) {
    const w = randWeight('f8_e4m3', heads * r, k, 310 + heads);
    const x = randArray((heads - 1) * (k + 3) + k, 410 + heads);
    const got = new Float32Array(heads * r), refGot = new Float32Array(heads * r);
    kernels.matmulHeads(got, x, w, heads, k + 3, r);
    ref.matmulHeads(refGot, x, w, heads, k + 3, r);
    for (let h = 0; h < heads; h++) {
      const xh = x.subarray(h * (k + 3), h * (k + 3) + k), all = new Float32Array(heads * r);
      ref.matmul(all, xh, 1, w);
      const bound = matmulBound(xh, 1, w).subarray(h * r, (h + 1) * r);
      assertClose(got.subarray(h * r, (h + 1) * r), all.subarray(h * r, (h + 1) * r), bound, `${kernels.backend} matmulHeads f8_e4m3 head ${h}`);
      assertClose(refGot.subarray(h * r, (h + 1) * r), all.subarray(h * r, (h + 1) * r), bound, `reference matmulHeads f8_e4m3 head ${h}`);
    }
  }
  const fp8 = randWeight('f8_e4m3', 256, 128, 1);
  assert.throws(() => kernels.matmulHeads(new Float32Array(256), new Float32Array(512), fp8, 4, 128, 64), /divisible by 128/);
  assert.throws(() => kernels.matmulHeads(new Float32Array(256), new Float32Array(384), randWeight('bf16', 256, 128, 2), 3, 128, 86), /multiple of heads/);
});

test('matmulBatch checks its arguments', () => {
  const w = randWeight('bf16', 8, 32, 1);
  assert.throws(() => kernels.matmulBatch([new Float32Array(8)], [], 1, [w]), /same length/);
  assert.throws(() => kernels.matmulBatch([new Float32Array(4)], [new Float32Array(32)], 1, [w]), /outs\[0\]/);
  const buf = new Float32Array(64);
  assert.throws(() => kernels.matmulBatch([buf.subarray(0, 8), new Float32Array(8)], [new Float32Array(32), buf.subarray(0, 32)], 1, [w, w]), /overlaps xs\[1\]/);
  assert.throws(() => kernels.matmulBatch([buf.subarray(0, 8), buf.subarray(4, 12)], [new Float32Array(32), new Float32Array(32)], 1, [w, w]), /outs\[1\] overlaps outs\[0\]/);
});

test('block-quantized weights: K must be divisible by 32, data must hold whole packed rows, scales live in data', () => {
  const w = randWeight('q8_0', 4, 64, 1);
  const out = new Float32Array(4), x = randArray(64, 2);
  assert.throws(() => kernels.matmul(out, x, 1, { ...w, cols: 48, data: w.data.subarray(0, 4 * 48) }), /divisible by 32/);
  assert.throws(() => kernels.matmul(out, x, 1, { ...w, data: w.data.subarray(0, 4 * 64) }), /has 256 bytes but a q8_0 \[4, 64\] weight needs 512/);
  assert.throws(() => kernels.matmul(out, x, 1, { ...w, scales: new Float32Array(8) }), /holds its scales inside data/);
});

test('copyToHugePages returns an independent copy of the bytes', () => {
  const src = Uint8Array.from({ length: (3 << 20) + 5 }, (_, i) => (i * 31) & 0xff);
  const copy = copyToHugePages(src);
  assert.equal(copy.length, src.length);
  assert.ok(Buffer.from(copy.buffer, copy.byteOffset, copy.length).equals(Buffer.from(src.buffer)));
  src[0] ^= 1;
  assert.notEqual(copy[0], src[0]);
  assert.equal(copyToHugePages(new Uint8Array(0)).length, 0);
  const fresh = kernels.allocWeightBytes!((3 << 20) + 5); // a fresh mapping: zeros, writable, its own memory
  assert.equal(fresh.length, (3 << 20) + 5);
  assert.ok(fresh.every((b) => b === 0));
  fresh.fill(7, 0, 4096);
  assert.equal(kernels.allocWeightBytes!(4096).reduce((a, b) => a + b, 0), 0);
});

test('single-row bf16 decoding stays finite for activations near the float32 limit', () => {
  // With vdpbf16ps (avx512bf16) x is split into bf16 halves; 3.39e38 rounds up to infinity in bf16 and must not
  // turn into inf − inf. Small weights keep the true products far from overflow.
  const K = 640, N = 8;
  const w = randWeight('bf16', N, K, 21);
  const x = Float32Array.from(randArray(K, 22), (v, i) => (i % 7 === 0 ? Math.sign(v || 1) * 3.3999e38 : v));
  const scaled: Weight = { ...w, data: new Uint8Array(new Uint16Array(w.data.buffer.slice(0)).map((h) => (h & 0x807f) | (90 << 7)).buffer) };
  const want = new Float32Array(N), got = new Float32Array(N);
  ref.matmul(want, x, 1, scaled);
  kernels.matmul(got, x, 1, scaled);
  assert.ok(want.every(Number.isFinite), 'the reference products are finite');
  assertClose(got, want, matmulBound(x, 1, scaled), `${kernels.backend} bf16 with |x| up to 3.4e38`);
});

test('readBandwidth measures a positive rate (value printed, not asserted)', () => {
  const bw = readBandwidth(64 << 20, 2, 2);
  assert.ok(Number.isFinite(bw) && bw > 0);
  console.log(`read bandwidth ≈ ${(bw / 1e9).toFixed(1)} GB/s (64 MiB, 2 threads)`);
});

test('matmul reads weights at any byte alignment (views into a mapped file)', () => {
  for (const dtype of DTYPES) {
    const K = dtype.startsWith('q') ? 160 : 150;
    const w = randWeight(dtype, 33, K, 7);
    const shifted = new Uint8Array(w.data.length + 3);
    shifted.set(w.data, 3);
    const moved: Weight = { ...w, data: shifted.subarray(3) };
    const x = randArray(2 * K, 8);
    const a = new Float32Array(2 * 33), b = new Float32Array(2 * 33);
    kernels.matmul(a, x, 2, w);
    kernels.matmul(b, x, 2, moved);
    assert.deepEqual(b, a, dtype);
  }
});

test('fp8 e4m3 decoding of all 256 bytes matches the format definition', () => {
  // The reference formula on landmark values.
  assert.equal(fp8E4M3ToFloat(0x00), 0);
  assert.ok(Object.is(fp8E4M3ToFloat(0x80), -0));
  assert.equal(fp8E4M3ToFloat(0x01), 2 ** -9); // smallest subnormal
  assert.equal(fp8E4M3ToFloat(0x07), 7 * 2 ** -9); // largest subnormal
  assert.equal(fp8E4M3ToFloat(0x08), 2 ** -6); // smallest normal
  assert.equal(fp8E4M3ToFloat(0x38), 1);
  assert.equal(fp8E4M3ToFloat(0x7e), 448); // max
  assert.equal(fp8E4M3ToFloat(0xfe), -448);
  assert.equal(fp8E4M3ToFloat(0x78), 256); // e=15 is a normal exponent (no inf)
  assert.ok(Number.isNaN(fp8E4M3ToFloat(0x7f)) && Number.isNaN(fp8E4M3ToFloat(0xff)));
  // Native: row b holds byte b in column b % 48 (every SIMD lane and the scalar tail), x = 1.
  const cols = 48;
  const data = new Uint8Array(256 * cols);
  for (let b = 0; b < 256; b++) data[b * cols + (b % cols)] = b;
  for (const scale of [1, 0.375]) {
    const w: Weight = { dtype: 'f8_e4m3', rows: 256, cols, data, scales: new Float32Array([scale, scale]) };
    const out = new Float32Array(256);
    kernels.matmul(out, new Float32Array(cols).fill(1), 1, w);
    if (kernels.backend.startsWith('cpu-')) assert.equal(w.nanFree, false, 'the native kernels record that the weight has NaN codes');
    for (let b = 0; b < 256; b++) {
      const want = fp8E4M3ToFloat(b) * scale;
      if (Number.isNaN(want)) assert.ok(Number.isNaN(out[b]), `byte 0x${b.toString(16)} should be NaN, got ${out[b]}`);
      else assert.equal(out[b], want + 0, `byte 0x${b.toString(16)}`);
    }
  }
});

test('bf16 and f16 reference decoders follow the formats', () => {
  assert.equal(bf16ToFloat(0x3f80), 1);
  assert.equal(bf16ToFloat(0xc040), -3);
  assert.equal(f16ToFloat(0x3c00), 1);
  assert.equal(f16ToFloat(0x0001), 2 ** -24);
  assert.equal(f16ToFloat(0x7bff), 65504);
  assert.equal(f16ToFloat(0xfc00), -Infinity);
  // Native f16 over all finite bit patterns: 64 rows × 1024 columns, one pattern per element.
  const pats = Uint16Array.from({ length: 65536 }, (_, i) => i).filter((h) => ((h >> 10) & 0x1f) !== 0x1f);
  const cols = 1024, rows = Math.ceil(pats.length / cols);
  const bits = new Uint16Array(rows * cols);
  bits.set(pats);
  const w: Weight = { dtype: 'f16', rows, cols, data: new Uint8Array(bits.buffer) };
  const out = new Float32Array(rows * cols), x = new Float32Array(cols * cols);
  for (let c = 0; c < cols; c++) x[c * cols + c] = 1; // identity rows pick single columns
  kernels.matmul(out, x, cols, w); // out[c, r] = W[r, c]
  for (let i = 0; i < pats.length; i++) {
    const r = Math.floor(i / cols), c = i % cols;
    assert.equal(out[c * rows + r], f16ToFloat(pats[i]) + 0, `f16 0x${pats[i].toString(16)}`);
  }
});

for (const threads of [1, 2]) {
  test(`elementwise kernels match the reference, aliasing included (${threads} thread(s))`, () => {
    withThreads(kernels, threads, () => {
      for (const [rows, cols] of [[3, 200], [1, 7], [8, 40000]]) {
        const x = randArray(rows * cols, rows + cols, 3), w = randArray(cols, 5);
        const got = new Float32Array(rows * cols), want = new Float32Array(rows * cols);
        kernels.rmsnorm(got, x, w, rows, 1e-6);
        ref.rmsnorm(want, x, w, rows, 1e-6);
        assertClose(got, want, want.map(Math.abs), `rmsnorm ${rows}x${cols}`);
        const inPlace = x.slice();
        kernels.rmsnorm(inPlace, inPlace, w, rows, 1e-6);
        assert.deepEqual(inPlace, got, 'rmsnorm in place');
      }
      for (const [rows, cols] of [[3, 37], [1, 5], [4, 20000]]) {
        const x = randArray(rows * cols, cols, 30);
        x[1] = 1000; // max subtraction must keep exp finite
        x[2] = -Infinity; // masked entries get exactly 0
        const got = x.slice(), want = x.slice();
        kernels.softmax(got, rows, cols);
        ref.softmax(want, rows, cols);
        assertClose(got, want, want.map(Math.abs), `softmax ${rows}x${cols}`, 3e-6, 1e-12);
        assert.equal(got[2], 0, 'softmax of -Infinity');
      }
      for (const n of [1000, 13, 600001]) {
        const gate = randArray(n, n, 12), up = randArray(n, n + 1);
        gate[0] = -100; gate[1] = 100; gate[2] = -90;
        const got = new Float32Array(n), want = new Float32Array(n);
        kernels.siluMul(got, gate, up, n);
        ref.siluMul(want, gate, up, n);
        assertClose(got, want, want.map(Math.abs), `siluMul n=${n}`, 3e-6, 1e-30);
        const g2 = gate.slice();
        kernels.siluMul(g2, g2, up, n);
        assert.deepEqual(g2, got, 'siluMul with out === gate');
        const y = randArray(n, 3), y2 = y.slice();
        kernels.axpy(y, up, 0.37, n);
        ref.axpy(y2, up, 0.37, n);
        assertClose(y, y2, 1, `axpy n=${n}`, 1e-6);
      }
    });
  });
}

test('argmax: the first largest value, NaNs passed over, as the reference', () => {
  const check = (x: Float32Array, what: string): void => assert.equal(kernels.argmax(x), ref.argmax(x), `${kernels.backend} argmax ${what}`);
  for (const n of [0, 1, 5, 16, 255, 256, 257, 1000, 102400, 102401]) {
    const x = randArray(n, 40 + n);
    check(x, `random n=${n}`);
    if (n < 300) continue;
    // The largest value in the tail, at a block's first and last element, and twice (the first wins).
    for (const at of [n - 1, 257, 256 + 255, 3 * 256 + 1]) {
      const y = x.slice();
      y[at] = 10;
      check(y, `n=${n} max at ${at}`);
      y[at + 7 < n ? at + 7 : 1] = 10;
      check(y, `n=${n} tie near ${at}`);
      assert.equal(kernels.argmax(y), Math.min(at, at + 7 < n ? at + 7 : 1), 'the first of two equal maxima');
    }
    const z = x.slice();
    z[5] = 10; z[4] = NaN; z[300] = NaN; z[n - 1] = NaN;
    check(z, `n=${n} with NaNs`);
    assert.equal(kernels.argmax(z), 5, 'NaNs are passed over');
    z[0] = NaN;
    assert.equal(kernels.argmax(z), 0, 'a NaN first element: 0, as the reference');
    const neg = x.map((v) => -Math.abs(v) - 1);
    neg[n - 2] = -Infinity;
    check(neg, `n=${n} all negative`);
  }
});

test('rope rotates interleaved pairs at an offset inside strided heads', () => {
  const tokens = 3, heads = 2, headStride = 11, tokenStride = 25, offset = 3, ropeDim = 6;
  const x = randArray(tokens * tokenStride, 4);
  const cos = randArray(tokens * ropeDim / 2, 5), sin = randArray(tokens * ropeDim / 2, 6);
  const got = x.slice(), want = x.slice();
  kernels.rope(got, tokens, heads, tokenStride, headStride, offset, ropeDim, cos, sin);
  ref.rope(want, tokens, heads, tokenStride, headStride, offset, ropeDim, cos, sin);
  assertClose(got, want, 2, 'rope', 1e-6);
  assert.equal(got[0], x[0], 'elements outside the rotary dims are untouched');
  // Large enough to be split over tokens: DeepSeek-like 128 heads × 64 rotary dims, 2 threads.
  const big = { tokens: 65, heads: 128, dim: 64, stride: 192 };
  const xb = randArray(big.tokens * big.heads * big.stride, 7);
  const cb = randArray(big.tokens * big.dim / 2, 8), sb = randArray(big.tokens * big.dim / 2, 9);
  const gotB = xb.slice(), wantB = xb.slice();
  withThreads(kernels, 2, () => kernels.rope(gotB, big.tokens, big.heads, big.heads * big.stride, big.stride, 128, big.dim, cb, sb));
  ref.rope(wantB, big.tokens, big.heads, big.heads * big.stride, big.stride, 128, big.dim, cb, sb);
  assertClose(gotB, wantB, 2, 'rope 65 tokens x 128 heads', 1e-6);
});

/** Attention case with q/out token-major [t, h, d] (padded) and k/v head-major [h, t, d]. */
function attentionCase(tq: number, tk: number, pastLen: number, nHeads: number, nKvHeads: number, dk: number, dv: number, flat = false) {
  const shape: AttentionShape = {
    tq, tk, nHeads, nKvHeads, dk, dv, pastLen, scale: 1 / Math.sqrt(dk),
    qHeadStride: dk + 1, qTokenStride: nHeads * (dk + 1),
    kTokenStride: dk, kHeadStride: tk * dk + 2,
    vTokenStride: dv + 3, vHeadStride: tk * (dv + 3),
    oHeadStride: dv, oTokenStride: nHeads * dv + (flat ? 0 : 5),
  };
  const q = randArray(tq * shape.qTokenStride, 11, 2);
  const k = randArray(nKvHeads * shape.kHeadStride, 12, 2);
  const v = randArray(nKvHeads * shape.vHeadStride, 13);
  return { shape, q, k, v, outLen: tq * shape.oTokenStride };
}

const ATTENTION_CASES: Array<[number, number, number, number, number, number, number, boolean?]> = [
  [1, 5, 4, 4, 1, 40, 24], // decoding one token, MQA (absorbed MLA)
  [3, 7, 4, 3, 3, 19, 19], // pastLen > 0, MHA
  [5, 5, 0, 4, 2, 16, 33], // prefill, GQA
  [4, 300, 296, 8, 1, 72, 64], // big enough to be split across threads
  [2, 9, 7, 40, 1, 24, 20], // 40 heads on one K/V head: chunks of 16, 16, 8
  [3, 30, 27, 34, 2, 16, 8], // GQA groups of 17 heads: chunks of 16 and 1
  // Decoding (one or two query rows on one or two kv heads, 16+ keys): split by keys, then by columns.
  [1, 1100, 1099, 16, 1, 576, 512], // absorbed MLA's shape: latent 512 + rope 64
  [2, 70, 68, 19, 1, 40, 37], // 19 heads (tiles of 4 and 8 with some left over), column tails
  [1, 33, 40, 5, 1, 24, 20], // pastLen past the keys: all 33 seen; a key left over after tiles of 4
  [1, 50, 49, 6, 2, 16, 16], // two kv heads of 3 heads each
  // One kv head, token-major rows (as absorbed MLA lays them out), up to 16 tokens: the rows of all tokens are
  // one list, keys past a row's causal limit masked; in groups of tokens when heads × keys are many.
  [1, 300, 299, 16, 1, 40, 24, true], // decoding
  [9, 2060, 2051, 16, 1, 72, 64, true], // a keystroke's few tokens after a long context: each row its own limit
  [12, 200, 160, 8, 1, 24, 20, true], // a short prompt: limits 161 .. 172
  [3, 8300, 8295, 64, 1, 16, 8, true], // 64 heads × 8300 keys: one token per group
  [40, 200, 160, 8, 1, 24, 20, true], // more tokens: (token, head chunk) items
];
// Reference results computed once, checked with 1 and 2 threads.
const attentionCases = ATTENTION_CASES.map((c) => {
  const { shape, q, k, v, outLen } = attentionCase(...c);
  const want = new Float32Array(outLen);
  ref.attention(want, q, k, v, shape);
  return { c, shape, q, k, v, outLen, want };
});

for (const threads of [1, 2]) {
  test(`attention matches the reference: causal, pastLen, GQA/MQA, strides (${threads} thread(s))`, () => {
    withThreads(kernels, threads, () => {
      for (const { c, shape, q, k, v, outLen, want } of attentionCases) {
        const got = new Float32Array(outLen);
        kernels.attention(got, q, k, v, shape);
        assertClose(got, want, 1, `attention ${c.join(',')}`, 2e-6);
      }
    });
  });
}

test('mapFile maps a file read-only and zero-copy', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dsn-map-'));
  try {
    const file = path.join(dir, 'blob.bin');
    const bytes = Uint8Array.from({ length: 100_003 }, (_, i) => (i * 31 + 7) & 0xff);
    fs.writeFileSync(file, bytes);
    const mapped = mapFile(file);
    assert.equal(mapped.length, bytes.length);
    assert.deepEqual(mapped, bytes);
    const part = mapFileRange(file, 5000, 70_001); // not page-aligned
    assert.deepEqual(part, bytes.subarray(5000, 75_001));
    assert.equal(mapFileRange(file, bytes.length, 0).length, 0);
    assert.throws(() => mapFileRange(file, 100_000, 4), (e: Error) => e instanceof RangeError && e.message.includes(file));
    fs.writeFileSync(path.join(dir, 'empty.bin'), '');
    assert.equal(mapFile(path.join(dir, 'empty.bin')).length, 0);
    assert.throws(() => mapFile(path.join(dir, 'missing.bin')), (e: Error) => e.message.includes('missing.bin') && /No such file/.test(e.message));
    assert.throws(() => mapFile(dir), (e: Error) => e.message.includes(dir));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('mapFile unmaps the file once the array is garbage-collected', async () => {
  v8.setFlagsFromString('--expose-gc');
  const gc = vm.runInNewContext('gc') as () => void;
  const file = path.join(os.tmpdir(), `dsn-gc-${process.pid}.bin`);
  fs.writeFileSync(file, new Uint8Array(50_000).fill(9));
  const mappings = () => fs.readFileSync('/proc/self/maps', 'utf8').split('\n').filter((l) => l.includes(file)).length;
  try {
    let mapped: Uint8Array | undefined = mapFile(file);
    assert.equal(mapped[49_999], 9);
    assert.equal(mappings(), 1);
    mapped = undefined;
    for (let i = 0; i < 5 && mappings() > 0; i++) {
      gc();
      await new Promise((r) => setTimeout(r, 20)); // finalizers run after the collection
    }
    assert.equal(mappings(), 0);
  } finally {
    fs.rmSync(file, { force: true });
  }
});

test('bad arguments throw a TypeError naming the problem', () => {
  const w = randWeight('bf16', 4, 8, 1);
  const x = new Float32Array(8), out = new Float32Array(4);
  const bad = (fn: () => void, re: RegExp) => assert.throws(fn, (e: Error) => e instanceof TypeError && re.test(e.message), String(re));
  bad(() => kernels.matmul(out, x, 1, { ...w, dtype: 'int4' as WeightDType }), /w\.dtype must be one of/);
  bad(() => kernels.matmul(out, x, 1, { ...w, data: w.data.subarray(1) }), /w\.data has 63 bytes .* needs 64/);
  bad(() => kernels.matmul(out, x, 2, w), /x is too short/);
  bad(() => kernels.matmul(new Float32Array(3), x, 1, w), /out is too short/);
  bad(() => kernels.matmul(out, x, 0, w), /m must be an integer >= 1/);
  bad(() => kernels.matmul(out, x, 1.5, w), /m must be an integer/);
  bad(() => kernels.matmul(out, new Float64Array(8) as unknown as Float32Array, 1, w), /x must be a Float32Array/);
  bad(() => kernels.matmul(out, x, 1, { dtype: 'f8_e4m3', rows: 4, cols: 8, data: new Uint8Array(32) }), /needs w\.scales/);
  bad(() => kernels.matmul(out, x, 1, { dtype: 'f8_e4m3', rows: 4, cols: 8, data: new Uint8Array(32), scales: new Float32Array(2) }), /one per 128x128 block/);
  const shared = new Float32Array(16);
  bad(() => kernels.matmul(shared.subarray(0, 4), shared.subarray(2, 10), 1, w), /must not overlap/);
  bad(() => kernels.rmsnorm(out, x, new Float32Array(8), 1, 1e-6), /out is too short/);
  bad(() => kernels.softmax(x, 3, 3), /x is too short/);
  bad(() => kernels.rope(x, 1, 1, 8, 8, 0, 3, x, x), /ropeDim must be even/);
  bad(() => kernels.siluMul(out, x, x, 8), /out is too short/);
  bad(() => kernels.axpy(out, x, NaN, 4), /alpha must be a finite number/);
  const { shape, q, k, v, outLen } = attentionCase(2, 4, 2, 3, 2, 8, 8);
  bad(() => kernels.attention(new Float32Array(outLen), q, k, v, shape), /multiple of nKvHeads/);
  bad(() => kernels.attention(new Float32Array(outLen), q, k, v, { ...shape, nKvHeads: 1, tk: 40 }), /k is too short/);
  bad(() => kernels.setThreads(0), /setThreads: n must be an integer >= 1/);
});

test('setThreads/getThreads and backend name', () => {
  const before = kernels.getThreads();
  kernels.setThreads(3);
  assert.equal(kernels.getThreads(), 3);
  kernels.setThreads(before);
  assert.equal(kernels.getThreads(), before);
  assert.match(kernels.backend, /^cpu-(scalar|avx2|avx512|avx512vnni|avx512bf16)$/);
  if (forcedIsa) assert.equal(kernels.backend, `cpu-${forcedIsa}`);
});

/** Runs a command to completion (asynchronously, so several can run at once). */
function run(args: string[], env: NodeJS.ProcessEnv): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { env });
    let stdout = '', stderr = '';
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

test('every ISA path this CPU supports passes this file', { skip: forcedIsa !== undefined, timeout: 120_000 }, async () => {
  const isas = supportedIsas();
  assert.ok(isas.includes('scalar'));
  const self = path.join(__dirname, 'kernels.test.ts');
  // Without NODE_TEST_CONTEXT the child runs its tests instead of deferring to this runner.
  const { NODE_TEST_CONTEXT: _, ...env } = process.env;
  const others = isas.filter((i) => `cpu-${i}` !== kernels.backend); // this process covers its own
  const results = await Promise.all(others.map((isa) => run(['--import', 'tsx', '--test', self], { ...env, DEEPSEEK_NATIVE_ISA: isa })));
  others.forEach((isa, i) => {
    const r = results[i];
    assert.match(r.stdout, /# pass [1-9]/, `DEEPSEEK_NATIVE_ISA=${isa}: no tests ran:\n${r.stdout}\n${r.stderr}`);
    assert.equal(r.status, 0, `DEEPSEEK_NATIVE_ISA=${isa} failed:\n${r.stdout}\n${r.stderr}`);
  });
  const bad = await run(['-e', `require(${JSON.stringify(path.join(__dirname, 'build/Release/deepseek_native.node'))})`],
    { ...env, DEEPSEEK_NATIVE_ISA: 'sse9' });
  assert.notEqual(bad.status, 0);
  assert.match(bad.stderr, /DEEPSEEK_NATIVE_ISA='sse9' is not one of scalar, avx2, avx512, avx512vnni, avx512bf16/);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { kernels } from '../../native/index';
import { referenceKernels } from '../../native/reference';
import { weightRowBytes, type Weight } from '../../native/api';
import { blockQuantScale } from '../../native/block-quant';
import { f32Weight, weightRow } from './dtype';
import { loadEngine } from './index';
import { parseQuant, quantizeWeight, quantizable } from './quantize';
import { seededRandom } from './sampler';
import { makeTinyModel, TINY_V2, TINY_V3 } from './test-models';

// Every linear dimension a multiple of 32, so that every linear layer except kv_b/router/embedding is quantized.
const TINY_Q = {
  ...TINY_V3, hidden_size: 64, intermediate_size: 128, moe_intermediate_size: 32, q_lora_rank: 32, kv_lora_rank: 32,
  qk_nope_head_dim: 16, qk_rope_head_dim: 8, v_head_dim: 16, num_attention_heads: 4, vocab_size: 128,
};
const PROMPT = [0, 5, 17, 42, 3, 9, 11, 60, 2, 33, 7, 90];

function randomWeight(rows: number, cols: number, seed: number): { w: Weight; values: Float32Array } {
  const r = seededRandom(seed);
  const values = Float32Array.from({ length: rows * cols }, () => (r() - 0.5) * (r() < 0.05 ? 20 : 1)); // with outliers
  return { w: f32Weight(values, rows, cols), values };
}

/** max|a − b| / max|b| */
function relErr(a: Float32Array, b: Float32Array): number {
  let d = 0, s = 0;
  for (let i = 0; i < a.length; i++) {
    d = Math.max(d, Math.abs(a[i] - b[i]));
    s = Math.max(s, Math.abs(b[i]));
  }
  return d / s;
}

test('q8_0 / q4_0 round trip: every weight within half a quantization step of its block scale', () => {
  const { w, values } = randomWeight(7, 96, 1);
  for (const mode of ['int8', 'int4'] as const) {
    const q = quantizeWeight(w, mode);
    assert.equal(q.dtype, mode === 'int8' ? 'q8_0' : 'q4_0');
    // 3 blocks a row: scales and codes (q8 3·36, q4 3·20 bytes), padded to whole cache lines
    assert.equal(weightRowBytes(q.dtype, 96), 64 * (mode === 'int8' ? 2 : 1));
    assert.equal(q.data.length, 7 * weightRowBytes(q.dtype, 96));
    assert.equal(q.scales, undefined);
    const row = new Float32Array(96);
    for (let r = 0; r < 7; r++) {
      weightRow(q, r, row);
      for (let c = 0; c < 96; c++) {
        const d = Math.abs(blockQuantScale(q, r, Math.floor(c / 32)));
        const v = values[r * 96 + c];
        // int4 maps the signed extreme to -8, so the opposite side clips at +7: up to one step there.
        const tol = mode === 'int8' ? d / 2 : d;
        assert.ok(Math.abs(row[c] - v) <= tol + 1e-6 * Math.abs(v), `${mode} [${r},${c}]: ${row[c]} vs ${v} (step ${d})`);
      }
    }
  }
});

test('native matmul on quantized weights: exact integer blocks, and close to the dequantized float product', () => {
  const { w } = randomWeight(40, 160, 2);
  const x = Float32Array.from({ length: 3 * 160 }, (_, i) => Math.sin(i) * (1 + (i % 7)));
  for (const mode of ['int8', 'int4'] as const) {
    const q = quantizeWeight(w, mode);
    const got = new Float32Array(3 * 40);
    kernels.matmul(got, x, 3, q);
    // The contract: activations quantized per 32 columns too, block sums exact (the reference does the same).
    const same = new Float32Array(3 * 40);
    referenceKernels.matmul(same, x, 3, q);
    assert.ok(relErr(got, same) < 1e-5, `${mode} vs reference: ${relErr(got, same)}`);
    // Against the float product with the dequantized weights, only the activations' 8-bit rounding differs:
    // each activation within amax/254 of its block, so a few thousandths of the largest output.
    const deq = new Float32Array(40 * 160);
    for (let r = 0; r < 40; r++) weightRow(q, r, deq, r * 160);
    const float = new Float32Array(3 * 40);
    referenceKernels.matmul(float, x, 3, f32Weight(deq, 40, 160));
    const err = relErr(got, float);
    assert.ok(err < 1e-2 && err > 0, `${mode} vs float product: ${err}`);
  }
});

test('quantizable: only float storage with whole blocks; bf16 rows decode before quantizing', () => {
  assert.equal(quantizable({ dtype: 'f32', rows: 1, cols: 48, data: new Uint8Array(192) }), false);
  assert.equal(quantizable({ dtype: 'f8_e4m3', rows: 1, cols: 32, data: new Uint8Array(32) }), false);
  const bf16: Weight = { dtype: 'bf16', rows: 1, cols: 32, data: new Uint8Array(64) };
  new DataView(bf16.data.buffer).setUint16(6, 0x3f80, true); // element 3 = 1.0
  const row = new Float32Array(32);
  weightRow(quantizeWeight(bf16, 'int8'), 0, row);
  const exact = new Float32Array(32);
  weightRow(bf16, 0, exact);
  assert.deepEqual(row, exact); // 1.0 and zeros are exact in q8
  assert.throws(() => quantizeWeight({ dtype: 'f32', rows: 1, cols: 40, data: new Uint8Array(160) }, 'int8'), /cols divisible by 32/);
  assert.equal(parseQuant('int4'), 'int4');
  assert.equal(parseQuant(undefined), undefined);
  assert.throws(() => parseQuant('int3'), /--quant must be int8 or int4/);
});

/** Relative logit error of each position. */
function rowErrors(got: Float32Array, want: Float32Array, V: number): number[] {
  return Array.from({ length: want.length / V }, (_, t) => relErr(got.subarray(t * V, (t + 1) * V), want.subarray(t * V, (t + 1) * V)));
}

test('quantize-at-load: logits stay close to the unquantized model (int8 tight, int4 looser)', async () => {
  // All layers dense: no routing decision can flip, so the bound measures quantization error alone.
  const dir = makeTinyModel({ ...TINY_Q, first_k_dense_replace: 2 }, { dtype: 'bf16', seed: 11 });
  const base = await loadEngine(dir, { noTokenizer: true });
  const want = base.logits(PROMPT);
  const errs: Record<string, number> = {};
  for (const quant of ['int8', 'int4'] as const) {
    const e = await loadEngine(dir, { noTokenizer: true, quant });
    const got = e.logits(PROMPT);
    errs[quant] = relErr(got, want);
    e.dispose();
  }
  assert.ok(errs.int8 < 0.02, `int8 relative logit error ${errs.int8}`);
  assert.ok(errs.int4 < 0.25, `int4 relative logit error ${errs.int4}`);
  assert.ok(errs.int8 < errs.int4 / 3, `int8 (${errs.int8}) should be far more accurate than int4 (${errs.int4})`);
  assert.ok(errs.int8 > 0, 'quantization had no effect: were the weights quantized at all?');
});

test('quantize-at-load with MoE layers: int8 keeps most positions close (a near-tie in routing may flip an expert)', async () => {
  const dir = makeTinyModel(TINY_Q, { dtype: 'bf16', seed: 11 });
  const want = (await loadEngine(dir, { noTokenizer: true })).logits(PROMPT);
  const got = (await loadEngine(dir, { noTokenizer: true, quant: 'int8' })).logits(PROMPT);
  const errs = rowErrors(got, want, TINY_Q.vocab_size);
  const close = errs.filter((e) => e < 0.03).length;
  assert.ok(close >= errs.length - 2, `only ${close} of ${errs.length} positions within 3%: ${errs.map((e) => e.toFixed(3)).join(' ')}`);
});

test('quantized engines decode (fused MoE, absorbed MLA) consistently with their own prefill', async () => {
  const dir = makeTinyModel(TINY_Q, { dtype: 'f32', seed: 12 });
  for (const quant of ['int8', 'int4'] as const) {
    const e = await loadEngine(dir, { noTokenizer: true, quant, maxSequences: 0 });
    const r = await e.generate({ prompt: PROMPT, maxTokens: 6, ignoreEos: true });
    // Greedy decode must pick the argmax of full-prompt logits at each step.
    const logits = e.logits([...PROMPT, ...r.tokens.slice(0, -1)]);
    const V = e.vocabSize;
    r.tokens.forEach((tok, i) => {
      const row = logits.subarray((PROMPT.length - 1 + i) * V, (PROMPT.length + i) * V);
      const best = row.reduce((b, v, j) => (v > row[b] ? j : b), 0);
      assert.ok(row[best] - row[tok] <= 1e-3 * Math.abs(row[best]) + 1e-4, `${quant} step ${i}: token ${tok} vs argmax ${best}`);
    });
  }
});

test('--quant leaves fp8 weights on their fp8 bytes and V2 (q_proj) models load', async () => {
  const v2 = makeTinyModel(TINY_V2, { dtype: 'bf16', seed: 4 });
  const e = await loadEngine(v2, { noTokenizer: true, quant: 'int8' });
  assert.equal(e.logits([1, 2, 3]).length, 3 * e.vocabSize);
});

test('the native quantizer writes exactly the bytes of the TypeScript one (f32, bf16, f16 sources)', () => {
  const { values } = randomWeight(33, 160, 5);
  const bf16 = new Uint8Array(values.length * 2);
  const f16 = new Uint8Array(values.length * 2);
  const dv = new DataView(bf16.buffer), hv = new DataView(f16.buffer);
  values.forEach((v, i) => {
    dv.setUint16(i * 2, new Uint32Array(Float32Array.of(v).buffer)[0] >>> 16, true);
    hv.setUint16(i * 2, (i * 2654435761) & 0x7bff, true); // arbitrary finite halves, subnormals included
  });
  const sources: Weight[] = [f32Weight(values, 33, 160), { dtype: 'bf16', rows: 33, cols: 160, data: bf16 }, { dtype: 'f16', rows: 33, cols: 160, data: f16 }];
  for (const w of sources) {
    for (const mode of ['int8', 'int4'] as const) {
      const ts = quantizeWeight(w, mode);
      const nat = quantizeWeight(w, mode, kernels);
      assert.deepEqual(nat.data, ts.data, `${w.dtype} ${mode} codes and scales`);
    }
  }
});

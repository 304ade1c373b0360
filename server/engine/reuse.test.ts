import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Kernels } from '../../native/api';
import { kernels } from '../../native/index';
import { loadEngine } from './index';
import { makeTinyModel, TINY_V2, TINY_V3 } from './test-models';

const v3 = makeTinyModel(TINY_V3, { dtype: 'bf16', seed: 21 });
const v2 = makeTinyModel(TINY_V2, { dtype: 'f32', seed: 22 });

/** An editing session: a file grows keystroke by keystroke, then a line is rewritten, then a chat turn follows. */
const BASE = [0, 5, 17, 42, 3, 9, 11, 60, 2, 33, 7, 19, 23, 29, 31, 37];
const REQUESTS = [BASE, [...BASE, 40], [...BASE, 40, 41], [...BASE, 40, 41, 43], [...BASE.slice(0, 10), 50, 51], [...BASE, 40, 41, 43, 44, 45]];

for (const [name, dir] of [['v3 bf16', v3], ['v2 f32', v2]] as const) {
  test(`${name}: output tokens are identical with and without prefix reuse (greedy)`, async () => {
    const reuse = await loadEngine(dir, { noTokenizer: true, maxSequences: 3 });
    const cold = await loadEngine(dir, { noTokenizer: true, maxSequences: 0 });
    let reused = 0;
    for (const prompt of REQUESTS) {
      const a = await reuse.generate({ prompt, maxTokens: 6, ignoreEos: true });
      const b = await cold.generate({ prompt, maxTokens: 6, ignoreEos: true });
      assert.deepEqual(a.tokens, b.tokens, `prompt of ${prompt.length} tokens`);
      assert.equal(b.reusedTokens, 0);
      assert.equal(a.reusedTokens + a.prefillTokens, prompt.length);
      reused += a.reusedTokens;
    }
    // Every request after the first shares a prefix with an earlier one (the rewritten line shares 10 tokens).
    assert.ok(reused >= REQUESTS.slice(1).reduce((s, p) => s + Math.min(p.length - 1, 10), 0), `only ${reused} tokens reused`);
  });
}

test('a keystroke after a cached prompt computes only the new token', async () => {
  const e = await loadEngine(v3, { noTokenizer: true });
  await e.generate({ prompt: BASE, maxTokens: 1, ignoreEos: true });
  const r = await e.generate({ prompt: [...BASE, 40], maxTokens: 1, ignoreEos: true });
  assert.equal(r.reusedTokens, BASE.length);
  assert.equal(r.prefillTokens, 1);
});

test('fused MoE decode (one native call per layer) gives the same tokens and logits as per-expert calls', async () => {
  // Counts fused calls, so the test fails if `fused` stops choosing the path (both engines would then agree trivially).
  let fusedCalls = 0;
  const counting: Kernels = Object.assign(Object.create(kernels) as Kernels, {
    moeTokens: (...args: Parameters<Kernels['moeTokens']>) => (fusedCalls++, kernels.moeTokens(...args)),
  });
  for (const dir of [v3, v2]) {
    const fused = await loadEngine(dir, { noTokenizer: true, maxSequences: 0, kernels: counting });
    const naive = await loadEngine(dir, { noTokenizer: true, maxSequences: 0, fused: false, kernels: counting });
    fusedCalls = 0;
    const b = await naive.generate({ prompt: BASE, maxTokens: 8, ignoreEos: true });
    assert.equal(fusedCalls, 0);
    const a = await fused.generate({ prompt: BASE, maxTokens: 8, ignoreEos: true });
    assert.ok(fusedCalls > 0);
    assert.deepEqual(a.tokens, b.tokens);
    // One token (T = 1) decodes through the MoE path under test: the logits agree up to summation order.
    const la = fused.logits([BASE[1]]);
    const lb = naive.logits([BASE[1]]);
    const scale = lb.reduce((m, x) => Math.max(m, Math.abs(x)), 0);
    assert.ok(la.every((x, i) => Math.abs(x - lb[i]) <= 1e-4 * scale));
  }
});

test('resident (huge-page copies of the weights) gives exactly the mapped engine\'s logits', async () => {
  const mapped = await loadEngine(v3, { noTokenizer: true });
  const resident = await loadEngine(v3, { noTokenizer: true, resident: true, prefault: true });
  assert.deepEqual(resident.logits(BASE), mapped.logits(BASE));
});

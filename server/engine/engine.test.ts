import { test } from 'node:test';
import assert from 'node:assert/strict';
import { kernels, mapFile } from '../../native/index';
import { referenceKernels } from '../../native/reference';
import { loadEngine } from './index';
import { loadConfig } from './config';
import { SequenceCache } from './kvcache';
import { Checkpoint } from './safetensors';
import { Transformer } from './transformer';
import { resolveWeights } from './weights';
import { makeTinyModel, TINY_V2, TINY_V3 } from './test-models';

const v3 = makeTinyModel(TINY_V3, { dtype: 'bf16', seed: 7 });
const v2 = makeTinyModel(TINY_V2, { dtype: 'f32', seed: 3 });
const fp8 = makeTinyModel(TINY_V3, { dtype: 'fp8', seed: 5 });
// Head dims of whole 128-row fp8 blocks (as V2-Lite's and V3's): the absorbed factors stay fp8 (matmulHeads).
const fp8Heads = makeTinyModel({ ...TINY_V2, kv_lora_rank: 128, qk_nope_head_dim: 128, v_head_dim: 128 }, { dtype: 'fp8', seed: 9 });
// One head whose latent (64) is not whole fp8 blocks: the factors fall back to f32 rather than reach matmulHeads.
const fp8OneHead = makeTinyModel({ ...TINY_V2, num_attention_heads: 1, kv_lora_rank: 64, qk_nope_head_dim: 128, v_head_dim: 128 }, { dtype: 'fp8', seed: 11 });
const PROMPT = [0, 5, 17, 42, 3, 9, 11, 60, 2, 33];

function maxAbs(a: Float32Array): number {
  return a.reduce((m, x) => Math.max(m, Math.abs(x)), 0);
}
function maxDiff(a: Float32Array, b: Float32Array): number {
  assert.equal(a.length, b.length);
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i] - b[i]));
  return d;
}
function transformer(dir: string): Transformer {
  const cfg = loadConfig(dir);
  return new Transformer(kernels, cfg, resolveWeights(new Checkpoint(dir, mapFile), cfg));
}

for (const [name, dir] of [['v3 bf16', v3], ['v2 f32', v2], ['v3 fp8', fp8], ['v2 fp8, 128-wide heads', fp8Heads], ['v2 fp8, one head, 64-wide latent', fp8OneHead]] as const) {
  test(`${name}: prefill (expanded MLA) and token-by-token decode (absorbed MLA) agree`, () => {
    const tf = transformer(dir);
    const T = PROMPT.length;
    const V = tf.cfg.vocabSize;
    const full = tf.project(tf.forward(PROMPT, new SequenceCache(tf.cfg.numHiddenLayers, tf.cacheRowSize), false), T);
    const cache = new SequenceCache(tf.cfg.numHiddenLayers, tf.cacheRowSize, 2); // small capacity: exercises growth
    const stepped = new Float32Array(T * V);
    PROMPT.forEach((id, t) => stepped.set(tf.project(tf.forward([id], cache, true), 1), t * V));
    assert.ok(maxDiff(full, stepped) <= 1e-4 * maxAbs(full), `max diff ${maxDiff(full, stepped)}`);
    // Chunked prefill (expanded form over cached latents) agrees too.
    const chunked = new SequenceCache(tf.cfg.numHiddenLayers, tf.cacheRowSize);
    const a = tf.project(tf.forward(PROMPT.slice(0, 4), chunked, false), 4);
    const b = tf.project(tf.forward(PROMPT.slice(4), chunked, false), T - 4);
    const both = new Float32Array(T * V);
    both.set(a);
    both.set(b, 4 * V);
    assert.ok(maxDiff(full, both) <= 1e-4 * maxAbs(full));
    // The absorbed form over a whole prompt (used for long contexts) agrees as well.
    const absorbed = tf.project(tf.forward(PROMPT, new SequenceCache(tf.cfg.numHiddenLayers, tf.cacheRowSize), true), T);
    assert.ok(maxDiff(full, absorbed) <= 1e-4 * maxAbs(full));
    if (dir === fp8Heads) {
      const { ukT, uv } = tf.w.layers[0].attn.absorbed();
      assert.deepEqual([ukT!.dtype, uv.dtype], ['f8_e4m3', 'f8_e4m3'], 'fp8 factors of whole scale blocks stay fp8');
    }
  });
}

test('native kernels and the TypeScript reference kernels give the same logits (V3 with MTP, V2)', async () => {
  for (const dir of [v3, v2]) {
    const native = await loadEngine(dir, { noTokenizer: true });
    const ref = await loadEngine(dir, { noTokenizer: true, kernels: referenceKernels });
    const a = native.logits(PROMPT);
    assert.equal(a.length, PROMPT.length * native.vocabSize);
    assert.ok(maxDiff(a, ref.logits(PROMPT)) <= 1e-4 * maxAbs(a));
    if (native.modelType === 'deepseek_v3') {
      const m = native.logits(PROMPT, { mtp: true });
      assert.ok(maxDiff(m, ref.logits(PROMPT, { mtp: true })) <= 1e-4 * maxAbs(m));
    }
  }
});

test('MTP logits are causal: rows before the last two do not depend on later tokens', async () => {
  const e = await loadEngine(v3, { noTokenizer: true });
  const V = e.vocabSize;
  const short = e.logits(PROMPT.slice(0, 6), { mtp: true });
  const long = e.logits(PROMPT, { mtp: true });
  // Row t uses tokens 0..t+1, so rows 0..4 of the 6-token run are fully determined by the shared prefix.
  assert.ok(maxDiff(short.subarray(0, 5 * V), long.subarray(0, 5 * V)) <= 1e-5 * maxAbs(long));
  assert.ok(maxDiff(short.subarray(5 * V), long.subarray(5 * V, 6 * V)) > 0); // last row used the argmax, not token 6
  const main = e.logits(PROMPT);
  assert.ok(maxDiff(main, long) > 0);
  assert.throws(() => e.logits([0, 96]), /outside the vocabulary/);
});

test('generate: prefix reuse gives identical tokens and skips the cached prefix', async () => {
  const fresh = async (prompt: number[]): Promise<number[]> =>
    (await (await loadEngine(v3, { noTokenizer: true })).generate({ prompt, maxTokens: 6, ignoreEos: true })).tokens;
  const e = await loadEngine(v3, { noTokenizer: true });
  const first = await e.generate({ prompt: PROMPT, maxTokens: 6, ignoreEos: true });
  assert.equal(first.reusedTokens, 0);
  assert.deepEqual(first.tokens, await fresh(PROMPT));
  // Follow-up turn: previous prompt + its answer + more text.
  const follow = [...PROMPT, ...first.tokens, 7, 8, 9];
  const second = await e.generate({ prompt: follow, maxTokens: 6, ignoreEos: true });
  assert.equal(second.reusedTokens, PROMPT.length + first.tokens.length - 1);
  assert.equal(second.prefillTokens, 4);
  assert.deepEqual(second.tokens, await fresh(follow));
  // A prompt that diverges from the cached one midway reuses the common part; the old sequence stays cached.
  const branch = [...PROMPT.slice(0, 5), 70, 71];
  const third = await e.generate({ prompt: branch, maxTokens: 6, ignoreEos: true });
  assert.equal(third.reusedTokens, 5);
  assert.deepEqual(third.tokens, await fresh(branch));
  const again = await e.generate({ prompt: follow, maxTokens: 6, ignoreEos: true });
  assert.equal(again.reusedTokens, follow.length - 1);
  assert.deepEqual(again.tokens, second.tokens);
});

test('long prompts run in chunks (expanded, then absorbed MLA) and match token-by-token decode', async () => {
  const e = await loadEngine(v2, { noTokenizer: true });
  const tf = transformer(v2);
  const prompt = Array.from({ length: 1100 }, (_, i) => (i * 37 + 11) % 80);
  const cache = new SequenceCache(tf.cfg.numHiddenLayers, tf.cacheRowSize);
  let last: Float32Array = new Float32Array(0);
  for (const id of prompt) last = tf.project(tf.forward([id], cache), 1);
  const all = e.logits(prompt);
  const V = e.vocabSize;
  const tail = all.subarray((prompt.length - 1) * V);
  assert.ok(maxDiff(tail, last) <= 1e-4 * maxAbs(tail), `diff ${maxDiff(tail, last)}`);
  const g = await e.generate({ prompt, maxTokens: 3, ignoreEos: true });
  assert.equal(g.prefillTokens, 1100);
  assert.deepEqual(g.tokens.slice(0, 1), [Array.from(tail).indexOf(Math.max(...tail))]);
});

test('generate: LRU eviction under the memory bound keeps results right', async () => {
  const e = await loadEngine(v2, { noTokenizer: true, maxSequences: 1 });
  const a = await e.generate({ prompt: [1, 2, 3, 4], maxTokens: 3, ignoreEos: true });
  await e.generate({ prompt: [9, 8, 7, 6], maxTokens: 3, ignoreEos: true });
  const a2 = await e.generate({ prompt: [1, 2, 3, 4], maxTokens: 3, ignoreEos: true });
  assert.equal(a2.reusedTokens, 0); // evicted
  assert.deepEqual(a2.tokens, a.tokens);
  const tiny = await loadEngine(v2, { noTokenizer: true, cacheBytes: 1 });
  await tiny.generate({ prompt: [1, 2, 3, 4], maxTokens: 3, ignoreEos: true });
  assert.equal((await tiny.generate({ prompt: [1, 2, 3, 4], maxTokens: 3, ignoreEos: true })).reusedTokens, 0);
});

test('generate: sampling is seeded; stop tokens, onToken, abort and event-loop yielding work', async () => {
  const e = await loadEngine(v3, { noTokenizer: true });
  const sample = (seed: number) => e.generate({ prompt: PROMPT, maxTokens: 12, temperature: 1.5, topP: 0.95, seed, ignoreEos: true });
  const s1 = await sample(1);
  assert.deepEqual((await sample(1)).tokens, s1.tokens);
  const others = await Promise.all([2, 3, 4].map(sample));
  assert.ok(others.some((o) => o.tokens.join() !== s1.tokens.join()));
  const greedy = await e.generate({ prompt: PROMPT, maxTokens: 8, ignoreEos: true });
  const stopAt = greedy.tokens[3];
  const stopped = await e.generate({ prompt: PROMPT, maxTokens: 8, stopTokens: [stopAt] });
  assert.equal(stopped.stopReason, 'eos');
  assert.deepEqual(stopped.tokens, greedy.tokens.slice(0, greedy.tokens.indexOf(stopAt)));
  const seen: number[] = [];
  const byCallback = await e.generate({ prompt: PROMPT, maxTokens: 8, ignoreEos: true, onToken: (id) => (seen.push(id), seen.length < 2) });
  assert.equal(byCallback.stopReason, 'stop');
  assert.deepEqual(seen, greedy.tokens.slice(0, 2));
  // Abort from a setImmediate callback: it can only run if generate() yields to the event loop between tokens.
  const ctrl = new AbortController();
  const cancelled = await e.generate({ prompt: PROMPT, maxTokens: 50, ignoreEos: true, signal: ctrl.signal,
    onToken: () => void setImmediate(() => ctrl.abort()) });
  assert.equal(cancelled.stopReason, 'cancelled');
  assert.deepEqual(cancelled.tokens, greedy.tokens.slice(0, 1));
  const pre = new AbortController();
  pre.abort();
  assert.equal((await e.generate({ prompt: PROMPT, maxTokens: 5, signal: pre.signal })).tokens.length, 0);
  await assert.rejects(e.generate({ prompt: [], maxTokens: 5 }), /at least one token/);
  await assert.rejects(e.generate({ prompt: [1, 2.5], maxTokens: 5 }), /token id 2.5 is outside the vocabulary/);
});

test('concurrent generate() calls are serialized and give the same tokens as sequential ones', async () => {
  const e = await loadEngine(v2, { noTokenizer: true });
  const prompts = [[3, 4, 5, 6], [3, 4, 5, 7, 8], [9, 10]];
  const together = await Promise.all(prompts.map((prompt) => e.generate({ prompt, maxTokens: 4, ignoreEos: true })));
  const alone = await loadEngine(v2, { noTokenizer: true, maxSequences: 0 });
  assert.equal(together[1].reusedTokens, 3); // the second waited for the first and reused its prefix
  for (let i = 0; i < prompts.length; i++) {
    const r = await alone.generate({ prompt: prompts[i], maxTokens: 4, ignoreEos: true });
    assert.equal(r.reusedTokens, 0);
    assert.deepEqual(together[i].tokens, r.tokens);
  }
});

test('loadEngine reports progress, and dispose() stops further use', async () => {
  const seen: [number, number][] = [];
  const e = await loadEngine(v3, { noTokenizer: true, onProgress: (done, total) => seen.push([done, total]) });
  assert.ok(seen.length >= 1);
  const [done, total] = seen[seen.length - 1];
  assert.equal(done, total);
  assert.ok(total > 0);
  e.dispose();
  assert.throws(() => e.logits([1]), /disposed/);
  await assert.rejects(loadEngine(v3, { device: 'cuda' }), /cuda/);
});

test('the absorbed MLA factors are made at load: the first decoded token makes none', async () => {
  let made = 0;
  const counting = { ...kernels, allocWeightBytes: (n: number) => (made++, kernels.allocWeightBytes!(n)) };
  const e = await loadEngine(v3, { noTokenizer: true, kernels: counting });
  const atLoad = made;
  assert.equal(atLoad, 2 * loadConfig(v3).numHiddenLayers, 'W_UKᵀ and W_UV of every layer, in weight memory');
  await e.generate({ prompt: [PROMPT[0]], maxTokens: 3, ignoreEos: true }); // decoding: absorbed MLA
  assert.equal(made, atLoad);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { argmax, nucleus, Sampler, seededRandom } from './sampler';

test('greedy picks the first maximum', () => {
  assert.equal(argmax(Float32Array.from([1, 3, 3, 2])), 1);
  assert.equal(new Sampler(0).sample(Float32Array.from([0, -1, 5, 5])), 2);
});

test('seeded PRNG is deterministic and uniform-ish', () => {
  const a = seededRandom(42);
  const b = seededRandom(42);
  const xs = Array.from({ length: 1000 }, () => a());
  assert.deepEqual(xs.slice(0, 5), Array.from({ length: 5 }, () => b()));
  const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
  assert.ok(mean > 0.45 && mean < 0.55 && xs.every((x) => x >= 0 && x < 1));
});

test('top-p keeps only the nucleus; temperature flattens the distribution', () => {
  // probs ∝ e^[20, 19, 0, 0, ...]: the top two hold > 99.99% of the mass, token 7 about 73%.
  const logits = new Float32Array(1000);
  logits[7] = 20;
  logits[3] = 19;
  const nucleus = new Sampler(1, 0.9, 1);
  const counts = new Map<number, number>();
  for (let i = 0; i < 2000; i++) {
    const id = nucleus.sample(logits);
    counts.set(id, (counts.get(id) ?? 0) + 1);
  }
  assert.deepEqual([...counts.keys()].sort((a, b) => a - b), [3, 7]);
  assert.ok(Math.abs(counts.get(7)! / 2000 - 0.731) < 0.04);
  const tiny = new Sampler(1, 0.5, 1);
  for (let i = 0; i < 100; i++) assert.equal(tiny.sample(logits), 7);
  const hot = new Sampler(1000, 1, 3);
  const seen = new Set(Array.from({ length: 200 }, () => hot.sample(logits)));
  assert.ok(seen.size > 50);
  assert.throws(() => new Sampler(1, 0), /top-p/);
});

test('the nucleus is the shortest prefix of the ids sorted by probability (ties: lower id first) that reaches the mass', () => {
  const r = seededRandom(5);
  for (let trial = 0; trial < 300; trial++) {
    // Multiples of 1/1024 (some zero, many tied) add up exactly in either order, so the boundary is not a rounding matter.
    const V = 1 + Math.floor(r() * 400), spread = 1 + Math.floor(r() * 40);
    const probs = Float32Array.from({ length: V }, () => Math.floor(r() ** 3 * spread) / 1024);
    if (probs.every((p) => p === 0)) probs[Math.floor(r() * V)] = 1 / 1024;
    const sum = probs.reduce((a, b) => a + b, 0);
    const target = [0.1, 0.5, 0.9, 0.95, 1][trial % 5] * sum;
    const sorted = [...probs.keys()].filter((i) => probs[i] > 0).sort((a, b) => probs[b] - probs[a] || a - b);
    const expected: number[] = [];
    for (let mass = 0; mass < target || expected.length === 0;) mass += probs[expected[expected.length] = sorted[expected.length]];
    const out = new Int32Array(V), scratch = new Int32Array(V);
    const { n, mass } = nucleus(probs, target, out, scratch);
    assert.deepEqual([...out.subarray(0, n)].sort((a, b) => a - b), expected.sort((a, b) => a - b), `trial ${trial}`);
    assert.equal(mass, expected.reduce((s, i) => s + probs[i], 0));
  }
});

test('temperature sampling with a kernel softmax draws in proportion to the probabilities', () => {
  // logits ln(1), ln(2), ln(3), ln(4) at temperature 1: probabilities 0.1 .. 0.4.
  const logits = Float32Array.from([0, 1, 2, 3].map((i) => Math.log(i + 1)));
  let calls = 0;
  const counting = (x: Float32Array) => { calls++; let s = 0; for (let i = 0; i < x.length; i++) s += x[i] = Math.exp(x[i]); for (let i = 0; i < x.length; i++) x[i] /= s; };
  const s = new Sampler(1, 1, 9, argmax, counting);
  const counts = [0, 0, 0, 0];
  for (let i = 0; i < 20000; i++) counts[s.sample(logits)]++;
  assert.equal(calls, 20000);
  counts.forEach((c, i) => assert.ok(Math.abs(c / 20000 - (i + 1) / 10) < 0.015, `token ${i}: ${c / 20000}`));
});

test('masked logits (-∞, as a grammar constraint leaves them) are never drawn, with or without a nucleus', () => {
  const logits = new Float32Array(50).fill(-Infinity);
  logits[11] = 2;
  logits[30] = 1.5;
  for (const topP of [1, 0.99]) {
    const s = new Sampler(0.8, topP, 4);
    const seen = new Set(Array.from({ length: 500 }, () => s.sample(logits)));
    assert.deepEqual([...seen].sort((a, b) => a - b), [11, 30]);
  }
});

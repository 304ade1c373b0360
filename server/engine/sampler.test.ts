import { test } from 'node:test';
import assert from 'node:assert/strict';
import { argmax, Sampler, seededRandom } from './sampler';

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

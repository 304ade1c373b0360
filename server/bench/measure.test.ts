// The bench's decode measurement on a real (tiny) engine: rounds, and each round against its adjacent probes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadEngine } from '../engine/index';
import { makeTinyModel, TINY_V3 } from '../engine/test-models';
import { decodeRate, median } from './measure';

test('decodeRate compares each round with the faster of the probes just before and just after it', async () => {
  const engine = await loadEngine(makeTinyModel(TINY_V3, { dtype: 'bf16' }), { noTokenizer: true });
  try {
    const probes = [50, 10, 40, 20, 30, 60];
    let calls = 0;
    const bytesPerToken = 1000;
    const r = await decodeRate(engine, 1, 20, 5, { bandwidth: async () => probes[calls++], bytesPerToken });
    assert.equal(calls, 6, 'one probe before the first round, one after each');
    assert.deepEqual(r.limits, [50, 40, 40, 30, 60]);
    const rates = r.fractions.map((f, i) => (f * r.limits[i]) / bytesPerToken);
    assert.ok(rates.every((x) => x > 0 && Number.isFinite(x)));
    assert.ok(Math.abs(Math.max(...rates) - r.best) < 1e-9 * r.best, 'the best round is one of the measured rounds');
    assert.ok(r.mean > 0 && r.mean <= r.best * (1 + 1e-9));
    const plain = await decodeRate(engine, 1, 20, 3);
    assert.deepEqual([plain.fractions, plain.limits], [[], []], 'no probe, no fractions');
  } finally {
    engine.dispose();
  }
});

test('median of odd and even lists', () => {
  assert.equal(median([3, 1, 2]), 2);
  assert.equal(median([4, 1, 3, 2]), 2.5);
});

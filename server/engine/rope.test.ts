import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseConfig } from './config';
import { ropeParams, ropeTables, yarnMscale } from './rope';
import { TINY_V2, TINY_V3 } from './test-models';

const close = (a: number, b: number, tol = 1e-6): boolean => Math.abs(a - b) <= tol * Math.max(1, Math.abs(b));

test('plain RoPE: inv_freq = base^(-2i/d), unit cos/sin scale, softmax scale 1/sqrt(d_qk)', () => {
  const p = ropeParams(parseConfig({ ...TINY_V2, qk_rope_head_dim: 8, rope_theta: 500 }));
  assert.deepEqual(Array.from(p.invFreq).map((f, i) => close(f, 500 ** (-(2 * i) / 8))), [true, true, true, true]);
  assert.equal(p.cosSinScale, 1);
  assert.ok(close(p.softmaxScale, 1 / Math.sqrt(16)));
  const { cos, sin } = ropeTables(p, 3, 2); // positions 3 and 4
  assert.ok(close(cos[4 + 1], Math.cos(4 * p.invFreq[1])));
  assert.ok(close(sin[0], Math.sin(3)));
});

test('YaRN: fast dims keep their frequency, slow dims are divided by factor, mscale corrections', () => {
  const cfg = parseConfig({ ...TINY_V3, qk_rope_head_dim: 64, rope_theta: 10000,
    rope_scaling: { type: 'yarn', factor: 40, original_max_position_embeddings: 4096, beta_fast: 32, beta_slow: 1, mscale: 1, mscale_all_dim: 0.707 } });
  const p = ropeParams(cfg);
  const extra = (i: number): number => 10000 ** (-(2 * i) / 64);
  assert.ok(close(p.invFreq[0], extra(0)));
  assert.ok(close(p.invFreq[31], extra(31) / 40));
  // In between the ramp blends the two, so frequencies lie between extra/factor and extra.
  for (let i = 0; i < 32; i++) assert.ok(p.invFreq[i] <= extra(i) * (1 + 1e-6) && p.invFreq[i] >= (extra(i) / 40) * (1 - 1e-6));
  const m = 0.1 * 0.707 * Math.log(40) + 1;
  assert.ok(close(p.softmaxScale, (1 / Math.sqrt(8 + 64)) * m * m));
  assert.ok(close(p.cosSinScale, yarnMscale(40, 1) / m));
  assert.equal(yarnMscale(1, 5), 1);
});

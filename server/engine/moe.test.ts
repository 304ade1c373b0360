import { test } from 'node:test';
import assert from 'node:assert/strict';
import { routeToken, type RoutingConfig } from './moe';

const V3: RoutingConfig = {
  modelType: 'deepseek_v3', nRoutedExperts: 8, numExpertsPerTok: 2, nGroup: 4, topkGroup: 2,
  topkMethod: 'noaux_tc', scoringFunc: 'sigmoid', normTopkProb: true, routedScalingFactor: 2.5,
};
const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));

test('noaux_tc: the correction bias changes which experts are picked, weights stay the plain scores', () => {
  const logits = [2, 1.5, 0, 0, 0, 0, 0, 0];
  const single = { ...V3, nGroup: 1, topkGroup: 1 };
  assert.deepEqual(routeToken(single, logits).experts, [0, 1]);
  const bias = [0, 0, 0, 0, 0, 0, 0, 3];
  const r = routeToken(single, logits, bias);
  assert.deepEqual(r.experts, [7, 0]);
  // Weights come from sigmoid(logits), normalized, then × routed_scaling_factor.
  const s = [sigmoid(0), sigmoid(2)];
  const sum = s[0] + s[1];
  r.weights.forEach((w, i) => assert.ok(Math.abs(w - (s[i] / sum) * 2.5) < 1e-12));
});

test('noaux_tc: groups ranked by the sum of their top-2 choices limit the candidates', () => {
  // Groups of 2: g0={0,1} g1={2,3} g2={4,5} g3={6,7}. Expert 0 is the single best, but g0's top-2 sum is low.
  const logits = [5, -5, 1, 1, 1.2, 1.2, -1, -1];
  const r = routeToken(V3, logits);
  assert.deepEqual(r.experts, [4, 5]); // kept groups g1,g2 (sums 2·σ(1), 2·σ(1.2)) beat g0 (σ(5)+σ(-5))
  assert.deepEqual(routeToken({ ...V3, topkGroup: 4 }, logits).experts, [0, 4]);
});

test('group_limited_greedy: group score is the best softmax score; V2 scales only when not normalized', () => {
  const cfg: RoutingConfig = { ...V3, modelType: 'deepseek_v2', topkMethod: 'group_limited_greedy', scoringFunc: 'softmax', topkGroup: 1, normTopkProb: false, routedScalingFactor: 16 };
  const logits = [3, -9, 2.9, 2.8, 0, 0, 0, 0];
  const r = routeToken(cfg, logits);
  assert.deepEqual(r.experts, [0, 1]); // only group 0 survives, so the weak expert 1 is picked over 2 and 3
  const exp = logits.map(Math.exp);
  const z = exp.reduce((a, b) => a + b, 0);
  assert.ok(Math.abs(r.weights[0] - (exp[0] / z) * 16) < 1e-9);
  const normalized = routeToken({ ...cfg, normTopkProb: true }, logits);
  assert.ok(Math.abs(normalized.weights[0] + normalized.weights[1] - 1) < 1e-9); // V2: no scaling after normalizing
});

test('greedy ignores groups; ties go to the lower expert index', () => {
  const cfg: RoutingConfig = { ...V3, modelType: 'deepseek_v2', topkMethod: 'greedy', scoringFunc: 'softmax', normTopkProb: false, routedScalingFactor: 1 };
  assert.deepEqual(routeToken(cfg, [0, 1, 1, 0, 1, 0, 0, 0]).experts, [1, 2]);
  assert.deepEqual(routeToken(cfg, [0, 0, 0, 0, 0, 0, 3, 2]).experts, [6, 7]);
});

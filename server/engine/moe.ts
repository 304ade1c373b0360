// DeepSeekMoE: router (greedy / group-limited greedy / noaux_tc), routed experts and shared experts.
import type { Kernels } from '../../native/api';
import type { ModelConfig } from './config';
import { mlpForward } from './mlp';
import type { MlpWeights, MoeWeights } from './weights';

export interface Route {
  experts: number[];
  weights: number[];
}

export type RoutingConfig = Pick<ModelConfig, 'modelType' | 'nRoutedExperts' | 'numExpertsPerTok' | 'nGroup' | 'topkGroup' |
  'topkMethod' | 'scoringFunc' | 'normTopkProb' | 'routedScalingFactor'>;

/** Indices of the k largest values among `candidates` (ties → lower index first), best first. */
function topK(values: ArrayLike<number>, candidates: number[], k: number): number[] {
  const best: number[] = []; // kept sorted; an insertion pass per candidate (k is small: 6 or 8 of 64-256)
  for (const i of candidates) {
    let p = best.length;
    while (p > 0 && (values[best[p - 1]] < values[i] || (values[best[p - 1]] === values[i] && best[p - 1] > i))) p--;
    if (p >= k) continue;
    best.splice(p, 0, i);
    if (best.length > k) best.pop();
  }
  return best;
}

/** Router scores from the gate logits [nExperts]: softmax or sigmoid. */
function scoreLogits(logits: ArrayLike<number>, func: 'softmax' | 'sigmoid'): Float64Array {
  const n = logits.length;
  const s = new Float64Array(n);
  if (func === 'sigmoid') {
    for (let i = 0; i < n; i++) s[i] = 1 / (1 + Math.exp(-logits[i]));
    return s;
  }
  let max = -Infinity;
  for (let i = 0; i < n; i++) max = Math.max(max, logits[i]);
  let sum = 0;
  for (let i = 0; i < n; i++) sum += s[i] = Math.exp(logits[i] - max);
  for (let i = 0; i < n; i++) s[i] /= sum;
  return s;
}

/** Picks experts and their mixing weights for one token from its gate logits [nExperts]. */
export function routeToken(cfg: RoutingConfig, logits: ArrayLike<number>, bias?: ArrayLike<number>): Route {
  const E = cfg.nRoutedExperts;
  const k = cfg.numExpertsPerTok;
  const scores = scoreLogits(logits, cfg.scoringFunc);
  // noaux_tc selects by score + correction bias but mixes with the plain score.
  const choice = Float64Array.from(scores, (s, i) => (cfg.topkMethod === 'noaux_tc' && bias ? s + bias[i] : s));
  let candidates = Array.from({ length: E }, (_, i) => i);
  if (cfg.topkMethod !== 'greedy' && cfg.nGroup > 1) {
    const size = E / cfg.nGroup;
    const groupScore = new Float64Array(cfg.nGroup);
    for (let g = 0; g < cfg.nGroup; g++) {
      const members = candidates.slice(g * size, (g + 1) * size);
      groupScore[g] = cfg.topkMethod === 'noaux_tc'
        ? topK(choice, members, 2).reduce((s, i) => s + choice[i], 0) // sum of the group's top-2
        : Math.max(...members.map((i) => scores[i])); // best expert of the group
    }
    const kept = new Set(topK(groupScore, Array.from({ length: cfg.nGroup }, (_, g) => g), cfg.topkGroup));
    candidates = candidates.filter((i) => kept.has(Math.floor(i / size)));
  }
  const experts = topK(choice, candidates, k);
  let weights = experts.map((i) => scores[i]);
  const normalized = k > 1 && cfg.normTopkProb;
  if (normalized) {
    const sum = weights.reduce((a, b) => a + b, 0) + 1e-20;
    weights = weights.map((w) => w / sum);
  }
  // V3 always scales; V2 only when the weights were not normalized.
  if (cfg.modelType === 'deepseek_v3' || !normalized) weights = weights.map((w) => w * cfg.routedScalingFactor);
  return { experts, weights };
}

/** All tokens in one kernel call: the shared experts first (every token, weight 1), then each routed expert with its tokens. */
function moeFused(k: Kernels, w: MoeWeights, perExpert: { tokens: number[]; weights: number[] }[], x: Float32Array, T: number, out: Float32Array): void {
  const experts: MlpWeights[] = [], rows: number[] = [], coef: number[] = [], offsets = [0];
  const add = (m: MlpWeights, tokens: number[], weights: number[]): void => {
    experts.push(m);
    rows.push(...tokens);
    coef.push(...weights);
    offsets.push(rows.length);
  };
  if (w.shared) add(w.shared, Array.from({ length: T }, (_, t) => t), new Array<number>(T).fill(1));
  perExpert.forEach((p, e) => p.tokens.length && add(w.experts[e], p.tokens, p.weights));
  k.moeTokens(out, x, T, experts.map((m) => m.gate), experts.map((m) => m.up), experts.map((m) => m.down),
    Int32Array.from(rows), Int32Array.from(offsets), Float32Array.from(coef));
}

/**
 * out[T, hidden] = Σ_experts weight·expert(x) + shared_experts(x), for x [T, hidden]. Tokens are grouped per
 * expert; all of them go through one fused kernel call unless `fused` is false (then per-expert calls).
 */
export function moeForward(k: Kernels, cfg: ModelConfig, w: MoeWeights, x: Float32Array, T: number, out: Float32Array, fused = true): void {
  const H = cfg.hiddenSize;
  const E = cfg.nRoutedExperts;
  const logits = new Float32Array(T * E); // [T, E]
  k.matmul(logits, x, T, w.router);
  // Group tokens by expert so each expert runs once on all of its tokens.
  const perExpert: { tokens: number[]; weights: number[] }[] = Array.from({ length: E }, () => ({ tokens: [], weights: [] }));
  for (let t = 0; t < T; t++) {
    const r = routeToken(cfg, logits.subarray(t * E, (t + 1) * E), w.bias);
    r.experts.forEach((e, j) => {
      perExpert[e].tokens.push(t);
      perExpert[e].weights.push(r.weights[j]);
    });
  }
  if (fused) return moeFused(k, w, perExpert, x, T, out);
  if (w.shared) mlpForward(k, w.shared, x, T, out);
  else out.fill(0, 0, T * H);
  for (let e = 0; e < E; e++) {
    const { tokens, weights } = perExpert[e];
    const n = tokens.length;
    if (!n) continue;
    const xs = new Float32Array(n * H); // [n, H] gathered rows
    tokens.forEach((t, i) => xs.set(x.subarray(t * H, (t + 1) * H), i * H));
    const ys = new Float32Array(n * H);
    mlpForward(k, w.experts[e], xs, n, ys);
    tokens.forEach((t, i) => k.axpy(out.subarray(t * H, (t + 1) * H), ys.subarray(i * H, (i + 1) * H), weights[i], H));
  }
}

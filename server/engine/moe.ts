// DeepSeekMoE: router (greedy / group-limited greedy / noaux_tc), routed experts and shared experts.
import type { Kernels } from '../../native/api';
import type { ModelConfig } from './config';
import { mlpForward } from './mlp';
import type { MlpWeights, MoeWeights } from './weights';
import { FRESH, type Workspace } from './workspace';

export interface Route {
  experts: number[];
  weights: number[];
}

export type RoutingConfig = Pick<ModelConfig, 'modelType' | 'nRoutedExperts' | 'numExpertsPerTok' | 'nGroup' | 'topkGroup' |
  'topkMethod' | 'scoringFunc' | 'normTopkProb' | 'routedScalingFactor'>;

/** Indices of the k largest values among `candidates` (all indices when absent; ties → lower index first), best first. */
function topK(values: ArrayLike<number>, candidates: number[] | undefined, k: number): number[] {
  const best: number[] = []; // kept sorted; an insertion pass per candidate (k is small: 6 or 8 of 64-256)
  const n = candidates ? candidates.length : values.length;
  for (let c = 0; c < n; c++) {
    const i = candidates ? candidates[c] : c;
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
  let choice = scores;
  if (cfg.topkMethod === 'noaux_tc' && bias) {
    choice = new Float64Array(E);
    for (let i = 0; i < E; i++) choice[i] = scores[i] + bias[i];
  }
  let candidates: number[] | undefined; // all experts
  if (cfg.topkMethod !== 'greedy' && cfg.nGroup > 1) {
    const size = E / cfg.nGroup;
    const groupScore = new Float64Array(cfg.nGroup);
    for (let g = 0; g < cfg.nGroup; g++) {
      const members = Array.from({ length: size }, (_, i) => g * size + i);
      groupScore[g] = cfg.topkMethod === 'noaux_tc'
        ? topK(choice, members, 2).reduce((s, i) => s + choice[i], 0) // sum of the group's top-2
        : Math.max(...members.map((i) => scores[i])); // best expert of the group
    }
    const kept = new Set(topK(groupScore, undefined, cfg.topkGroup));
    candidates = [];
    for (let i = 0; i < E; i++) if (kept.has(Math.floor(i / size))) candidates.push(i);
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

/** Routed (token, weight) pairs by expert: expert e serves tokens rows[offsets[e] .. offsets[e+1]) with weights coef[..]. */
interface ExpertGroups {
  rows: Int32Array;
  offsets: Int32Array; // [nExperts + 1]
  coef: Float32Array;
}

/** Routes every token and groups the pairs in expert order, token order within an expert (a counting sort). */
function groupByExpert(cfg: ModelConfig, w: MoeWeights, logits: Float32Array, T: number, ws: Workspace): ExpertGroups {
  const E = cfg.nRoutedExperts;
  const K = cfg.numExpertsPerTok;
  const picked = ws.i32('moe.picked', T * K), token = ws.i32('moe.pickedToken', T * K), weight = ws.f32('moe.pickedWeight', T * K);
  const offsets = ws.i32('moe.offsets', E + 1).fill(0);
  let n = 0;
  for (let t = 0; t < T; t++) {
    const r = routeToken(cfg, logits.subarray(t * E, (t + 1) * E), w.bias);
    r.experts.forEach((e, j) => {
      (picked[n] = e), (token[n] = t), (weight[n++] = r.weights[j]);
      offsets[e + 1]++;
    });
  }
  for (let e = 0; e < E; e++) offsets[e + 1] += offsets[e];
  const fill = ws.i32('moe.fill', E).fill(0);
  const rows = ws.i32('moe.rows', n), coef = ws.f32('moe.coef', n);
  for (let i = 0; i < n; i++) { // i runs in token order, so each expert's tokens stay in token order
    const at = offsets[picked[i]] + fill[picked[i]]++;
    (rows[at] = token[i]), (coef[at] = weight[i]);
  }
  return { rows, offsets, coef };
}

/** All tokens in one kernel call: the shared experts first (every token, weight 1), then each routed expert with its tokens. */
function moeFused(k: Kernels, cfg: ModelConfig, w: MoeWeights, routed: ExpertGroups, x: Float32Array, T: number, out: Float32Array, ws: Workspace): void {
  const E = cfg.nRoutedExperts;
  const experts: MlpWeights[] = [];
  const pairs = (w.shared ? T : 0) + routed.offsets[E];
  const rows = ws.i32('moe.callRows', pairs), coef = ws.f32('moe.callCoef', pairs), offsets = ws.i32('moe.callOffsets', E + 2);
  let n = 0;
  offsets[0] = 0;
  if (w.shared) {
    for (let t = 0; t < T; t++) (rows[n] = t), (coef[n++] = 1);
    experts.push(w.shared);
    offsets[experts.length] = n;
  }
  for (let e = 0; e < E; e++) {
    if (routed.offsets[e + 1] === routed.offsets[e]) continue;
    for (let i = routed.offsets[e]; i < routed.offsets[e + 1]; i++) (rows[n] = routed.rows[i]), (coef[n++] = routed.coef[i]);
    experts.push(w.experts[e]);
    offsets[experts.length] = n;
  }
  k.moeTokens(out, x, T, experts.map((m) => m.gate), experts.map((m) => m.up), experts.map((m) => m.down),
    rows, offsets.subarray(0, experts.length + 1), coef);
}

/**
 * out[T, hidden] = Σ_experts weight·expert(x) + shared_experts(x), for x [T, hidden]. Tokens are grouped per
 * expert; all of them go through one fused kernel call unless `fused` is false (then per-expert calls).
 * `ws` holds the step's intermediate arrays.
 */
export function moeForward(k: Kernels, cfg: ModelConfig, w: MoeWeights, x: Float32Array, T: number, out: Float32Array, fused = true, ws: Workspace = FRESH): void {
  const H = cfg.hiddenSize;
  const E = cfg.nRoutedExperts;
  const logits = ws.f32('moe.logits', T * E); // [T, E]
  k.matmul(logits, x, T, w.router);
  // Group tokens by expert so each expert runs once on all of its tokens.
  const routed = groupByExpert(cfg, w, logits, T, ws);
  if (fused) return moeFused(k, cfg, w, routed, x, T, out, ws);
  if (w.shared) mlpForward(k, w.shared, x, T, out);
  else out.fill(0, 0, T * H);
  for (let e = 0; e < E; e++) {
    const lo = routed.offsets[e], n = routed.offsets[e + 1] - lo;
    if (!n) continue;
    const xs = new Float32Array(n * H); // [n, H] gathered rows
    for (let i = 0; i < n; i++) xs.set(x.subarray(routed.rows[lo + i] * H, (routed.rows[lo + i] + 1) * H), i * H);
    const ys = new Float32Array(n * H);
    mlpForward(k, w.experts[e], xs, n, ys);
    for (let i = 0; i < n; i++) k.axpy(out.subarray(routed.rows[lo + i] * H, (routed.rows[lo + i] + 1) * H), ys.subarray(i * H, (i + 1) * H), routed.coef[lo + i], H);
  }
}

// config.json → typed ModelConfig, with the Hugging Face DeepseekV3Config / DeepseekV2Config defaults.
import fs from 'node:fs';
import path from 'node:path';

export type ModelType = 'deepseek_v3' | 'deepseek_v2';
export type TopkMethod = 'greedy' | 'group_limited_greedy' | 'noaux_tc';
export type ScoringFunc = 'softmax' | 'sigmoid';

/** YaRN context extension (rope_scaling.type == "yarn"). */
export interface YarnScaling {
  factor: number;
  originalMaxPositionEmbeddings: number;
  betaFast: number;
  betaSlow: number;
  mscale: number;
  mscaleAllDim: number;
}

export interface ModelConfig {
  modelType: ModelType;
  vocabSize: number;
  hiddenSize: number;
  intermediateSize: number;
  moeIntermediateSize: number;
  numHiddenLayers: number;
  numAttentionHeads: number;
  /** null → queries come from q_proj directly (V2-Lite). */
  qLoraRank: number | null;
  kvLoraRank: number;
  qkNopeHeadDim: number;
  qkRopeHeadDim: number;
  vHeadDim: number;
  /** 0 → no MoE layers at all. */
  nRoutedExperts: number;
  nSharedExperts: number;
  numExpertsPerTok: number;
  nGroup: number;
  topkGroup: number;
  topkMethod: TopkMethod;
  scoringFunc: ScoringFunc;
  normTopkProb: boolean;
  routedScalingFactor: number;
  firstKDenseReplace: number;
  moeLayerFreq: number;
  rmsNormEps: number;
  ropeTheta: number;
  ropeScaling: YarnScaling | null;
  numNextnPredictLayers: number;
  tieWordEmbeddings: boolean;
  /** fp8 block quantization (weight_block_size), or null for unquantized checkpoints. */
  fp8BlockSize: [number, number] | null;
  bosTokenId: number | undefined;
  eosTokenIds: number[];
}

type Json = Record<string, unknown>;

/** Defaults of transformers' DeepseekV3Config / DeepseekV2Config (used when a key is absent or null). */
const DEFAULTS: Record<ModelType, Json> = {
  deepseek_v3: {
    vocab_size: 129280, hidden_size: 7168, intermediate_size: 18432, moe_intermediate_size: 2048,
    num_hidden_layers: 61, num_nextn_predict_layers: 1, num_attention_heads: 128, n_shared_experts: 1,
    n_routed_experts: 256, routed_scaling_factor: 2.5, kv_lora_rank: 512, q_lora_rank: 1536,
    qk_rope_head_dim: 64, v_head_dim: 128, qk_nope_head_dim: 128, topk_method: 'noaux_tc', n_group: 8,
    topk_group: 4, num_experts_per_tok: 8, moe_layer_freq: 1, first_k_dense_replace: 3, norm_topk_prob: true,
    scoring_func: 'sigmoid', rms_norm_eps: 1e-6, bos_token_id: 0, eos_token_id: 1, tie_word_embeddings: false,
    rope_theta: 10000,
  },
  deepseek_v2: {
    vocab_size: 102400, hidden_size: 4096, intermediate_size: 11008, moe_intermediate_size: 1407,
    num_hidden_layers: 30, num_nextn_predict_layers: 0, num_attention_heads: 32, n_shared_experts: null,
    n_routed_experts: null, routed_scaling_factor: 1.0, kv_lora_rank: 512, q_lora_rank: 1536,
    qk_rope_head_dim: 64, v_head_dim: 128, qk_nope_head_dim: 128, topk_method: 'greedy', n_group: null,
    topk_group: null, num_experts_per_tok: null, moe_layer_freq: 1, first_k_dense_replace: 0,
    norm_topk_prob: false, scoring_func: 'softmax', rms_norm_eps: 1e-6, bos_token_id: 100000,
    eos_token_id: 100001, tie_word_embeddings: false, rope_theta: 10000,
  },
};

export class ConfigError extends Error {}

/** Reads and validates `<dir>/config.json`. */
export function loadConfig(modelDir: string): ModelConfig {
  const file = path.join(modelDir, 'config.json');
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(`${file}: cannot read model config (${(err as Error).message})`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new ConfigError(`${file}: invalid JSON (${(err as Error).message})`);
  }
  return parseConfig(raw, file);
}

/** Typed view of a parsed config.json; `file` only names the source in error messages. */
export function parseConfig(raw: unknown, file = 'config.json'): ModelConfig {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new ConfigError(`${file}: expected a JSON object`);
  const json = raw as Json;
  const modelType = json.model_type;
  if (modelType !== 'deepseek_v3' && modelType !== 'deepseek_v2') {
    throw new ConfigError(`${file}: unsupported model_type ${JSON.stringify(modelType)} (expected "deepseek_v3" or "deepseek_v2")`);
  }
  const defaults = DEFAULTS[modelType];
  // An explicit null (e.g. q_lora_rank: null) is kept; only absent keys take the default.
  const get = (key: string): unknown => (json[key] === undefined ? defaults[key] : json[key]);
  const int = (key: string, min = 1): number => {
    const v = get(key);
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min) throw new ConfigError(`${file}: "${key}" must be an integer >= ${min}, got ${JSON.stringify(v)}`);
    return v;
  };
  const optInt = (key: string, min = 1): number | null => (get(key) === null || get(key) === undefined ? null : int(key, min));
  const num = (key: string): number => {
    const v = get(key);
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new ConfigError(`${file}: "${key}" must be a number, got ${JSON.stringify(v)}`);
    return v;
  };
  const bool = (key: string): boolean => {
    const v = get(key);
    if (typeof v !== 'boolean') throw new ConfigError(`${file}: "${key}" must be true or false, got ${JSON.stringify(v)}`);
    return v;
  };

  const nRoutedExperts = optInt('n_routed_experts') ?? 0;
  let topkMethod = String(get('topk_method'));
  if (topkMethod === 'gready') topkMethod = 'greedy'; // transformers' DeepseekV2Config default is spelled this way
  if (topkMethod !== 'greedy' && topkMethod !== 'group_limited_greedy' && topkMethod !== 'noaux_tc') {
    throw new ConfigError(`${file}: unsupported topk_method ${JSON.stringify(topkMethod)}`);
  }
  const scoringFunc = get('scoring_func');
  if (scoringFunc !== 'softmax' && scoringFunc !== 'sigmoid') throw new ConfigError(`${file}: unsupported scoring_func ${JSON.stringify(scoringFunc)}`);
  const hiddenAct = json.hidden_act;
  if (hiddenAct !== undefined && hiddenAct !== 'silu') throw new ConfigError(`${file}: unsupported hidden_act ${JSON.stringify(hiddenAct)} (only "silu")`);

  const cfg: ModelConfig = {
    modelType,
    vocabSize: int('vocab_size'),
    hiddenSize: int('hidden_size'),
    intermediateSize: int('intermediate_size'),
    moeIntermediateSize: int('moe_intermediate_size'),
    numHiddenLayers: int('num_hidden_layers'),
    numAttentionHeads: int('num_attention_heads'),
    qLoraRank: optInt('q_lora_rank'),
    kvLoraRank: int('kv_lora_rank'),
    qkNopeHeadDim: int('qk_nope_head_dim', 0),
    qkRopeHeadDim: int('qk_rope_head_dim'),
    vHeadDim: int('v_head_dim'),
    nRoutedExperts,
    nSharedExperts: optInt('n_shared_experts', 0) ?? 0,
    numExpertsPerTok: nRoutedExperts ? int('num_experts_per_tok') : 0,
    nGroup: optInt('n_group') ?? 1,
    topkGroup: optInt('topk_group') ?? 1,
    topkMethod,
    scoringFunc,
    normTopkProb: bool('norm_topk_prob'),
    routedScalingFactor: num('routed_scaling_factor'),
    firstKDenseReplace: int('first_k_dense_replace', 0),
    moeLayerFreq: int('moe_layer_freq'),
    rmsNormEps: num('rms_norm_eps'),
    ropeTheta: num('rope_theta'),
    ropeScaling: parseRopeScaling(json.rope_scaling, file),
    numNextnPredictLayers: int('num_nextn_predict_layers', 0),
    tieWordEmbeddings: bool('tie_word_embeddings'),
    fp8BlockSize: parseQuantization(json.quantization_config, file),
    bosTokenId: typeof get('bos_token_id') === 'number' ? (get('bos_token_id') as number) : undefined,
    eosTokenIds: ([] as unknown[]).concat(get('eos_token_id') ?? []).filter((x): x is number => typeof x === 'number'),
  };
  if (cfg.qkRopeHeadDim % 2) throw new ConfigError(`${file}: qk_rope_head_dim must be even, got ${cfg.qkRopeHeadDim}`);
  if (cfg.nRoutedExperts) {
    if (cfg.numExpertsPerTok > cfg.nRoutedExperts) throw new ConfigError(`${file}: num_experts_per_tok (${cfg.numExpertsPerTok}) exceeds n_routed_experts (${cfg.nRoutedExperts})`);
    if (cfg.topkMethod !== 'greedy') {
      if (cfg.nRoutedExperts % cfg.nGroup) throw new ConfigError(`${file}: n_routed_experts (${cfg.nRoutedExperts}) is not divisible by n_group (${cfg.nGroup})`);
      if (cfg.topkGroup > cfg.nGroup) throw new ConfigError(`${file}: topk_group (${cfg.topkGroup}) exceeds n_group (${cfg.nGroup})`);
    }
  }
  if (cfg.numNextnPredictLayers > 1) throw new ConfigError(`${file}: num_nextn_predict_layers > 1 is not supported (got ${cfg.numNextnPredictLayers})`);
  return cfg;
}

function parseRopeScaling(raw: unknown, file: string): YarnScaling | null {
  if (raw === undefined || raw === null) return null;
  if (typeof raw !== 'object') throw new ConfigError(`${file}: rope_scaling must be an object or null`);
  const r = raw as Json;
  const type = r.type ?? r.rope_type;
  if (type !== 'yarn') throw new ConfigError(`${file}: unsupported rope_scaling type ${JSON.stringify(type)} (only "yarn")`);
  const n = (key: string, dflt: number): number => {
    const v = r[key] ?? dflt;
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new ConfigError(`${file}: rope_scaling.${key} must be a number`);
    return v;
  };
  // Defaults follow transformers' DeepSeek YaRN rotary embedding.
  return {
    factor: n('factor', 1),
    originalMaxPositionEmbeddings: n('original_max_position_embeddings', 4096),
    betaFast: n('beta_fast', 32),
    betaSlow: n('beta_slow', 1),
    mscale: n('mscale', 1),
    mscaleAllDim: n('mscale_all_dim', 0),
  };
}

function parseQuantization(raw: unknown, file: string): [number, number] | null {
  if (raw === undefined || raw === null) return null;
  const q = raw as Json;
  if (q.quant_method !== 'fp8') throw new ConfigError(`${file}: unsupported quantization_config.quant_method ${JSON.stringify(q.quant_method)} (only "fp8")`);
  if (q.fmt !== undefined && q.fmt !== 'e4m3') throw new ConfigError(`${file}: unsupported fp8 format ${JSON.stringify(q.fmt)} (only "e4m3")`);
  const bs = q.weight_block_size ?? [128, 128];
  if (!Array.isArray(bs) || bs.length !== 2 || bs[0] !== 128 || bs[1] !== 128) {
    throw new ConfigError(`${file}: unsupported weight_block_size ${JSON.stringify(bs)} (only [128, 128])`);
  }
  return [128, 128];
}

/** Layer i is MoE iff the model has routed experts, i >= first_k_dense_replace and i % moe_layer_freq == 0. */
export function isMoeLayer(cfg: ModelConfig, layer: number): boolean {
  return cfg.nRoutedExperts > 0 && layer >= cfg.firstKDenseReplace && layer % cfg.moeLayerFreq === 0;
}

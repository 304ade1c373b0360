// Tiny model configs for the engine's unit tests (seconds to build and run).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { writeSyntheticModel, type SyntheticOptions } from './synthetic';

/** DeepSeek-V3 shape in miniature: q_lora, sigmoid + bias + groups (noaux_tc), YaRN, one dense layer, MTP. */
export const TINY_V3 = {
  model_type: 'deepseek_v3', architectures: ['DeepseekV3ForCausalLM'],
  vocab_size: 96, hidden_size: 32, intermediate_size: 48, moe_intermediate_size: 16,
  num_hidden_layers: 2, num_attention_heads: 4, num_key_value_heads: 4,
  q_lora_rank: 24, kv_lora_rank: 16, qk_nope_head_dim: 8, qk_rope_head_dim: 4, v_head_dim: 8,
  n_routed_experts: 8, n_shared_experts: 1, num_experts_per_tok: 2, n_group: 4, topk_group: 2,
  topk_method: 'noaux_tc', scoring_func: 'sigmoid', norm_topk_prob: true, routed_scaling_factor: 2.5,
  first_k_dense_replace: 1, moe_layer_freq: 1, rms_norm_eps: 1e-6, rope_theta: 10000,
  rope_scaling: { type: 'yarn', factor: 4, original_max_position_embeddings: 32, beta_fast: 32, beta_slow: 1, mscale: 1, mscale_all_dim: 1 },
  num_nextn_predict_layers: 1, tie_word_embeddings: false, max_position_embeddings: 128,
  bos_token_id: 0, eos_token_id: 1, hidden_act: 'silu',
};

/** DeepSeek-V2-Lite shape in miniature: q_proj, softmax greedy routing, two shared experts, no YaRN. */
export const TINY_V2 = {
  model_type: 'deepseek_v2', architectures: ['DeepseekV2ForCausalLM'],
  vocab_size: 80, hidden_size: 32, intermediate_size: 40, moe_intermediate_size: 12,
  num_hidden_layers: 2, num_attention_heads: 2, q_lora_rank: null, kv_lora_rank: 16,
  qk_nope_head_dim: 8, qk_rope_head_dim: 4, v_head_dim: 8,
  n_routed_experts: 6, n_shared_experts: 2, num_experts_per_tok: 2, topk_method: 'greedy', scoring_func: 'softmax',
  norm_topk_prob: false, routed_scaling_factor: 1.0, first_k_dense_replace: 1, moe_layer_freq: 1,
  rms_norm_eps: 1e-6, rope_theta: 10000, rope_scaling: null, tie_word_embeddings: false,
  bos_token_id: 0, eos_token_id: 1, hidden_act: 'silu',
};

/** Writes a tiny model into a fresh temp folder and returns its path. */
export function makeTinyModel(config: Record<string, unknown>, opts: SyntheticOptions = {}): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ds-engine-test-'));
  writeSyntheticModel(dir, config, opts);
  return dir;
}

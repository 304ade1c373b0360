// The benchmark's model shapes: DeepSeek-V2-Lite's real layer sizes, with V2 routing or V3 routing.

/** DeepSeek-V2-Lite config.json (hidden 2048, 64 routed experts of 1408, 2 shared, top-6, kv_lora_rank 512) with `layers` layers. */
export function v2LiteConfig(layers: number): Record<string, unknown> {
  return {
    model_type: 'deepseek_v2', architectures: ['DeepseekV2ForCausalLM'],
    vocab_size: 102400, hidden_size: 2048, intermediate_size: 10944, moe_intermediate_size: 1408,
    num_hidden_layers: layers, num_attention_heads: 16, num_key_value_heads: 16,
    q_lora_rank: null, kv_lora_rank: 512, qk_nope_head_dim: 128, qk_rope_head_dim: 64, v_head_dim: 128,
    n_routed_experts: 64, n_shared_experts: 2, num_experts_per_tok: 6, topk_method: 'greedy', n_group: 1, topk_group: 1,
    scoring_func: 'softmax', norm_topk_prob: false, routed_scaling_factor: 1.0,
    first_k_dense_replace: 1, moe_layer_freq: 1, rms_norm_eps: 1e-6, rope_theta: 10000,
    rope_scaling: { type: 'yarn', factor: 40, original_max_position_embeddings: 4096, beta_fast: 32, beta_slow: 1, mscale: 0.707, mscale_all_dim: 0.707 },
    max_position_embeddings: 163840, tie_word_embeddings: false, bos_token_id: 100000, eos_token_id: 100001, hidden_act: 'silu',
  };
}

/** The same shapes routed the DeepSeek-V3 way: sigmoid scores + correction bias, 8 groups of which 4 are kept (noaux_tc). */
export function v3RoutingConfig(layers: number): Record<string, unknown> {
  return {
    ...v2LiteConfig(layers),
    model_type: 'deepseek_v3', architectures: ['DeepseekV3ForCausalLM'],
    topk_method: 'noaux_tc', scoring_func: 'sigmoid', n_group: 8, topk_group: 4, norm_topk_prob: true,
    routed_scaling_factor: 2.5, num_nextn_predict_layers: 0,
  };
}

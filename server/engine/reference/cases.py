"""The fixture cases: tiny configs, each exercising a different corner of DeepSeek-V2/V3.

`large=True` grows every case a little (hold-out sets, never checked in).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Dict, List, Optional


@dataclass
class Case:
    name: str
    dtype: str  # f32 | bf16 | fp8
    seed: int
    hf: Dict[str, Any]  # config.json contents
    tokens: int  # T for the logits check
    prompt: int  # greedy prompt length
    max_tokens: int  # greedy tokens to generate
    notes: str
    shards: int = 1
    bias_std: float = 0.0  # e_score_correction_bias spread (V3)
    mtp_embed: bool = False  # store model.layers.{L}.embed_tokens.weight (else falls back to the main one)
    mtp_head: bool = False  # store model.layers.{L}.shared_head.head.weight (else lm_head)
    embed_std: float = 1.0  # smaller when tied, so the residual copy of the input token does not dominate logits


def yarn(factor: float, orig: int, mscale: float, mscale_all_dim: float, beta_fast: float = 32, beta_slow: float = 1
         ) -> Dict[str, Any]:
    return {"type": "yarn", "factor": factor, "original_max_position_embeddings": orig, "beta_fast": beta_fast,
            "beta_slow": beta_slow, "mscale": mscale, "mscale_all_dim": mscale_all_dim}


def hf_config(model_type: str, **kw: Any) -> Dict[str, Any]:
    """A complete DeepseekV3Config / DeepseekV2Config dict; kw overrides the defaults."""
    v3 = model_type == "deepseek_v3"
    cfg: Dict[str, Any] = {
        "architectures": ["DeepseekV3ForCausalLM" if v3 else "DeepseekV2ForCausalLM"],
        "model_type": model_type,
        "vocab_size": 256, "hidden_size": 64, "intermediate_size": 128, "moe_intermediate_size": 16,
        "num_hidden_layers": 2, "num_nextn_predict_layers": 0,
        "num_attention_heads": 4, "num_key_value_heads": 4,
        "q_lora_rank": 48, "kv_lora_rank": 32, "qk_nope_head_dim": 16, "qk_rope_head_dim": 16, "v_head_dim": 16,
        "n_shared_experts": 1, "n_routed_experts": 8, "num_experts_per_tok": 2,
        "topk_method": "noaux_tc" if v3 else "greedy", "scoring_func": "sigmoid" if v3 else "softmax",
        "n_group": 1, "topk_group": 1, "norm_topk_prob": v3, "routed_scaling_factor": 1.0,
        "first_k_dense_replace": 1, "moe_layer_freq": 1,
        "hidden_act": "silu", "max_position_embeddings": 64, "rms_norm_eps": 1e-6,
        "rope_theta": 10000.0, "rope_scaling": None,
        "attention_bias": False, "attention_dropout": 0.0, "initializer_range": 0.02,
        "tie_word_embeddings": False, "use_cache": True,
        "bos_token_id": 0, "eos_token_id": 1, "pad_token_id": None,
        "torch_dtype": "float32", "transformers_version": "4.46.0",
    }
    if not v3:
        cfg.update({"aux_loss_alpha": 0.001, "seq_aux": True})
    else:
        cfg.update({"ep_size": 1})
    cfg.update(kw)
    return cfg


def _grow(hf: Dict[str, Any], large: bool, **bigger: Any) -> Dict[str, Any]:
    if large:
        hf.update(bigger)
    return hf


def v3_f32(seed: int, large: bool) -> Case:
    hf = hf_config("deepseek_v3", vocab_size=256, hidden_size=64, intermediate_size=96, num_hidden_layers=2,
                   num_nextn_predict_layers=1, q_lora_rank=32, qk_nope_head_dim=8, v_head_dim=8,
                   n_routed_experts=12, num_experts_per_tok=3, n_group=4, topk_group=2,
                   routed_scaling_factor=2.5, max_position_embeddings=64, rope_scaling=yarn(4.0, 16, 1.0, 1.0))
    _grow(hf, large, vocab_size=512, hidden_size=96, num_hidden_layers=3, n_routed_experts=16, num_experts_per_tok=4)
    return Case("v3_f32", "f32", seed, hf, 40 if large else 32, 6, 10,
                "V3 noaux_tc: sigmoid + e_score_correction_bias (selection only), 4 groups keep 2 by top-2 sum, "
                "norm_topk_prob, routed_scaling_factor 2.5, 1 shared expert, first layer dense, q_lora, YaRN factor 4 "
                "(orig 16) with mscale = mscale_all_dim = 1.0 beyond the original context, MTP layer (MoE) with its own "
                "embed_tokens and shared_head.head copies (different values from the main ones).",
                bias_std=0.15, mtp_embed=True, mtp_head=True)


def v3_bf16(seed: int, large: bool) -> Case:
    hf = hf_config("deepseek_v3", vocab_size=320, hidden_size=80, num_hidden_layers=2, num_nextn_predict_layers=1,
                   num_attention_heads=5, num_key_value_heads=5, q_lora_rank=40, kv_lora_rank=24,
                   qk_nope_head_dim=8, qk_rope_head_dim=16, v_head_dim=12, n_routed_experts=16, num_experts_per_tok=4,
                   moe_intermediate_size=12, n_shared_experts=2, n_group=4, topk_group=2,
                   routed_scaling_factor=2.5, rope_theta=1000.0,
                   max_position_embeddings=64, rope_scaling=yarn(4.0, 16, 0.707, 0.707, 4, 0.5),
                   torch_dtype="bfloat16")
    _grow(hf, large, vocab_size=448, hidden_size=112, num_hidden_layers=3)
    return Case("v3_bf16", "bf16", seed, hf, 36, 6, 10,
                "V3 in bf16 (weights rounded to nearest-even; e_score_correction_bias F32): 16 experts top-4 in 4 groups "
                "keep 2, 2 shared experts (shared intermediate = 2*moe_intermediate_size), "
                "v_head_dim != qk_nope_head_dim, YaRN mscale 0.707 with beta_fast 4 / beta_slow 0.5 (fractional ramp), "
                "rope_theta 1000, MTP without its own embed/head (falls back to the main ones).",
                bias_std=0.15)


def v3_fp8(seed: int, large: bool) -> Case:
    hf = hf_config("deepseek_v3", vocab_size=300, hidden_size=96, intermediate_size=200, moe_intermediate_size=20,
                   num_hidden_layers=2, num_nextn_predict_layers=1, num_attention_heads=3, num_key_value_heads=3,
                   q_lora_rank=136, kv_lora_rank=40, qk_nope_head_dim=24, qk_rope_head_dim=16, v_head_dim=20,
                   n_routed_experts=8, num_experts_per_tok=2, n_group=4, topk_group=2, routed_scaling_factor=2.5,
                   max_position_embeddings=64, rope_scaling=yarn(4.0, 16, 1.0, 1.0), torch_dtype="bfloat16",
                   quantization_config={"quant_method": "fp8", "fmt": "e4m3", "activation_scheme": "dynamic",
                                        "weight_block_size": [128, 128]})
    _grow(hf, large, intermediate_size=264, moe_intermediate_size=36)
    return Case("v3_fp8", "fp8", seed, hf, 28, 6, 10,
                "V3 fp8 e4m3fn with 128x128 block weight_scale_inv (F32); every linear except embed/lm_head/gate is fp8, "
                "those and the norms are bf16. Dims are not multiples of 128 (partial blocks) and several exceed 128 "
                "(q_a_proj out 136, q_b_proj in 136, dense MLP 200, eh_proj in 192): multiple blocks per matrix, each "
                "block with its own magnitude. MTP has its own embed_tokens but no shared_head.head (→ lm_head).",
                bias_std=0.15, mtp_embed=True)


def v2_f32(seed: int, large: bool) -> Case:
    hf = hf_config("deepseek_v2", vocab_size=256, hidden_size=64, intermediate_size=96, num_hidden_layers=2, q_lora_rank=None,
                   n_routed_experts=10, num_experts_per_tok=3, n_shared_experts=2, topk_method="greedy",
                   norm_topk_prob=False, routed_scaling_factor=1.5, max_position_embeddings=64,
                   rope_scaling=yarn(4.0, 16, 0.707, 0.707))
    _grow(hf, large, hidden_size=96, num_hidden_layers=3, n_routed_experts=16, num_experts_per_tok=6)
    return Case("v2_f32", "f32", seed, hf, 30, 6, 10,
                "V2-Lite style: no q_lora (q_proj), softmax greedy top-3 of 10, norm_topk_prob false so weights are "
                "softmax scores x routed_scaling_factor 1.5, 2 shared experts, YaRN factor 4 with mscale = "
                "mscale_all_dim = 0.707 (softmax scale x m^2), no MTP.")


def v2_group_f32(seed: int, large: bool) -> Case:
    hf = hf_config("deepseek_v2", vocab_size=288, hidden_size=64, intermediate_size=96, num_hidden_layers=3, q_lora_rank=32,
                   n_routed_experts=12, num_experts_per_tok=3, n_group=4, topk_group=2,
                   topk_method="group_limited_greedy", norm_topk_prob=True, routed_scaling_factor=2.0,
                   first_k_dense_replace=1, moe_layer_freq=2, tie_word_embeddings=True, rope_scaling=None,
                   max_position_embeddings=64)
    _grow(hf, large, hidden_size=96, num_hidden_layers=5)
    return Case("v2_group_f32", "f32", seed, hf, 24, 6, 10,
                "V2 group_limited_greedy (group score = max softmax score, keep 2 of 4 groups), norm_topk_prob true so "
                "routed_scaling_factor 2.0 is NOT applied, moe_layer_freq 2 (layers 0,1 dense, 2 MoE), "
                "tie_word_embeddings (no lm_head.weight), plain RoPE (rope_scaling null), stored as 2 shards + "
                "model.safetensors.index.json.", shards=2, embed_std=0.25)


def v2_bf16(seed: int, large: bool) -> Case:
    hf = hf_config("deepseek_v2", vocab_size=384, hidden_size=72, num_hidden_layers=2, num_attention_heads=6,
                   num_key_value_heads=6, q_lora_rank=36, kv_lora_rank=20, qk_nope_head_dim=12, qk_rope_head_dim=8,
                   v_head_dim=10, n_routed_experts=8, num_experts_per_tok=1, n_shared_experts=1,
                   topk_method="greedy", norm_topk_prob=True, routed_scaling_factor=1.5, first_k_dense_replace=0,
                   rope_theta=500.0, max_position_embeddings=96, rope_scaling=yarn(6.0, 16, 1.0, 0.8, 8, 0.5),
                   torch_dtype="bfloat16")
    _grow(hf, large, hidden_size=104, num_hidden_layers=3)
    return Case("v2_bf16", "bf16", seed, hf, 34, 6, 10,
                "V2 in bf16: every layer MoE (first_k_dense_replace 0), top-1 with norm_topk_prob true (top_k 1 → no "
                "normalization, so routed_scaling_factor 1.5 IS applied to the softmax score), YaRN factor 6 with "
                "mscale 1.0 != mscale_all_dim 0.8 (cos/sin scaled by their ratio), beta_fast 8 / beta_slow 0.5, "
                "rope_theta 500, 6 heads.")


def v3_dense_mtp(seed: int, large: bool) -> Case:
    hf = hf_config("deepseek_v3", vocab_size=256, hidden_size=64, num_hidden_layers=3, num_nextn_predict_layers=1,
                   n_routed_experts=8, num_experts_per_tok=2, n_group=1, topk_group=1, moe_layer_freq=2,
                   first_k_dense_replace=1, routed_scaling_factor=1.8, rope_scaling=yarn(4.0, 16, 1.0, 1.0),
                   tie_word_embeddings=True)
    return Case("v3_dense_mtp", "f32", seed, hf, 30, 6, 10,
                "Edge: V3 with moe_layer_freq 2 (only layer 2 is MoE, the MTP layer 3 is dense), a single group "
                "(plain biased sigmoid top-2), tied embeddings with an MTP head falling back to the embeddings.",
                bias_std=0.15, embed_std=0.25)


def v2_qproj_grouped(seed: int, large: bool) -> Case:
    hf = hf_config("deepseek_v2", vocab_size=256, hidden_size=64, num_hidden_layers=2, q_lora_rank=None,
                   n_routed_experts=16, num_experts_per_tok=4, n_group=8, topk_group=3, n_shared_experts=0,
                   topk_method="group_limited_greedy", norm_topk_prob=False, routed_scaling_factor=3.0,
                   first_k_dense_replace=0, rope_scaling=yarn(2.0, 16, 0.707, 0.707, 8, 2))
    return Case("v2_qproj_grouped", "f32", seed, hf, 40, 6, 12,
                "Edge: V2 q_proj with group_limited_greedy over 8 groups of 2 (keep 3), no shared experts, every "
                "layer MoE, not normalized (scores x 3.0), YaRN factor 2.")


EDGE_CASES: Dict[str, Callable[[int, bool], Case]] = {"v3_dense_mtp": v3_dense_mtp, "v2_qproj_grouped": v2_qproj_grouped}

CASES: Dict[str, Callable[[int, bool], Case]] = {
    "v3_f32": v3_f32, "v3_bf16": v3_bf16, "v3_fp8": v3_fp8,
    "v2_f32": v2_f32, "v2_group_f32": v2_group_f32, "v2_bf16": v2_bf16,
}
BASE_SEEDS = {name: i + 1 for i, name in enumerate(list(CASES) + list(EDGE_CASES))}


def all_cases(seed: Optional[int], large: bool, edge: bool = False) -> List[Case]:
    """The checked-in set (seed None) or a fresh one whose seeds derive from `seed`; edge adds EDGE_CASES."""
    makers = dict(CASES, **EDGE_CASES) if edge else CASES
    return [make((BASE_SEEDS[name] if seed is None else seed * 100 + BASE_SEEDS[name]), large)
            for name, make in makers.items()]

"""The model hyper-parameters the reference reads from a Hugging Face DeepseekV2/V3 config.json."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict, Optional


@dataclass
class ModelConfig:
    model_type: str  # "deepseek_v3" | "deepseek_v2"
    vocab_size: int
    hidden_size: int
    intermediate_size: int  # dense MLP
    moe_intermediate_size: int  # one routed expert
    num_hidden_layers: int
    num_attention_heads: int
    q_lora_rank: Optional[int]  # None → plain q_proj (V2-Lite)
    kv_lora_rank: int
    qk_nope_head_dim: int
    qk_rope_head_dim: int
    v_head_dim: int
    n_routed_experts: Optional[int]
    n_shared_experts: int
    num_experts_per_tok: int
    topk_method: str  # "greedy" | "group_limited_greedy" | "noaux_tc"
    n_group: int
    topk_group: int
    norm_topk_prob: bool
    routed_scaling_factor: float
    scoring_func: str  # "softmax" | "sigmoid"
    first_k_dense_replace: int
    moe_layer_freq: int
    rms_norm_eps: float
    rope_theta: float
    rope_scaling: Optional[Dict[str, Any]]
    tie_word_embeddings: bool
    num_nextn_predict_layers: int

    @staticmethod
    def from_hf(hf: Dict[str, Any]) -> "ModelConfig":
        """Fields with HF's documented defaults where a config may omit them."""
        mt = hf["model_type"]
        if mt not in ("deepseek_v3", "deepseek_v2"):
            raise ValueError(f"config.json: unsupported model_type {mt!r}")
        return ModelConfig(
            model_type=mt,
            vocab_size=hf["vocab_size"],
            hidden_size=hf["hidden_size"],
            intermediate_size=hf["intermediate_size"],
            moe_intermediate_size=hf["moe_intermediate_size"],
            num_hidden_layers=hf["num_hidden_layers"],
            num_attention_heads=hf["num_attention_heads"],
            q_lora_rank=hf.get("q_lora_rank"),
            kv_lora_rank=hf["kv_lora_rank"],
            qk_nope_head_dim=hf["qk_nope_head_dim"],
            qk_rope_head_dim=hf["qk_rope_head_dim"],
            v_head_dim=hf["v_head_dim"],
            n_routed_experts=hf.get("n_routed_experts"),
            n_shared_experts=hf.get("n_shared_experts") or 0,
            num_experts_per_tok=hf.get("num_experts_per_tok") or 0,
            topk_method=hf.get("topk_method", "noaux_tc" if mt == "deepseek_v3" else "greedy"),
            n_group=hf.get("n_group") or 1,
            topk_group=hf.get("topk_group") or 1,
            norm_topk_prob=bool(hf.get("norm_topk_prob", False)),
            routed_scaling_factor=float(hf.get("routed_scaling_factor", 1.0)),
            scoring_func=hf.get("scoring_func", "sigmoid" if mt == "deepseek_v3" else "softmax"),
            first_k_dense_replace=hf.get("first_k_dense_replace", 0),
            moe_layer_freq=hf.get("moe_layer_freq", 1),
            rms_norm_eps=float(hf.get("rms_norm_eps", 1e-6)),
            rope_theta=float(hf.get("rope_theta", 10000.0)),
            rope_scaling=hf.get("rope_scaling"),
            tie_word_embeddings=bool(hf.get("tie_word_embeddings", False)),
            num_nextn_predict_layers=hf.get("num_nextn_predict_layers", 0) or 0,
        )

    def is_moe_layer(self, i: int) -> bool:
        """HF rule: routed experts exist, past the leading dense layers, and on the MoE stride."""
        return bool(self.n_routed_experts) and i >= self.first_k_dense_replace and i % self.moe_layer_freq == 0

    @property
    def qk_head_dim(self) -> int:
        return self.qk_nope_head_dim + self.qk_rope_head_dim

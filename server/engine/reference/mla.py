"""Multi-head Latent Attention (DeepSeek-V2 paper §2.1), naive and weight-absorbed forms.

The naive form expands the latent c into per-head keys/values; the absorbed form folds W_UK into
the query and W_UV into the output (the inference trick of the paper). Both must agree.
"""
from __future__ import annotations

from typing import Dict, Tuple

import torch

from config import ModelConfig
from rope import apply_rope, softmax_scale

Weights = Dict[str, torch.Tensor]


def linear(x: torch.Tensor, w: torch.Tensor) -> torch.Tensor:
    """x [..., in] · wᵀ, w [out, in] (nn.Linear layout, no bias)."""
    return x @ w.t()


def rmsnorm(x: torch.Tensor, w: torch.Tensor, eps: float) -> torch.Tensor:
    """x · rsqrt(mean(x²) + eps) · w over the last axis."""
    return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + eps) * w


def mla_query(cfg: ModelConfig, w: Weights, p: str, x: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
    """x [T, hidden] → q_nope [T, H, nope], q_pe [T, H, rope] (before RoPE)."""
    if cfg.q_lora_rank:
        c_q = rmsnorm(linear(x, w[p + "q_a_proj.weight"]), w[p + "q_a_layernorm.weight"], cfg.rms_norm_eps)  # [T, q_lora]
        q = linear(c_q, w[p + "q_b_proj.weight"])  # [T, H*(nope+rope)]
    else:
        q = linear(x, w[p + "q_proj.weight"])
    q = q.view(x.shape[0], cfg.num_attention_heads, cfg.qk_head_dim)
    return q[..., : cfg.qk_nope_head_dim], q[..., cfg.qk_nope_head_dim :]


def mla_latent(cfg: ModelConfig, w: Weights, p: str, x: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
    """x [T, hidden] → normalized latent c' [T, kv_lora], shared k_pe [T, rope] (before RoPE)."""
    kv_a = linear(x, w[p + "kv_a_proj_with_mqa.weight"])  # [T, kv_lora + rope]
    c, k_pe = kv_a[:, : cfg.kv_lora_rank], kv_a[:, cfg.kv_lora_rank :]
    return rmsnorm(c, w[p + "kv_a_layernorm.weight"], cfg.rms_norm_eps), k_pe


def causal_softmax(scores: torch.Tensor) -> torch.Tensor:
    """scores [H, T, S] (S == T) → row softmax with keys after the query masked out."""
    t = scores.shape[-1]
    mask = torch.ones(t, t, dtype=torch.bool).triu(1)
    return scores.masked_fill(mask, float("-inf")).softmax(-1)


def mla_attention(cfg: ModelConfig, w: Weights, p: str, x: torch.Tensor, cos: torch.Tensor,
                  sin: torch.Tensor) -> torch.Tensor:
    """Naive MLA: x [T, hidden] → [T, hidden]. p is the `...self_attn.` prefix."""
    t, h = x.shape[0], cfg.num_attention_heads
    q_nope, q_pe = mla_query(cfg, w, p, x)  # [T, H, nope], [T, H, rope]
    c, k_pe = mla_latent(cfg, w, p, x)  # [T, r], [T, rope]
    kv = linear(c, w[p + "kv_b_proj.weight"]).view(t, h, cfg.qk_nope_head_dim + cfg.v_head_dim)
    k_nope, v = kv[..., : cfg.qk_nope_head_dim], kv[..., cfg.qk_nope_head_dim :]  # [T, H, nope], [T, H, v]
    q_pe, k_pe = apply_rope(q_pe, cos, sin), apply_rope(k_pe, cos, sin)
    scores = torch.einsum("thd,shd->hts", q_nope, k_nope) + torch.einsum("thd,sd->hts", q_pe, k_pe)  # [H, T, T]
    probs = causal_softmax(scores * softmax_scale(cfg))
    o = torch.einsum("hts,shd->thd", probs, v).reshape(t, h * cfg.v_head_dim)  # [T, H*v]
    return linear(o, w[p + "o_proj.weight"])


def mla_attention_absorbed(cfg: ModelConfig, w: Weights, p: str, x: torch.Tensor, cos: torch.Tensor,
                           sin: torch.Tensor) -> torch.Tensor:
    """Absorbed MLA: attention runs in the latent space; same result as mla_attention."""
    t, h = x.shape[0], cfg.num_attention_heads
    q_nope, q_pe = mla_query(cfg, w, p, x)
    c, k_pe = mla_latent(cfg, w, p, x)  # [T, r], [T, rope]
    w_kv_b = w[p + "kv_b_proj.weight"].view(h, cfg.qk_nope_head_dim + cfg.v_head_dim, cfg.kv_lora_rank)
    w_uk, w_uv = w_kv_b[:, : cfg.qk_nope_head_dim], w_kv_b[:, cfg.qk_nope_head_dim :]  # [H, nope, r], [H, v, r]
    q_lat = torch.einsum("thd,hdr->thr", q_nope, w_uk)  # [T, H, r]
    q_pe, k_pe = apply_rope(q_pe, cos, sin), apply_rope(k_pe, cos, sin)
    scores = torch.einsum("thr,sr->hts", q_lat, c) + torch.einsum("thd,sd->hts", q_pe, k_pe)  # [H, T, T]
    probs = causal_softmax(scores * softmax_scale(cfg))
    o_lat = torch.einsum("hts,sr->thr", probs, c)  # [T, H, r]
    o = torch.einsum("thr,hvr->thv", o_lat, w_uv).reshape(t, h * cfg.v_head_dim)  # [T, H*v]
    return linear(o, w[p + "o_proj.weight"])

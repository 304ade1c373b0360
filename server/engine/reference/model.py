"""The full DeepSeek-V2/V3 forward pass: decoder blocks, final head, MTP module, greedy decoding.

No KV cache: every call recomputes all positions, which is what makes it a simple reference.
"""
from __future__ import annotations

from typing import Callable, Dict, List, Optional, Tuple

import torch

from config import ModelConfig
from mla import linear, mla_attention, rmsnorm
from moe import RouteLog, mlp, moe
from rope import rope_tables

Weights = Dict[str, torch.Tensor]
Attention = Callable[..., torch.Tensor]


def decoder_block(cfg: ModelConfig, w: Weights, p: str, layer: int, x: torch.Tensor, cos: torch.Tensor, sin: torch.Tensor,
                  log: Optional[RouteLog] = None, attention: Attention = mla_attention) -> torch.Tensor:
    """Pre-norm block: h = x + attn(norm(x)); out = h + ffn(norm(h)). x [T, hidden]; p = 'model.layers.{i}.'."""
    eps = cfg.rms_norm_eps
    h = x + attention(cfg, w, p + "self_attn.", rmsnorm(x, w[p + "input_layernorm.weight"], eps), cos, sin)
    y = rmsnorm(h, w[p + "post_attention_layernorm.weight"], eps)
    ffn = moe(cfg, w, p + "mlp.", y, log) if cfg.is_moe_layer(layer) else mlp(w, p + "mlp.", y)
    return h + ffn


def lm_head(cfg: ModelConfig, w: Weights) -> torch.Tensor:
    """[vocab, hidden]; the embedding matrix when the checkpoint ties them."""
    if "lm_head.weight" in w:
        return w["lm_head.weight"]
    if cfg.tie_word_embeddings:
        return w["model.embed_tokens.weight"]
    raise KeyError("checkpoint has no lm_head.weight and tie_word_embeddings is false")


def main_hidden(cfg: ModelConfig, w: Weights, tokens: List[int], log: Optional[RouteLog] = None,
                attention: Attention = mla_attention, layer_outputs: Optional[List[torch.Tensor]] = None) -> torch.Tensor:
    """tokens [T] → final hidden states after model.norm, [T, hidden]. layer_outputs collects each block's output."""
    x = w["model.embed_tokens.weight"][torch.tensor(tokens)]  # [T, hidden]
    cos, sin = rope_tables(cfg, len(tokens), x.dtype)
    for i in range(cfg.num_hidden_layers):
        x = decoder_block(cfg, w, f"model.layers.{i}.", i, x, cos, sin, log, attention)
        if layer_outputs is not None:
            layer_outputs.append(x)
    return rmsnorm(x, w["model.norm.weight"], cfg.rms_norm_eps)


def forward(cfg: ModelConfig, w: Weights, tokens: List[int], log: Optional[RouteLog] = None,
            attention: Attention = mla_attention, layer_outputs: Optional[List[torch.Tensor]] = None
            ) -> Tuple[torch.Tensor, torch.Tensor]:
    """tokens [T] → (logits [T, vocab], normed hidden [T, hidden])."""
    h = main_hidden(cfg, w, tokens, log, attention, layer_outputs)
    return linear(h, lm_head(cfg, w)), h


def argmax(row: torch.Tensor) -> int:
    """Index of the largest value; ties → lowest index."""
    return int(torch.sort(row, descending=True, stable=True).indices[0])


def top2_gap(row: torch.Tensor) -> float:
    """How far the winner leads the runner-up (a small gap makes argmax fragile across engines)."""
    v = torch.sort(row, descending=True).values
    return float(v[0] - v[1])


def mtp_logits(cfg: ModelConfig, w: Weights, tokens: List[int], h_main: torch.Tensor, main_logits: torch.Tensor,
               log: Optional[RouteLog] = None) -> torch.Tensor:
    """DeepSeek-V3 §2.2 multi-token prediction, depth 1: predicts token t+2 at position t. → [T, vocab].

    Position t combines the main model's normed h_t with the embedding of token t+1 (for the last
    position: the main model's argmax there), then runs one more decoder block and the shared head.
    """
    if cfg.num_nextn_predict_layers != 1:
        raise ValueError("only num_nextn_predict_layers == 1 is supported")
    layer = cfg.num_hidden_layers
    p, eps = f"model.layers.{layer}.", cfg.rms_norm_eps
    nxt = tokens[1:] + [argmax(main_logits[-1])]
    embed = w.get(p + "embed_tokens.weight", w["model.embed_tokens.weight"])
    e = rmsnorm(embed[torch.tensor(nxt)], w[p + "enorm.weight"], eps)  # [T, hidden]
    hn = rmsnorm(h_main, w[p + "hnorm.weight"], eps)  # [T, hidden]
    x = linear(torch.cat([e, hn], dim=-1), w[p + "eh_proj.weight"])  # [T, 2*hidden] → [T, hidden]
    cos, sin = rope_tables(cfg, len(tokens), x.dtype)
    x = decoder_block(cfg, w, p, layer, x, cos, sin, log)
    head = w.get(p + "shared_head.head.weight", lm_head(cfg, w))
    return linear(rmsnorm(x, w[p + "shared_head.norm.weight"], eps), head)


def greedy(cfg: ModelConfig, w: Weights, prompt: List[int], max_tokens: int,
           log: Optional[RouteLog] = None) -> Tuple[List[int], float]:
    """Generate by re-running the full forward each step. → (new tokens, smallest top-2 logit gap seen)."""
    seq, gap = list(prompt), float("inf")
    for _ in range(max_tokens):
        logits, _ = forward(cfg, w, seq, log)
        gap = min(gap, top2_gap(logits[-1]))
        seq.append(argmax(logits[-1]))
    return seq[len(prompt):], gap

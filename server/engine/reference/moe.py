"""Feed-forward blocks: the SwiGLU MLP and DeepSeekMoE (routed + shared experts) with its routers.

Routers follow DeepSeek-V2 §2.2 (softmax greedy / group-limited greedy) and DeepSeek-V3 §2.1.2
(sigmoid affinities, auxiliary-loss-free bias used for selection only, node-limited groups).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Dict, List, Optional, Tuple

import torch

from config import ModelConfig
from mla import linear

Weights = Dict[str, torch.Tensor]


def mlp(w: Weights, p: str, x: torch.Tensor) -> torch.Tensor:
    """down(silu(gate(x)) * up(x)); x [T, hidden] → [T, hidden]. p ends with '.'."""
    g = linear(x, w[p + "gate_proj.weight"])
    return linear(torch.nn.functional.silu(g) * linear(x, w[p + "up_proj.weight"]), w[p + "down_proj.weight"])


def ranked(values: torch.Tensor) -> List[int]:
    """Indices by descending value; equal values keep ascending index order (ties → lower index)."""
    return torch.sort(values, descending=True, stable=True).indices.tolist()


def _gap(values: torch.Tensor, order: List[int], k: int) -> float:
    # Distance between the k-th kept and the best dropped candidate (inf if nothing is dropped).
    if k >= len(order) or values[order[k]] == float("-inf"):
        return float("inf")
    return float(values[order[k - 1]] - values[order[k]])


@dataclass
class Route:
    """One token's routing decision."""

    experts: List[int]  # chosen expert ids, best first
    weights: List[float]  # their gate weights (after normalization / scaling)
    margin: float  # smallest score gap that decided a pick (group or expert); tiny = fragile
    groups: Optional[List[int]] = None  # kept groups, when group-limited
    min_choice: float = float("inf")  # smallest selection score picked (≤ 0 would make "mask with 0" differ from -inf)


def _group_filter(choice: torch.Tensor, cfg: ModelConfig, group_score: torch.Tensor
                  ) -> Tuple[torch.Tensor, List[int], float]:
    """Keep the topk_group best groups: (choice with other groups at -inf, kept groups, group gap)."""
    order = ranked(group_score)
    keep = sorted(order[: cfg.topk_group])
    per = choice.numel() // cfg.n_group
    allowed = torch.zeros(cfg.n_group, per, dtype=torch.bool)
    allowed[keep] = True
    return choice.masked_fill(~allowed.reshape(-1), float("-inf")), keep, _gap(group_score, order, cfg.topk_group)


def route_token(cfg: ModelConfig, logits: torch.Tensor, bias: Optional[torch.Tensor], group_limit: bool = True) -> Route:
    """logits [E] = x·gateᵀ for one token → chosen experts and weights."""
    k, e = cfg.num_experts_per_tok, logits.numel()
    if cfg.topk_method == "noaux_tc":
        if cfg.scoring_func != "sigmoid":
            raise ValueError(f"noaux_tc expects scoring_func sigmoid, got {cfg.scoring_func!r}")
        scores = torch.sigmoid(logits)  # [E] affinities
        choice = scores + (bias if bias is not None else 0)  # bias steers selection only
        grouped = choice.view(cfg.n_group, e // cfg.n_group)
        group_score = torch.sort(grouped, dim=-1, descending=True).values[:, :2].sum(-1)  # [G] sum of top-2
    elif cfg.topk_method in ("greedy", "group_limited_greedy"):
        if cfg.scoring_func != "softmax":
            raise ValueError(f"{cfg.topk_method} expects scoring_func softmax, got {cfg.scoring_func!r}")
        scores = logits.softmax(-1)
        choice = scores
        group_score = choice.view(cfg.n_group, e // cfg.n_group).max(-1).values  # [G] best expert per group
    else:
        raise ValueError(f"config.json: unknown topk_method {cfg.topk_method!r}")
    groups, group_gap = None, float("inf")
    if cfg.topk_method != "greedy" and group_limit:
        choice, groups, group_gap = _group_filter(choice, cfg, group_score)
    order = ranked(choice)
    experts = order[:k]
    weights = scores[experts]
    normalized = k > 1 and cfg.norm_topk_prob
    if normalized:
        weights = weights / (weights.sum() + 1e-20)
    if cfg.model_type == "deepseek_v3" or not normalized:
        weights = weights * cfg.routed_scaling_factor
    return Route(experts, weights.tolist(), min(group_gap, _gap(choice, order, k)), groups, float(choice[experts].min()))


@dataclass
class RouteLog:
    """Routing decisions of every MoE layer in a forward pass (for the generator's sanity checks)."""

    layers: Dict[str, List[Route]] = field(default_factory=dict)
    unbiased: Dict[str, List[Route]] = field(default_factory=dict)  # V3: same tokens with bias = 0
    ungrouped: Dict[str, List[Route]] = field(default_factory=dict)  # same tokens without the group limit

    def min_margin(self) -> float:
        return min((r.margin for routes in self.layers.values() for r in routes), default=float("inf"))

    def min_choice(self) -> float:
        return min((r.min_choice for routes in self.layers.values() for r in routes), default=float("inf"))


def moe(cfg: ModelConfig, w: Weights, p: str, x: torch.Tensor, log: Optional[RouteLog] = None) -> torch.Tensor:
    """DeepSeekMoE: Σ_j g_j · expert_j(x) + shared(x); x [T, hidden] → [T, hidden]. p = '...mlp.'."""
    logits = linear(x, w[p + "gate.weight"])  # [T, E]
    bias = w.get(p + "gate.e_score_correction_bias")
    out = mlp(w, p + "shared_experts.", x) if cfg.n_shared_experts else torch.zeros_like(x)
    routes = [route_token(cfg, logits[t], bias) for t in range(x.shape[0])]
    for t, r in enumerate(routes):
        for j, g in zip(r.experts, r.weights):
            out[t] = out[t] + g * mlp(w, f"{p}experts.{j}.", x[t : t + 1])[0]
    if log is not None:
        log.layers.setdefault(p, []).extend(routes)
        if bias is not None:
            log.unbiased.setdefault(p, []).extend(route_token(cfg, logits[t], None) for t in range(x.shape[0]))
        if cfg.topk_method != "greedy":
            log.ungrouped.setdefault(p, []).extend(route_token(cfg, logits[t], bias, False) for t in range(x.shape[0]))
    return out

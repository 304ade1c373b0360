"""Rotary position embedding with DeepSeek's YaRN extension, and the attention softmax scale.

Tables are computed in float64 and rounded once to the compute dtype.
"""
from __future__ import annotations

import math
from typing import Tuple

import torch

from config import ModelConfig


def yarn_mscale(factor: float, mscale: float) -> float:
    """YaRN attention-temperature factor: 0.1·m·ln(factor) + 1 (1 when not extrapolating)."""
    return 1.0 if factor <= 1 else 0.1 * mscale * math.log(factor) + 1.0


def _is_yarn(cfg: ModelConfig) -> bool:
    rs = cfg.rope_scaling
    return bool(rs) and (rs.get("type") or rs.get("rope_type")) == "yarn"


def _correction_dim(num_rotations: float, dim: int, base: float, orig_max_pos: int) -> float:
    # The dimension index whose wavelength fits `num_rotations` times into the original context.
    return dim * math.log(orig_max_pos / (num_rotations * 2 * math.pi)) / (2 * math.log(base))


def yarn_ramp(cfg: ModelConfig) -> torch.Tensor:
    """ramp[i] in [0,1] for i < dim/2: 0 keeps the original frequency, 1 fully interpolates."""
    rs, dim, base = cfg.rope_scaling or {}, cfg.qk_rope_head_dim, cfg.rope_theta
    orig = rs["original_max_position_embeddings"]
    low = math.floor(_correction_dim(rs.get("beta_fast", 32), dim, base, orig))
    high = math.ceil(_correction_dim(rs.get("beta_slow", 1), dim, base, orig))
    low, high = max(low, 0), min(high, dim - 1)
    span = (high - low) if high != low else 0.001
    i = torch.arange(dim // 2, dtype=torch.float64)
    return ((i - low) / span).clamp(0.0, 1.0)


def inv_freq(cfg: ModelConfig) -> torch.Tensor:
    """[rope_dim/2] float64 rotation speeds; YaRN blends extrapolated and interpolated ones."""
    dim, base = cfg.qk_rope_head_dim, cfg.rope_theta
    freq_extra = base ** (-torch.arange(0, dim, 2, dtype=torch.float64) / dim)  # [dim/2]
    if not _is_yarn(cfg):
        return freq_extra
    freq_inter = freq_extra / cfg.rope_scaling["factor"]
    extra_mask = 1.0 - yarn_ramp(cfg)
    return freq_inter * (1.0 - extra_mask) + freq_extra * extra_mask


def rope_tables(cfg: ModelConfig, positions: int, dtype: torch.dtype) -> Tuple[torch.Tensor, torch.Tensor]:
    """cos, sin [positions, rope_dim/2], already multiplied by YaRN's mscale ratio."""
    angle = torch.arange(positions, dtype=torch.float64)[:, None] * inv_freq(cfg)[None, :]
    gain = 1.0
    if _is_yarn(cfg):
        rs = cfg.rope_scaling
        gain = yarn_mscale(rs["factor"], rs.get("mscale", 1)) / yarn_mscale(rs["factor"], rs.get("mscale_all_dim", 0))
    return (angle.cos() * gain).to(dtype), (angle.sin() * gain).to(dtype)


def apply_rope(x: torch.Tensor, cos: torch.Tensor, sin: torch.Tensor) -> torch.Tensor:
    """Rotate interleaved pairs (x[2i], x[2i+1]) of x [T, ..., rope_dim] by the angle of each token's row.

    cos/sin: [T, rope_dim/2]; broadcast over any head axes between T and the last one.
    """
    shape = x.shape
    pairs = x.reshape(shape[0], -1, shape[-1] // 2, 2)  # [T, heads, dim/2, 2]
    c, s = cos[:, None, :], sin[:, None, :]  # [T, 1, dim/2]
    a, b = pairs[..., 0], pairs[..., 1]
    return torch.stack((a * c - b * s, a * s + b * c), dim=-1).reshape(shape)


def softmax_scale(cfg: ModelConfig) -> float:
    """(nope+rope)^-1/2, times m² for YaRN with mscale_all_dim set, m = yarn_mscale(factor, mscale_all_dim)."""
    scale = cfg.qk_head_dim**-0.5
    if _is_yarn(cfg) and cfg.rope_scaling.get("mscale_all_dim"):
        m = yarn_mscale(cfg.rope_scaling["factor"], cfg.rope_scaling["mscale_all_dim"])
        scale = scale * m * m
    return scale

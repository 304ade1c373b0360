"""Storage codecs: float32 → bf16 / fp8-e4m3fn bytes and back, written by hand.

torch 1.13 has no float8 dtype, so fp8 is encoded with our own round-to-nearest-even against the
table of all representable values. Decoding is exact, so the reference computes with precisely
the weights an engine reads back from the file.
"""
from __future__ import annotations

import math
from typing import Tuple

import numpy as np
import torch

FP8_MAX = 448.0  # largest finite e4m3fn value (S.1111.110)
FP8_BLOCK = 128  # DeepSeek-V3 weight_block_size


def f32_bytes(x: torch.Tensor) -> bytes:
    return x.detach().to(torch.float32).contiguous().numpy().astype("<f4").tobytes()


# ---------------------------------------------------------------- bf16

def bf16_bits(x: torch.Tensor) -> np.ndarray:
    """Round-to-nearest-even of float32 to the upper 16 bits (finite inputs). Returns uint16 array."""
    u = x.detach().to(torch.float32).contiguous().numpy().view(np.uint32).astype(np.uint64)
    rounded = (u + 0x7FFF + ((u >> 16) & 1)) >> 16
    return rounded.astype(np.uint16)


def bf16_decode(bits: np.ndarray) -> torch.Tensor:
    """uint16 bf16 bits → exact float32 values."""
    return torch.from_numpy((bits.astype(np.uint32) << 16).view(np.float32).copy())


def bf16_round(x: torch.Tensor) -> Tuple[bytes, torch.Tensor]:
    """(little-endian bf16 bytes, the float32 values those bytes decode to)."""
    bits = bf16_bits(x)
    return bits.astype("<u2").tobytes(), bf16_decode(bits).reshape(x.shape)


# ---------------------------------------------------------------- fp8 e4m3fn

def _fp8_table() -> np.ndarray:
    """Values of the 128 non-negative codes (0x7F is NaN → marked inf so it is never chosen)."""
    vals = np.zeros(128, dtype=np.float64)
    for code in range(128):
        exp, man = code >> 3, code & 7
        if code == 0x7F:
            vals[code] = math.inf
        elif exp == 0:
            vals[code] = man / 8.0 * 2.0**-6  # subnormal
        else:
            vals[code] = (1.0 + man / 8.0) * 2.0 ** (exp - 7)
    return vals


FP8_VALUES = _fp8_table()


def fp8_decode(codes: np.ndarray) -> np.ndarray:
    """uint8 e4m3fn codes → float32 (exact)."""
    mag = FP8_VALUES[codes & 0x7F]
    return np.where(codes & 0x80, -mag, mag).astype(np.float32)


def fp8_encode(v: np.ndarray) -> np.ndarray:
    """Round-to-nearest-even to e4m3fn codes; |v| must already be ≤ 448 (saturates otherwise)."""
    a = np.minimum(np.abs(v.astype(np.float64)), FP8_MAX)
    finite = FP8_VALUES[:0x7F]  # codes 0..126, ascending
    hi = np.clip(np.searchsorted(finite, a, side="left"), 0, 0x7E)  # first value ≥ a
    lo = np.maximum(hi - 1, 0)
    d_lo, d_hi = a - finite[lo], finite[hi] - a
    # Nearest; on an exact tie the even code (mantissa LSB 0) wins.
    pick_hi = (d_hi < d_lo) | ((d_hi == d_lo) & (hi % 2 == 0))
    code = np.where(pick_hi, hi, lo).astype(np.uint8)
    return np.where(v < 0, code | 0x80, code).astype(np.uint8)


def fp8_block_quantize(w: torch.Tensor) -> Tuple[bytes, torch.Tensor, torch.Tensor]:
    """w [rows, cols] f32 → (fp8 bytes, scale_inv [ceil(rows/128), ceil(cols/128)] f32, dequantized f32 w).

    scale = blockmax/448 per 128×128 block; stored fp8 = RNE(w/scale); w' = fp8 × scale (in float32,
    exactly as an engine computes it).
    """
    rows, cols = w.shape
    br, bc = -(-rows // FP8_BLOCK), -(-cols // FP8_BLOCK)
    w32 = w.detach().to(torch.float32).numpy()
    scales = np.zeros((br, bc), dtype=np.float32)
    codes = np.zeros((rows, cols), dtype=np.uint8)
    for i in range(br):
        for j in range(bc):
            blk = w32[i * FP8_BLOCK : (i + 1) * FP8_BLOCK, j * FP8_BLOCK : (j + 1) * FP8_BLOCK]
            amax = float(np.abs(blk).max())
            scale = np.float32(amax / FP8_MAX) if amax > 0 else np.float32(1.0)
            scales[i, j] = scale
            codes[i * FP8_BLOCK : (i + 1) * FP8_BLOCK, j * FP8_BLOCK : (j + 1) * FP8_BLOCK] = fp8_encode(
                blk.astype(np.float64) / np.float64(scale)
            )
    return codes.tobytes(), torch.from_numpy(scales), fp8_dequantize(codes, scales)


def fp8_dequantize(codes: np.ndarray, scales: np.ndarray) -> torch.Tensor:
    """codes [rows, cols] uint8, scales [br, bc] f32 → float32 weights (f32 product, as engines do)."""
    rows, cols = codes.shape
    full = np.repeat(np.repeat(scales, FP8_BLOCK, axis=0), FP8_BLOCK, axis=1)[:rows, :cols]
    return torch.from_numpy((fp8_decode(codes) * full.astype(np.float32)).astype(np.float32))

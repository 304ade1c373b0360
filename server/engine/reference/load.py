"""Read a Hugging Face DeepSeek model folder back into reference float32 weights.

Used by the self-checks (fixtures on disk reproduce the stored logits) and handy for debugging an
engine against any fixture: `python3 -c "from load import load_model; ..."`.
"""
from __future__ import annotations

import json
import os
from typing import Dict, Tuple

import numpy as np
import torch

from config import ModelConfig
from dtypes import bf16_decode, fp8_dequantize
from safetensors_io import StoredTensor, read_safetensors


def _files(folder: str) -> Dict[str, StoredTensor]:
    index = os.path.join(folder, "model.safetensors.index.json")
    if os.path.exists(index):
        with open(index) as f:
            shards = sorted(set(json.load(f)["weight_map"].values()))
    else:
        shards = ["model.safetensors"]
    out: Dict[str, StoredTensor] = {}
    for s in shards:
        out.update(read_safetensors(os.path.join(folder, s)))
    return out


def decode(name: str, t: StoredTensor, scale: StoredTensor | None) -> torch.Tensor:
    """Stored bytes → float32 tensor (fp8 multiplied by its block scales)."""
    if t.dtype == "F32":
        return torch.from_numpy(np.frombuffer(t.data, dtype="<f4").astype(np.float32)).reshape(t.shape)
    if t.dtype == "BF16":
        return bf16_decode(np.frombuffer(t.data, dtype="<u2")).reshape(t.shape)
    if t.dtype == "F8_E4M3":
        if scale is None:
            raise ValueError(f"{name}: F8_E4M3 weight without {name}_scale_inv")
        codes = np.frombuffer(t.data, dtype=np.uint8).reshape(t.shape)
        scales = np.frombuffer(scale.data, dtype="<f4").reshape(scale.shape)
        return fp8_dequantize(codes, scales)
    raise ValueError(f"{name}: unsupported dtype {t.dtype}")


def load_model(folder: str) -> Tuple[ModelConfig, Dict[str, torch.Tensor]]:
    path = os.path.join(folder, "config.json")
    with open(path) as f:
        try:
            cfg = ModelConfig.from_hf(json.load(f))
        except (KeyError, ValueError) as e:
            raise ValueError(f"{path}: {e}") from e
    stored = _files(folder)
    weights = {n: decode(f"{folder}: {n}", t, stored.get(n + "_scale_inv"))
               for n, t in stored.items() if not n.endswith("_scale_inv")}
    return cfg, weights


def load_expected(folder: str) -> Tuple[dict, torch.Tensor, torch.Tensor | None]:
    """expected.json plus its logits arrays as [T, V] tensors."""
    with open(os.path.join(folder, "expected.json")) as f:
        exp = json.load(f)
    t, v = len(exp["tokens"]), exp["vocab"]

    def read(key: str) -> torch.Tensor | None:
        if key not in exp:
            return None
        with open(os.path.join(folder, exp[key]), "rb") as f:
            return torch.from_numpy(np.frombuffer(f.read(), dtype="<f4").copy()).reshape(t, v)

    return exp, read("logits"), read("mtp_logits")  # type: ignore[return-value]

"""Random tiny checkpoints in Hugging Face layout: tensor list, initialisation, storage dtype, shards.

Each tensor is produced once as float32, then stored as f32 / bf16 / fp8(+scale_inv); the reference
weights are the values decoded back from the stored bytes, so engine and reference see the same model.
"""
from __future__ import annotations

import json
import math
import os
from dataclasses import dataclass
from typing import Dict, List, Tuple

import numpy as np
import torch

from config import ModelConfig
from dtypes import bf16_round, f32_bytes, fp8_block_quantize
from safetensors_io import StoredTensor, write_safetensors


@dataclass
class TensorSpec:
    name: str
    shape: Tuple[int, ...]
    kind: str  # embed | head | norm | linear | gate | bias


def _attention_specs(cfg: ModelConfig, p: str) -> List[TensorSpec]:
    h, d = cfg.hidden_size, cfg.qk_head_dim
    heads = cfg.num_attention_heads
    specs = []
    if cfg.q_lora_rank:
        specs += [TensorSpec(p + "q_a_proj.weight", (cfg.q_lora_rank, h), "linear"),
                  TensorSpec(p + "q_a_layernorm.weight", (cfg.q_lora_rank,), "norm"),
                  TensorSpec(p + "q_b_proj.weight", (heads * d, cfg.q_lora_rank), "linear")]
    else:
        specs.append(TensorSpec(p + "q_proj.weight", (heads * d, h), "linear"))
    return specs + [
        TensorSpec(p + "kv_a_proj_with_mqa.weight", (cfg.kv_lora_rank + cfg.qk_rope_head_dim, h), "linear"),
        TensorSpec(p + "kv_a_layernorm.weight", (cfg.kv_lora_rank,), "norm"),
        TensorSpec(p + "kv_b_proj.weight", (heads * (cfg.qk_nope_head_dim + cfg.v_head_dim), cfg.kv_lora_rank), "linear"),
        TensorSpec(p + "o_proj.weight", (h, heads * cfg.v_head_dim), "linear"),
    ]


def _mlp_specs(p: str, hidden: int, inter: int) -> List[TensorSpec]:
    return [TensorSpec(p + "gate_proj.weight", (inter, hidden), "linear"),
            TensorSpec(p + "up_proj.weight", (inter, hidden), "linear"),
            TensorSpec(p + "down_proj.weight", (hidden, inter), "linear")]


def _block_specs(cfg: ModelConfig, layer: int) -> List[TensorSpec]:
    p, h = f"model.layers.{layer}.", cfg.hidden_size
    specs = [TensorSpec(p + "input_layernorm.weight", (h,), "norm")]
    specs += _attention_specs(cfg, p + "self_attn.")
    specs.append(TensorSpec(p + "post_attention_layernorm.weight", (h,), "norm"))
    if not cfg.is_moe_layer(layer):
        return specs + _mlp_specs(p + "mlp.", h, cfg.intermediate_size)
    specs.append(TensorSpec(p + "mlp.gate.weight", (cfg.n_routed_experts, h), "gate"))
    if cfg.topk_method == "noaux_tc":
        specs.append(TensorSpec(p + "mlp.gate.e_score_correction_bias", (cfg.n_routed_experts,), "bias"))
    for j in range(cfg.n_routed_experts or 0):
        specs += _mlp_specs(f"{p}mlp.experts.{j}.", h, cfg.moe_intermediate_size)
    if cfg.n_shared_experts:
        specs += _mlp_specs(p + "mlp.shared_experts.", h, cfg.moe_intermediate_size * cfg.n_shared_experts)
    return specs


def tensor_specs(cfg: ModelConfig, mtp_embed: bool, mtp_head: bool) -> List[TensorSpec]:
    """Every tensor of the checkpoint, in HF naming. mtp_embed/mtp_head: store the MTP's own copies."""
    v, h = cfg.vocab_size, cfg.hidden_size
    specs = [TensorSpec("model.embed_tokens.weight", (v, h), "embed")]
    for i in range(cfg.num_hidden_layers):
        specs += _block_specs(cfg, i)
    specs.append(TensorSpec("model.norm.weight", (h,), "norm"))
    if not cfg.tie_word_embeddings:
        specs.append(TensorSpec("lm_head.weight", (v, h), "head"))
    if cfg.num_nextn_predict_layers:
        L = cfg.num_hidden_layers
        p = f"model.layers.{L}."
        specs += [TensorSpec(p + "enorm.weight", (h,), "norm"), TensorSpec(p + "hnorm.weight", (h,), "norm"),
                  TensorSpec(p + "eh_proj.weight", (h, 2 * h), "linear")]
        specs += _block_specs(cfg, L)
        specs.append(TensorSpec(p + "shared_head.norm.weight", (h,), "norm"))
        if mtp_head:
            specs.append(TensorSpec(p + "shared_head.head.weight", (v, h), "head"))
        if mtp_embed:
            specs.append(TensorSpec(p + "embed_tokens.weight", (v, h), "embed"))
    return specs


def randn(rng: np.random.RandomState, shape: Tuple[int, ...]) -> torch.Tensor:
    # numpy's legacy RandomState stream is frozen and SIMD-free: the same weights on every machine.
    return torch.from_numpy(rng.standard_normal(shape).astype(np.float32))


def init_tensor(spec: TensorSpec, rng: np.random.RandomState, bias_std: float, embed_std: float, block_jitter: bool
                ) -> torch.Tensor:
    """Random f32 values scaled so activations stay O(1) through the tiny network."""
    shape = spec.shape
    if spec.kind == "norm":  # not exactly 1, so an engine that skips the weight is caught
        return 1.0 + 0.15 * randn(rng, shape)
    if spec.kind == "bias":
        return bias_std * randn(rng, shape)
    if spec.kind == "embed":
        return embed_std * randn(rng, shape)
    gain = {"linear": 1.0, "gate": 1.5, "head": 2.0}[spec.kind]
    w = randn(rng, shape) * (gain / math.sqrt(shape[1]))
    if block_jitter and spec.kind == "linear":
        # Different magnitude per 128×128 block, so a wrong block-scale index changes the result.
        br, bc = -(-shape[0] // 128), -(-shape[1] // 128)
        f = torch.exp(0.5 * randn(rng, (br, bc)))
        w = w * f.repeat_interleave(128, 0).repeat_interleave(128, 1)[: shape[0], : shape[1]]
    return w


def store(spec: TensorSpec, w: torch.Tensor, dtype: str) -> Tuple[Dict[str, StoredTensor], torch.Tensor]:
    """f32 values → ({file name: stored tensor}, float32 values the stored bytes decode to)."""
    if dtype == "f32" or spec.kind == "bias":  # e_score_correction_bias stays F32 in every checkpoint
        return {spec.name: StoredTensor("F32", spec.shape, f32_bytes(w))}, w.to(torch.float32)
    if dtype == "fp8" and spec.kind == "linear":
        data, scale, deq = fp8_block_quantize(w)
        return {spec.name: StoredTensor("F8_E4M3", spec.shape, data),
                spec.name + "_scale_inv": StoredTensor("F32", tuple(scale.shape), f32_bytes(scale))}, deq
    if dtype in ("bf16", "fp8"):  # fp8 checkpoints keep embed/head/gate/norms in bf16, like DeepSeek's
        data, deq = bf16_round(w)
        return {spec.name: StoredTensor("BF16", spec.shape, data)}, deq
    raise ValueError(f"unknown checkpoint dtype {dtype!r}")


def build_checkpoint(cfg: ModelConfig, dtype: str, seed: int, bias_std: float = 0.0, embed_std: float = 1.0,
                     mtp_embed: bool = False, mtp_head: bool = False
                     ) -> Tuple[Dict[str, StoredTensor], Dict[str, torch.Tensor]]:
    """→ (tensors to write, reference float32 weights keyed by HF name)."""
    rng = np.random.RandomState(seed)
    stored: Dict[str, StoredTensor] = {}
    weights: Dict[str, torch.Tensor] = {}
    for spec in tensor_specs(cfg, mtp_embed, mtp_head):
        files, deq = store(spec, init_tensor(spec, rng, bias_std, embed_std, dtype == "fp8"), dtype)
        stored.update(files)
        weights[spec.name] = deq.reshape(spec.shape).contiguous()
    return stored, weights


def write_model(folder: str, stored: Dict[str, StoredTensor], shards: int) -> List[str]:
    """model.safetensors, or `shards` files + model.safetensors.index.json. Returns the files written."""
    os.makedirs(folder, exist_ok=True)
    if shards <= 1:
        write_safetensors(os.path.join(folder, "model.safetensors"), stored)
        return ["model.safetensors"]
    units: List[List[str]] = []  # a weight and its scale_inv stay in the same shard
    for n in stored:
        if n.endswith("_scale_inv") and units and units[-1][0] == n[: -len("_scale_inv")]:
            units[-1].append(n)
        else:
            units.append([n])
    total = sum(t.nbytes for t in stored.values())
    parts: List[List[str]] = [[] for _ in range(shards)]
    done = 0
    for unit in units:  # contiguous split by bytes
        parts[min(shards - 1, done * shards // total)].extend(unit)
        done += sum(stored[n].nbytes for n in unit)
    files, weight_map = [], {}
    for i, part in enumerate(parts):
        fname = f"model-{i + 1:05d}-of-{shards:05d}.safetensors"
        write_safetensors(os.path.join(folder, fname), {n: stored[n] for n in part})
        files.append(fname)
        weight_map.update({n: fname for n in part})
    index = {"metadata": {"total_size": total}, "weight_map": dict(sorted(weight_map.items()))}
    write_text(os.path.join(folder, "model.safetensors.index.json"), json.dumps(index, indent=2) + "\n")
    return files + ["model.safetensors.index.json"]


def write_text(path: str, text: str) -> None:
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        f.write(text)
    os.replace(tmp, path)


def write_f32(path: str, x: torch.Tensor) -> None:
    """Raw little-endian float32, row-major."""
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(f32_bytes(x))
    os.replace(tmp, path)

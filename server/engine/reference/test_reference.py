"""Self-checks of the reference and its fixtures.

    /usr/bin/python3 -m unittest discover -s server/engine/reference -p 'test_*.py'
"""
from __future__ import annotations

import sys

sys.dont_write_bytecode = True

import json
import math
import os
import tempfile
import unittest

import numpy as np
import torch

from cases import CASES, all_cases
from checkpoint import build_checkpoint
from config import ModelConfig
from dtypes import bf16_round, fp8_block_quantize, fp8_decode, fp8_encode
from load import load_expected, load_model
from make_fixtures import DEFAULT_OUT, main as make_fixtures_main
from mla import mla_attention_absorbed
from model import forward, greedy, mtp_logits
from moe import route_token
from rope import apply_rope, inv_freq, rope_tables, softmax_scale, yarn_ramp
from safetensors_io import StoredTensor, encode_safetensors, read_safetensors

torch.set_num_threads(1)


def case_cfg(name: str, **overrides) -> ModelConfig:
    return ModelConfig.from_hf(dict(CASES[name](CASES_SEED[name], False).hf, **overrides))


CASES_SEED = {c.name: c.seed for c in all_cases(None, False)}


def f64_weights(name: str):
    """The case's architecture with random float64 weights (exact comparisons need the headroom)."""
    case = CASES[name](CASES_SEED[name], False)
    cfg = ModelConfig.from_hf(case.hf)
    _, w = build_checkpoint(cfg, "f32", 123, 0.15, 1.0, case.mtp_embed, case.mtp_head)
    return cfg, {k: v.double() for k, v in w.items()}


class Codecs(unittest.TestCase):
    def test_bf16_matches_torch_round_to_nearest_even(self):
        x = torch.randn(10000, generator=torch.Generator().manual_seed(0)) * torch.logspace(-20, 20, 10000)
        _, decoded = bf16_round(x)
        self.assertTrue(torch.equal(decoded, x.to(torch.bfloat16).to(torch.float32)))

    def test_bf16_exact_ties_go_to_even(self):
        _, d = bf16_round(torch.tensor([1 + 2**-8, 1 + 3 * 2**-8, -(1 + 2**-8)]))
        self.assertEqual(d.tolist(), [1.0, 1 + 2**-6, -1.0])

    def test_fp8_every_finite_code_round_trips(self):
        codes = np.array([c for c in range(256) if c not in (0x7F, 0xFF, 0x80)], dtype=np.uint8)
        self.assertTrue(np.array_equal(fp8_encode(fp8_decode(codes)), codes))

    def test_fp8_known_values_and_ties(self):
        self.assertEqual(fp8_decode(np.array([0x7E, 0x38, 0x01, 0xB8], dtype=np.uint8)).tolist(), [448.0, 1.0, 2**-9, -1.0])
        v = np.array([1.0625, 1.1875, 1000.0, 2**-10, 3 * 2**-10, -1.0])
        # 1.0625: tie 1.0/1.125 → even 0x38; 1.1875: tie 1.125/1.25 → even 0x3A; saturate; subnormal ties.
        self.assertEqual(fp8_encode(v).tolist(), [0x38, 0x3A, 0x7E, 0x00, 0x02, 0xB8])

    def test_fp8_block_quantize_partial_blocks(self):
        w = torch.randn(130, 200, generator=torch.Generator().manual_seed(1))
        data, scale, deq = fp8_block_quantize(w)
        self.assertEqual(tuple(scale.shape), (2, 2))
        self.assertEqual(len(data), 130 * 200)
        codes = np.frombuffer(data, dtype=np.uint8).reshape(130, 200)
        for i in range(2):
            for j in range(2):
                blk = w[i * 128:(i + 1) * 128, j * 128:(j + 1) * 128]
                self.assertAlmostEqual(float(scale[i, j]), float(blk.abs().max()) / 448, places=6)
                self.assertEqual(np.abs(fp8_decode(codes[i * 128:(i + 1) * 128, j * 128:(j + 1) * 128])).max(), 448.0)
        # 3 mantissa bits → relative error ≤ 2^-4, plus the subnormal floor.
        err = (deq - w).abs()
        full = scale.repeat_interleave(128, 0).repeat_interleave(128, 1)[:130, :200]
        self.assertTrue(bool((err <= w.abs() * 2**-4 + full * 2**-10 + 1e-12).all()))


class Safetensors(unittest.TestCase):
    def test_round_trip_padding_and_alignment(self):
        tensors = {"a": StoredTensor("BF16", (3,), b"\x01\x02" * 3),
                   "b": StoredTensor("F32", (2, 2), np.arange(4, dtype="<f4").tobytes()),
                   "c": StoredTensor("F8_E4M3", (5,), bytes(range(5)))}
        blob = encode_safetensors(tensors)
        n = int.from_bytes(blob[:8], "little")
        self.assertEqual(n % 8, 0)
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "x.safetensors")
            with open(path, "wb") as f:
                f.write(blob)
            back = read_safetensors(path)
        for k, t in tensors.items():
            self.assertEqual((back[k].dtype, back[k].shape, back[k].data), (t.dtype, t.shape, t.data))
        self.assertEqual(blob.index(np.arange(4, dtype="<f4").tobytes()) % 4, 0)  # F32 data 4-aligned

    def test_truncated_file_names_the_file(self):
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "bad.safetensors")
            with open(path, "wb") as f:
                f.write(b"\xff" * 12)
            with self.assertRaisesRegex(ValueError, "bad.safetensors"):
                read_safetensors(path)


class Rope(unittest.TestCase):
    def test_interleaved_pairs_give_same_scores_as_rotate_half(self):
        cfg = case_cfg("v3_bf16")
        cos, sin = rope_tables(cfg, 20, torch.float64)
        g = torch.Generator().manual_seed(2)
        q, k = torch.randn(20, 16, generator=g, dtype=torch.float64), torch.randn(20, 16, generator=g, dtype=torch.float64)

        def hf_style(x):  # de-interleave, then rotate halves with duplicated tables
            x = torch.cat([x[:, 0::2], x[:, 1::2]], -1)
            rot = torch.cat([-x[:, 8:], x[:, :8]], -1)
            return x * torch.cat([cos, cos], -1) + rot * torch.cat([sin, sin], -1)

        ours = apply_rope(q, cos, sin) @ apply_rope(k, cos, sin).t()
        self.assertTrue(torch.allclose(ours, hf_style(q) @ hf_style(k).t(), atol=1e-12))

    def test_yarn_ramp_and_frequencies(self):
        cfg = case_cfg("v3_bf16")  # dim 16, base 1000, orig 16, beta 4 / 0.5 → low 0, high 2
        self.assertEqual(yarn_ramp(cfg).tolist(), [0, 0.5, 1, 1, 1, 1, 1, 1])
        f = inv_freq(cfg)
        self.assertAlmostEqual(float(f[0]), 1.0)
        self.assertAlmostEqual(float(f[1]), 0.5 * 1000 ** (-2 / 16) + 0.5 * 1000 ** (-2 / 16) / 4)
        self.assertAlmostEqual(float(f[7]), 1000 ** (-14 / 16) / 4)

    def test_plain_rope_and_scales(self):
        cfg = case_cfg("v2_group_f32")
        self.assertTrue(torch.allclose(inv_freq(cfg), 10000.0 ** (-torch.arange(0, 16, 2, dtype=torch.float64) / 16)))
        self.assertAlmostEqual(softmax_scale(cfg), 32 ** -0.5)
        m = 0.1 * 0.707 * math.log(4) + 1
        self.assertAlmostEqual(softmax_scale(case_cfg("v2_f32")), 32 ** -0.5 * m * m)

    def test_yarn_cos_sin_gain_is_mscale_ratio(self):
        cfg = case_cfg("v2_bf16")  # factor 6, mscale 1.0, mscale_all_dim 0.8
        cos, sin = rope_tables(cfg, 3, torch.float64)
        gain = (0.1 * math.log(6) + 1) / (0.08 * math.log(6) + 1)
        self.assertAlmostEqual(float(cos[0, 0]), gain)
        self.assertAlmostEqual(float((cos[2] ** 2 + sin[2] ** 2).sqrt().max()), gain)


class Routing(unittest.TestCase):
    def test_v3_zero_bias_one_group_is_plain_sigmoid_topk(self):
        cfg = case_cfg("v3_f32", n_group=1, topk_group=1)
        for logits in torch.randn(50, 12, generator=torch.Generator().manual_seed(3)):
            r = route_token(cfg, logits, torch.zeros(12))
            top = torch.topk(torch.sigmoid(logits), 3)
            self.assertEqual(r.experts, top.indices.tolist())
            want = top.values / top.values.sum() * 2.5
            self.assertTrue(torch.allclose(torch.tensor(r.weights), want))

    def test_v3_bias_steers_selection_but_not_weights(self):
        cfg = case_cfg("v3_f32", n_group=1, topk_group=1)
        logits = torch.zeros(12)
        bias = torch.zeros(12)
        bias[[4, 7, 9]] = 1.0
        r = route_token(cfg, logits, bias)
        self.assertEqual(sorted(r.experts), [4, 7, 9])
        self.assertTrue(torch.allclose(torch.tensor(r.weights), torch.full((3,), 2.5 / 3)))

    def test_v3_groups_ranked_by_top2_sum(self):
        cfg = case_cfg("v3_f32")  # 12 experts in 4 groups of 3, keep 2, top-3
        choice = torch.tensor([0.9, 0.1, 0.1, 0.6, 0.6, 0.0, 0.5, 0.5, 0.5, 0.7, 0.2, 0.2])
        logits = torch.logit(choice.clamp(1e-4, 1 - 1e-4).double()).float()
        r = route_token(cfg, logits, None)
        # group sums: 1.0, 1.2, 1.0, 0.9 → keep groups 1 and the lower-index tie 0.
        self.assertEqual(r.groups, [0, 1])
        self.assertEqual(r.experts, [0, 3, 4])

    def test_group_limited_greedy_with_one_group_equals_greedy(self):
        g = case_cfg("v2_group_f32", n_group=1, topk_group=1)
        plain = case_cfg("v2_group_f32", topk_method="greedy")
        for logits in torch.randn(30, 12, generator=torch.Generator().manual_seed(4)):
            self.assertEqual(route_token(g, logits, None).experts, route_token(plain, logits, None).experts)

    def test_v2_scaling_rules(self):
        logits = torch.randn(8, generator=torch.Generator().manual_seed(5))
        p = logits.softmax(-1)
        top1 = route_token(case_cfg("v2_bf16"), logits, None)  # top-1 + norm_topk_prob: not normalized → scaled
        self.assertAlmostEqual(top1.weights[0], float(p.max()) * 1.5, places=6)
        normed = route_token(case_cfg("v2_bf16", num_experts_per_tok=3), logits, None)  # normalized → not scaled
        self.assertAlmostEqual(sum(normed.weights), 1.0, places=6)

    def test_ties_go_to_lower_index(self):
        cfg = case_cfg("v2_f32")
        self.assertEqual(route_token(cfg, torch.zeros(10), None).experts, [0, 1, 2])


class Model(unittest.TestCase):
    def test_absorbed_mla_equals_naive(self):
        for name in CASES:
            cfg, w = f64_weights(name)
            tokens = list(range(3, 3 + 20))
            naive, _ = forward(cfg, w, tokens)
            absorbed, _ = forward(cfg, w, tokens, attention=mla_attention_absorbed)
            self.assertLess(float((naive - absorbed).abs().max()), 1e-9, name)

    def test_causal(self):
        cfg, w = f64_weights("v3_f32")
        a, _ = forward(cfg, w, [5, 6, 7, 8, 9])
        b, _ = forward(cfg, w, [5, 6, 7, 8, 200])
        self.assertTrue(torch.equal(a[:4], b[:4]))
        self.assertFalse(torch.equal(a[4], b[4]))

    def test_mtp_row_depends_on_next_token_only_causally(self):
        cfg, w = f64_weights("v3_f32")
        t1, t2 = [5, 6, 7, 8, 9], [5, 6, 7, 100, 9]
        l1, h1 = forward(cfg, w, t1)
        l2, h2 = forward(cfg, w, t2)
        m1, m2 = mtp_logits(cfg, w, t1, h1, l1), mtp_logits(cfg, w, t2, h2, l2)
        self.assertTrue(torch.equal(m1[:2], m2[:2]))  # rows before t=2 never see token 3
        self.assertFalse(torch.equal(m1[2], m2[2]))  # row 2 embeds token 3


class Fixtures(unittest.TestCase):
    """The checked-in files, read back by an independent loader, reproduce their own expectations."""

    def test_checked_in_fixtures_reproduce(self):
        tol = 1e-4  # float32 kernels of another CPU may round differently; real errors are ≫ 1e-3
        for name in CASES:
            folder = os.path.join(DEFAULT_OUT, name)
            cfg, w = load_model(folder)
            exp, logits, mtp = load_expected(folder)
            layers: list = []
            got, h = forward(cfg, w, exp["tokens"], layer_outputs=layers)
            self.assertLess(float((got - logits).abs().max()), tol, name)
            with open(os.path.join(folder, exp["debug"]["layer_outputs"]), "rb") as f:
                stored = torch.from_numpy(np.frombuffer(f.read(), dtype="<f4").copy()).reshape(exp["debug"]["shape"])
            self.assertLess(float((torch.stack(layers) - stored).abs().max()), tol, name)
            if mtp is not None:
                self.assertLess(float((mtp_logits(cfg, w, exp["tokens"], h, got) - mtp).abs().max()), tol, name)
            self.assertEqual(cfg.num_nextn_predict_layers > 0, mtp is not None)
            g = exp["greedy"]
            self.assertEqual(greedy(cfg, w, g["prompt"], g["max_tokens"])[0], g["tokens"], name)

    def test_regeneration_reproduces_the_checked_in_files(self):
        """Weights, configs and every decision byte/exactly equal; float outputs equal up to CPU kernel rounding.

        (On one machine the whole folder is byte-identical; another CPU's matmul kernels may round differently.)
        """
        with tempfile.TemporaryDirectory() as d:
            self.assertEqual(make_fixtures_main(["--out", d]), 0)
            for name in CASES:
                a, b = os.path.join(d, name), os.path.join(DEFAULT_OUT, name)
                files = sorted(os.listdir(a))
                self.assertEqual(files, sorted(os.listdir(b)), name)
                for f in files:
                    with open(os.path.join(a, f), "rb") as fa, open(os.path.join(b, f), "rb") as fb:
                        new, old = fa.read(), fb.read()
                    if f.endswith(".f32"):
                        x, y = np.frombuffer(new, "<f4"), np.frombuffer(old, "<f4")
                        self.assertEqual(x.shape, y.shape, f"{name}/{f}")
                        self.assertLess(float(np.abs(x - y).max()), 1e-5 * max(1.0, float(np.abs(y).max())), f"{name}/{f}")
                    elif f == "expected.json":
                        x, y = json.loads(new), json.loads(old)
                        for k in ("checkpoint_seed", "files", "mtp_next_token"):
                            self.assertEqual(x["reference"].get(k), y["reference"].get(k), f"{name}: {k}")
                        x.pop("reference"), y.pop("reference")
                        self.assertEqual(x, y, f"{name}/expected.json")
                    else:
                        self.assertTrue(new == old, f"{name}/{f} differs")

if __name__ == "__main__":
    unittest.main()

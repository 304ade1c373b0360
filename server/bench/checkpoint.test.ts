import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { engineInfo, loadEngine } from '../engine/index';
import { TINY_V2 } from '../engine/test-models';
import { ensureCheckpoint, ensureVariant } from './checkpoint';
import { formatReport } from './report';
import { v2LiteConfig, v3RoutingConfig } from './shapes';
import type { BenchReport } from './bench';
import { LLAMA_CPP } from './anchor';

const SMALL = { ...TINY_V2, hidden_size: 64, moe_intermediate_size: 32, intermediate_size: 64 };
const SMALL_V3 = { ...SMALL, model_type: 'deepseek_v3', topk_method: 'noaux_tc', scoring_func: 'sigmoid', n_group: 2, topk_group: 1, norm_topk_prob: true, num_nextn_predict_layers: 0 };

test('bench checkpoints: streamed bf16/fp8 files load and run; written once, then reused', async () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'ds-bench-'));
  for (const dtype of ['bf16', 'fp8'] as const) {
    const dir = path.join(root, dtype);
    assert.equal(ensureCheckpoint(dir, SMALL, dtype).written, true);
    assert.equal(ensureCheckpoint(dir, SMALL, dtype).written, false);
    const e = await loadEngine(dir, { noTokenizer: true, prefault: true });
    const r = await e.generate({ prompt: [1, 2, 3], maxTokens: 4, ignoreEos: true });
    assert.equal(r.tokens.length, 4);
    const info = engineInfo(e)!;
    assert.ok(info.decodeWeightBytes > 0 && info.decodeWeightBytes < info.totalWeightBytes);
  }
  assert.deepEqual(fs.readdirSync(root).sort(), ['bf16', 'fp8']); // no temp folders left behind
  // The V3-routing variant shares the bf16 tensors through a symlinked shard and adds only the router biases.
  const v3 = ensureVariant(path.join(root, 'v3'), path.join(root, 'bf16'), SMALL_V3);
  assert.ok(fs.lstatSync(path.join(v3, 'model-00001-of-00002.safetensors')).isSymbolicLink());
  const e = await loadEngine(v3, { noTokenizer: true });
  assert.equal(e.modelType, 'deepseek_v3');
  assert.equal((await e.generate({ prompt: [4, 5], maxTokens: 2, ignoreEos: true })).tokens.length, 2);
});

test('V2-Lite bench shapes: 4 layers hold 2.25B parameters, 1.08 GB of bf16 weights read per decoded token', () => {
  const c = v2LiteConfig(4) as Record<string, number>;
  const H = c.hidden_size, heads = c.num_attention_heads, vocab = c.vocab_size;
  const attn = heads * 192 * H + 576 * H + heads * 256 * 512 + H * heads * 128;
  const expert = 3 * H * c.moe_intermediate_size;
  // one dense layer, then 3 MoE layers of 64 routed + 2 shared-sized experts and a router
  const params = 2 * vocab * H + 4 * attn + 3 * H * c.intermediate_size + 3 * (66 * expert + 64 * H);
  assert.ok(Math.abs(params / 1e9 - 2.25) < 0.02, `${params / 1e9}B`);
  const perToken = vocab * H + 4 * attn + 3 * H * c.intermediate_size + 3 * (8 * expert + 64 * H);
  assert.ok(Math.abs((perToken * 2) / 1e9 - 1.08) < 0.01, `${(perToken * 2) / 1e9} GB`);
  assert.equal(v3RoutingConfig(4).scoring_func, 'sigmoid');
});

test('the report prints ours beside the bandwidth limit and the llama.cpp anchor', () => {
  const report: BenchReport = {
    machine: { cpus: 2, model: 'test cpu', threads: 2 }, layers: 4,
    bandwidth: { bytesPerSecond: 25e9, threads: 2, bufferBytes: 1 << 29, method: 'native', samples: [19e9, 25e9, 20e9] },
    formats: [{
      format: 'bf16', description: 'bf16', threads: [1, 2], decodeTokS: [10, 16], decodeMeanTokS: [9, 15], prefillTokS: 120,
      decodeWeightBytes: 1e9, totalWeightBytes: 4.5e9, rssBytes: 5e9, kernels: 'cpu-avx512', loadMs: 1000,
      // per round: the adjacent probes' limit and decode's fraction of it; the table shows the medians
      rounds: { limits: [19e9, 20e9, 21e9], fractions: [0.7, 0.8, 0.9] },
    }],
    keystroke: [{ context: 2048, coldMs: 20000, keystrokeMs: 100, reusedTokens: 2048 }],
    kvBytesPerToken: { latent: 9216, fullPerHead: 40960 }, anchor: LLAMA_CPP, skipped: [],
  };
  const text = formatReport(report);
  assert.match(text, /25\.00 GB\/s \(fastest of 3 probes: 19\.00, 25\.00, 20\.00\)/);
  assert.match(text, /0\.80 ok/); // 16 tok/s of a 20 tok/s limit meets the bf16 target
  assert.match(text, /0\.63 \(bf16\)/);
  assert.match(text, /200x/);
  assert.match(text, /4\.4x smaller/);
});

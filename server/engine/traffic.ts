// Memory traffic accounting: weight bytes one decoded token reads, KV bytes one token adds, page pre-faulting.
import type { Weight } from '../../native/api';
import type { ModelConfig } from './config';
import type { LayerWeights, MlpWeights, ModelWeights } from './weights';

/** Bytes of a weight as stored (data + block scales). */
export function weightBytes(w: Weight): number {
  return w.data.byteLength + (w.scales?.byteLength ?? 0);
}

const mlpBytes = (m: MlpWeights): number => weightBytes(m.gate) + weightBytes(m.up) + weightBytes(m.down);

function layerDecodeBytes(cfg: ModelConfig, lw: LayerWeights): number {
  const a = lw.attn;
  let n = [a.q, a.qA, a.qB, a.kvA, a.kvB, a.o].reduce((s, w) => s + (w ? weightBytes(w) : 0), 0);
  n += (lw.inputNorm.byteLength + lw.postNorm.byteLength + a.kvANorm.byteLength + (a.qANorm?.byteLength ?? 0));
  if (lw.mlp) n += mlpBytes(lw.mlp);
  if (lw.moe) {
    const m = lw.moe;
    // Routed experts: k of them per token, each the same size.
    n += weightBytes(m.router) + (m.shared ? mlpBytes(m.shared) : 0) + cfg.numExpertsPerTok * mlpBytes(m.experts[0]);
  }
  return n;
}

/** Weight bytes read to decode one token: every dense weight, the k routed experts of each MoE layer, one embedding row, lm_head. */
export function decodeWeightBytes(cfg: ModelConfig, w: ModelWeights): number {
  const embedRow = weightBytes(w.embed) / w.embed.rows;
  return embedRow + w.layers.reduce((s, lw) => s + layerDecodeBytes(cfg, lw), 0) + w.norm.byteLength + weightBytes(w.lmHead);
}

/** KV cache bytes per token: the latent cache ([kv_lora_rank | rope] float32 per layer) vs. full per-head K and V at `fullBytesPerElement`. */
export function kvBytesPerToken(cfg: ModelConfig, fullBytesPerElement = 2): { latent: number; fullPerHead: number } {
  const L = cfg.numHiddenLayers;
  return {
    latent: L * (cfg.kvLoraRank + cfg.qkRopeHeadDim) * 4,
    fullPerHead: L * cfg.numAttentionHeads * (cfg.qkNopeHeadDim + cfg.qkRopeHeadDim + cfg.vHeadDim) * fullBytesPerElement,
  };
}

/** Every weight of the model (deduplicated). */
export function allWeights(w: ModelWeights): Weight[] {
  const out = new Set<Weight>([w.embed, w.lmHead]);
  const mlp = (m: MlpWeights | undefined): void => void (m && [m.gate, m.up, m.down].forEach((x) => out.add(x)));
  const layer = (lw: LayerWeights): void => {
    const a = lw.attn;
    for (const x of [a.q, a.qA, a.qB, a.kvA, a.kvB, a.o]) if (x) out.add(x);
    mlp(lw.mlp);
    if (lw.moe) {
      out.add(lw.moe.router);
      mlp(lw.moe.shared);
      lw.moe.experts.forEach(mlp);
    }
  };
  w.layers.forEach(layer);
  if (w.mtp) {
    layer(w.mtp.block);
    [w.mtp.ehProj, w.mtp.head, w.mtp.embed].forEach((x) => out.add(x));
  }
  return [...out];
}

/** Reads one byte per page of every weight so that memory-mapped weights are resident before timing starts. */
export function prefault(weights: Weight[], page = 4096): number {
  let sum = 0;
  for (const w of weights) {
    const d = w.data;
    for (let i = 0; i < d.length; i += page) sum += d[i];
  }
  return sum;
}

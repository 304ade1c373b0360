// Multi-Token Prediction module (DeepSeek-V3 §2.2): predicts token t+2 from h_t and the embedding of token t+1.
import { LayerCache } from './kvcache';
import type { Transformer } from './transformer';
import { argmax } from './sampler';

/**
 * MTP logits [T, vocab] for `tokens`, given the main model's final normed hidden states h [T, hidden] and
 * its logits at the last position (their argmax stands in for the token after the last one).
 */
export function mtpLogits(tf: Transformer, tokens: number[], h: Float32Array, lastLogits: Float32Array): Float32Array {
  const { k, cfg } = tf;
  const m = tf.w.mtp;
  if (!m) throw new Error(cfg.numNextnPredictLayers ? `the checkpoint has no MTP layer (no model.layers.${cfg.numHiddenLayers}.* tensors)` : 'this model has no MTP module (num_nextn_predict_layers is 0)');
  const T = tokens.length;
  const H = cfg.hiddenSize;
  const next = [...tokens.slice(1), argmax(lastLogits)];
  const e = tf.embed(m.embed, next); // [T, H]
  k.rmsnorm(e, e, m.enorm, T, cfg.rmsNormEps);
  const hn = new Float32Array(T * H); // [T, H]
  k.rmsnorm(hn, h, m.hnorm, T, cfg.rmsNormEps);
  const cat = new Float32Array(T * 2 * H); // [T, 2H]: embedding half first
  for (let t = 0; t < T; t++) {
    cat.set(e.subarray(t * H, (t + 1) * H), t * 2 * H);
    cat.set(hn.subarray(t * H, (t + 1) * H), t * 2 * H + H);
  }
  const x = new Float32Array(T * H); // [T, H]
  k.matmul(x, cat, T, m.ehProj);
  const cache = new LayerCache(tf.cacheRowSize, T);
  tf.block(m.block, x, T, cache, tf.step(0, T), false);
  k.rmsnorm(x, x, m.headNorm, T, cfg.rmsNormEps);
  return tf.project(x, T, m.head);
}

// Rotary position embedding for the qk_rope part of MLA: inverse frequencies (plain or YaRN) and cos/sin tables.
import type { ModelConfig, YarnScaling } from './config';

export interface RopeParams {
  /** [ropeDim/2] float32-rounded inverse frequencies. */
  invFreq: Float32Array;
  /** Multiplier on cos/sin (YaRN attention temperature). */
  cosSinScale: number;
  /** Softmax scale of q·k (includes YaRN's mscale_all_dim correction). */
  softmaxScale: number;
}

/** YaRN's magnitude correction: 0.1·m·ln(f) + 1 (1 when f <= 1). */
export function yarnMscale(factor: number, mscale: number): number {
  return factor <= 1 ? 1 : 0.1 * mscale * Math.log(factor) + 1;
}

/** Dimension index whose wavelength completes `numRotations` turns over the original context. */
function correctionDim(numRotations: number, dim: number, base: number, origMax: number): number {
  return (dim * Math.log(origMax / (numRotations * 2 * Math.PI))) / (2 * Math.log(base));
}

/** YaRN: blend interpolated (÷factor) and original frequencies with a linear ramp between low and high dims. */
function yarnInvFreq(dim: number, base: number, y: YarnScaling): Float32Array {
  const half = dim / 2;
  const low = Math.max(Math.floor(correctionDim(y.betaFast, dim, base, y.originalMaxPositionEmbeddings)), 0);
  const high = Math.min(Math.ceil(correctionDim(y.betaSlow, dim, base, y.originalMaxPositionEmbeddings)), dim - 1);
  const span = high - low === 0 ? 0.001 : high - low;
  const out = new Float32Array(half);
  for (let i = 0; i < half; i++) {
    const extra = Math.fround(1 / Math.fround(base ** Math.fround((2 * i) / dim)));
    const inter = Math.fround(extra / y.factor);
    const ramp = Math.min(Math.max((i - low) / span, 0), 1);
    const extraMask = 1 - ramp;
    out[i] = inter * (1 - extraMask) + extra * extraMask;
  }
  return out;
}

export function ropeParams(cfg: ModelConfig): RopeParams {
  const dim = cfg.qkRopeHeadDim;
  const base = cfg.ropeTheta;
  let softmaxScale = (cfg.qkNopeHeadDim + cfg.qkRopeHeadDim) ** -0.5;
  const y = cfg.ropeScaling;
  if (!y) {
    const invFreq = Float32Array.from({ length: dim / 2 }, (_, i) => 1 / Math.fround(base ** Math.fround((2 * i) / dim)));
    return { invFreq, cosSinScale: 1, softmaxScale };
  }
  if (y.mscaleAllDim) {
    const m = yarnMscale(y.factor, y.mscaleAllDim);
    softmaxScale *= m * m;
  }
  return {
    invFreq: yarnInvFreq(dim, base, y),
    cosSinScale: yarnMscale(y.factor, y.mscale) / yarnMscale(y.factor, y.mscaleAllDim),
    softmaxScale,
  };
}

/** cos/sin tables [count, ropeDim/2] for positions start..start+count-1 (into `cos` and `sin` when given). */
export function ropeTables(p: RopeParams, start: number, count: number, cos: Float32Array = new Float32Array(count * p.invFreq.length),
  sin: Float32Array = new Float32Array(count * p.invFreq.length)): { cos: Float32Array; sin: Float32Array } {
  const half = p.invFreq.length;
  for (let t = 0; t < count; t++) {
    const pos = start + t;
    for (let i = 0; i < half; i++) {
      const angle = Math.fround(pos * p.invFreq[i]);
      cos[t * half + i] = Math.cos(angle) * p.cosSinScale;
      sin[t * half + i] = Math.sin(angle) * p.cosSinScale;
    }
  }
  return { cos, sin };
}

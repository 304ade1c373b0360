// SwiGLU feed-forward (dense layers, routed and shared experts): down(silu(gate(x)) * up(x)).
import type { Kernels } from '../../native/api';
import type { MlpWeights } from './weights';

const ONE = Float32Array.of(1), ZERO = Int32Array.of(0), OFFSETS = Int32Array.of(0, 1);

/**
 * out[T, hidden] = down(silu(gate(x)) ⊙ up(x)) for x [T, hidden]. With `fused`, one token goes through the fused
 * expert kernel as a single expert of weight 1 (one call instead of four); otherwise gate and up share a call.
 */
export function mlpForward(k: Kernels, w: MlpWeights, x: Float32Array, T: number, out: Float32Array, fused = false): void {
  if (T === 1 && fused) return k.moeTokens(out, x, 1, [w.gate], [w.up], [w.down], ZERO, OFFSETS, ONE);
  const inter = w.gate.rows;
  const gate = new Float32Array(T * inter); // [T, inter]
  const up = new Float32Array(T * inter); // [T, inter]
  k.matmulBatch([gate, up], [x, x], T, [w.gate, w.up]);
  k.siluMul(gate, gate, up, T * inter);
  k.matmul(out, gate, T, w.down); // [T, hidden]
}

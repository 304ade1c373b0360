// SwiGLU feed-forward (dense layers, routed and shared experts): down(silu(gate(x)) * up(x)).
import type { Kernels } from '../../native/api';
import type { MlpWeights } from './weights';

/** out[T, hidden] = down(silu(gate(x)) ⊙ up(x)) for x [T, hidden]. */
export function mlpForward(k: Kernels, w: MlpWeights, x: Float32Array, T: number, out: Float32Array): void {
  const inter = w.gate.rows;
  const gate = new Float32Array(T * inter); // [T, inter]
  const up = new Float32Array(T * inter); // [T, inter]
  k.matmul(gate, x, T, w.gate);
  k.matmul(up, x, T, w.up);
  k.siluMul(gate, gate, up, T * inter);
  k.matmul(out, gate, T, w.down); // [T, hidden]
}

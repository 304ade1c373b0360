// Activations quantized for the integer dot products of q8_0 / q4_0 weights (the quantizeActs kernel,
// kernels_body.inc: exact float32 steps, so every ISA path multiplies exactly the same integers).
//
// Per 32-column block of a row of x: amax = max |x|, d = amax / 127, q = round-half-even(x · (127 / amax))
// in [-127, 127] (all in float32; a zero block has d = 0 and q = 0). The matmul of a block-quantized weight
// row w (codes c, scale dw) with x is then Σ_blocks dw · d · Σ c·q, the inner sums exact in int32.
//
// Layout, per row of K columns (K divisible by 32): the codes in the weights' lane order (native/block-quant.ts)
// without the scales: groups of G ≤ 16 blocks, 32·G bytes each, in which the 4 bytes at 4·G·s + 4·l hold
// block l's columns 4s..4s+3 (s = 0..7). A q8 step s and a q4 step s (low nibbles: columns 4s..4s+3, high:
// 16+4s..) meet the codes at 4·G·s and 4·G·(s+4). xs holds each block's Σ q: the stored weight codes carry an
// offset (q8: +128, q4: +8), so Σ stored·q = Σ c·q + offset·Σ q, and the kernels subtract offset·xs.
#pragma once

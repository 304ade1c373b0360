// Activations quantized for the integer dot products of q8_0 / q4_0 weights (the quantizeActs kernel,
// kernels_body.inc: exact float32 steps, so every ISA path multiplies exactly the same integers).
//
// Per 32-column block of a row of x: amax = max |x|, d = amax / 127, q = round-half-even(x · (127 / amax))
// in [-127, 127] (all in float32; a zero block has d = 0 and q = 0). The matmul of a block-quantized weight
// row w (codes c, scale dw) with x is then Σ_blocks dw · d · Σ c·q, the inner sums exact in int32.
//
// Layouts, per row of K columns (K divisible by 32):
//  - q8 weights: codes in column order.
//  - q4 weights: a q4 byte holds column j (low nibble) and j+16 (high nibble) of its block, so the codes of
//    each group of up to 4 blocks (128 columns, G = blocks in the group) are stored as the G low halves
//    (columns 0..15 of each block, 16 bytes each) and then the G high halves: a vector of 64 weight bytes
//    then meets 64 activation codes for its low nibbles and the next 64 for its high nibbles.
//    corr[4·b + l] = 8 · Σ of the 8 codes that 4-byte lane l of block b meets (low codes 4l..4l+3 and high
//    codes 4l..4l+3), because q4 nibbles are stored as code + 8; corrBlock[b] = the sum of block b's four.
#pragma once

// Contract between the ISA-specific kernel translation units and the dispatcher.
// Deliberately free of C++ standard headers: the ISA files are compiled for AVX2/AVX-512,
// and any shared inline (COMDAT) function they emitted could leak those instructions into
// the portable code path.
#pragma once
#include <stddef.h>
#include <stdint.h>

namespace dsn {

// kQ8/kQ4: block-quantized, 32 weights per block along K with one f32 scale each, rows packed as groups of up
// to 16 blocks [scales | codes in 4-byte lanes], padded to 64 bytes (the layout: native/block-quant.ts).
enum DType : int { kF32 = 0, kBF16 = 1, kF16 = 2, kF8E4M3 = 3, kQ8 = 4, kQ4 = 5 };

// Bytes of one q8/q4 block (scale + codes); a full group of 16 blocks is 576 / 320 bytes, whole cache lines.
static inline constexpr int64_t blockQuantBlockBytes(DType dtype) { return dtype == kQ8 ? 4 + 32 : 4 + 16; }

// Block b of a row of nb blocks: its lane in its group (returned) and the group's size G (16, or fewer in the
// last group). The group starts at block b − lane; step s of lane l sits 4·G·s + 4·l bytes into its codes.
static inline int64_t blockQuantLane(int64_t nb, int64_t b, int64_t* G) {
  const int64_t lane = b % 16;
  *G = nb - (b - lane) < 16 ? nb - (b - lane) : 16;
  return lane;
}

// Bytes of one K-column weight row in `dtype` (static: every translation unit keeps its own copy, see above).
static inline int64_t weightRowBytes(DType dtype, int64_t K) {
  if (dtype == kQ8 || dtype == kQ4) return ((K / 32) * blockQuantBlockBytes(dtype) + 63) / 64 * 64;
  return dtype == kF32 ? 4 * K : dtype == kBF16 || dtype == kF16 ? 2 * K : K;
}

// out[m, N] = x[m, K] · W[N, K]ᵀ ; W stored row-major in `dtype`; fp8 has 128×128 block scales.
struct MatmulArgs {
  float* out;
  const float* x;
  int64_t m, K, N;
  const uint8_t* w;
  DType dtype;
  const float* scales;   // f8_e4m3 only: [ceil(N/128), ceil(K/128)] (q8/q4 rows hold their own scales)
  int64_t scaleCols;     // f8: ceil(K/128)
  bool nanFree;          // f8: no byte is a NaN code (0x7f/0xff), so the kernels skip their per-block scan
  // q8/q4 only: x quantized per 32-column block (quantizeActs, act_quant.h). Row i of x has its codes at
  // xq + i·K (in the weights' lane order), block scales at xd + i·K/32 and block code sums at xs + i·K/32.
  const int8_t* xq;
  const float* xd;
  const int32_t* xs;
  // Decoding streams the rows [n0, n1) of a call as one run of bytes, prefetching ahead of itself. When the
  // same thread goes on to other weight bytes next (the next weight of a batch), their first pfNextBytes
  // bytes at pfNext are where prefetches past the end of this run go, so the stream never drains.
  const uint8_t* pfNext;
  int64_t pfNextBytes;
};

// Causal attention; all strides in elements; head dims are contiguous.
struct AttnArgs {
  float* out;
  const float* q;
  const float* k;
  const float* v;
  int64_t tq, tk, nHeads, nKvHeads, dk, dv, pastLen;
  float scale;
  int64_t qT, qH, kT, kH, vT, vH, oT, oH;
  // Query heads sharing one K/V head are processed `headChunk` at a time, so each key and value
  // row is read once per chunk rather than once per head (MQA: 128 heads share one K/V).
  int64_t headChunk;
};

// One implementation per instruction set; every function works on a sub-range so the
// thread pool can split the work.
struct IsaKernels {
  const char* name;  // "scalar" | "avx2" | "avx512" | "avx512vnni" | "avx512bf16"
  void (*matmul)(const MatmulArgs& a, int64_t n0, int64_t n1);  // output columns [n0, n1)
  // Rows [r0, r1) of x [*, K] quantized for q8/q4 weights; see act_quant.h.
  void (*quantizeActs)(const float* x, int64_t K, int8_t* xq, float* xd, int32_t* xs, int64_t r0, int64_t r1);
  void (*rmsnorm)(float* out, const float* x, const float* w, int64_t cols, float eps, int64_t r0, int64_t r1);
  void (*softmax)(float* x, int64_t cols, int64_t r0, int64_t r1);
  void (*siluMul)(float* out, const float* gate, const float* up, int64_t i0, int64_t i1);
  void (*axpy)(float* y, const float* x, float alpha, int64_t i0, int64_t i1);
  // Interleaved-pair rotary embedding for tokens [t0, t1) (see api.ts).
  void (*rope)(float* x, int64_t heads, int64_t tokenStride, int64_t headStride, int64_t offset, int64_t ropeDim,
               const float* cos, const float* sin, int64_t t0, int64_t t1);
  // Work items [i0, i1) of (query token, kv head, head chunk), numbered
  // (t * nKvHeads + kvHead) * chunksPerGroup + chunk; scratch holds ≥ headChunk * tk floats.
  void (*attention)(const AttnArgs& a, int64_t i0, int64_t i1, float* scratch);
  // Index of the first largest value of x[0, n), NaNs passed over (0 when x[0] is NaN).
  int64_t (*argmax)(const float* x, int64_t n);
  // Decoding attention in passes the caller splits over threads (scores, then a softmax per row, then values).
  // Scores: scores[g·ldS + j] = scale·q_g·k_j for G query rows from head h0 of token t (row g at q + t·qT +
  // (h0 + g)·qH: heads of one token, or, with token-major rows, the following tokens' too) and keys [j0, j1) of
  // kv head kvh. Values: output columns [d0, d1) of those rows, o_g = Σ_{j<n} p[g·ldS + j]·v_j, p the weights.
  void (*attnScores)(const AttnArgs& a, int64_t t, int64_t h0, int64_t G, int64_t kvh, int64_t j0, int64_t j1,
                     float* scores, int64_t ldS);
  void (*attnValues)(const AttnArgs& a, int64_t t, int64_t h0, int64_t G, int64_t kvh, int64_t n, const float* p,
                     int64_t ldS, int64_t d0, int64_t d1);
};

extern const IsaKernels kScalarKernels;
extern const IsaKernels kAvx2Kernels;
extern const IsaKernels kAvx512Kernels;
extern const IsaKernels kAvx512VnniKernels;
extern const IsaKernels kAvx512Bf16Kernels;

// Exact e4m3fn → f32 values for all 256 bytes (shared by every path for scalar tails).
struct Fp8Table { float v[256]; };
extern const Fp8Table kFp8E4M3;

}  // namespace dsn

// AVX2 + FMA + F16C kernels: 8 lanes, weights decoded in registers.
#if defined(__x86_64__) || defined(__i386__)
#pragma GCC target("avx2,fma,f16c")
#include <immintrin.h>

#include "isa.h"

namespace dsn {
namespace {

typedef __m256 vf;
constexpr int W = 8;
constexpr int TILE_M = 2;       // 2×4 accumulators + 4 weights + 1 input fit in 16 registers
constexpr float F8_FOLD = 256.f;  // wload_f8 yields value / 256 (see below)

static inline vf vzero() { return _mm256_setzero_ps(); }
static inline vf vset1(float f) { return _mm256_set1_ps(f); }
static inline vf vload(const float* p) { return _mm256_loadu_ps(p); }
static inline void vstore(float* p, vf v) { _mm256_storeu_ps(p, v); }
static inline vf vfma(vf a, vf b, vf c) { return _mm256_fmadd_ps(a, b, c); }
static inline vf vadd(vf a, vf b) { return _mm256_add_ps(a, b); }
static inline vf vsub(vf a, vf b) { return _mm256_sub_ps(a, b); }
static inline vf vmul(vf a, vf b) { return _mm256_mul_ps(a, b); }
static inline vf vdiv(vf a, vf b) { return _mm256_div_ps(a, b); }
static inline vf vmax(vf a, vf b) { return _mm256_max_ps(a, b); }
static inline float vsum(vf v) {
  __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  s = _mm_add_ps(s, _mm_movehl_ps(s, s));
  s = _mm_add_ss(s, _mm_movehdup_ps(s));
  return _mm_cvtss_f32(s);
}
static inline float vmaxr(vf v) {
  __m128 s = _mm_max_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  s = _mm_max_ps(s, _mm_movehl_ps(s, s));
  s = _mm_max_ss(s, _mm_movehdup_ps(s));
  return _mm_cvtss_f32(s);
}

// exp via 2^n · p(r), r = x − n·ln2 (Cephes expf polynomial, ~1 ulp).
// Inputs below −87.3 (e.g. −inf from masking) give exactly 0.
static inline vf vexp(vf x) {
  const vf keep = _mm256_cmp_ps(x, vset1(-87.3365447504f), _CMP_GE_OQ);
  x = _mm256_min_ps(_mm256_max_ps(x, vset1(-87.3365447504f)), vset1(88.3762626647949f));
  const vf n = _mm256_round_ps(vmul(x, vset1(1.44269504088896341f)), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
  x = _mm256_fnmadd_ps(n, vset1(0.693359375f), x);
  x = _mm256_fnmadd_ps(n, vset1(-2.12194440e-4f), x);
  vf p = vset1(1.9875691500E-4f);
  p = vfma(p, x, vset1(1.3981999507E-3f));
  p = vfma(p, x, vset1(8.3334519073E-3f));
  p = vfma(p, x, vset1(4.1665795894E-2f));
  p = vfma(p, x, vset1(1.6666665459E-1f));
  p = vfma(p, x, vset1(5.0000001201E-1f));
  const vf y = vfma(p, vmul(x, x), vadd(x, vset1(1.f)));
  const __m256i e = _mm256_slli_epi32(_mm256_add_epi32(_mm256_cvttps_epi32(n), _mm256_set1_epi32(127)), 23);
  return _mm256_and_ps(keep, vmul(y, _mm256_castsi256_ps(e)));
}

static inline vf wload_bf16(const uint8_t* p) {
  const __m256i u = _mm256_cvtepu16_epi32(_mm_loadu_si128((const __m128i*)(const void*)p));
  return _mm256_castsi256_ps(_mm256_slli_epi32(u, 16));
}

// 2W bf16 values at p: the even-indexed ones as one vector and the odd-indexed ones as another, from one load.
static inline void wload_bf16_pair(const uint8_t* p, vf& even, vf& odd) {
  const __m256i v = _mm256_loadu_si256((const __m256i*)(const void*)p);
  even = _mm256_castsi256_ps(_mm256_slli_epi32(v, 16));
  odd = _mm256_castsi256_ps(_mm256_and_si256(v, _mm256_set1_epi32((int)0xFFFF0000u)));
}
// 2W floats at x → out[0, W) the even-indexed ones, out[W, 2W) the odd-indexed ones (matching wload_bf16_pair).
// No vdpbf16ps here (see kernels_avx512_vocab.inc).
static constexpr bool kBf16Dot = false;
#include "kernels_act_quant_scalar.inc"
#include "kernels_no_bf16dot.inc"
static inline void deinterleave_pair(const float* x, float* out) {
  for (int i = 0; i < 8; ++i) { out[i] = x[2 * i]; out[8 + i] = x[2 * i + 1]; }
}

static inline vf wload_f16(const uint8_t* p) {
  return _mm256_cvtph_ps(_mm_loadu_si128((const __m128i*)(const void*)p));
}

// e4m3 byte s.eeee.mmm → binary16 bits s.0eeee.mmm0000000, whose value is exactly the fp8
// value / 2^8 (subnormals included, handled by the F16C converter); 0x7f/0xff → NaN.
static inline vf wload_f8(const uint8_t* p) {
  const __m128i b = _mm_loadl_epi64((const __m128i*)(const void*)p);
  const __m128i h = _mm_and_si128(_mm_slli_epi16(_mm_cvtepi8_epi16(b), 7), _mm_set1_epi16((short)0xBF80));
  const __m128i nan = _mm_cmpeq_epi16(_mm_and_si128(h, _mm_set1_epi16(0x7F80)), _mm_set1_epi16(0x3F80));
  return _mm256_blendv_ps(_mm256_cvtph_ps(h), vset1(__builtin_nanf("")), _mm256_castsi256_ps(_mm256_cvtepi16_epi32(nan)));
}

static inline vf wload_f8_finite(const uint8_t* p) {
  const __m128i b = _mm_loadl_epi64((const __m128i*)(const void*)p);
  return _mm256_cvtph_ps(_mm_and_si128(_mm_slli_epi16(_mm_cvtepi8_epi16(b), 7), _mm_set1_epi16((short)0xBF80)));
}

// Whether any of n bytes is an e4m3 NaN code (0x7f or 0xff, i.e. b | 0x80 == 0xff).
static inline bool any_f8_nan(const uint8_t* p, int64_t n) {
  __m256i hit = _mm256_setzero_si256();
  int64_t i = 0;
  for (; i + 32 <= n; i += 32)
    hit = _mm256_or_si256(hit, _mm256_cmpeq_epi8(_mm256_or_si256(_mm256_loadu_si256((const __m256i*)(const void*)(p + i)),
                                                                 _mm256_set1_epi8((char)0x80)), _mm256_set1_epi8((char)0xff)));
  bool any = !_mm256_testz_si256(hit, hit);
  for (; i < n; ++i) any |= (p[i] | 0x80) == 0xff;
  return any;
}

// Integer dots for q8/q4 weights (native/block-quant.ts, act_quant.h), no VNNI here: a group of G ≤ 16 blocks
// is two halves of 8 int32 lanes, one lane per block; products pair to int16 (vpmaddubsw), exact because
// |q| · |c| pairs stay below 2^15 (q8: both ≤ 127; q4: nibbles ≤ 15). Partial halves load with lane masks.
static inline constexpr bool fast_int_dot() { return false; }
static inline __m256i lane_mask(int n) {  // the first n of 8 int32 lanes
  return _mm256_cmpgt_epi32(_mm256_set1_epi32(n), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
}
static inline __m256i lanes_load(const void* p, int n, __m256i mask) {
  return n == 8 ? _mm256_loadu_si256((const __m256i*)p) : _mm256_maskload_epi32((const int*)p, mask);
}
static inline __m256i dot_pairs(__m256i acc, __m256i u, __m256i s) {
  return _mm256_add_epi32(acc, _mm256_madd_epi16(_mm256_maddubs_epi16(u, s), _mm256_set1_epi16(1)));
}
// One half (lanes 8h..8h+n−1) of a group: the integer block sums, then dw·dx·sum added to acc.
template <int DT>
static inline vf q_half(vf acc, const uint8_t* wg, const int8_t* xg, const int32_t* xs, const float* dx, int G, int h) {
  const int n = G - 8 * h < 8 ? G - 8 * h : 8;
  const __m256i mask = lane_mask(n);
  const uint8_t* c = wg + 4 * G + 32 * h;
  const int8_t* x = xg + 32 * h;
  const int64_t step = 4 * G;
  __m256i t = _mm256_setzero_si256();
  if (DT == kQ8) {
    for (int s = 0; s < 8; ++s) {  // signed codes (stored + 128), then |q| · (c with q's sign)
      const __m256i cw = _mm256_xor_si256(lanes_load(c + step * s, n, mask), _mm256_set1_epi8((char)0x80));
      const __m256i xv = lanes_load(x + step * s, n, mask);
      t = dot_pairs(t, _mm256_abs_epi8(xv), _mm256_sign_epi8(cw, xv));
    }
  } else {
    const __m256i m = _mm256_set1_epi8(15);
    for (int s = 0; s < 4; ++s) {  // nibbles = code + 8; the 8·Σq comes off below
      const __m256i v = lanes_load(c + step * s, n, mask);
      t = dot_pairs(t, _mm256_and_si256(v, m), lanes_load(x + step * s, n, mask));
      t = dot_pairs(t, _mm256_and_si256(_mm256_srli_epi16(v, 4), m), lanes_load(x + step * (s + 4), n, mask));
    }
    t = _mm256_sub_epi32(t, _mm256_slli_epi32(lanes_load(xs + 8 * h, n, mask), 3));
  }
  const vf scale = _mm256_mul_ps(_mm256_castsi256_ps(lanes_load(wg + 32 * h, n, mask)),
                                 _mm256_castsi256_ps(lanes_load(dx + 8 * h, n, mask)));
  return _mm256_fmadd_ps(_mm256_cvtepi32_ps(t), scale, acc);
}
template <bool Fast>
static inline vf q8_group(vf acc, const uint8_t* wg, const int8_t* xg, const int32_t* xs, const float* dx, int G) {
  acc = q_half<kQ8>(acc, wg, xg, xs, dx, G, 0);
  return G > 8 ? q_half<kQ8>(acc, wg, xg, xs, dx, G, 1) : acc;
}
template <bool Fast>
static inline vf q4_group(vf acc, const uint8_t* wg, const int8_t* xg, const int32_t* xs, const float* dx, int G) {
  acc = q_half<kQ4>(acc, wg, xg, xs, dx, G, 0);
  return G > 8 ? q_half<kQ4>(acc, wg, xg, xs, dx, G, 1) : acc;
}

#include "kernels_body.inc"

}  // namespace

const IsaKernels kAvx2Kernels = DSN_KERNEL_TABLE("avx2");

}  // namespace dsn

#endif  // x86

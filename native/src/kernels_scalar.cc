// Portable C++ kernels (any x86-64 or other CPU): one lane, the compiler may auto-vectorise
// for the baseline ISA. Also defines the exact fp8 table shared by every path.
#include "isa.h"

namespace dsn {

// e4m3fn from its definition: 1 sign, 4 exponent (bias 7), 3 mantissa, subnormals, 0x7f/0xff NaN.
static constexpr float fp8_value(int b) {
  const int e = (b >> 3) & 0xf, m = b & 7;
  if (e == 15 && m == 7) return __builtin_nanf("");
  float scale = 1.f / 64.f;  // 2^(1-7): the subnormal / smallest normal exponent
  for (int i = 1; i < e; ++i) scale *= 2.f;
  const float v = e == 0 ? (float)m / 8.f * scale : (1.f + (float)m / 8.f) * scale;
  return (b & 0x80) ? -v : v;
}

static constexpr Fp8Table make_fp8_table() {
  Fp8Table t{};
  for (int b = 0; b < 256; ++b) t.v[b] = fp8_value(b);
  return t;
}

// Constant-initialised, so it is valid before any static constructor runs.
constexpr Fp8Table kFp8E4M3 = make_fp8_table();

namespace {

typedef float vf;
constexpr int W = 1;
constexpr int TILE_M = 4;
constexpr float F8_FOLD = 1.f;

static inline vf vzero() { return 0.f; }
static inline vf vset1(float f) { return f; }
static inline vf vload(const float* p) { return *p; }
static inline void vstore(float* p, vf v) { *p = v; }
static inline vf vfma(vf a, vf b, vf c) { return a * b + c; }
static inline vf vadd(vf a, vf b) { return a + b; }
static inline vf vsub(vf a, vf b) { return a - b; }
static inline vf vmul(vf a, vf b) { return a * b; }
static inline vf vdiv(vf a, vf b) { return a / b; }
static inline vf vmax(vf a, vf b) { return a > b ? a : b; }
static inline float vsum(vf v) { return v; }
static inline float vmaxr(vf v) { return v; }
static inline vf vexp(vf x) { return __builtin_expf(x); }
static inline float scalar_bf16(const uint8_t* p);
static inline float scalar_f16(const uint8_t* p);
static inline vf wload_bf16(const uint8_t* p);
static inline vf wload_f16(const uint8_t* p);
static inline void wload_bf16_pair(const uint8_t* p, vf& even, vf& odd) { even = wload_bf16(p); odd = wload_bf16(p + 2); }
// No vdpbf16ps here (see kernels_avx512_vocab.inc).
static constexpr bool kBf16Dot = false;
#include "kernels_act_quant_scalar.inc"
#include "kernels_no_bf16dot.inc"
static inline void deinterleave_pair(const float* x, float* out) { out[0] = x[0]; out[1] = x[1]; }
static inline vf wload_f8(const uint8_t* p) { return kFp8E4M3.v[*p]; }
static inline vf wload_f8_finite(const uint8_t* p) { return kFp8E4M3.v[*p]; }
static inline bool any_f8_nan(const uint8_t*, int64_t) { return false; }  // the table is exact anyway
// Integer dots for q8/q4 weights (native/block-quant.ts, act_quant.h), one block at a time.
static inline bool fast_int_dot() { return false; }
template <int DT>
static inline float q_group(float acc, const uint8_t* wg, const int8_t* xg, const int32_t* xs, const float* dx, int G) {
  const uint8_t* c = wg + 4 * G;
  for (int l = 0; l < G; ++l) {
    int32_t t = 0;
    for (int s = 0; s < 4 * (DT == kQ8 ? 2 : 1); ++s)
      for (int j = 0; j < 4; ++j) {
        const int at = 4 * G * s + 4 * l + j;
        if (DT == kQ8) t += ((int32_t)c[at] - 128) * xg[at];
        else t += ((int32_t)(c[at] & 15) - 8) * xg[at] + ((int32_t)(c[at] >> 4) - 8) * xg[at + 16 * G];
      }
    float dw;
    __builtin_memcpy(&dw, wg + 4 * l, 4);
    acc += dw * dx[l] * (float)t;
  }
  return acc;
}
template <bool Fast>
static inline vf q8_group(vf acc, const uint8_t* wg, const int8_t* xg, const int32_t* xs, const float* dx, int G) {
  return q_group<kQ8>(acc, wg, xg, xs, dx, G);
}
template <bool Fast>
static inline vf q4_group(vf acc, const uint8_t* wg, const int8_t* xg, const int32_t* xs, const float* dx, int G) {
  return q_group<kQ4>(acc, wg, xg, xs, dx, G);
}

#include "kernels_body.inc"

static inline vf wload_bf16(const uint8_t* p) { return scalar_bf16(p); }
static inline vf wload_f16(const uint8_t* p) { return scalar_f16(p); }

}  // namespace

const IsaKernels kScalarKernels = DSN_KERNEL_TABLE("scalar");

}  // namespace dsn

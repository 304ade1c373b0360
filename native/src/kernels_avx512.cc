// AVX-512 kernels (F/BW/VL/DQ + FMA + F16C); the vocabulary is kernels_avx512_vocab.inc.
#if defined(__x86_64__) || defined(__i386__)
#pragma GCC target("avx512f,avx512bw,avx512vl,avx512dq,avx2,fma,f16c")
// GCC 12 flags the deliberately undefined registers inside its own AVX-512 intrinsics.
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <immintrin.h>

#include "isa.h"

#define DSN_AVX512_VNNI 0
#define DSN_AVX512_BF16 0

namespace dsn {
namespace {

#include "kernels_avx512_vocab.inc"
#include "kernels_body.inc"

}  // namespace

const IsaKernels kAvx512Kernels = DSN_KERNEL_TABLE("avx512");

}  // namespace dsn

#endif  // x86

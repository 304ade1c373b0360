// AVX-512 kernels with VNNI, AVX512_BF16 and VBMI: as kernels_avx512_vnni.cc, plus vdpbf16ps for decoding bf16 and
// fp8 rows (fp8 via vpermt2b byte lookups)
// (see bf16_dot2, fp8_dot64 in kernels_avx512_vocab.inc). A translation unit of its own, so these never reach a
// CPU without them.
#if defined(__x86_64__) || defined(__i386__)
#pragma GCC target("avx512f,avx512bw,avx512vl,avx512dq,avx512vnni,avx512bf16,avx512vbmi,avx2,fma,f16c")
// GCC 12 flags the deliberately undefined registers inside its own AVX-512 intrinsics.
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <immintrin.h>

#include "isa.h"

#define DSN_AVX512_VNNI 1
#define DSN_AVX512_BF16 1

namespace dsn {
namespace {

#include "kernels_avx512_vocab.inc"
#include "kernels_body.inc"

}  // namespace

const IsaKernels kAvx512Bf16Kernels = DSN_KERNEL_TABLE("avx512bf16");

}  // namespace dsn

#endif  // x86

// Picks the kernel implementation for this CPU once (or the one DEEPSEEK_NATIVE_ISA forces)
// and owns the thread pool that splits kernel calls.
#pragma once
#include <string>
#include <vector>

#include "isa.h"
#include "thread_pool.h"

namespace dsn {

// ISAs this CPU (and OS) can run, best last: always "scalar", then "avx2", "avx512".
std::vector<std::string> supportedIsas();
// The active implementation; throws std::runtime_error if DEEPSEEK_NATIVE_ISA is invalid/unsupported.
const IsaKernels& activeKernels();

int threadCount();
void setThreadCount(int n);
// parallelFor on the shared pool; callers from several JS threads (workers) take turns.
void parallel(int64_t total, int64_t align, int threads, const std::function<void(int, int64_t, int64_t)>& fn);

// parallelRanges on the shared pool.
void parallelContiguous(int64_t total, int64_t align, int threads, const std::function<void(int, int64_t, int64_t, int64_t)>& fn);

}  // namespace dsn

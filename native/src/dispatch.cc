#include "dispatch.h"

#include <sched.h>

#include <cstdlib>
#include <mutex>
#include <stdexcept>

namespace dsn {

#if defined(__x86_64__) || defined(__i386__)
static bool cpuHasAvx2() {
  return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") && __builtin_cpu_supports("f16c");
}

static bool cpuHasAvx512() {
  return cpuHasAvx2() && __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
         __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512dq");
}
static bool cpuHasAvx512Vnni() { return cpuHasAvx512() && __builtin_cpu_supports("avx512vnni"); }
static bool cpuHasAvx512Bf16() {
  return cpuHasAvx512Vnni() && __builtin_cpu_supports("avx512bf16") && __builtin_cpu_supports("avx512vbmi");
}
#else  // other CPUs run the portable kernels; the x86 tables are never referenced
static bool cpuHasAvx2() { return false; }
static bool cpuHasAvx512() { return false; }
static bool cpuHasAvx512Vnni() { return false; }
static bool cpuHasAvx512Bf16() { return false; }
#define kAvx2Kernels kScalarKernels
#define kAvx512Kernels kScalarKernels
#define kAvx512VnniKernels kScalarKernels
#define kAvx512Bf16Kernels kScalarKernels
#endif

std::vector<std::string> supportedIsas() {
  std::vector<std::string> out{"scalar"};
  if (cpuHasAvx2()) out.push_back("avx2");
  if (cpuHasAvx512()) out.push_back("avx512");
  if (cpuHasAvx512Vnni()) out.push_back("avx512vnni");
  if (cpuHasAvx512Bf16()) out.push_back("avx512bf16");
  return out;
}

static const IsaKernels* chooseKernels() {
  const char* forced = std::getenv("DEEPSEEK_NATIVE_ISA");
  const std::string want = forced ? forced : "";
  if (want.empty())
    return cpuHasAvx512Bf16() ? &kAvx512Bf16Kernels : cpuHasAvx512Vnni() ? &kAvx512VnniKernels
           : cpuHasAvx512()   ? &kAvx512Kernels : cpuHasAvx2() ? &kAvx2Kernels : &kScalarKernels;
  struct Choice { const char* name; bool (*supported)(); const IsaKernels* table; };
  const Choice choices[] = {{"avx2", cpuHasAvx2, &kAvx2Kernels}, {"avx512", cpuHasAvx512, &kAvx512Kernels},
                            {"avx512vnni", cpuHasAvx512Vnni, &kAvx512VnniKernels},
                            {"avx512bf16", cpuHasAvx512Bf16, &kAvx512Bf16Kernels}};
  if (want == "scalar") return &kScalarKernels;
  for (const Choice& c : choices) {
    if (want != c.name) continue;
    if (!c.supported()) throw std::runtime_error("DEEPSEEK_NATIVE_ISA=" + want + ": this CPU does not support it");
    return c.table;
  }
  throw std::runtime_error("DEEPSEEK_NATIVE_ISA='" + want + "' is not one of scalar, avx2, avx512, avx512vnni, avx512bf16");
}

const IsaKernels& activeKernels() {
  static const IsaKernels* chosen = chooseKernels();
  return *chosen;
}

// Cores this process may run on (respects taskset/cgroup affinity), at least 1.
static int defaultThreads() {
#ifdef __linux__
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof(set), &set) == 0) {
    const int n = CPU_COUNT(&set);
    if (n > 0) return n;
  }
#endif
  const unsigned n = std::thread::hardware_concurrency();
  return n ? (int)n : 1;
}

// Never destroyed at process exit: joining workers from static destructors can deadlock.
static ThreadPool*& poolSlot() {
  static ThreadPool* p = nullptr;
  return p;
}

// Guards the pool: it is shared by every JS thread that loaded the addon.
static std::mutex& poolMutex() {
  static std::mutex mu;
  return mu;
}

static ThreadPool& poolLocked() {
  if (!poolSlot()) poolSlot() = new ThreadPool(defaultThreads());
  return *poolSlot();
}

int threadCount() {
  std::lock_guard<std::mutex> lock(poolMutex());
  return poolLocked().size();
}

void setThreadCount(int n) {
  std::lock_guard<std::mutex> lock(poolMutex());
  if (poolSlot() && poolSlot()->size() == n) return;
  delete poolSlot();
  poolSlot() = new ThreadPool(n);
}

void parallel(int64_t total, int64_t align, int threads, const std::function<void(int, int64_t, int64_t)>& fn) {
  if (threads <= 1) {  // single-threaded calls need no pool
    if (total > 0) fn(0, 0, total);
    return;
  }
  std::lock_guard<std::mutex> lock(poolMutex());
  parallelFor(poolLocked(), total, align, threads, fn);
}

void parallelContiguous(int64_t total, int64_t align, int threads, const std::function<void(int, int64_t, int64_t, int64_t)>& fn) {
  if (threads <= 1) {
    if (total > 0) fn(0, 0, total, total);
    return;
  }
  std::lock_guard<std::mutex> lock(poolMutex());
  parallelRanges(poolLocked(), total, align, threads, fn);
}

}  // namespace dsn

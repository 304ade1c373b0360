#include "thread_pool.h"

#include <chrono>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define DSN_PAUSE() _mm_pause()
#else
#define DSN_PAUSE() std::this_thread::yield()
#endif

namespace dsn {

// Workers spin this long after a job before sleeping: token-by-token decoding issues
// hundreds of small kernels back to back, and a futex wake-up costs more than the kernel.
static constexpr auto kSpin = std::chrono::microseconds(200);

ThreadPool::ThreadPool(int threads) {
  for (int i = 1; i < threads; ++i) workers_.emplace_back([this, i] { workerLoop(i); });
}

ThreadPool::~ThreadPool() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
    generation_.fetch_add(1);
  }
  wake_.notify_all();
  for (auto& t : workers_) t.join();
}

void ThreadPool::run(int n, const std::function<void(int)>& job) {
  if (n > size()) n = size();
  if (n <= 1) {
    job(0);
    return;
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    job_ = &job;
    active_ = n;
    pending_.store(n - 1);
    generation_.fetch_add(1, std::memory_order_release);
  }
  wake_.notify_all();
  job(0);
  // Spin for the stragglers, yielding once it takes long: on an oversubscribed machine the
  // straggler may be waiting for this very core.
  for (int spins = 0; pending_.load(std::memory_order_acquire) != 0; ++spins) {
    if (spins < 4096) DSN_PAUSE();
    else std::this_thread::yield();
  }
}

void ThreadPool::workerLoop(int id) {
  uint64_t seen = 0;
  for (;;) {
    // Spin briefly for the next job, then sleep.
    auto until = std::chrono::steady_clock::now() + kSpin;
    int spins = 0;
    while (generation_.load(std::memory_order_acquire) == seen) {
      DSN_PAUSE();
      if (++spins % 256 == 0 && std::chrono::steady_clock::now() > until) break;
    }
    const std::function<void(int)>* job;
    int active;
    {
      std::unique_lock<std::mutex> lock(mu_);
      wake_.wait(lock, [&] { return generation_.load() != seen; });
      seen = generation_.load();
      if (stop_) return;
      job = job_;
      active = active_;
    }
    if (id < active) {
      (*job)(id);
      pending_.fetch_sub(1, std::memory_order_acq_rel);
    }
  }
}

void parallelFor(ThreadPool& pool, int64_t total, int64_t align, int threads,
                 const std::function<void(int, int64_t, int64_t)>& fn) {
  if (total <= 0) return;
  const int64_t units = (total + align - 1) / align;
  int n = threads < pool.size() ? threads : pool.size();
  if (n > units) n = (int)units;
  if (n <= 1) {
    fn(0, 0, total);
    return;
  }
  pool.run(n, [&](int t) {
    const int64_t b = units * t / n * align, e = units * (t + 1) / n * align;
    fn(t, b, e < total ? e : total);
  });
}

}  // namespace dsn

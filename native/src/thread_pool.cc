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
  uint64_t tag;
  {
    std::lock_guard<std::mutex> lock(mu_);
    job_ = &job;
    active_ = n;
    tag = (generation_.load() + 1) & 0xffffffffu;
    entered_.store(tag << 32, std::memory_order_release);
    generation_.fetch_add(1, std::memory_order_release);
  }
  wake_.notify_all();
  job(0);
  // Close the job, then wait for the workers inside it, yielding once it takes long: on an
  // oversubscribed machine the straggler may be waiting for this very core.
  entered_.fetch_or(kClosed, std::memory_order_acq_rel);
  for (int spins = 0; (entered_.load(std::memory_order_acquire) & (kClosed - 1)) != 0; ++spins) {
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
    if (id >= active) continue;
    // Enter only the job of the generation just seen, and only while it is open.
    const uint64_t tag = seen & 0xffffffffu;
    uint64_t cur = entered_.load(std::memory_order_acquire);
    bool inside = false;
    while ((cur >> 32) == tag && !(cur & kClosed)) {
      if (entered_.compare_exchange_weak(cur, cur + 1, std::memory_order_acq_rel)) { inside = true; break; }
    }
    if (!inside) continue;
    (*job)(id);
    entered_.fetch_sub(1, std::memory_order_acq_rel);
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
  // A few chunks per participant: fine enough to rebalance, coarse enough that the counter is cheap.
  const int64_t chunks = units < (int64_t)n * 8 ? units : (int64_t)n * 8;
  std::atomic<int64_t> next{0};
  pool.run(n, [&](int t) {
    for (int64_t c; (c = next.fetch_add(1, std::memory_order_relaxed)) < chunks;) {
      const int64_t b = units * c / chunks * align, e = units * (c + 1) / chunks * align;
      fn(t, b, e < total ? e : total);
    }
  });
}

void parallelRanges(ThreadPool& pool, int64_t total, int64_t align, int threads,
                    const std::function<void(int, int64_t, int64_t, int64_t)>& fn) {
  if (total <= 0) return;
  const int64_t units = (total + align - 1) / align;
  int n = threads < pool.size() ? threads : pool.size();
  if (n > units) n = (int)units;
  if (n <= 1 || units >= (int64_t(1) << 31)) {
    fn(0, 0, total, total);
    return;
  }
  // Range t: [front, back) in units, packed front << 32 | back, so that one compare-and-swap claims a piece.
  struct alignas(64) Range {
    std::atomic<uint64_t> fb;
  };
  std::vector<Range> ranges((size_t)n);
  for (int t = 0; t < n; ++t) ranges[t].fb.store((uint64_t)(units * t / n) << 32 | (uint64_t)(units * (t + 1) / n));
  const int64_t minPiece = units / (n * 32) > 1 ? units / (n * 32) : 1;
  auto rowsOf = [&](int64_t u) { return u * align < total ? u * align : total; };
  pool.run(n, [&](int t) {
    // Own range from its front: half of what is left (at least minPiece), so the stream runs on with few breaks.
    for (uint64_t cur = ranges[t].fb.load(std::memory_order_acquire);;) {
      const int64_t f = (int64_t)(cur >> 32), b = (int64_t)(cur & 0xffffffffu);
      if (f >= b) break;
      int64_t take = (b - f) / 2 > minPiece ? (b - f) / 2 : minPiece;
      if (take > b - f) take = b - f;
      const uint64_t next = (uint64_t)(f + take) << 32 | (uint64_t)b;
      if (!ranges[t].fb.compare_exchange_weak(cur, next, std::memory_order_acq_rel)) continue;
      fn(t, rowsOf(f), rowsOf(f + take), rowsOf(b));
      cur = ranges[t].fb.load(std::memory_order_acquire);
    }
    // Then the others' ranges from their backs: half of what is left, at least minPiece.
    for (int d = 1; d < n; ++d) {
      Range& r = ranges[(t + d) % n];
      for (uint64_t cur = r.fb.load(std::memory_order_acquire);;) {
        const int64_t f = (int64_t)(cur >> 32), b = (int64_t)(cur & 0xffffffffu);
        if (f >= b) break;
        int64_t take = (b - f) / 2 > minPiece ? (b - f) / 2 : minPiece;
        if (take > b - f) take = b - f;
        const uint64_t next = (uint64_t)f << 32 | (uint64_t)(b - take);
        if (!r.fb.compare_exchange_weak(cur, next, std::memory_order_acq_rel)) continue;
        fn(t, rowsOf(b - take), rowsOf(b), rowsOf(b));
        cur = r.fb.load(std::memory_order_acquire);
      }
    }
  });
}

}  // namespace dsn

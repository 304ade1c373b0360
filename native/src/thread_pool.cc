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
// Long enough to outlast the pause between two decoded tokens (sampling, the event loop, the
// next embedding: 0.2-1 ms): with 200 µs the workers slept there, and the first call of each
// token paid their wake-up (int8, 2 threads: that call's median 271-327 µs against 194-214 µs
// for the same call later in the token; 195-209 µs with this spin).
static constexpr auto kSpin = std::chrono::microseconds(2000);

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
  // Each range is cut into pieces at fixed places: every piece is half of what the range has left after the
  // pieces before it (at least minPiece). The cuts depend only on the range, so every row lies in the same piece,
  // read the same way (stretches), whichever thread takes it and whenever: results do not depend on timing.
  constexpr int kMaxPieces = 40;  // a range is < 32 minPieces + n, so halving makes at most ~8 pieces
  struct alignas(64) Range {
    std::atomic<uint64_t> fb;  // index of the next piece from the front << 32 | one past the last piece left
    int64_t cuts[kMaxPieces + 1];
  };
  std::vector<Range> ranges((size_t)n);
  const int64_t minPiece = units / (n * 32) > 1 ? units / (n * 32) : 1;
  for (int t = 0; t < n; ++t) {
    Range& r = ranges[t];
    const int64_t end = units * (t + 1) / n;
    int pieces = 0;
    r.cuts[0] = units * t / n;
    for (int64_t f = r.cuts[0]; f < end; r.cuts[++pieces] = f) {
      const int64_t half = (end - f) / 2 > minPiece ? (end - f) / 2 : minPiece;
      f += half < end - f ? half : end - f;
    }
    r.fb.store((uint64_t)pieces);
  }
  auto rowsOf = [&](int64_t u) { return u * align < total ? u * align : total; };
  // Takes the next piece of range r from its front (its owner) or its back (another thread), if one is left.
  auto claim = [](Range& r, bool front, int64_t* piece) {
    for (uint64_t cur = r.fb.load(std::memory_order_acquire);;) {
      const uint64_t f = cur >> 32, b = cur & 0xffffffffu;
      if (f >= b) return false;
      const uint64_t next = front ? (f + 1) << 32 | b : f << 32 | (b - 1);
      if (r.fb.compare_exchange_weak(cur, next, std::memory_order_acq_rel)) {
        *piece = front ? (int64_t)f : (int64_t)b - 1;
        return true;
      }
    }
  };
  pool.run(n, [&](int t) {
    // Own range from its front, big pieces first, so the stream runs on with few breaks; the rows up to the
    // range's last piece not yet taken are likely next.
    for (int64_t i; claim(ranges[t], true, &i);) {
      const int64_t left = (int64_t)(ranges[t].fb.load(std::memory_order_relaxed) & 0xffffffffu);
      fn(t, rowsOf(ranges[t].cuts[i]), rowsOf(ranges[t].cuts[i + 1]), rowsOf(ranges[t].cuts[left > i + 1 ? left : i + 1]));
    }
    // Then the others' ranges from their backs, small pieces first.
    for (int d = 1; d < n; ++d) {
      Range& r = ranges[(t + d) % n];
      for (int64_t i; claim(r, false, &i);) fn(t, rowsOf(r.cuts[i]), rowsOf(r.cuts[i + 1]), rowsOf(r.cuts[i + 1]));
    }
  });
}

}  // namespace dsn

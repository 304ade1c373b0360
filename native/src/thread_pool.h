// Persistent worker threads for splitting one kernel call across cores; the calling thread
// takes part as worker 0, so a pool of n threads starts n-1.
#pragma once
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace dsn {

class ThreadPool {
 public:
  explicit ThreadPool(int threads);
  ~ThreadPool();
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  int size() const { return (int)workers_.size() + 1; }
  // Runs job(t) for t in [0, n) (n ≤ size()) and returns when all have finished.
  void run(int n, const std::function<void(int)>& job);

 private:
  void workerLoop(int id);

  std::vector<std::thread> workers_;
  std::mutex mu_;
  std::condition_variable wake_;
  std::atomic<uint64_t> generation_{0};
  // Who is inside the current job: generation tag (high 32 bits) | kClosed | count of workers inside.
  // The caller closes the job when its own share is done and waits only for workers already inside,
  // so a worker the OS has not scheduled yet never delays the call (it finds the job closed and skips it).
  std::atomic<uint64_t> entered_{0};
  static constexpr uint64_t kClosed = uint64_t(1) << 31;
  const std::function<void(int)>* job_ = nullptr;
  int active_ = 0;
  bool stop_ = false;
};

// Splits [0, total) into chunks whose boundaries are multiples of `align` and runs fn(t, begin, end)
// on each, up to `threads` participants taking chunks from a shared counter (dynamic scheduling: on a
// busy machine the caller does the work of descheduled workers instead of waiting for them).
// Runs inline when one chunk suffices.
void parallelFor(ThreadPool& pool, int64_t total, int64_t align, int threads,
                 const std::function<void(int, int64_t, int64_t)>& fn);

// Splits [0, total) (boundaries multiples of `align`) into one contiguous range per participant, each cut at
// fixed places into shrinking pieces and read from its front; a participant done with its own range takes
// pieces from the backs of the others'. The pieces depend only on (total, align, participants), never on
// timing. fn(t, begin, end, ahead): rows [begin, end) now, and [end, ahead) likely next for this thread.
void parallelRanges(ThreadPool& pool, int64_t total, int64_t align, int threads,
                    const std::function<void(int, int64_t, int64_t, int64_t)>& fn);

}  // namespace dsn

// The addon's own threads for its C++ loops (im2col, elementwise, pooling, convolutions split over
// the batch). BLAS keeps its own threads; both are sized by TESSERA_NUM_THREADS. The caller of
// `Run` takes part in the work, so a pool of size N starts N - 1 helper threads.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <exception>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace tessera {

class ThreadPool {
 public:
  explicit ThreadPool(int threads);
  ~ThreadPool();
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  int size() const { return size_; }
  // Runs fn(t) for every t in [0, tasks) on the pool and waits; rethrows the first exception.
  // Only one thread at a time may call Run (the device executes one command at a time).
  void Run(int64_t tasks, const std::function<void(int64_t)>& fn);

 private:
  void Loop();
  void Work();

  int size_;
  std::vector<std::thread> threads_;
  std::mutex mu_;
  std::condition_variable start_cv_, done_cv_;
  uint64_t generation_ = 0;
  bool stop_ = false;
  int active_ = 0;
  const std::function<void(int64_t)>* fn_ = nullptr;
  int64_t tasks_ = 0;
  std::atomic<int64_t> next_{0};
  std::exception_ptr error_;
};

// fn(begin, end) over [0, n) in chunks of at least `grain` items, at most one chunk per thread
// times 4 (for balance). Runs inline when the range is too small to be worth waking threads.
void ParallelFor(ThreadPool& pool, int64_t n, int64_t grain,
                 const std::function<void(int64_t, int64_t)>& fn);

// While alive, BLAS runs single-threaded (for work already split across the pool's threads).
class BlasSingleThreaded {
 public:
  explicit BlasSingleThreaded(int restoreTo);
  ~BlasSingleThreaded();

 private:
  int restore_;
};

void SetBlasThreads(int n);
std::string BlasInfo();

}  // namespace tessera

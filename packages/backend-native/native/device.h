// Storage and execution: pooled native buffers, an id table, and a FIFO command queue run by one
// worker thread. See addon.cc for the design and why it is shaped this way.
#pragma once

#include <napi.h>

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <vector>

#include "args.h"
#include "parallel.h"

namespace tessera {

// Memory blocks recycled by size class (steps of 1/8 of a power of two), so a training loop that
// allocates the same shapes every step touches fresh memory only in its first step.
class BlockPool {
 public:
  ~BlockPool();
  void* Acquire(size_t bytes, size_t* capacity);  // throws std::bad_alloc
  void Release(void* p, size_t capacity);         // any thread
  void Trim();
  int64_t pooledBytes() const;
  // Bytes of buffers JS has disposed that queued commands still read.
  std::atomic<int64_t> pendingBytes{0};

 private:
  mutable std::mutex mu_;
  std::unordered_map<size_t, std::vector<void*>> free_;
  int64_t pooled_ = 0;
};

enum BufferState : int { kPending = 0, kReady = 1, kFailed = 2 };

// One tensor's storage. Immutable once its producing command has run (state kReady).
struct Buffer {
  Buffer(BlockPool* pool, int64_t numel, DType dtype);
  ~Buffer();
  Buffer(const Buffer&) = delete;
  Buffer& operator=(const Buffer&) = delete;
  template <class T>
  T* data() const { return static_cast<T*>(ptr); }
  int64_t bytes() const { return numel * 4; }

  const int64_t numel;
  const DType dtype;
  BlockPool* const pool;
  void* ptr = nullptr;
  size_t capacity = 0;
  int64_t id = 0;
  bool disposed = false;  // set by the main thread before it drops its reference
  std::atomic<int> state{kPending};
  std::string error;  // written before state becomes kFailed
};
using BufferRef = std::shared_ptr<Buffer>;

struct Command {
  BufferRef out;              // null for markers (read notifications, trim)
  std::vector<BufferRef> in;  // kept alive until the command has run
  std::function<void()> run;
};

class Device;
// Runs on the main thread when the worker passes a read marker (env is null at teardown).
void OnMarker(Napi::Env env, Napi::Function, Device* self, uint64_t* token);
using MarkerTsfn = Napi::TypedThreadSafeFunction<Device, uint64_t, OnMarker>;

class Device {
 public:
  explicit Device(Napi::Env env);
  ~Device();
  static Device& Get(Napi::Env env);
  void Shutdown();  // stop and join every thread; idempotent

  // ---- storage (main thread) ----
  BufferRef Allocate(int64_t numel, DType dtype, const char* op);
  // The live buffer whose id is argument i; a BackendError if it was disposed or never existed.
  BufferRef Input(const Args& a, size_t i, const char* name) { return Find(a, a.At(i), name); }
  BufferRef Find(const Args& a, const Napi::Value& id, const std::string& name);
  void Dispose(int64_t id, const char* op);
  Napi::Object Memory(Napi::Env env) const;
  void SetMaxBytes(int64_t bytes) { maxBytes_ = bytes; }

  // ---- execution ----
  // Queue `run` (which fills `out` from `in`) behind every earlier command. With the queue empty
  // and `work` (about one unit per scalar operation) small, it runs at once on the caller.
  void Submit(BufferRef out, std::vector<BufferRef> in, double work, std::function<void()> run);
  void WaitFor(const Buffer& b);  // block until b's producer has run
  void WaitIdle();
  Napi::Value Read(Napi::Env env, const BufferRef& b);      // Promise<TypedArray>
  Napi::Value ReadSync(Napi::Env env, const BufferRef& b);  // TypedArray, waits
  Napi::Value WhenIdle(Napi::Env env);                      // Promise<undefined>
  void Trim();
  void SetThreads(int n);
  int threads() const { return threads_; }

  // ---- for kernels (on whichever thread runs the command) ----
  ThreadPool& pool() { return *pool_; }
  // A per-slot scratch area reused across commands (only one command runs at a time).
  float* Scratch(int slot, size_t floats);

 private:
  friend void OnMarker(Napi::Env env, Napi::Function, Device* self, uint64_t* token);
  void ResolveMarker(Napi::Env env, uint64_t token);
  void WorkerLoop();
  void Execute(Command& c);
  uint64_t AddMarker(Napi::Env env, BufferRef b, Napi::Promise::Deferred d);
  static Napi::Value CopyOut(Napi::Env env, const Buffer& b);

  BlockPool blocks_;
  std::unordered_map<int64_t, BufferRef> table_;
  int64_t nextId_ = 1;
  int64_t liveBytes_ = 0, liveBuffers_ = 0, maxBytes_ = 0;

  std::unique_ptr<ThreadPool> pool_;
  int threads_ = 1;
  struct ScratchBlock {
    float* ptr = nullptr;
    size_t floats = 0;
  };
  std::vector<ScratchBlock> scratch_;
  std::atomic<int64_t> scratchBytes_{0};

  std::mutex mu_;
  std::condition_variable wake_cv_, idle_cv_;
  std::deque<Command> queue_;
  std::atomic<size_t> queued_{0};  // queue_.size(), readable without the lock
  std::atomic<bool> busy_{false};  // written under mu_
  bool stop_ = false, shutdown_ = false;
  std::thread worker_;

  MarkerTsfn tsfn_;
  struct PendingRead {
    Napi::Promise::Deferred deferred;
    BufferRef buffer;  // null: resolve with undefined (whenIdle)
  };
  std::unordered_map<uint64_t, PendingRead> pending_;
  uint64_t nextToken_ = 1;
};

// Argument checks shared by the op files.
void ExpectElements(const Args& a, const Buffer& b, const char* name, int64_t numel, const Shape& shape);
void ExpectDtype(const Args& a, const Buffer& b, const char* name, DType dtype);
Napi::Value IdOf(Napi::Env env, const BufferRef& b);

}  // namespace tessera

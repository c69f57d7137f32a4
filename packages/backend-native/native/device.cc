#include "device.h"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <new>
#include <set>
#include <stdexcept>

namespace tessera {

// ---------------------------------------------------------------- block pool

static size_t SizeClass(size_t bytes) {
  if (bytes == 0) return 0;
  if (bytes <= 4096) return (bytes + 63) & ~size_t(63);
  size_t p = size_t(1) << (63 - __builtin_clzll(bytes));
  size_t step = p / 8;
  return (bytes + step - 1) / step * step;
}

// Pooled bytes above this go back to the system (trim() releases everything).
static constexpr int64_t kMaxPooledBytes = int64_t(1) << 30;

BlockPool::~BlockPool() { Trim(); }

void* BlockPool::Acquire(size_t bytes, size_t* capacity) {
  size_t cls = SizeClass(bytes);
  *capacity = cls;
  if (cls == 0) return nullptr;
  {
    std::lock_guard<std::mutex> lk(mu_);
    auto it = free_.find(cls);
    if (it != free_.end() && !it->second.empty()) {
      void* p = it->second.back();
      it->second.pop_back();
      pooled_ -= static_cast<int64_t>(cls);
      return p;
    }
  }
  void* p = std::aligned_alloc(64, cls);
  if (!p) throw std::bad_alloc();
  return p;
}

void BlockPool::Release(void* p, size_t capacity) {
  if (!p) return;
  {
    std::lock_guard<std::mutex> lk(mu_);
    if (pooled_ + static_cast<int64_t>(capacity) <= kMaxPooledBytes) {
      free_[capacity].push_back(p);
      pooled_ += static_cast<int64_t>(capacity);
      return;
    }
  }
  std::free(p);
}

void BlockPool::Trim() {
  std::lock_guard<std::mutex> lk(mu_);
  for (auto& kv : free_) {
    for (void* p : kv.second) std::free(p);
  }
  free_.clear();
  pooled_ = 0;
}

int64_t BlockPool::pooledBytes() const {
  std::lock_guard<std::mutex> lk(mu_);
  return pooled_;
}

Buffer::Buffer(BlockPool* p, int64_t n, DType d) : numel(n), dtype(d), pool(p) {
  ptr = pool->Acquire(static_cast<size_t>(n) * 4, &capacity);
}

Buffer::~Buffer() {
  if (disposed) pool->pendingBytes.fetch_sub(bytes());
  pool->Release(ptr, capacity);
}

// ---------------------------------------------------------------- device lifetime

// Devices still running, stopped by an atexit handler: process.exit() skips N-API cleanup hooks,
// and a worker thread still inside BLAS while the C runtime tears down would crash the exit.
static std::mutex g_devices_mu;
static std::set<Device*>* g_devices = new std::set<Device*>();

static void StopAllAtExit() {
  std::vector<Device*> all;
  {
    std::lock_guard<std::mutex> lk(g_devices_mu);
    all.assign(g_devices->begin(), g_devices->end());
  }
  for (Device* d : all) d->Shutdown();
}

Device::Device(Napi::Env env) {
  static bool atexitRegistered = (std::atexit(StopAllAtExit), true);
  (void)atexitRegistered;
  threads_ = std::max(1u, std::thread::hardware_concurrency());
  pool_ = std::make_unique<ThreadPool>(threads_);
  SetBlasThreads(threads_);
  tsfn_ = MarkerTsfn::New(env, "tessera-native", 0, 1, this);
  tsfn_.Unref(env);  // an idle backend must not keep the process alive
  worker_ = std::thread([this] { WorkerLoop(); });
  std::lock_guard<std::mutex> lk(g_devices_mu);
  g_devices->insert(this);
}

Device::~Device() {
  Shutdown();
  std::lock_guard<std::mutex> lk(g_devices_mu);
  g_devices->erase(this);
}

Device& Device::Get(Napi::Env env) { return *env.GetInstanceData<Device>(); }

void Device::Shutdown() {
  {
    std::lock_guard<std::mutex> lk(mu_);
    if (shutdown_) return;
    shutdown_ = stop_ = true;
  }
  wake_cv_.notify_all();
  if (worker_.joinable()) worker_.join();
  queue_.clear();
  pool_.reset();
  for (auto& s : scratch_) std::free(s.ptr);
  scratch_.clear();
  // The thread-safe function is closed by Node itself when the environment is torn down.
}

// ---------------------------------------------------------------- storage

BufferRef Device::Allocate(int64_t numel, DType dtype, const char* op) {
  if (numel < 0 || numel > kMaxElements) Fail(ErrKind::Shape, std::string(op) + ": invalid output size");
  int64_t bytes = numel * 4;
  if (maxBytes_ > 0 && liveBytes_ + blocks_.pendingBytes.load() + bytes > maxBytes_) {
    Fail(ErrKind::Backend, std::string(op) + ": allocating " + std::to_string(bytes) +
                               " bytes would pass the native memory limit of " + std::to_string(maxBytes_) +
                               " bytes (" + std::to_string(liveBytes_) + " in use)");
  }
  BufferRef b;
  try {
    b = std::make_shared<Buffer>(&blocks_, numel, dtype);
  } catch (const std::bad_alloc&) {
    blocks_.Trim();  // give pooled blocks back and try once more
    try {
      b = std::make_shared<Buffer>(&blocks_, numel, dtype);
    } catch (const std::bad_alloc&) {
      Fail(ErrKind::Backend, std::string(op) + ": out of memory allocating " + std::to_string(bytes) + " bytes");
    }
  }
  b->id = nextId_++;
  table_.emplace(b->id, b);
  liveBytes_ += bytes;
  liveBuffers_++;
  return b;
}

BufferRef Device::Find(const Args& a, const Napi::Value& idValue, const std::string& name) {
  int64_t id = a.IntValue(idValue, name, 1, kMaxId);
  auto it = table_.find(id);
  if (it == table_.end()) {
    a.Bad(ErrKind::Backend, "'" + name + "' refers to buffer " + std::to_string(id) +
                                ", which is not live (disposed, or never created by this backend)");
  }
  return it->second;
}

void Device::Dispose(int64_t id, const char* op) {
  auto it = table_.find(id);
  if (it == table_.end()) {
    Fail(ErrKind::Backend, std::string(op) + ": buffer " + std::to_string(id) + " is not live (disposed twice?)");
  }
  BufferRef b = std::move(it->second);
  table_.erase(it);
  liveBytes_ -= b->bytes();
  liveBuffers_--;
  // Queued commands may still read it; they hold references, and the block returns to the pool
  // when the last of them has run.
  b->disposed = true;
  blocks_.pendingBytes.fetch_add(b->bytes());
}

Napi::Object Device::Memory(Napi::Env env) const {
  Napi::Object o = Napi::Object::New(env);
  o.Set("numBytes", Napi::Number::New(env, static_cast<double>(liveBytes_)));
  o.Set("numBuffers", Napi::Number::New(env, static_cast<double>(liveBuffers_)));
  o.Set("pooledBytes", Napi::Number::New(env, static_cast<double>(blocks_.pooledBytes())));
  o.Set("pendingBytes", Napi::Number::New(env, static_cast<double>(blocks_.pendingBytes.load())));
  o.Set("scratchBytes", Napi::Number::New(env, static_cast<double>(scratchBytes_.load())));
  return o;
}

float* Device::Scratch(int slot, size_t floats) {
  if (slot < 0) throw std::bad_alloc();
  // A band panel needs at least one output row of columns; past 2 GiB the geometry is absurd.
  if (floats > (size_t(1) << 29)) throw std::length_error("scratch space over 2 GiB requested");
  if (static_cast<size_t>(slot) >= scratch_.size()) scratch_.resize(slot + 1);
  ScratchBlock& s = scratch_[slot];
  if (s.floats < floats) {
    size_t bytes = (floats * 4 + 63) & ~size_t(63);
    void* p = std::aligned_alloc(64, bytes);
    if (!p) throw std::bad_alloc();
    std::free(s.ptr);
    scratchBytes_ += static_cast<int64_t>(bytes) - static_cast<int64_t>(s.floats * 4);
    s.ptr = static_cast<float*>(p);
    s.floats = bytes / 4;
  }
  return s.ptr;
}

// ---------------------------------------------------------------- execution

// Below this many scalar operations a command on an idle device runs on the caller: waking the
// worker would cost more than the work.
static constexpr double kInlineWork = 32768;

// JS may run at most this many commands ahead of the worker; past that, Submit waits until the
// queue has drained to half. Without a bound, a loop that never reads its results keeps every
// queued output, and every input it disposed, alive at once (a benchmark loop of 200 conv2d calls
// held all 200 outputs of 4.7 MB), and fresh memory is slow to touch.
static constexpr size_t kMaxQueued = 64;

void Device::Submit(BufferRef out, std::vector<BufferRef> in, double work, std::function<void()> run) {
  Command c{std::move(out), std::move(in), std::move(run)};
  {
    std::unique_lock<std::mutex> lk(mu_);
    if (!(queue_.empty() && !busy_ && work <= kInlineWork)) {
      if (queue_.size() >= kMaxQueued) {
        idle_cv_.wait(lk, [&] { return stop_ || queue_.size() <= kMaxQueued / 2; });
      }
      queue_.push_back(std::move(c));
      queued_.store(queue_.size(), std::memory_order_release);
      lk.unlock();
      wake_cv_.notify_one();
      return;
    }
  }
  // Idle device: every earlier command has run, and the worker stays asleep until we queue more.
  Execute(c);
}

void Device::Execute(Command& c) {
  std::string failure;
  for (auto& b : c.in) {
    if (b->state.load(std::memory_order_acquire) == kFailed) {
      failure = "an input failed: " + b->error;
      break;
    }
  }
  if (failure.empty()) {
    try {
      c.run();
    } catch (const std::bad_alloc&) {
      failure = "out of memory for scratch space";
    } catch (const std::exception& e) {
      failure = e.what();
    } catch (...) {
      failure = "unknown failure";
    }
  }
  if (c.out) {
    if (failure.empty()) {
      c.out->state.store(kReady, std::memory_order_release);
    } else {
      c.out->error = failure;
      c.out->state.store(kFailed, std::memory_order_release);
    }
  }
}

// After running a command the worker polls for this long before sleeping: in a stream of kernels
// the next one usually arrives within microseconds, and a sleeping thread takes far longer to
// wake (tens of microseconds on a busy machine). Yielding keeps the poll cheap for other threads.
static constexpr auto kPollAfterWork = std::chrono::microseconds(50);

void Device::WorkerLoop() {
  for (;;) {
    Command c;
    if (queued_.load(std::memory_order_acquire) == 0) {
      auto until = std::chrono::steady_clock::now() + kPollAfterWork;
      while (queued_.load(std::memory_order_acquire) == 0 && std::chrono::steady_clock::now() < until) {
        std::this_thread::yield();
      }
    }
    {
      std::unique_lock<std::mutex> lk(mu_);
      wake_cv_.wait(lk, [&] { return stop_ || !queue_.empty(); });
      if (stop_) return;
      c = std::move(queue_.front());
      queue_.pop_front();
      // busy_ before queued_: WaitIdle polls both without the lock, and must never see the
      // queue empty while the command it held is not yet marked as running (it returned early
      // when these two stores were the other way round: a 256^3 sgemm "took" 5 microseconds).
      busy_.store(true, std::memory_order_release);
      queued_.store(queue_.size(), std::memory_order_release);
    }
    Execute(c);
    c = Command{};  // drop references: disposed inputs go back to the pool here
    {
      std::lock_guard<std::mutex> lk(mu_);
      busy_ = false;
    }
    idle_cv_.notify_all();
  }
}

// Waiting threads poll this long before sleeping, for short queued work.
static constexpr auto kPollBeforeSleep = std::chrono::microseconds(10);

template <class Done>
static bool PollFor(Done done) {
  auto until = std::chrono::steady_clock::now() + kPollBeforeSleep;
  while (!done()) {
    if (std::chrono::steady_clock::now() >= until) return false;
    std::this_thread::yield();
  }
  return true;
}

void Device::WaitFor(const Buffer& b) {
  if (PollFor([&] { return b.state.load(std::memory_order_acquire) != kPending; })) return;
  std::unique_lock<std::mutex> lk(mu_);
  idle_cv_.wait(lk, [&] { return stop_ || b.state.load(std::memory_order_acquire) != kPending; });
}

void Device::WaitIdle() {
  if (PollFor([&] { return queued_.load(std::memory_order_acquire) == 0 && !busy_.load(std::memory_order_acquire); })) return;
  std::unique_lock<std::mutex> lk(mu_);
  idle_cv_.wait(lk, [&] { return stop_ || (queue_.empty() && !busy_); });
}

Napi::Value Device::CopyOut(Napi::Env env, const Buffer& b) {
  size_t bytes = static_cast<size_t>(b.bytes());
  Napi::ArrayBuffer ab = Napi::ArrayBuffer::New(env, bytes);
  if (bytes > 0) std::memcpy(ab.Data(), b.ptr, bytes);
  size_t n = static_cast<size_t>(b.numel);
  if (b.dtype == DType::F32) return Napi::Float32Array::New(env, n, ab, 0);
  return Napi::Int32Array::New(env, n, ab, 0);
}

static std::string FailureText(const Buffer& b) {
  return "computing buffer " + std::to_string(b.id) + " failed: " + b.error;
}

Napi::Value Device::ReadSync(Napi::Env env, const BufferRef& b) {
  WaitFor(*b);
  if (b->state.load(std::memory_order_acquire) != kReady) Fail(ErrKind::Backend, "readSync: " + FailureText(*b));
  return CopyOut(env, *b);
}

uint64_t Device::AddMarker(Napi::Env env, BufferRef b, Napi::Promise::Deferred d) {
  uint64_t token = nextToken_++;
  pending_.emplace(token, PendingRead{d, std::move(b)});
  if (pending_.size() == 1) tsfn_.Ref(env);  // keep the process alive until it resolves
  Submit(nullptr, {}, 0, [this, token] {
    // napi_closing at teardown: nobody is left to resolve, so the token is dropped.
    if (tsfn_.NonBlockingCall(new uint64_t(token)) != napi_ok) {
      // NonBlockingCall only fails while closing; the allocation is abandoned with the process.
    }
  });
  return token;
}

Napi::Value Device::Read(Napi::Env env, const BufferRef& b) {
  Napi::Promise::Deferred d = Napi::Promise::Deferred::New(env);
  int state = b->state.load(std::memory_order_acquire);
  if (state == kReady) {
    d.Resolve(CopyOut(env, *b));
  } else if (state == kFailed) {
    d.Reject(MakeError(env, ErrKind::Backend, "read: " + FailureText(*b)).Value());
  } else {
    AddMarker(env, b, d);
  }
  return d.Promise();
}

Napi::Value Device::WhenIdle(Napi::Env env) {
  Napi::Promise::Deferred d = Napi::Promise::Deferred::New(env);
  AddMarker(env, nullptr, d);
  return d.Promise();
}

void OnMarker(Napi::Env env, Napi::Function, Device* self, uint64_t* token) {
  uint64_t t = *token;
  delete token;
  if (env == nullptr || self == nullptr) return;  // environment teardown
  self->ResolveMarker(env, t);
}

void Device::ResolveMarker(Napi::Env env, uint64_t token) {
  auto it = pending_.find(token);
  if (it == pending_.end()) return;
  PendingRead p = std::move(it->second);
  pending_.erase(it);
  if (pending_.empty()) tsfn_.Unref(env);
  // This runs from the event loop: nothing may escape as a C++ exception.
  try {
    if (!p.buffer) {
      p.deferred.Resolve(env.Undefined());
    } else if (p.buffer->state.load(std::memory_order_acquire) == kReady) {
      p.deferred.Resolve(CopyOut(env, *p.buffer));
    } else {
      p.deferred.Reject(MakeError(env, ErrKind::Backend, "read: " + FailureText(*p.buffer)).Value());
    }
  } catch (const Napi::Error& e) {
    p.deferred.Reject(MakeError(env, ErrKind::Backend, "read: " + e.Message()).Value());
  } catch (const std::exception& e) {
    p.deferred.Reject(MakeError(env, ErrKind::Backend, std::string("read: ") + e.what()).Value());
  }
}

void Device::Trim() {
  // Queued so that scratch space is never freed under a running command.
  Submit(nullptr, {}, 0, [this] {
    for (auto& s : scratch_) std::free(s.ptr);
    scratch_.clear();
    scratchBytes_ = 0;
    blocks_.Trim();
  });
}

void Device::SetThreads(int n) {
  WaitIdle();
  threads_ = std::max(1, n);
  pool_ = std::make_unique<ThreadPool>(threads_);
  SetBlasThreads(threads_);
}

// ---------------------------------------------------------------- shared argument checks

void ExpectElements(const Args& a, const Buffer& b, const char* name, int64_t numel, const Shape& shape) {
  if (b.numel != numel) {
    a.Bad(ErrKind::Shape, std::string("'") + name + "' holds " + std::to_string(b.numel) +
                              " elements but its shape " + ShapeStr(shape) + " needs " + std::to_string(numel));
  }
}

void ExpectDtype(const Args& a, const Buffer& b, const char* name, DType dtype) {
  if (b.dtype != dtype) {
    a.Bad(ErrKind::DType, std::string("'") + name + "' must be " + DTypeName(dtype) + ", got " + DTypeName(b.dtype));
  }
}

Napi::Value IdOf(Napi::Env env, const BufferRef& b) {
  return Napi::Number::New(env, static_cast<double>(b->id));
}

}  // namespace tessera

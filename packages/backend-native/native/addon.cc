// Tessera native backend: the N-API module.
//
// Design
// ------
// The backend contract is synchronous - a kernel returns its output's DataId at once - but a big
// GEMM or convolution must not block Node's event loop. So:
//
// * Storage: every tensor is a `Buffer` in native memory, named to JS by an integer id (ids are
//   never reused; a disposed or unknown id is a clear error, never a dangling pointer). Blocks come
//   from a size-class pool and go back to it on dispose, so steady-state training allocates
//   nothing (fresh allocations per call made 2-thread sgemm erratic on this machine).
// * Execution: one FIFO command queue per Node environment, drained by one native worker thread.
//   A kernel call validates its arguments on the JS thread, allocates its output, queues a command
//   holding references to its inputs, and returns the output id. The worker runs commands in
//   order; inside a command, BLAS uses its threads and our loops use the ThreadPool, both sized
//   by TESSERA_NUM_THREADS. Small commands on an idle device run inline on the caller, since
//   waking the worker would cost more than the work.
// * Reads: `read(id)` returns a Promise; a marker queued behind the producer wakes the JS thread
//   through a thread-safe function and the data is copied out there. `readSync(id)` blocks until
//   the producer has run. `write` copies host data synchronously.
// * Dispose: drops the id at once (memory() counts it as freed), while queued commands that read
//   the buffer keep it alive through their references; its block returns to the pool after them.
// * Safety: every exported function reads its arguments through `Args` (args.h), which checks
//   types, integer ranges, shapes against buffer sizes, dtypes and geometry, and throws a JS Error
//   with a `code`. Labels and other data-dependent indices are checked inside the kernels.
#include <napi.h>

#include <cstring>

#include "args.h"
#include "device.h"
#include "ops.h"

namespace tessera {
namespace {

// write(values: Float32Array | Int32Array, shape: number[], dtype) -> id
Napi::Value Write(const Napi::CallbackInfo& info) {
  Args a(info, "write");
  Device& dev = Device::Get(info.Env());
  Napi::Value v = a.At(0);
  Shape shape = a.ShapeArg(1, "shape");
  DType dtype = a.Dtype(2, "dtype");
  if (!v.IsTypedArray()) a.Bad(ErrKind::Argument, "'values' must be a Float32Array or Int32Array, got " + TypeName(v));
  napi_typedarray_type type;
  size_t length = 0;
  void* data = nullptr;
  napi_value arraybuffer;
  size_t offset = 0;
  if (napi_get_typedarray_info(info.Env(), v, &type, &length, &data, &arraybuffer, &offset) != napi_ok) {
    a.Bad(ErrKind::Argument, "'values' could not be read as a typed array");
  }
  bool detached = false;
  if (napi_is_detached_arraybuffer(info.Env(), arraybuffer, &detached) == napi_ok && detached) {
    a.Bad(ErrKind::Argument, "'values' is backed by a detached ArrayBuffer");
  }
  napi_typedarray_type want = dtype == DType::F32 ? napi_float32_array : napi_int32_array;
  if (type != want) {
    a.Bad(ErrKind::DType, std::string("'values' must be a ") + (dtype == DType::F32 ? "Float32Array" : "Int32Array") +
                              " for dtype " + DTypeName(dtype));
  }
  int64_t numel = NumElements(shape, a.op(), "shape");
  if (static_cast<int64_t>(length) != numel) {
    a.Bad(ErrKind::Shape, "'values' has " + std::to_string(length) + " elements but shape " + ShapeStr(shape) +
                              " needs " + std::to_string(numel));
  }
  if (numel > 0 && data == nullptr) a.Bad(ErrKind::Argument, "'values' has no backing store");
  BufferRef b = dev.Allocate(numel, dtype, a.op());
  if (numel > 0) std::memcpy(b->ptr, data, static_cast<size_t>(numel) * 4);
  b->state.store(kReady, std::memory_order_release);
  return IdOf(info.Env(), b);
}

Napi::Value Read(const Napi::CallbackInfo& info) {
  Args a(info, "read");
  Device& dev = Device::Get(info.Env());
  return dev.Read(info.Env(), dev.Input(a, 0, "id"));
}

Napi::Value ReadSync(const Napi::CallbackInfo& info) {
  Args a(info, "readSync");
  Device& dev = Device::Get(info.Env());
  return dev.ReadSync(info.Env(), dev.Input(a, 0, "id"));
}

Napi::Value Dispose(const Napi::CallbackInfo& info) {
  Args a(info, "dispose");
  Device::Get(info.Env()).Dispose(a.Id(0, "id"), a.op());
  return info.Env().Undefined();
}

Napi::Value Memory(const Napi::CallbackInfo& info) { return Device::Get(info.Env()).Memory(info.Env()); }

Napi::Value Trim(const Napi::CallbackInfo& info) {
  Device::Get(info.Env()).Trim();
  return info.Env().Undefined();
}

Napi::Value WhenIdle(const Napi::CallbackInfo& info) { return Device::Get(info.Env()).WhenIdle(info.Env()); }

Napi::Value WaitIdle(const Napi::CallbackInfo& info) {
  Device::Get(info.Env()).WaitIdle();
  return info.Env().Undefined();
}

// setNumThreads(n): threads for BLAS and for the addon's loops (waits for queued work first).
Napi::Value SetNumThreads(const Napi::CallbackInfo& info) {
  Args a(info, "setNumThreads");
  Device::Get(info.Env()).SetThreads(static_cast<int>(a.Int(0, "n", 1, 1024)));
  return info.Env().Undefined();
}

// setMemoryLimit(bytes): refuse allocations past this many live bytes (0: no limit).
Napi::Value SetMemoryLimit(const Napi::CallbackInfo& info) {
  Args a(info, "setMemoryLimit");
  Device::Get(info.Env()).SetMaxBytes(a.Int(0, "bytes", 0, kMaxId));
  return info.Env().Undefined();
}

Napi::Value Info(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Object o = Napi::Object::New(env);
  o.Set("blas", Napi::String::New(env, BlasInfo()));
  o.Set("numThreads", Napi::Number::New(env, Device::Get(env).threads()));
  o.Set("napiVersion", Napi::Number::New(env, NAPI_VERSION));
  return o;
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  Device* dev = new Device(env);
  env.SetInstanceData<Device>(dev);            // deleted when the environment goes away
  env.AddCleanupHook([dev] { dev->Shutdown(); });  // joins the worker before Node tears down
  Export(env, exports, "write", Write);
  Export(env, exports, "read", Read);
  Export(env, exports, "readSync", ReadSync);
  Export(env, exports, "dispose", Dispose);
  Export(env, exports, "memory", Memory);
  Export(env, exports, "trim", Trim);
  Export(env, exports, "whenIdle", WhenIdle);
  Export(env, exports, "waitIdle", WaitIdle);
  Export(env, exports, "setNumThreads", SetNumThreads);
  Export(env, exports, "setMemoryLimit", SetMemoryLimit);
  Export(env, exports, "info", Info);
  RegisterElementwise(env, exports);
  RegisterReduce(env, exports);
  RegisterSoftmax(env, exports);
  RegisterLayout(env, exports);
  RegisterMatMul(env, exports);
  RegisterConv(env, exports);
  RegisterPool(env, exports);
  return exports;
}

}  // namespace
}  // namespace tessera

static Napi::Object InitModule(Napi::Env env, Napi::Object exports) { return tessera::Init(env, exports); }
NODE_API_MODULE(tessera_native, InitModule)

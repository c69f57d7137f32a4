// Reduce: sum / max / min / argmax over the middle axis of x viewed as [outer, size, inner].
// Float sums accumulate in double (the conformance tolerance is relative to a float64 reference);
// int32 sums wrap like JS's Int32Array.
#include <algorithm>
#include <limits>
#include <type_traits>
#include <string>
#include <vector>

#include "ops.h"

namespace tessera {
namespace {

enum class RedOp { Sum, Max, Min, ArgMax };

RedOp ParseReduce(const Args& a, const std::string& s) {
  if (s == "sum") return RedOp::Sum;
  if (s == "max") return RedOp::Max;
  if (s == "min") return RedOp::Min;
  if (s == "argmax") return RedOp::ArgMax;
  a.Bad(ErrKind::Argument, "unknown reduce op '" + s + "'");
}

// Columns of the inner axis handled together, so the accumulators stay in L1.
constexpr int64_t kColumnBlock = 512;

template <class T, class Acc>
void ReduceBlock(RedOp op, const T* x, int64_t size, int64_t inner, int64_t cols, void* out) {
  // x points at [0, col0] of one outer slice; out at its first output column.
  if (op == RedOp::Sum) {
    Acc acc[kColumnBlock];
    for (int64_t j = 0; j < cols; j++) acc[j] = 0;
    for (int64_t s = 0; s < size; s++) {
      const T* row = x + s * inner;
      for (int64_t j = 0; j < cols; j++) acc[j] += row[j];
    }
    T* o = static_cast<T*>(out);
    for (int64_t j = 0; j < cols; j++) {
      if constexpr (std::is_same<T, int32_t>::value) o[j] = static_cast<int32_t>(static_cast<uint32_t>(acc[j]));
      else o[j] = static_cast<T>(acc[j]);
    }
    return;
  }
  T best[kColumnBlock];
  int32_t arg[kColumnBlock];
  for (int64_t j = 0; j < cols; j++) {
    best[j] = x[j];
    arg[j] = 0;
  }
  // Like Math.max / Math.min, a NaN wins max and min; for argmax the first NaN (else the first
  // maximum) wins. For int32 the NaN tests are always false.
  for (int64_t s = 1; s < size; s++) {
    const T* row = x + s * inner;
    if (op == RedOp::Min) {
      for (int64_t j = 0; j < cols; j++) best[j] = (row[j] < best[j] || row[j] != row[j]) && best[j] == best[j] ? row[j] : best[j];
    } else if (op == RedOp::Max) {
      for (int64_t j = 0; j < cols; j++) best[j] = (row[j] > best[j] || row[j] != row[j]) && best[j] == best[j] ? row[j] : best[j];
    } else {
      for (int64_t j = 0; j < cols; j++) {
        if ((row[j] > best[j] || row[j] != row[j]) && best[j] == best[j]) {
          best[j] = row[j];
          arg[j] = static_cast<int32_t>(s);
        }
      }
    }
  }
  if (op == RedOp::ArgMax) std::copy(arg, arg + cols, static_cast<int32_t*>(out));
  else std::copy(best, best + cols, static_cast<T*>(out));
}

// One contiguous run x[0, n): the sum, or the first best element and its index. Sums use eight
// independent accumulators: a single one is a chain of dependent adds (4 cycles each), which made
// a full sum of 1.2M floats take 3 ms, more than the convolution it was the loss of.
template <class T, class Acc>
struct RunResult {
  Acc sum = 0;
  T best{};
  int64_t arg = 0;
};

template <class T, class Acc>
RunResult<T, Acc> ReduceRun(RedOp op, const T* x, int64_t n, int64_t offset) {
  RunResult<T, Acc> r;
  if (op == RedOp::Sum) {
    Acc lane[8] = {0, 0, 0, 0, 0, 0, 0, 0};
    int64_t i = 0;
    for (; i + 8 <= n; i += 8) {
      for (int k = 0; k < 8; k++) lane[k] += x[i + k];
    }
    for (; i < n; i++) lane[0] += x[i];
    r.sum = ((lane[0] + lane[1]) + (lane[2] + lane[3])) + ((lane[4] + lane[5]) + (lane[6] + lane[7]));
    return r;
  }
  r.best = x[0];
  r.arg = offset;
  for (int64_t i = 1; i < n; i++) {
    const T v = x[i];
    bool better = op == RedOp::Min ? v < r.best : v > r.best;
    if ((better || v != v) && r.best == r.best) {
      r.best = v;
      r.arg = offset + i;
    }
  }
  return r;
}

// Folds a later run into an earlier one with the same rules as the sequential loop.
template <class T, class Acc>
void Combine(RedOp op, RunResult<T, Acc>& into, const RunResult<T, Acc>& later) {
  if (op == RedOp::Sum) {
    into.sum += later.sum;
    return;
  }
  bool better = op == RedOp::Min ? later.best < into.best : later.best > into.best;
  if ((better || later.best != later.best) && into.best == into.best) into = later;
}

template <class T, class Acc>
void Store(RedOp op, const RunResult<T, Acc>& r, void* out, int64_t index) {
  if (op == RedOp::ArgMax) {
    static_cast<int32_t*>(out)[index] = static_cast<int32_t>(r.arg);
  } else if (op != RedOp::Sum) {
    static_cast<T*>(out)[index] = r.best;
  } else if constexpr (std::is_same<T, int32_t>::value) {
    static_cast<int32_t*>(out)[index] = static_cast<int32_t>(static_cast<uint32_t>(r.sum));
  } else {
    static_cast<T*>(out)[index] = static_cast<T>(r.sum);
  }
}

// inner == 1: every output reduces one contiguous row. Long rows are cut into chunks so that a
// full reduction (outer == 1) still uses every thread; chunks are combined in order.
template <class T, class Acc>
void ReduceRows(ThreadPool& pool, RedOp op, const T* x, void* out, int64_t outer, int64_t size) {
  const int64_t chunk = std::max<int64_t>(kGrain, (size + pool.size() - 1) / pool.size());
  const int64_t chunks = (size + chunk - 1) / chunk;
  const int64_t grain = std::max<int64_t>(1, kGrain / std::min(size, chunk));
  if (chunks == 1) {
    ParallelFor(pool, outer, grain, [&](int64_t b, int64_t e) {
      for (int64_t o = b; o < e; o++) Store(op, ReduceRun<T, Acc>(op, x + o * size, size, 0), out, o);
    });
    return;
  }
  std::vector<RunResult<T, Acc>> parts(static_cast<size_t>(outer * chunks));
  ParallelFor(pool, outer * chunks, grain, [&](int64_t b, int64_t e) {
    for (int64_t t = b; t < e; t++) {
      int64_t o = t / chunks, c0 = (t % chunks) * chunk;
      parts[t] = ReduceRun<T, Acc>(op, x + o * size + c0, std::min(chunk, size - c0), c0);
    }
  });
  for (int64_t o = 0; o < outer; o++) {
    RunResult<T, Acc> r = parts[o * chunks];
    for (int64_t c = 1; c < chunks; c++) Combine(op, r, parts[o * chunks + c]);
    Store(op, r, out, o);
  }
}

template <class T, class Acc>
void ReduceAll(ThreadPool& pool, RedOp op, const T* x, void* out, int64_t outer, int64_t size, int64_t inner) {
  if (inner == 1) return ReduceRows<T, Acc>(pool, op, x, out, outer, size);
  const int64_t blocks = (inner + kColumnBlock - 1) / kColumnBlock;
  const int64_t tasks = outer * blocks;
  const int64_t perTask = std::max<int64_t>(1, size * std::min(inner, kColumnBlock));
  ParallelFor(pool, tasks, std::max<int64_t>(1, kGrain / perTask), [&](int64_t b, int64_t e) {
    for (int64_t t = b; t < e; t++) {
      int64_t o = t / blocks, c0 = (t % blocks) * kColumnBlock;
      int64_t cols = std::min(kColumnBlock, inner - c0);
      int64_t outIndex = o * inner + c0;
      void* dst = op == RedOp::ArgMax ? static_cast<void*>(static_cast<int32_t*>(out) + outIndex)
                                      : static_cast<void*>(static_cast<T*>(out) + outIndex);
      ReduceBlock<T, Acc>(op, x + o * size * inner + c0, size, inner, cols, dst);
    }
  });
}

// reduce(op, x, outer, size, inner) -> id of [outer, inner]
Napi::Value Reduce(const Napi::CallbackInfo& info) {
  Args a(info, "Reduce");
  Device& dev = Device::Get(info.Env());
  RedOp op = ParseReduce(a, a.Str(0, "op"));
  int64_t outer = a.Int(2, "outer", 0, kMaxDim), size = a.Int(3, "size", 1, kMaxDim);
  int64_t inner = a.Int(4, "inner", 0, kMaxDim);
  BufferRef x = dev.Input(a, 1, "x");
  Shape view{outer, size, inner};
  ExpectElements(a, *x, "x", NumElements(view, a.op(), "x"), view);
  DType outType = op == RedOp::ArgMax ? DType::I32 : x->dtype;
  BufferRef y = dev.Allocate(outer * inner, outType, a.op());
  Device* d = &dev;
  Buffer *xp = x.get(), *yp = y.get();
  dev.Submit(y, {x}, static_cast<double>(x->numel), [=] {
    if (xp->dtype == DType::F32) ReduceAll<float, double>(d->pool(), op, xp->data<float>(), yp->ptr, outer, size, inner);
    else ReduceAll<int32_t, int64_t>(d->pool(), op, xp->data<int32_t>(), yp->ptr, outer, size, inner);
  });
  return IdOf(info.Env(), y);
}

}  // namespace

void RegisterReduce(Napi::Env env, Napi::Object exports) { Export(env, exports, "reduce", Reduce); }

}  // namespace tessera

// Softmax, LogSoftmax, SoftmaxCrossEntropy and its gradient, row by row over [rows, size].
// Each row subtracts its maximum before exponentiating; sums of exponentials are in double.
// Labels are data (possibly computed on the device), so they cannot be checked when the kernel
// is queued: a label outside [0, K) gives NaN for that row instead of reading out of bounds.
#include <algorithm>
#include <cmath>
#include <limits>

#include "ops.h"

namespace tessera {
namespace {

float RowMax(const float* x, int64_t n) {
  float m = x[0];
  for (int64_t i = 1; i < n; i++) m = x[i] > m ? x[i] : m;
  return m;
}

// log(sum(exp(x - max))) + max
double LogSumExp(const float* x, int64_t n) {
  float m = RowMax(x, n);
  if (std::isinf(m)) return m;  // all -inf (or a +inf): avoid inf - inf
  double s = 0;
  for (int64_t i = 0; i < n; i++) s += std::exp(static_cast<double>(x[i] - m));
  return std::log(s) + m;
}

template <class F>
void Rows(ThreadPool& pool, int64_t rows, int64_t size, F f) {
  ParallelFor(pool, rows, std::max<int64_t>(1, kGrain / std::max<int64_t>(1, size * 8)),
              [&](int64_t b, int64_t e) {
                for (int64_t r = b; r < e; r++) f(r);
              });
}

Napi::Value SoftmaxImpl(const Napi::CallbackInfo& info, bool log) {
  Args a(info, log ? "LogSoftmax" : "Softmax");
  Device& dev = Device::Get(info.Env());
  int64_t outer = a.Int(1, "outer", 0, kMaxDim), size = a.Int(2, "size", 1, kMaxDim);
  BufferRef x = dev.Input(a, 0, "x");
  Shape view{outer, size};
  ExpectElements(a, *x, "x", NumElements(view, a.op(), "x"), view);
  ExpectDtype(a, *x, "x", DType::F32);
  BufferRef y = dev.Allocate(x->numel, DType::F32, a.op());
  Device* d = &dev;
  Buffer *xp = x.get(), *yp = y.get();
  dev.Submit(y, {x}, static_cast<double>(x->numel) * 8, [=] {
    const float* X = xp->data<float>();
    float* Y = yp->data<float>();
    Rows(d->pool(), outer, size, [&](int64_t r) {
      const float* xr = X + r * size;
      float* yr = Y + r * size;
      double lse = LogSumExp(xr, size);
      for (int64_t i = 0; i < size; i++) {
        double v = static_cast<double>(xr[i]) - lse;
        yr[i] = static_cast<float>(log ? v : std::exp(v));
      }
    });
  });
  return IdOf(info.Env(), y);
}

Napi::Value Softmax(const Napi::CallbackInfo& info) { return SoftmaxImpl(info, false); }
Napi::Value LogSoftmax(const Napi::CallbackInfo& info) { return SoftmaxImpl(info, true); }

// Shared checks: logits [n, k] float32, labels [n] int32.
void CheckLogits(const Args& a, const Buffer& logits, const Buffer& labels, int64_t n, int64_t k) {
  Shape ls{n, k};
  ExpectElements(a, logits, "logits", NumElements(ls, a.op(), "logits"), ls);
  ExpectElements(a, labels, "labels", n, Shape{n});
  ExpectDtype(a, logits, "logits", DType::F32);
  ExpectDtype(a, labels, "labels", DType::I32);
}

// softmaxCrossEntropy(logits, labels, n, k) -> id of [n]
Napi::Value SoftmaxCrossEntropy(const Napi::CallbackInfo& info) {
  Args a(info, "SoftmaxCrossEntropy");
  Device& dev = Device::Get(info.Env());
  int64_t n = a.Int(2, "n", 0, kMaxDim), k = a.Int(3, "k", 1, kMaxDim);
  BufferRef logits = dev.Input(a, 0, "logits"), labels = dev.Input(a, 1, "labels");
  CheckLogits(a, *logits, *labels, n, k);
  BufferRef y = dev.Allocate(n, DType::F32, a.op());
  Device* d = &dev;
  Buffer *lp = logits.get(), *tp = labels.get(), *yp = y.get();
  dev.Submit(y, {logits, labels}, static_cast<double>(logits->numel) * 8, [=] {
    const float* L = lp->data<float>();
    const int32_t* T = tp->data<int32_t>();
    float* Y = yp->data<float>();
    Rows(d->pool(), n, k, [&](int64_t r) {
      int32_t t = T[r];
      const float* row = L + r * k;
      Y[r] = (t < 0 || t >= k) ? std::numeric_limits<float>::quiet_NaN()
                               : static_cast<float>(LogSumExp(row, k) - row[t]);
    });
  });
  return IdOf(info.Env(), y);
}

// softmaxCrossEntropyGrad(logits, labels, dy, n, k) -> id of [n, k]
Napi::Value SoftmaxCrossEntropyGrad(const Napi::CallbackInfo& info) {
  Args a(info, "SoftmaxCrossEntropyGrad");
  Device& dev = Device::Get(info.Env());
  int64_t n = a.Int(3, "n", 0, kMaxDim), k = a.Int(4, "k", 1, kMaxDim);
  BufferRef logits = dev.Input(a, 0, "logits"), labels = dev.Input(a, 1, "labels");
  BufferRef dy = dev.Input(a, 2, "dy");
  CheckLogits(a, *logits, *labels, n, k);
  ExpectElements(a, *dy, "dy", n, Shape{n});
  ExpectDtype(a, *dy, "dy", DType::F32);
  BufferRef g = dev.Allocate(logits->numel, DType::F32, a.op());
  Device* d = &dev;
  Buffer *lp = logits.get(), *tp = labels.get(), *dp = dy.get(), *gp = g.get();
  dev.Submit(g, {logits, labels, dy}, static_cast<double>(logits->numel) * 8, [=] {
    const float* L = lp->data<float>();
    const int32_t* T = tp->data<int32_t>();
    const float* D = dp->data<float>();
    float* G = gp->data<float>();
    Rows(d->pool(), n, k, [&](int64_t r) {
      const float* row = L + r * k;
      float* out = G + r * k;
      int32_t t = T[r];
      if (t < 0 || t >= k) {
        std::fill(out, out + k, std::numeric_limits<float>::quiet_NaN());
        return;
      }
      double lse = LogSumExp(row, k), scale = D[r];
      for (int64_t i = 0; i < k; i++) {
        double p = std::exp(static_cast<double>(row[i]) - lse);
        out[i] = static_cast<float>((p - (i == t ? 1.0 : 0.0)) * scale);
      }
    });
  });
  return IdOf(info.Env(), g);
}

}  // namespace

void RegisterSoftmax(Napi::Env env, Napi::Object exports) {
  Export(env, exports, "softmax", Softmax);
  Export(env, exports, "logSoftmax", LogSoftmax);
  Export(env, exports, "softmaxCrossEntropy", SoftmaxCrossEntropy);
  Export(env, exports, "softmaxCrossEntropyGrad", SoftmaxCrossEntropyGrad);
}

}  // namespace tessera

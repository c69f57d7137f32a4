// One Register* function per op family; each adds its exported functions to the module.
// Every exported kernel validates its arguments on the calling (JS) thread, allocates its output,
// queues the computation on the device and returns the output's buffer id at once.
#pragma once

#include <cblas.h>
#include <napi.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>

#include "args.h"
#include "device.h"

namespace tessera {

void RegisterElementwise(Napi::Env env, Napi::Object exports);  // Unary Binary Where Cast Fill BiasAdd
void RegisterReduce(Napi::Env env, Napi::Object exports);       // Reduce
void RegisterSoftmax(Napi::Env env, Napi::Object exports);      // Softmax LogSoftmax SoftmaxCrossEntropy(+Grad)
void RegisterLayout(Napi::Env env, Napi::Object exports);       // Transpose Slice Pad Concat
void RegisterMatMul(Napi::Env env, Napi::Object exports);       // MatMul
void RegisterConv(Napi::Env env, Napi::Object exports);         // Im2Col Col2Im Conv2D(+backprops)
void RegisterPool(Napi::Env env, Napi::Object exports);         // MaxPool AvgPool (+backward)

// JavaScript's ToInt32 (what storing a number into an Int32Array does): NaN and infinities give
// 0, other values truncate toward zero and wrap modulo 2^32. Never undefined behaviour.
inline int32_t ToInt32(double d) {
  if (d >= -2147483648.0 && d <= 2147483647.0) return static_cast<int32_t>(d);
  if (!std::isfinite(d)) return 0;
  double m = std::fmod(std::trunc(d), 4294967296.0);
  if (m < 0) m += 4294967296.0;
  return static_cast<int32_t>(static_cast<uint32_t>(m));
}

// C[m x n] (row stride ldc) = op(A) op(B) + beta C, row-major; beta is 0 or 1. Handles the
// empty cases BLAS would reject (k == 0 still writes zeros when beta is 0).
inline void Sgemm(bool ta, bool tb, int64_t m, int64_t n, int64_t k, const float* A, int64_t lda,
                  const float* B, int64_t ldb, float beta, float* C, int64_t ldc) {
  if (m == 0 || n == 0) return;
  if (k == 0) {
    if (beta == 0.f) {
      for (int64_t i = 0; i < m; i++) std::memset(C + i * ldc, 0, static_cast<size_t>(n) * 4);
    }
    return;
  }
  cblas_sgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans,
              static_cast<int>(m), static_cast<int>(n), static_cast<int>(k), 1.0f, A, static_cast<int>(lda),
              B, static_cast<int>(ldb), beta, C, static_cast<int>(ldc));
}

// Output columns [lo, hi) of a window row whose tap at input column ox*strideW + off lies inside
// [0, inW): the loops over a row of outputs need no bounds test (shared by im2col and pooling).
inline void ValidColumns(const Geometry& g, int64_t off, int64_t* lo, int64_t* hi) {
  int64_t l = off >= 0 ? 0 : (-off + g.strideW - 1) / g.strideW;
  int64_t h = g.inW - 1 - off < 0 ? 0 : std::min(g.outW, (g.inW - 1 - off) / g.strideW + 1);
  l = std::min(l, g.outW);
  *lo = std::min(l, h);
  *hi = h;
}

// Work below this many elements per chunk is not worth another thread.
constexpr int64_t kGrain = 1 << 15;

// Submit's `work` is in "scalar loop steps"; BLAS does about this many multiply-adds per step.
constexpr double kMacsPerStep = 16;

}  // namespace tessera

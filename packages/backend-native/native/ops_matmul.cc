// MatMul: batched GEMM straight to cblas_sgemm (row-major, transposes passed through).
// Many small matrices are split over the pool's threads with BLAS single-threaded; large ones
// go one by one to BLAS, which threads inside each product.
#include <algorithm>

#include "ops.h"

namespace tessera {
namespace {

// Below this many multiply-adds per matrix, threading inside one GEMM costs more than it gains.
constexpr double kSmallGemm = 1 << 20;

void Gemm(bool ta, bool tb, int64_t m, int64_t n, int64_t k, const float* A, const float* B, float* C) {
  Sgemm(ta, tb, m, n, k, A, ta ? m : k, B, tb ? k : n, 0.f, C, n);
}

// matmul(a, b, transposeA, transposeB, batch, batchA, batchB, m, n, k) -> id of [batch, m, n]
Napi::Value MatMul(const Napi::CallbackInfo& info) {
  Args a(info, "MatMul");
  Device& dev = Device::Get(info.Env());
  bool ta = a.Bool(2, "transposeA"), tb = a.Bool(3, "transposeB");
  int64_t batch = a.Int(4, "batch", 0, kMaxDim);
  int64_t batchA = a.Int(5, "batchA", 0, kMaxDim), batchB = a.Int(6, "batchB", 0, kMaxDim);
  int64_t m = a.Int(7, "m", 0, kMaxDim), n = a.Int(8, "n", 0, kMaxDim), k = a.Int(9, "k", 0, kMaxDim);
  if ((batchA != batch && batchA != 1) || (batchB != batch && batchB != 1)) {
    a.Bad(ErrKind::Shape, "batchA " + std::to_string(batchA) + " and batchB " + std::to_string(batchB) +
                              " must each be 1 or batch " + std::to_string(batch));
  }
  BufferRef A = dev.Input(a, 0, "a"), B = dev.Input(a, 1, "b");
  Shape as = ta ? Shape{batchA, k, m} : Shape{batchA, m, k};
  Shape bs = tb ? Shape{batchB, n, k} : Shape{batchB, k, n};
  ExpectElements(a, *A, "a", NumElements(as, a.op(), "a"), as);
  ExpectElements(a, *B, "b", NumElements(bs, a.op(), "b"), bs);
  ExpectDtype(a, *A, "a", DType::F32);
  ExpectDtype(a, *B, "b", DType::F32);
  Shape os{batch, m, n};
  BufferRef C = dev.Allocate(NumElements(os, a.op(), "output"), DType::F32, a.op());
  const double flops = static_cast<double>(m) * static_cast<double>(n) * static_cast<double>(k);
  Device* d = &dev;
  Buffer *ap = A.get(), *bp = B.get(), *cp = C.get();
  dev.Submit(C, {A, B}, flops * static_cast<double>(batch) / kMacsPerStep + static_cast<double>(C->numel), [=] {
    const int64_t sa = batchA == 1 ? 0 : m * k, sb = batchB == 1 ? 0 : k * n;
    auto one = [&](int64_t i) {
      Gemm(ta, tb, m, n, k, ap->data<float>() + i * sa, bp->data<float>() + i * sb, cp->data<float>() + i * m * n);
    };
    ThreadPool& pool = d->pool();
    if (batch > 1 && pool.size() > 1 && flops < kSmallGemm) {
      BlasSingleThreaded single(d->threads());
      ParallelFor(pool, batch, std::max<int64_t>(1, static_cast<int64_t>(kSmallGemm / std::max(1.0, flops))),
                  [&](int64_t b, int64_t e) {
                    for (int64_t i = b; i < e; i++) one(i);
                  });
    } else {
      for (int64_t i = 0; i < batch; i++) one(i);
    }
  });
  return IdOf(info.Env(), C);
}

}  // namespace

void RegisterMatMul(Napi::Env env, Napi::Object exports) { Export(env, exports, "matmul", MatMul); }

}  // namespace tessera

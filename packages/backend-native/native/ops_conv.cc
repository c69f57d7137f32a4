// Convolution: Im2Col, Col2Im, Conv2D and its two backprops.
//
// Small layers (few taps per output, stride 1) convolve directly instead: conv_direct.cc.
// Conv2D is otherwise im2col + sgemm, but never on a whole image at once: a whole-image column matrix
// (7 MB for a 64-channel 56x56 3x3 layer) falls out of L2 between being written and being
// packed by the GEMM. The output rows are cut into bands whose column panel fits in
// kPanelBytes, and each band is one sgemm writing straight into the NCHW output (ldc = outH*outW).
// 1x1 convolutions with stride 1 and no padding skip im2col: the image already is the panel.
//
// Threads: when the batch divides well over the threads (or each image is small), images are
// split over the pool's threads, each running single-threaded BLAS on its own panel; otherwise
// images go one by one, BLAS threads the GEMM and the pool fills the panel by channel.
#include <algorithm>
#include <cstring>
#include <vector>

#include "conv_direct.h"
#include "ops.h"

namespace tessera {
namespace {

// Band size: the column panel targets kPanelBytes (this machine's L2 is 512 KB per core), but a
// band keeps at least kMinBandColumns output pixels, below which GEMM efficiency drops (measured:
// a 5x5x32 layer on 28x28 images ran 25% slower with 56-column bands than with whole images).
constexpr int64_t kPanelBytes = 512 * 1024;
constexpr int64_t kMinBandColumns = 256;
constexpr double kSmallImage = 4.0e6;        // multiply-adds per image below which we split the batch

int64_t CeilDiv(int64_t a, int64_t b) { return (a + b - 1) / b; }

// panel[((c*kH + i)*kW + j), (oy - r0)*outW + ox] = x[c, iy, ix] for output rows [r0, r1) and
// channels [c0, c1) of one image (x is [inC, inH, inW]); padding reads as 0.
// T is float, or int32_t for the Im2Col kernel on int32 tensors.
template <class T>
void Im2ColBand(const Geometry& g, const T* x, int64_t r0, int64_t r1, int64_t c0, int64_t c1, T* panel) {
  const int64_t cols = (r1 - r0) * g.outW;
  for (int64_t c = c0; c < c1; c++) {
    const T* xc = x + c * g.inH * g.inW;
    for (int64_t i = 0; i < g.kH; i++) {
      for (int64_t j = 0; j < g.kW; j++) {
        T* dst = panel + ((c * g.kH + i) * g.kW + j) * cols;
        const int64_t off = j * g.dilationW - g.padLeft;
        int64_t lo, hi;
        ValidColumns(g, off, &lo, &hi);
        for (int64_t oy = r0; oy < r1; oy++) {
          T* d = dst + (oy - r0) * g.outW;
          const int64_t iy = oy * g.strideH - g.padTop + i * g.dilationH;
          if (iy < 0 || iy >= g.inH) {
            std::memset(d, 0, static_cast<size_t>(g.outW) * 4);
            continue;
          }
          const T* s = xc + iy * g.inW;
          std::memset(d, 0, static_cast<size_t>(lo) * 4);
          if (g.strideW == 1) {
            if (hi > lo) std::memcpy(d + lo, s + lo + off, static_cast<size_t>(hi - lo) * 4);
          } else {
            for (int64_t ox = lo; ox < hi; ox++) d[ox] = s[ox * g.strideW + off];
          }
          std::memset(d + hi, 0, static_cast<size_t>(g.outW - hi) * 4);
        }
      }
    }
  }
}

inline float Plus(float a, float b) { return a + b; }
inline int32_t Plus(int32_t a, int32_t b) {  // wraps like Int32Array, no signed overflow
  return static_cast<int32_t>(static_cast<uint32_t>(a) + static_cast<uint32_t>(b));
}

// The adjoint of Im2ColBand: x[c, iy, ix] += panel[...] (x is [inC, inH, inW]).
template <class T>
void Col2ImBand(const Geometry& g, const T* panel, int64_t r0, int64_t r1, int64_t c0, int64_t c1, T* x) {
  const int64_t cols = (r1 - r0) * g.outW;
  for (int64_t c = c0; c < c1; c++) {
    T* xc = x + c * g.inH * g.inW;
    for (int64_t i = 0; i < g.kH; i++) {
      for (int64_t j = 0; j < g.kW; j++) {
        const T* src = panel + ((c * g.kH + i) * g.kW + j) * cols;
        const int64_t off = j * g.dilationW - g.padLeft;
        int64_t lo, hi;
        ValidColumns(g, off, &lo, &hi);
        for (int64_t oy = r0; oy < r1; oy++) {
          const int64_t iy = oy * g.strideH - g.padTop + i * g.dilationH;
          if (iy < 0 || iy >= g.inH) continue;
          const T* s = src + (oy - r0) * g.outW;
          T* d = xc + iy * g.inW;
          for (int64_t ox = lo; ox < hi; ox++) d[ox * g.strideW + off] = Plus(d[ox * g.strideW + off], s[ox]);
        }
      }
    }
  }
}

struct Plan {
  int64_t K, inHW, outHW, rows;  // rows: output rows per band
  bool pointwise;  // 1x1, stride 1, no padding: the image is already the column matrix
  size_t panelFloats;
  double macsPerImage;
};

Plan MakePlan(const Geometry& g) {
  Plan p;
  p.K = g.inC * g.kH * g.kW;
  p.inHW = g.inH * g.inW;
  p.outHW = g.outH * g.outW;
  p.pointwise = g.kH == 1 && g.kW == 1 && g.strideH == 1 && g.strideW == 1 && g.padTop == 0 &&
             g.padBottom == 0 && g.padLeft == 0 && g.padRight == 0;
  int64_t rowBytes = std::max<int64_t>(1, p.K * g.outW * 4);
  int64_t rows = std::max(kPanelBytes / rowBytes, CeilDiv(kMinBandColumns, std::max<int64_t>(1, g.outW)));
  p.rows = std::max<int64_t>(1, std::min(g.outH, rows));
  p.panelFloats = p.pointwise ? 0 : static_cast<size_t>(p.K * p.rows * g.outW);
  p.macsPerImage = static_cast<double>(g.outC) * static_cast<double>(p.K) * static_cast<double>(p.outHW);
  return p;
}

// Split the batch over threads (each with single-threaded BLAS) or not.
bool SplitBatch(const Geometry& g, const Plan& p, int threads) {
  if (threads <= 1 || g.batch < 2) return false;
  int64_t rounds = CeilDiv(g.batch, threads);
  double efficiency = static_cast<double>(g.batch) / static_cast<double>(rounds * threads);
  return efficiency >= 0.75 || p.macsPerImage < kSmallImage;
}

// Fill a panel band, by channel over the pool when one is given.
void FillBand(ThreadPool* pool, const Geometry& g, const float* x, int64_t r0, int64_t r1, float* panel) {
  if (!pool) return Im2ColBand(g, x, r0, r1, 0, g.inC, panel);
  ParallelFor(*pool, g.inC, 1, [&](int64_t b, int64_t e) { Im2ColBand(g, x, r0, r1, b, e, panel); });
}

void ForwardImage(const Geometry& g, const Plan& p, const float* x, const float* w, float* y, float* panel, ThreadPool* pool) {
  if (p.pointwise) return Sgemm(false, false, g.outC, p.inHW, g.inC, w, g.inC, x, p.inHW, 0.f, y, p.outHW);
  for (int64_t r0 = 0; r0 < g.outH; r0 += p.rows) {
    int64_t r1 = std::min(g.outH, r0 + p.rows), cols = (r1 - r0) * g.outW;
    FillBand(pool, g, x, r0, r1, panel);
    Sgemm(false, false, g.outC, cols, p.K, w, p.K, panel, cols, 0.f, y + r0 * g.outW, p.outHW);
  }
}

void BackInputImage(const Geometry& g, const Plan& p, const float* dy, const float* w, float* dx, float* panel, ThreadPool* pool) {
  if (p.pointwise) return Sgemm(true, false, g.inC, p.inHW, g.outC, w, g.inC, dy, p.outHW, 0.f, dx, p.inHW);
  std::memset(dx, 0, static_cast<size_t>(g.inC * p.inHW) * 4);
  for (int64_t r0 = 0; r0 < g.outH; r0 += p.rows) {
    int64_t r1 = std::min(g.outH, r0 + p.rows), cols = (r1 - r0) * g.outW;
    Sgemm(true, false, p.K, cols, g.outC, w, p.K, dy + r0 * g.outW, p.outHW, 0.f, panel, cols);
    if (!pool) {
      Col2ImBand(g, panel, r0, r1, 0, g.inC, dx);
    } else {
      ParallelFor(*pool, g.inC, 1, [&](int64_t b, int64_t e) { Col2ImBand(g, panel, r0, r1, b, e, dx); });
    }
  }
}

// dw += dy_n @ cols_n^T
void BackFilterImage(const Geometry& g, const Plan& p, const float* x, const float* dy, float* dw, float* panel, ThreadPool* pool) {
  if (p.pointwise) return Sgemm(false, true, g.outC, g.inC, p.inHW, dy, p.outHW, x, p.inHW, 1.f, dw, g.inC);
  for (int64_t r0 = 0; r0 < g.outH; r0 += p.rows) {
    int64_t r1 = std::min(g.outH, r0 + p.rows), cols = (r1 - r0) * g.outW;
    FillBand(pool, g, x, r0, r1, panel);
    Sgemm(false, true, g.outC, p.K, cols, dy + r0 * g.outW, p.outHW, panel, cols, 1.f, dw, p.K);
  }
}

// Runs image(n, panel, pool, task) for every image, split over threads or not (see top).
template <class F>
void ForEachImage(Device& d, const Geometry& g, const Plan& p, int extraSlots, F image) {
  ThreadPool& pool = d.pool();
  if (!SplitBatch(g, p, pool.size())) {
    float* panel = d.Scratch(0, p.panelFloats);
    for (int64_t n = 0; n < g.batch; n++) image(n, panel, &pool, int64_t(0));
    return;
  }
  const int64_t tasks = std::min<int64_t>(g.batch, pool.size());
  std::vector<float*> panels(tasks);
  for (int64_t t = 0; t < tasks; t++) panels[t] = d.Scratch(static_cast<int>(extraSlots + t), p.panelFloats);
  BlasSingleThreaded single(d.threads());
  pool.Run(tasks, [&](int64_t t) {
    for (int64_t n = t * g.batch / tasks; n < (t + 1) * g.batch / tasks; n++) image(n, panels[t], nullptr, t);
  });
}

void ConvForward(Device& d, const Geometry& g, const float* x, const float* w, float* y) {
  Plan p = MakePlan(g);
  if (DirectForwardFits(g)) {
    p.panelFloats = DirectForwardScratch(g);
    ForEachImage(d, g, p, 0, [&](int64_t n, float* scratch, ThreadPool*, int64_t) {
      DirectForwardImage(g, x + n * g.inC * p.inHW, w, y + n * g.outC * p.outHW, scratch);
    });
    return;
  }
  ForEachImage(d, g, p, 0, [&](int64_t n, float* panel, ThreadPool* pool, int64_t) {
    ForwardImage(g, p, x + n * g.inC * p.inHW, w, y + n * g.outC * p.outHW, panel, pool);
  });
}

void ConvBackInput(Device& d, const Geometry& g, const float* dy, const float* w, float* dx) {
  Plan p = MakePlan(g);
  if (DirectBackInputFits(g)) {
    const std::vector<float> flipped = FlipForBackInput(g, w);
    p.panelFloats = DirectBackInputScratch(g);
    ForEachImage(d, g, p, 0, [&](int64_t n, float* scratch, ThreadPool*, int64_t) {
      DirectBackInputImage(g, dy + n * g.outC * p.outHW, flipped.data(), dx + n * g.inC * p.inHW, scratch);
    });
    return;
  }
  ForEachImage(d, g, p, 0, [&](int64_t n, float* panel, ThreadPool* pool, int64_t) {
    BackInputImage(g, p, dy + n * g.outC * p.outHW, w, dx + n * g.inC * p.inHW, panel, pool);
  });
}

void ConvBackFilter(Device& d, const Geometry& g, const float* x, const float* dy, float* dw) {
  Plan p = MakePlan(g);
  const int64_t size = g.outC * p.K;
  std::memset(dw, 0, static_cast<size_t>(size) * 4);
  // Split over the batch, every task accumulates into its own copy of dw; they are summed after.
  const int T = d.pool().size();
  std::vector<float*> partial(T, dw);
  if (SplitBatch(g, p, T)) {
    for (int t = 1; t < T; t++) {
      partial[t] = d.Scratch(2 * T + t, static_cast<size_t>(size));
      std::memset(partial[t], 0, static_cast<size_t>(size) * 4);
    }
  }
  if (DirectBackFilterFits(g)) {
    p.panelFloats = DirectForwardScratch(g);
    ForEachImage(d, g, p, T, [&](int64_t n, float* scratch, ThreadPool*, int64_t t) {
      DirectBackFilterImage(g, x + n * g.inC * p.inHW, dy + n * g.outC * p.outHW, partial[t], scratch);
    });
  } else {
    ForEachImage(d, g, p, T, [&](int64_t n, float* panel, ThreadPool* pool, int64_t t) {
      BackFilterImage(g, p, x + n * g.inC * p.inHW, dy + n * g.outC * p.outHW, partial[t], panel, pool);
    });
  }
  for (int t = 1; t < T; t++) {
    if (partial[t] == dw) continue;
    const float* src = partial[t];
    ParallelFor(d.pool(), size, kGrain, [&](int64_t b, int64_t e) {
      for (int64_t i = b; i < e; i++) dw[i] += src[i];
    });
  }
}

// ---------------------------------------------------------------- bindings

// The three tensors of a convolution, by role.
enum Kind { kX, kW, kY };

Shape ShapeOf(const Geometry& g, Kind kind) {
  switch (kind) {
    case kX: return {g.batch, g.inC, g.inH, g.inW};
    case kW: return {g.outC, g.inC, g.kH, g.kW};
    default: return {g.batch, g.outC, g.outH, g.outW};
  }
}

// Multiply-adds in BLAS plus one step per column-matrix element.
double ConvWork(const Geometry& g) {
  double macs = static_cast<double>(g.batch) * g.outC * g.inC * g.kH * g.kW * g.outH * g.outW;
  double cols = static_cast<double>(g.batch) * g.inC * g.kH * g.kW * g.outH * g.outW;
  return macs / kMacsPerStep + cols;
}

using ConvRun = void (*)(Device&, const Geometry&, const float*, const float*, float*);

// One convolution kernel binding: checks two float32 inputs (roles aKind, bKind) against the
// sizes the geometry implies, allocates the output (role outKind) and queues run(a, b, out).
Napi::Value BindConv(const Napi::CallbackInfo& info, const char* op, const char* an, Kind aKind,
                     const char* bn, Kind bKind, Kind outKind, ConvRun run) {
  Args a(info, op);
  Device& dev = Device::Get(info.Env());
  const Geometry g = a.Geom(2, "geom", false);
  BufferRef in[2] = {dev.Input(a, 0, an), dev.Input(a, 1, bn)};
  const char* names[2] = {an, bn};
  const Kind kinds[2] = {aKind, bKind};
  for (int i = 0; i < 2; i++) {
    Shape s = ShapeOf(g, kinds[i]);
    ExpectElements(a, *in[i], names[i], NumElements(s, a.op(), names[i]), s);
    ExpectDtype(a, *in[i], names[i], DType::F32);
  }
  Shape os = ShapeOf(g, outKind);
  BufferRef out = dev.Allocate(NumElements(os, a.op(), "output"), DType::F32, a.op());
  // The backprops also zero (dx) or reduce into (dw) their output.
  const double work = ConvWork(g) + (outKind == kY ? 0.0 : static_cast<double>(out->numel));
  Device* d = &dev;
  Buffer *ap = in[0].get(), *bp = in[1].get(), *outp = out.get();
  dev.Submit(out, {in[0], in[1]}, work, [=] { run(*d, g, ap->data<float>(), bp->data<float>(), outp->data<float>()); });
  return IdOf(info.Env(), out);
}

// conv2d(x, w, geom) -> y
Napi::Value Conv2D(const Napi::CallbackInfo& info) {
  return BindConv(info, "Conv2D", "x", kX, "w", kW, kY, ConvForward);
}

// conv2dBackpropInput(dy, w, geom) -> dx
Napi::Value Conv2DBackpropInput(const Napi::CallbackInfo& info) {
  return BindConv(info, "Conv2DBackpropInput", "dy", kY, "w", kW, kX, ConvBackInput);
}

// conv2dBackpropFilter(x, dy, geom) -> dw
Napi::Value Conv2DBackpropFilter(const Napi::CallbackInfo& info) {
  return BindConv(info, "Conv2DBackpropFilter", "x", kX, "dy", kY, kW, ConvBackFilter);
}

// im2col(x, geom) -> cols [N, inC*kH*kW, outH*outW]
Napi::Value Im2Col(const Napi::CallbackInfo& info) {
  Args a(info, "Im2Col");
  Device& dev = Device::Get(info.Env());
  const Geometry g = a.Geom(1, "geom", false);
  BufferRef x = dev.Input(a, 0, "x");
  Shape xs{g.batch, g.inC, g.inH, g.inW};
  ExpectElements(a, *x, "x", NumElements(xs, a.op(), "x"), xs);
  const int64_t K = g.inC * g.kH * g.kW, outHW = g.outH * g.outW;
  BufferRef cols = dev.Allocate(g.batch * K * outHW, x->dtype, a.op());
  Device* d = &dev;
  Buffer *xp = x.get(), *cp = cols.get();
  dev.Submit(cols, {x}, static_cast<double>(cols->numel), [=] {
    // Tasks over (image, channel): each writes its own rows of the column matrix.
    auto fill = [&](auto* X, auto* C) {
      ParallelFor(d->pool(), g.batch * g.inC, 1, [&](int64_t b, int64_t e) {
        for (int64_t t = b; t < e; t++) {
          int64_t n = t / g.inC, c = t % g.inC;
          Im2ColBand(g, X + n * g.inC * g.inH * g.inW, 0, g.outH, c, c + 1, C + n * K * outHW);
        }
      });
    };
    if (xp->dtype == DType::F32) fill(xp->data<float>(), cp->data<float>());
    else fill(xp->data<int32_t>(), cp->data<int32_t>());
  });
  return IdOf(info.Env(), cols);
}

// col2im(cols, geom) -> x [N, inC, inH, inW], summing overlaps
Napi::Value Col2Im(const Napi::CallbackInfo& info) {
  Args a(info, "Col2Im");
  Device& dev = Device::Get(info.Env());
  const Geometry g = a.Geom(1, "geom", false);
  BufferRef cols = dev.Input(a, 0, "cols");
  const int64_t K = g.inC * g.kH * g.kW, outHW = g.outH * g.outW;
  Shape cs{g.batch, K, outHW};
  ExpectElements(a, *cols, "cols", NumElements(cs, a.op(), "cols"), cs);
  BufferRef x = dev.Allocate(g.batch * g.inC * g.inH * g.inW, cols->dtype, a.op());
  Device* d = &dev;
  Buffer *xp = x.get(), *cp = cols.get();
  dev.Submit(x, {cols}, static_cast<double>(cols->numel) + static_cast<double>(x->numel), [=] {
    const int64_t plane = g.inH * g.inW;
    auto fold = [&](auto* X, auto* C) {
      ParallelFor(d->pool(), g.batch * g.inC, 1, [&](int64_t b, int64_t e) {
        for (int64_t t = b; t < e; t++) {
          int64_t n = t / g.inC, c = t % g.inC;
          auto* xn = X + n * g.inC * plane;
          std::memset(xn + c * plane, 0, static_cast<size_t>(plane) * 4);
          Col2ImBand(g, C + n * K * outHW, 0, g.outH, c, c + 1, xn);
        }
      });
    };
    if (cp->dtype == DType::F32) fold(xp->data<float>(), cp->data<float>());
    else fold(xp->data<int32_t>(), cp->data<int32_t>());
  });
  return IdOf(info.Env(), x);
}

}  // namespace

void RegisterConv(Napi::Env env, Napi::Object exports) {
  Export(env, exports, "conv2d", Conv2D);
  Export(env, exports, "conv2dBackpropInput", Conv2DBackpropInput);
  Export(env, exports, "conv2dBackpropFilter", Conv2DBackpropFilter);
  Export(env, exports, "im2col", Im2Col);
  Export(env, exports, "col2im", Col2Im);
}

}  // namespace tessera

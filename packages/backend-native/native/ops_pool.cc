// Pooling: MaxPool, MaxPoolBackward, AvgPool, AvgPoolBackward, one (image, channel) plane per task.
// Window loops are clipped to the part of each window inside the input, so padding never wins a
// max and never costs a loop iteration.
#include <algorithm>
#include <cstring>
#include <limits>
#include <vector>

#include "ops.h"

namespace tessera {
namespace {

struct Range {
  int64_t lo, hi;  // window taps [lo, hi) that land inside the input
};

// Taps t in [0, k) with o*stride - pad + t*dil in [0, in).
Range Taps(int64_t o, int64_t stride, int64_t pad, int64_t dil, int64_t k, int64_t in) {
  int64_t base = o * stride - pad;
  int64_t lo = base >= 0 ? 0 : (-base + dil - 1) / dil;
  int64_t hi = in - 1 - base < 0 ? 0 : std::min(k, (in - 1 - base) / dil + 1);
  return {std::min(lo, hi), hi};
}

struct Windows {
  std::vector<Range> rows, cols;
};

Windows MakeWindows(const Geometry& g) {
  Windows w;
  for (int64_t oy = 0; oy < g.outH; oy++) w.rows.push_back(Taps(oy, g.strideH, g.padTop, g.dilationH, g.kH, g.inH));
  for (int64_t ox = 0; ox < g.outW; ox++) w.cols.push_back(Taps(ox, g.strideW, g.padLeft, g.dilationW, g.kW, g.inW));
  return w;
}

// fn(plane) for each of the N*C planes, in parallel.
template <class F>
void Planes(ThreadPool& pool, const Geometry& g, F fn) {
  int64_t per = std::max<int64_t>(1, g.outH * g.outW * g.kH * g.kW);
  ParallelFor(pool, g.batch * g.inC, std::max<int64_t>(1, kGrain / per), [&](int64_t b, int64_t e) {
    for (int64_t p = b; p < e; p++) fn(p);
  });
}

// Index (within the plane) of the first maximum of the window at (oy, ox), or -1 if it is empty.
int64_t ArgMaxWindow(const Geometry& g, const Windows& w, const float* x, int64_t oy, int64_t ox) {
  const Range r = w.rows[oy], c = w.cols[ox];
  const int64_t y0 = oy * g.strideH - g.padTop, x0 = ox * g.strideW - g.padLeft;
  int64_t best = -1;
  float m = 0.f;
  for (int64_t i = r.lo; i < r.hi; i++) {
    const int64_t row = (y0 + i * g.dilationH) * g.inW;
    for (int64_t j = c.lo; j < c.hi; j++) {
      const int64_t idx = row + x0 + j * g.dilationW;
      if (best < 0 || x[idx] > m) {  // strict: the first maximum wins (PyTorch's tie rule)
        m = x[idx];
        best = idx;
      }
    }
  }
  return best;
}

// The maximum of the window at (oy, ox), NaN-propagating like Math.max; -Infinity if it is empty.
float MaxWindow(const Geometry& g, const Windows& w, const float* x, int64_t oy, int64_t ox) {
  const Range r = w.rows[oy], c = w.cols[ox];
  const int64_t y0 = oy * g.strideH - g.padTop, x0 = ox * g.strideW - g.padLeft;
  float m = -std::numeric_limits<float>::infinity();
  for (int64_t i = r.lo; i < r.hi; i++) {
    const float* row = x + (y0 + i * g.dilationH) * g.inW;
    for (int64_t j = c.lo; j < c.hi; j++) {
      const float v = row[x0 + j * g.dilationW];
      m = (v > m || v != v) && m == m ? v : m;
    }
  }
  return m;
}

BufferRef CheckedInput(const Args& a, Device& dev, size_t i, const char* name, const Shape& s) {
  BufferRef b = dev.Input(a, i, name);
  ExpectElements(a, *b, name, NumElements(s, a.op(), name), s);
  ExpectDtype(a, *b, name, DType::F32);
  return b;
}

Shape InShape(const Geometry& g) { return {g.batch, g.inC, g.inH, g.inW}; }
Shape OutShape(const Geometry& g) { return {g.batch, g.inC, g.outH, g.outW}; }

// maxPool(x, geom) -> y; a window entirely in padding gives -Infinity.
Napi::Value MaxPool(const Napi::CallbackInfo& info) {
  Args a(info, "MaxPool");
  Device& dev = Device::Get(info.Env());
  const Geometry g = a.Geom(1, "geom", true);
  BufferRef x = CheckedInput(a, dev, 0, "x", InShape(g));
  BufferRef y = dev.Allocate(g.batch * g.inC * g.outH * g.outW, DType::F32, a.op());
  Device* d = &dev;
  Buffer *xp = x.get(), *yp = y.get();
  dev.Submit(y, {x}, static_cast<double>(y->numel) * g.kH * g.kW, [=] {
    Windows w = MakeWindows(g);
    Planes(d->pool(), g, [&](int64_t p) {
      const float* X = xp->data<float>() + p * g.inH * g.inW;
      float* Y = yp->data<float>() + p * g.outH * g.outW;
      for (int64_t oy = 0; oy < g.outH; oy++) {
        for (int64_t ox = 0; ox < g.outW; ox++) Y[oy * g.outW + ox] = MaxWindow(g, w, X, oy, ox);
      }
    });
  });
  return IdOf(info.Env(), y);
}

// maxPoolBackward(x, dy, geom) -> dx: dy goes to the first maximum of each window.
Napi::Value MaxPoolBackward(const Napi::CallbackInfo& info) {
  Args a(info, "MaxPoolBackward");
  Device& dev = Device::Get(info.Env());
  const Geometry g = a.Geom(2, "geom", true);
  BufferRef x = CheckedInput(a, dev, 0, "x", InShape(g));
  BufferRef dy = CheckedInput(a, dev, 1, "dy", OutShape(g));
  BufferRef dx = dev.Allocate(x->numel, DType::F32, a.op());
  Device* d = &dev;
  Buffer *xp = x.get(), *dyp = dy.get(), *dxp = dx.get();
  dev.Submit(dx, {x, dy}, static_cast<double>(dy->numel) * g.kH * g.kW + static_cast<double>(x->numel), [=] {
    Windows w = MakeWindows(g);
    Planes(d->pool(), g, [&](int64_t p) {
      const float* X = xp->data<float>() + p * g.inH * g.inW;
      const float* DY = dyp->data<float>() + p * g.outH * g.outW;
      float* DX = dxp->data<float>() + p * g.inH * g.inW;
      std::memset(DX, 0, static_cast<size_t>(g.inH * g.inW) * 4);
      for (int64_t oy = 0; oy < g.outH; oy++) {
        for (int64_t ox = 0; ox < g.outW; ox++) {
          int64_t idx = ArgMaxWindow(g, w, X, oy, ox);
          if (idx >= 0) DX[idx] += DY[oy * g.outW + ox];
        }
      }
    });
  });
  return IdOf(info.Env(), dx);
}

// avgPool(x, geom) -> y; divides by kH*kW (padding counts as zeros).
Napi::Value AvgPool(const Napi::CallbackInfo& info) {
  Args a(info, "AvgPool");
  Device& dev = Device::Get(info.Env());
  const Geometry g = a.Geom(1, "geom", true);
  BufferRef x = CheckedInput(a, dev, 0, "x", InShape(g));
  BufferRef y = dev.Allocate(g.batch * g.inC * g.outH * g.outW, DType::F32, a.op());
  Device* d = &dev;
  Buffer *xp = x.get(), *yp = y.get();
  dev.Submit(y, {x}, static_cast<double>(y->numel) * g.kH * g.kW, [=] {
    Windows w = MakeWindows(g);
    const double inv = 1.0 / (static_cast<double>(g.kH) * static_cast<double>(g.kW));
    Planes(d->pool(), g, [&](int64_t p) {
      const float* X = xp->data<float>() + p * g.inH * g.inW;
      float* Y = yp->data<float>() + p * g.outH * g.outW;
      for (int64_t oy = 0; oy < g.outH; oy++) {
        const Range r = w.rows[oy];
        const int64_t y0 = oy * g.strideH - g.padTop;
        for (int64_t ox = 0; ox < g.outW; ox++) {
          const Range c = w.cols[ox];
          const int64_t x0 = ox * g.strideW - g.padLeft;
          double s = 0;
          for (int64_t i = r.lo; i < r.hi; i++) {
            const float* row = X + (y0 + i * g.dilationH) * g.inW;
            for (int64_t j = c.lo; j < c.hi; j++) s += row[x0 + j * g.dilationW];
          }
          Y[oy * g.outW + ox] = static_cast<float>(s * inv);
        }
      }
    });
  });
  return IdOf(info.Env(), y);
}

// avgPoolBackward(dy, geom) -> dx
Napi::Value AvgPoolBackward(const Napi::CallbackInfo& info) {
  Args a(info, "AvgPoolBackward");
  Device& dev = Device::Get(info.Env());
  const Geometry g = a.Geom(1, "geom", true);
  BufferRef dy = CheckedInput(a, dev, 0, "dy", OutShape(g));
  BufferRef dx = dev.Allocate(g.batch * g.inC * g.inH * g.inW, DType::F32, a.op());
  Device* d = &dev;
  Buffer *dyp = dy.get(), *dxp = dx.get();
  dev.Submit(dx, {dy}, static_cast<double>(dy->numel) * g.kH * g.kW + static_cast<double>(dx->numel), [=] {
    Windows w = MakeWindows(g);
    const float inv = static_cast<float>(1.0 / (static_cast<double>(g.kH) * static_cast<double>(g.kW)));
    Planes(d->pool(), g, [&](int64_t p) {
      const float* DY = dyp->data<float>() + p * g.outH * g.outW;
      float* DX = dxp->data<float>() + p * g.inH * g.inW;
      std::memset(DX, 0, static_cast<size_t>(g.inH * g.inW) * 4);
      for (int64_t oy = 0; oy < g.outH; oy++) {
        const Range r = w.rows[oy];
        const int64_t y0 = oy * g.strideH - g.padTop;
        for (int64_t ox = 0; ox < g.outW; ox++) {
          const Range c = w.cols[ox];
          const int64_t x0 = ox * g.strideW - g.padLeft;
          const float v = DY[oy * g.outW + ox] * inv;
          for (int64_t i = r.lo; i < r.hi; i++) {
            float* row = DX + (y0 + i * g.dilationH) * g.inW;
            for (int64_t j = c.lo; j < c.hi; j++) row[x0 + j * g.dilationW] += v;
          }
        }
      }
    });
  });
  return IdOf(info.Env(), dx);
}

}  // namespace

void RegisterPool(Napi::Env env, Napi::Object exports) {
  Export(env, exports, "maxPool", MaxPool);
  Export(env, exports, "maxPoolBackward", MaxPoolBackward);
  Export(env, exports, "avgPool", AvgPool);
  Export(env, exports, "avgPoolBackward", AvgPoolBackward);
}

}  // namespace tessera

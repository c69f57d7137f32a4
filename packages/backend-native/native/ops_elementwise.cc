// Elementwise kernels: Unary, Binary and Where (NumPy broadcasting), Cast, Fill, BiasAdd.
//
// Broadcasting: every input gets per-axis strides against the output (0 on broadcast axes), size-1
// axes are dropped and runs of axes that are contiguous in every input are merged. What is left is
// a loop over output "segments" of the innermost axis, in which each input steps by 0 or 1.
#include <algorithm>
#include <cstring>
#include <string>

#include "ops.h"

namespace tessera {
namespace {

struct Strided {
  Shape dims;                 // merged output axes (at least one)
  std::vector<Shape> strides; // per input, per merged axis
  int64_t total = 0;
};

Strided PlanBroadcast(const Args& a, const Shape& out, const std::vector<const Shape*>& ins,
                      const std::vector<const char*>& names) {
  size_t R = out.size();
  std::vector<Shape> st(ins.size(), Shape(R, 0));
  for (size_t k = 0; k < ins.size(); k++) {
    const Shape& s = *ins[k];
    if (s.size() > R) {
      a.Bad(ErrKind::Shape, std::string("'") + names[k] + "' shape " + ShapeStr(s) +
                                " has more axes than the output shape " + ShapeStr(out));
    }
    size_t off = R - s.size();
    int64_t stride = 1;
    for (size_t i = s.size(); i-- > 0;) {
      if (s[i] != out[off + i] && s[i] != 1) {
        a.Bad(ErrKind::Shape, std::string("'") + names[k] + "' shape " + ShapeStr(s) +
                                  " does not broadcast to " + ShapeStr(out));
      }
      st[k][off + i] = s[i] == 1 ? 0 : stride;
      stride *= s[i];
    }
  }
  Strided p;
  p.strides.resize(ins.size());
  p.total = NumElements(out, a.op(), "outShape");
  for (size_t i = 0; i < R; i++) {
    if (out[i] == 1) continue;
    bool merge = !p.dims.empty();
    for (size_t k = 0; merge && k < ins.size(); k++) merge = p.strides[k].back() == st[k][i] * out[i];
    if (merge) {
      p.dims.back() *= out[i];
      for (size_t k = 0; k < ins.size(); k++) p.strides[k].back() = st[k][i];
    } else {
      p.dims.push_back(out[i]);
      for (size_t k = 0; k < ins.size(); k++) p.strides[k].push_back(st[k][i]);
    }
  }
  if (p.dims.empty()) {
    p.dims.push_back(1);
    for (auto& s : p.strides) s.push_back(0);
  }
  return p;
}

// f(outOffset, inputOffsets, length) for every run of the innermost merged axis, in parallel.
template <class F>
void ForEachSegment(ThreadPool& pool, const Strided& p, F f) {
  const int64_t R = static_cast<int64_t>(p.dims.size()), inner = p.dims.back();
  const size_t K = p.strides.size();
  ParallelFor(pool, p.total, kGrain, [&](int64_t b, int64_t e) {
    int64_t offs[3] = {0, 0, 0};
    while (b < e) {
      int64_t row = b / inner, col = b % inner, len = std::min(inner - col, e - b);
      for (size_t k = 0; k < K; k++) offs[k] = col * p.strides[k][R - 1];
      for (int64_t d = R - 2; d >= 0; d--) {
        int64_t idx = row % p.dims[d];
        row /= p.dims[d];
        for (size_t k = 0; k < K; k++) offs[k] += idx * p.strides[k][d];
      }
      f(b, offs, len);
      b += len;
    }
  });
}

// ---------------------------------------------------------------- Unary

enum class UnOp { Neg, Abs, Exp, Log, Sqrt, Square, Relu, Sigmoid, Tanh, Step };

UnOp ParseUnary(const Args& a, const std::string& s) {
  static const char* names[] = {"neg", "abs", "exp", "log", "sqrt", "square", "relu", "sigmoid", "tanh", "step"};
  for (int i = 0; i < 10; i++) {
    if (s == names[i]) return static_cast<UnOp>(i);
  }
  a.Bad(ErrKind::Argument, "unknown unary op '" + s + "'");
}

template <class F>
void Map(ThreadPool& pool, int64_t n, F f) {
  ParallelFor(pool, n, kGrain, [&](int64_t b, int64_t e) {
    for (int64_t i = b; i < e; i++) f(i);
  });
}

void UnaryF32(ThreadPool& pool, UnOp op, const float* x, float* y, int64_t n) {
  switch (op) {
    case UnOp::Neg: return Map(pool, n, [=](int64_t i) { y[i] = -x[i]; });
    case UnOp::Abs: return Map(pool, n, [=](int64_t i) { y[i] = std::fabs(x[i]); });
    case UnOp::Exp: return Map(pool, n, [=](int64_t i) { y[i] = std::exp(x[i]); });
    case UnOp::Log: return Map(pool, n, [=](int64_t i) { y[i] = std::log(x[i]); });
    case UnOp::Sqrt: return Map(pool, n, [=](int64_t i) { y[i] = std::sqrt(x[i]); });
    case UnOp::Square: return Map(pool, n, [=](int64_t i) { y[i] = x[i] * x[i]; });
    case UnOp::Relu: return Map(pool, n, [=](int64_t i) { y[i] = x[i] > 0.f ? x[i] : 0.f; });
    case UnOp::Sigmoid: return Map(pool, n, [=](int64_t i) { y[i] = 1.f / (1.f + std::exp(-x[i])); });
    case UnOp::Tanh: return Map(pool, n, [=](int64_t i) { y[i] = std::tanh(x[i]); });
    case UnOp::Step: return Map(pool, n, [=](int64_t i) { y[i] = x[i] > 0.f ? 1.f : 0.f; });
  }
}

// int32: integer arithmetic wraps like JS's Int32Array; the transcendental ops compute in double
// and store with ToInt32.
void UnaryI32(ThreadPool& pool, UnOp op, const int32_t* x, int32_t* y, int64_t n) {
  auto u = [](int32_t v) { return static_cast<uint32_t>(v); };
  switch (op) {
    case UnOp::Neg: return Map(pool, n, [=](int64_t i) { y[i] = static_cast<int32_t>(0u - u(x[i])); });
    case UnOp::Abs: return Map(pool, n, [=](int64_t i) { y[i] = x[i] < 0 ? static_cast<int32_t>(0u - u(x[i])) : x[i]; });
    case UnOp::Square: return Map(pool, n, [=](int64_t i) { y[i] = static_cast<int32_t>(u(x[i]) * u(x[i])); });
    case UnOp::Relu: return Map(pool, n, [=](int64_t i) { y[i] = x[i] > 0 ? x[i] : 0; });
    case UnOp::Step: return Map(pool, n, [=](int64_t i) { y[i] = x[i] > 0 ? 1 : 0; });
    case UnOp::Exp: return Map(pool, n, [=](int64_t i) { y[i] = ToInt32(std::exp(double(x[i]))); });
    case UnOp::Log: return Map(pool, n, [=](int64_t i) { y[i] = ToInt32(std::log(double(x[i]))); });
    case UnOp::Sqrt: return Map(pool, n, [=](int64_t i) { y[i] = ToInt32(std::sqrt(double(x[i]))); });
    case UnOp::Sigmoid: return Map(pool, n, [=](int64_t i) { y[i] = ToInt32(1.0 / (1.0 + std::exp(-double(x[i])))); });
    case UnOp::Tanh: return Map(pool, n, [=](int64_t i) { y[i] = ToInt32(std::tanh(double(x[i]))); });
  }
}

// unary(op, x) -> id
Napi::Value Unary(const Napi::CallbackInfo& info) {
  Args a(info, "Unary");
  Device& dev = Device::Get(info.Env());
  UnOp op = ParseUnary(a, a.Str(0, "op"));
  BufferRef x = dev.Input(a, 1, "x");
  BufferRef y = dev.Allocate(x->numel, x->dtype, a.op());
  Device* d = &dev;
  Buffer *xp = x.get(), *yp = y.get();
  dev.Submit(y, {x}, static_cast<double>(x->numel) * 4, [=] {
    if (xp->dtype == DType::F32) UnaryF32(d->pool(), op, xp->data<float>(), yp->data<float>(), xp->numel);
    else UnaryI32(d->pool(), op, xp->data<int32_t>(), yp->data<int32_t>(), xp->numel);
  });
  return IdOf(info.Env(), y);
}

// ---------------------------------------------------------------- Binary

enum class BinOp { Add, Sub, Mul, Div, Max, Min, Greater, Equal };

BinOp ParseBinary(const Args& a, const std::string& s) {
  static const char* names[] = {"add", "sub", "mul", "div", "maximum", "minimum", "greater", "equal"};
  for (int i = 0; i < 8; i++) {
    if (s == names[i]) return static_cast<BinOp>(i);
  }
  a.Bad(ErrKind::Argument, "unknown binary op '" + s + "'");
}

template <class T, class O, class F>
void Segment2(const T* a, int64_t sa, const T* b, int64_t sb, O* o, int64_t n, F f) {
  if (sa == 1 && sb == 1) {
    for (int64_t i = 0; i < n; i++) o[i] = f(a[i], b[i]);
  } else if (sa == 1 && sb == 0) {
    const T y = *b;
    for (int64_t i = 0; i < n; i++) o[i] = f(a[i], y);
  } else if (sa == 0 && sb == 1) {
    const T x = *a;
    for (int64_t i = 0; i < n; i++) o[i] = f(x, b[i]);
  } else {
    for (int64_t i = 0; i < n; i++) o[i] = f(a[i * sa], b[i * sb]);
  }
}

template <class T, class O, class F>
void Broadcast2(ThreadPool& pool, const Strided& p, const T* a, const T* b, O* o, F f) {
  const int64_t sa = p.strides[0].back(), sb = p.strides[1].back();
  ForEachSegment(pool, p, [&](int64_t off, const int64_t* offs, int64_t len) {
    Segment2(a + offs[0], sa, b + offs[1], sb, o + off, len, f);
  });
}

// NaN-propagating like Math.max / Math.min.
inline float MaxF(float x, float y) { return x != x ? x : (y != y ? y : (x > y ? x : y)); }
inline float MinF(float x, float y) { return x != x ? x : (y != y ? y : (x < y ? x : y)); }

void BinaryF32(ThreadPool& pool, BinOp op, const Strided& p, const float* a, const float* b, float* o) {
  switch (op) {
    case BinOp::Add: return Broadcast2(pool, p, a, b, o, [](float x, float y) { return x + y; });
    case BinOp::Sub: return Broadcast2(pool, p, a, b, o, [](float x, float y) { return x - y; });
    case BinOp::Mul: return Broadcast2(pool, p, a, b, o, [](float x, float y) { return x * y; });
    case BinOp::Div: return Broadcast2(pool, p, a, b, o, [](float x, float y) { return x / y; });
    case BinOp::Max: return Broadcast2(pool, p, a, b, o, MaxF);
    case BinOp::Min: return Broadcast2(pool, p, a, b, o, MinF);
    case BinOp::Greater: return Broadcast2(pool, p, a, b, o, [](float x, float y) { return x > y ? 1.f : 0.f; });
    case BinOp::Equal: return Broadcast2(pool, p, a, b, o, [](float x, float y) { return x == y ? 1.f : 0.f; });
  }
}

void BinaryI32(ThreadPool& pool, BinOp op, const Strided& p, const int32_t* a, const int32_t* b, void* o) {
  using I = int32_t;
  auto* oi = static_cast<int32_t*>(o);
  auto* of = static_cast<float*>(o);
  auto u = [](I v) { return static_cast<uint32_t>(v); };
  switch (op) {
    case BinOp::Add: return Broadcast2(pool, p, a, b, oi, [=](I x, I y) { return I(u(x) + u(y)); });
    case BinOp::Sub: return Broadcast2(pool, p, a, b, oi, [=](I x, I y) { return I(u(x) - u(y)); });
    case BinOp::Mul: return Broadcast2(pool, p, a, b, oi, [=](I x, I y) { return I(u(x) * u(y)); });
    // In double, then ToInt32: no trap on division by zero or INT_MIN / -1.
    case BinOp::Div: return Broadcast2(pool, p, a, b, oi, [](I x, I y) { return ToInt32(double(x) / double(y)); });
    case BinOp::Max: return Broadcast2(pool, p, a, b, oi, [](I x, I y) { return x > y ? x : y; });
    case BinOp::Min: return Broadcast2(pool, p, a, b, oi, [](I x, I y) { return x < y ? x : y; });
    case BinOp::Greater: return Broadcast2(pool, p, a, b, of, [](I x, I y) { return x > y ? 1.f : 0.f; });
    case BinOp::Equal: return Broadcast2(pool, p, a, b, of, [](I x, I y) { return x == y ? 1.f : 0.f; });
  }
}

// binary(op, a, aShape, b, bShape, outShape) -> id
Napi::Value Binary(const Napi::CallbackInfo& info) {
  Args a(info, "Binary");
  Device& dev = Device::Get(info.Env());
  BinOp op = ParseBinary(a, a.Str(0, "op"));
  Shape as = a.ShapeArg(2, "aShape"), bs = a.ShapeArg(4, "bShape"), os = a.ShapeArg(5, "outShape");
  BufferRef x = dev.Input(a, 1, "a"), y = dev.Input(a, 3, "b");
  ExpectElements(a, *x, "a", NumElements(as, a.op(), "aShape"), as);
  ExpectElements(a, *y, "b", NumElements(bs, a.op(), "bShape"), bs);
  ExpectDtype(a, *y, "b", x->dtype);
  Strided p = PlanBroadcast(a, os, {&as, &bs}, {"a", "b"});
  DType outType = (op == BinOp::Greater || op == BinOp::Equal) ? DType::F32 : x->dtype;
  BufferRef o = dev.Allocate(p.total, outType, a.op());
  Device* d = &dev;
  Buffer *xp = x.get(), *yp = y.get(), *outp = o.get();
  dev.Submit(o, {x, y}, static_cast<double>(p.total) * 2, [=] {
    if (xp->dtype == DType::F32) BinaryF32(d->pool(), op, p, xp->data<float>(), yp->data<float>(), outp->data<float>());
    else BinaryI32(d->pool(), op, p, xp->data<int32_t>(), yp->data<int32_t>(), outp->ptr);
  });
  return IdOf(info.Env(), o);
}

// ---------------------------------------------------------------- Where

// where(cond, condShape, a, aShape, b, bShape, outShape) -> id; output dtype is a's.
Napi::Value Where(const Napi::CallbackInfo& info) {
  Args a(info, "Where");
  Device& dev = Device::Get(info.Env());
  Shape cs = a.ShapeArg(1, "condShape"), as = a.ShapeArg(3, "aShape"), bs = a.ShapeArg(5, "bShape");
  Shape os = a.ShapeArg(6, "outShape");
  BufferRef c = dev.Input(a, 0, "cond"), x = dev.Input(a, 2, "a"), y = dev.Input(a, 4, "b");
  ExpectElements(a, *c, "cond", NumElements(cs, a.op(), "condShape"), cs);
  ExpectElements(a, *x, "a", NumElements(as, a.op(), "aShape"), as);
  ExpectElements(a, *y, "b", NumElements(bs, a.op(), "bShape"), bs);
  ExpectDtype(a, *y, "b", x->dtype);
  Strided p = PlanBroadcast(a, os, {&cs, &as, &bs}, {"cond", "a", "b"});
  BufferRef o = dev.Allocate(p.total, x->dtype, a.op());
  Device* d = &dev;
  Buffer *cp = c.get(), *xp = x.get(), *yp = y.get(), *outp = o.get();
  dev.Submit(o, {c, x, y}, static_cast<double>(p.total) * 2, [=] {
    // Values are moved as raw 32-bit words: a and b share a dtype, so this is exact for both.
    const uint32_t* av = xp->data<uint32_t>();
    const uint32_t* bv = yp->data<uint32_t>();
    uint32_t* ov = outp->data<uint32_t>();
    const bool condFloat = cp->dtype == DType::F32;
    const int64_t sc = p.strides[0].back(), sa = p.strides[1].back(), sb = p.strides[2].back();
    ForEachSegment(d->pool(), p, [&](int64_t off, const int64_t* offs, int64_t len) {
      for (int64_t i = 0; i < len; i++) {
        int64_t ci = offs[0] + i * sc;
        bool take = condFloat ? cp->data<float>()[ci] != 0.f : cp->data<int32_t>()[ci] != 0;
        ov[off + i] = take ? av[offs[1] + i * sa] : bv[offs[2] + i * sb];
      }
    });
  });
  return IdOf(info.Env(), o);
}

// ---------------------------------------------------------------- Cast, Fill

// cast(x, dtype) -> id; float32 -> int32 truncates toward zero (ToInt32).
Napi::Value Cast(const Napi::CallbackInfo& info) {
  Args a(info, "Cast");
  Device& dev = Device::Get(info.Env());
  BufferRef x = dev.Input(a, 0, "x");
  DType to = a.Dtype(1, "dtype");
  BufferRef y = dev.Allocate(x->numel, to, a.op());
  Device* d = &dev;
  Buffer *xp = x.get(), *yp = y.get();
  dev.Submit(y, {x}, static_cast<double>(x->numel), [=] {
    int64_t n = xp->numel;
    if (xp->dtype == yp->dtype) {
      if (n > 0) std::memcpy(yp->ptr, xp->ptr, static_cast<size_t>(n) * 4);
    } else if (yp->dtype == DType::I32) {
      const float* s = xp->data<float>();
      int32_t* t = yp->data<int32_t>();
      Map(d->pool(), n, [=](int64_t i) { t[i] = ToInt32(s[i]); });
    } else {
      const int32_t* s = xp->data<int32_t>();
      float* t = yp->data<float>();
      Map(d->pool(), n, [=](int64_t i) { t[i] = static_cast<float>(s[i]); });
    }
  });
  return IdOf(info.Env(), y);
}

// fill(shape, value, dtype) -> id
Napi::Value Fill(const Napi::CallbackInfo& info) {
  Args a(info, "Fill");
  Device& dev = Device::Get(info.Env());
  Shape s = a.ShapeArg(0, "shape");
  double value = a.Number(1, "value");
  DType dt = a.Dtype(2, "dtype");
  BufferRef y = dev.Allocate(NumElements(s, a.op(), "shape"), dt, a.op());
  Device* d = &dev;
  Buffer* yp = y.get();
  dev.Submit(y, {}, static_cast<double>(y->numel), [=] {
    if (yp->dtype == DType::F32) {
      float v = static_cast<float>(value);
      float* t = yp->data<float>();
      Map(d->pool(), yp->numel, [=](int64_t i) { t[i] = v; });
    } else {
      int32_t v = ToInt32(value);
      int32_t* t = yp->data<int32_t>();
      Map(d->pool(), yp->numel, [=](int64_t i) { t[i] = v; });
    }
  });
  return IdOf(info.Env(), y);
}

// ---------------------------------------------------------------- BiasAdd

template <class T>
void BiasAddRows(ThreadPool& pool, const T* x, const T* bias, T* y, int64_t outer, int64_t ch, int64_t inner, bool relu) {
  int64_t rows = outer * ch;
  ParallelFor(pool, rows, std::max<int64_t>(1, kGrain / std::max<int64_t>(1, inner)), [&](int64_t b, int64_t e) {
    for (int64_t r = b; r < e; r++) {
      const T bv = bias[r % ch];
      const T* xs = x + r * inner;
      T* ys = y + r * inner;
      if (relu) {
        for (int64_t i = 0; i < inner; i++) {
          T v = xs[i] + bv;
          ys[i] = v > T(0) ? v : T(0);
        }
      } else {
        for (int64_t i = 0; i < inner; i++) ys[i] = xs[i] + bv;
      }
    }
  });
}

// biasAdd(x, bias, outer, channels, inner, relu) -> id
Napi::Value BiasAdd(const Napi::CallbackInfo& info) {
  Args a(info, "BiasAdd");
  Device& dev = Device::Get(info.Env());
  int64_t outer = a.Int(2, "outer", 0, kMaxDim), ch = a.Int(3, "channels", 0, kMaxDim);
  int64_t inner = a.Int(4, "inner", 0, kMaxDim);
  bool relu = a.Bool(5, "relu");
  BufferRef x = dev.Input(a, 0, "x"), bias = dev.Input(a, 1, "bias");
  Shape xs{outer, ch, inner};
  ExpectElements(a, *x, "x", NumElements(xs, a.op(), "x"), xs);
  ExpectElements(a, *bias, "bias", ch, Shape{ch});
  ExpectDtype(a, *x, "x", DType::F32);
  ExpectDtype(a, *bias, "bias", DType::F32);
  BufferRef y = dev.Allocate(x->numel, DType::F32, a.op());
  Device* d = &dev;
  Buffer *xp = x.get(), *bp = bias.get(), *yp = y.get();
  dev.Submit(y, {x, bias}, static_cast<double>(x->numel) * 2, [=] {
    BiasAddRows(d->pool(), xp->data<float>(), bp->data<float>(), yp->data<float>(), outer, ch, inner, relu);
  });
  return IdOf(info.Env(), y);
}

}  // namespace

void RegisterElementwise(Napi::Env env, Napi::Object exports) {
  Export(env, exports, "unary", Unary);
  Export(env, exports, "binary", Binary);
  Export(env, exports, "where", Where);
  Export(env, exports, "cast", Cast);
  Export(env, exports, "fill", Fill);
  Export(env, exports, "biasAdd", BiasAdd);
}

}  // namespace tessera

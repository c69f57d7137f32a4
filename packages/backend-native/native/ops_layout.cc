// Data movement: Transpose, Slice, Pad, Concat. All four are one strided copy of 32-bit words
// (both dtypes are 4 bytes), so they share `StridedCopy`.
#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

#include "ops.h"

namespace tessera {
namespace {

Shape ContiguousStrides(const Shape& dims) {
  Shape s(dims.size());
  int64_t st = 1;
  for (size_t i = dims.size(); i-- > 0;) {
    s[i] = st;
    st *= dims[i];
  }
  return s;
}

// dst[offsets + index . dstStrides] = src[index . srcStrides] for every index of `dims`.
void StridedCopy(ThreadPool& pool, const uint32_t* src, Shape srcSt, uint32_t* dst, Shape dstSt, Shape dims) {
  // Drop unit axes and merge axes that are contiguous in both source and destination.
  Shape d, s, t;
  for (size_t i = 0; i < dims.size(); i++) {
    if (dims[i] == 1) continue;
    if (!d.empty() && s.back() == srcSt[i] * dims[i] && t.back() == dstSt[i] * dims[i]) {
      d.back() *= dims[i];
      s.back() = srcSt[i];
      t.back() = dstSt[i];
    } else {
      d.push_back(dims[i]);
      s.push_back(srcSt[i]);
      t.push_back(dstSt[i]);
    }
  }
  int64_t total = 1;
  for (int64_t v : dims) total *= v;
  if (total == 0) return;
  if (d.empty()) {
    *dst = *src;
    return;
  }
  const int64_t R = static_cast<int64_t>(d.size()), inner = d.back(), si = s.back(), ti = t.back();
  ParallelFor(pool, total, kGrain, [&](int64_t b, int64_t e) {
    while (b < e) {
      int64_t row = b / inner, col = b % inner, len = std::min(inner - col, e - b);
      int64_t so = col * si, to = col * ti;
      for (int64_t k = R - 2; k >= 0; k--) {
        int64_t idx = row % d[k];
        row /= d[k];
        so += idx * s[k];
        to += idx * t[k];
      }
      if (si == 1 && ti == 1) {
        std::memcpy(dst + to, src + so, static_cast<size_t>(len) * 4);
      } else {
        for (int64_t i = 0; i < len; i++) dst[to + i * ti] = src[so + i * si];
      }
      b += len;
    }
  });
}

// transpose(x, shape, perm) -> id; out.shape[i] = shape[perm[i]]
Napi::Value Transpose(const Napi::CallbackInfo& info) {
  Args a(info, "Transpose");
  Device& dev = Device::Get(info.Env());
  Shape shape = a.ShapeArg(1, "shape");
  std::vector<int64_t> perm = a.IntArray(2, "perm", 0, kMaxRank, 0, kMaxRank);
  if (perm.size() != shape.size()) a.Bad(ErrKind::Shape, "perm has " + std::to_string(perm.size()) + " axes, shape " + ShapeStr(shape));
  std::vector<bool> seen(shape.size(), false);
  for (int64_t p : perm) {
    if (p >= static_cast<int64_t>(shape.size()) || seen[p]) a.Bad(ErrKind::Argument, "perm " + ShapeStr(perm) + " is not a permutation");
    seen[p] = true;
  }
  BufferRef x = dev.Input(a, 0, "x");
  ExpectElements(a, *x, "x", NumElements(shape, a.op(), "shape"), shape);
  Shape inSt = ContiguousStrides(shape), dims(shape.size()), srcSt(shape.size());
  for (size_t i = 0; i < perm.size(); i++) {
    dims[i] = shape[perm[i]];
    srcSt[i] = inSt[perm[i]];
  }
  BufferRef y = dev.Allocate(x->numel, x->dtype, a.op());
  Device* d = &dev;
  Buffer *xp = x.get(), *yp = y.get();
  dev.Submit(y, {x}, static_cast<double>(x->numel) * 2, [=] {
    StridedCopy(d->pool(), xp->data<uint32_t>(), srcSt, yp->data<uint32_t>(), ContiguousStrides(dims), dims);
  });
  return IdOf(info.Env(), y);
}

// slice(x, shape, begin, size) -> id
Napi::Value Slice(const Napi::CallbackInfo& info) {
  Args a(info, "Slice");
  Device& dev = Device::Get(info.Env());
  Shape shape = a.ShapeArg(1, "shape");
  std::vector<int64_t> begin = a.IntArray(2, "begin", 0, kMaxRank, 0, kMaxDim);
  Shape size = a.ShapeArg(3, "size");
  if (begin.size() != shape.size() || size.size() != shape.size()) {
    a.Bad(ErrKind::Shape, "begin " + ShapeStr(begin) + " and size " + ShapeStr(size) + " must match the rank of " + ShapeStr(shape));
  }
  for (size_t i = 0; i < shape.size(); i++) {
    if (begin[i] + size[i] > shape[i]) {
      a.Bad(ErrKind::Shape, "box begin " + ShapeStr(begin) + " size " + ShapeStr(size) + " leaves shape " + ShapeStr(shape));
    }
  }
  BufferRef x = dev.Input(a, 0, "x");
  ExpectElements(a, *x, "x", NumElements(shape, a.op(), "shape"), shape);
  Shape st = ContiguousStrides(shape);
  int64_t offset = 0;
  for (size_t i = 0; i < shape.size(); i++) offset += begin[i] * st[i];
  int64_t n = NumElements(size, a.op(), "size");
  if (n == 0) offset = 0;
  BufferRef y = dev.Allocate(n, x->dtype, a.op());
  Device* d = &dev;
  Buffer *xp = x.get(), *yp = y.get();
  dev.Submit(y, {x}, static_cast<double>(n) * 2, [=] {
    StridedCopy(d->pool(), xp->data<uint32_t>() + offset, st, yp->data<uint32_t>(), ContiguousStrides(size), size);
  });
  return IdOf(info.Env(), y);
}

// pad(x, shape, paddings [before0, after0, before1, ...], value) -> id
Napi::Value Pad(const Napi::CallbackInfo& info) {
  Args a(info, "Pad");
  Device& dev = Device::Get(info.Env());
  Shape shape = a.ShapeArg(1, "shape");
  std::vector<int64_t> pads = a.IntArray(2, "paddings", 0, 2 * kMaxRank, 0, kMaxDim);
  double value = a.Number(3, "value");
  if (pads.size() != 2 * shape.size()) {
    a.Bad(ErrKind::Shape, "paddings needs 2 entries per axis of " + ShapeStr(shape) + ", got " + std::to_string(pads.size()));
  }
  BufferRef x = dev.Input(a, 0, "x");
  ExpectElements(a, *x, "x", NumElements(shape, a.op(), "shape"), shape);
  Shape out(shape.size());
  for (size_t i = 0; i < shape.size(); i++) {
    out[i] = shape[i] + pads[2 * i] + pads[2 * i + 1];
    if (out[i] > kMaxDim) a.Bad(ErrKind::Shape, "padded axis " + std::to_string(i) + " is too large");
  }
  int64_t n = NumElements(out, a.op(), "output");
  Shape outSt = ContiguousStrides(out);
  int64_t offset = 0;
  for (size_t i = 0; i < shape.size(); i++) offset += pads[2 * i] * outSt[i];
  if (x->numel == 0) offset = 0;
  BufferRef y = dev.Allocate(n, x->dtype, a.op());
  Device* d = &dev;
  Buffer *xp = x.get(), *yp = y.get();
  dev.Submit(y, {x}, static_cast<double>(n) * 2, [=] {
    uint32_t fill;
    if (yp->dtype == DType::F32) {
      float f = static_cast<float>(value);
      std::memcpy(&fill, &f, 4);
    } else {
      int32_t v = ToInt32(value);
      std::memcpy(&fill, &v, 4);
    }
    uint32_t* Y = yp->data<uint32_t>();
    ParallelFor(d->pool(), n, kGrain, [&](int64_t b, int64_t e) { std::fill(Y + b, Y + e, fill); });
    StridedCopy(d->pool(), xp->data<uint32_t>(), ContiguousStrides(shape), Y + offset, outSt, shape);
  });
  return IdOf(info.Env(), y);
}

// concat(ids[], shapes[][], axis, outShape) -> id
Napi::Value Concat(const Napi::CallbackInfo& info) {
  Args a(info, "Concat");
  Device& dev = Device::Get(info.Env());
  Napi::Array ids = a.ArrayArg(0, "xs", 4096);
  Napi::Array shapes = a.ArrayArg(1, "shapes", 4096);
  Shape out = a.ShapeArg(3, "outShape");
  if (out.empty()) a.Bad(ErrKind::Shape, "cannot concatenate rank-0 tensors");
  int64_t axis = a.Int(2, "axis", 0, static_cast<int64_t>(out.size()) - 1);
  uint32_t count = ids.Length();
  if (count == 0 || shapes.Length() != count) a.Bad(ErrKind::Argument, "needs at least one input and one shape per input");
  std::vector<BufferRef> xs;
  std::vector<Shape> xShapes;
  int64_t along = 0;
  for (uint32_t k = 0; k < count; k++) {
    std::string label = "xs[" + std::to_string(k) + "]";
    Shape s = a.ShapeValue(shapes.Get(k), "shapes[" + std::to_string(k) + "]");
    if (s.size() != out.size()) a.Bad(ErrKind::Shape, label + " shape " + ShapeStr(s) + " has a different rank from outShape " + ShapeStr(out));
    for (size_t i = 0; i < s.size(); i++) {
      if (static_cast<int64_t>(i) != axis && s[i] != out[i]) {
        a.Bad(ErrKind::Shape, label + " shape " + ShapeStr(s) + " does not fit outShape " + ShapeStr(out) + " off axis " + std::to_string(axis));
      }
    }
    along += s[axis];
    BufferRef b = dev.Find(a, ids.Get(k), label);
    ExpectElements(a, *b, label.c_str(), NumElements(s, a.op(), "input"), s);
    if (k > 0) ExpectDtype(a, *b, label.c_str(), xs[0]->dtype);
    xs.push_back(b);
    xShapes.push_back(s);
  }
  if (along != out[axis]) {
    a.Bad(ErrKind::Shape, "inputs add up to " + std::to_string(along) + " along axis " + std::to_string(axis) + ", outShape " + ShapeStr(out));
  }
  int64_t n = NumElements(out, a.op(), "outShape");
  BufferRef y = dev.Allocate(n, xs[0]->dtype, a.op());
  Device* d = &dev;
  Buffer* yp = y.get();
  std::vector<Buffer*> raw;
  for (auto& b : xs) raw.push_back(b.get());
  dev.Submit(y, xs, static_cast<double>(n) * 2, [=] {
    Shape outSt = ContiguousStrides(out);
    int64_t offset = 0;
    for (size_t k = 0; k < raw.size(); k++) {
      if (raw[k]->numel > 0) {
        StridedCopy(d->pool(), raw[k]->data<uint32_t>(), ContiguousStrides(xShapes[k]), yp->data<uint32_t>() + offset, outSt, xShapes[k]);
      }
      offset += xShapes[k][axis] * outSt[axis];
    }
  });
  return IdOf(info.Env(), y);
}

}  // namespace

void RegisterLayout(Napi::Env env, Napi::Object exports) {
  Export(env, exports, "transpose", Transpose);
  Export(env, exports, "slice", Slice);
  Export(env, exports, "pad", Pad);
  Export(env, exports, "concat", Concat);
}

}  // namespace tessera

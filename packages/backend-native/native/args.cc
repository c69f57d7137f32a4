#include "args.h"

#include <cmath>
#include <new>
#include <sstream>

namespace tessera {

void Fail(ErrKind kind, const std::string& message) { throw JsError(kind, message); }

static const char* CodeOf(ErrKind kind) {
  switch (kind) {
    case ErrKind::Argument: return "ERR_TESSERA_ARGUMENT";
    case ErrKind::Shape: return "ERR_TESSERA_SHAPE";
    case ErrKind::DType: return "ERR_TESSERA_DTYPE";
    case ErrKind::Backend: return "ERR_TESSERA_BACKEND";
  }
  return "ERR_TESSERA_BACKEND";
}

Napi::Error MakeError(Napi::Env env, ErrKind kind, const std::string& message) {
  Napi::Error err = Napi::Error::New(env, message);
  err.Value().Set("code", Napi::String::New(env, CodeOf(kind)));
  return err;
}

const char* DTypeName(DType d) { return d == DType::F32 ? "float32" : "int32"; }

std::string ShapeStr(const Shape& s) {
  std::ostringstream out;
  out << '[';
  for (size_t i = 0; i < s.size(); i++) out << (i ? ", " : "") << s[i];
  out << ']';
  return out.str();
}

int64_t MulChecked(int64_t a, int64_t b, const char* op, const char* what) {
  if (a < 0 || b < 0) Fail(ErrKind::Shape, std::string(op) + ": negative size in " + what);
  if (a != 0 && b > kMaxElements / a) {
    Fail(ErrKind::Shape, std::string(op) + ": " + what + " has more than 2^40 elements");
  }
  return a * b;
}

int64_t NumElements(const Shape& s, const char* op, const char* what) {
  int64_t n = 1;
  for (int64_t d : s) n = MulChecked(n, d, op, what);
  return n;
}

std::string TypeName(const Napi::Value& v) {
  switch (v.Type()) {
    case napi_undefined: return "undefined";
    case napi_null: return "null";
    case napi_boolean: return "a boolean";
    case napi_number: return "a number";
    case napi_string: return "a string";
    case napi_symbol: return "a symbol";
    case napi_function: return "a function";
    case napi_external: return "an external";
    case napi_bigint: return "a bigint";
    case napi_object:
      if (v.IsArray()) return "an array";
      if (v.IsTypedArray()) return "a typed array";
      return "an object";
  }
  return "an unknown value";
}

static std::string Num(double d) {
  std::ostringstream out;
  out << d;
  return out.str();
}

void Args::Bad(ErrKind kind, const std::string& detail) const {
  Fail(kind, std::string(op_) + ": " + detail);
}

Napi::Value Args::At(size_t i) const {
  return i < info_.Length() ? info_[i] : info_.Env().Undefined();
}

int64_t Args::IntValue(const Napi::Value& v, const std::string& name, int64_t min, int64_t max) const {
  if (!v.IsNumber()) Bad(ErrKind::Argument, std::string("'") + name + "' must be an integer, got " + TypeName(v));
  double d = v.As<Napi::Number>().DoubleValue();
  if (!std::isfinite(d) || std::floor(d) != d) {
    Bad(ErrKind::Argument, std::string("'") + name + "' must be an integer, got " + Num(d));
  }
  if (d < static_cast<double>(min) || d > static_cast<double>(max)) {
    Bad(ErrKind::Argument, std::string("'") + name + "' must be in [" + std::to_string(min) + ", " +
                               std::to_string(max) + "], got " + Num(d));
  }
  return static_cast<int64_t>(d);
}

double Args::Number(size_t i, const char* name) const {
  Napi::Value v = At(i);
  if (!v.IsNumber()) Bad(ErrKind::Argument, std::string("'") + name + "' must be a number, got " + TypeName(v));
  return v.As<Napi::Number>().DoubleValue();
}

bool Args::Bool(size_t i, const char* name) const {
  Napi::Value v = At(i);
  if (!v.IsBoolean()) Bad(ErrKind::Argument, std::string("'") + name + "' must be a boolean, got " + TypeName(v));
  return v.As<Napi::Boolean>().Value();
}

std::string Args::Str(size_t i, const char* name) const {
  Napi::Value v = At(i);
  if (!v.IsString()) Bad(ErrKind::Argument, std::string("'") + name + "' must be a string, got " + TypeName(v));
  std::string s = v.As<Napi::String>().Utf8Value();
  if (s.size() > 64) Bad(ErrKind::Argument, std::string("'") + name + "' is too long");
  return s;
}

DType Args::Dtype(size_t i, const char* name) const {
  std::string s = Str(i, name);
  if (s == "float32") return DType::F32;
  if (s == "int32") return DType::I32;
  Bad(ErrKind::DType, std::string("'") + name + "' must be 'float32' or 'int32', got '" + s + "'");
}

Napi::Array Args::ArrayValue(const Napi::Value& v, const std::string& name, size_t maxLen) const {
  if (!v.IsArray()) Bad(ErrKind::Argument, std::string("'") + name + "' must be an array, got " + TypeName(v));
  Napi::Array arr = v.As<Napi::Array>();
  if (arr.Length() > maxLen) {
    Bad(ErrKind::Argument, std::string("'") + name + "' has " + std::to_string(arr.Length()) +
                               " entries, at most " + std::to_string(maxLen) + " allowed");
  }
  return arr;
}

std::vector<int64_t> Args::IntArrayValue(const Napi::Value& v, const std::string& name, size_t minLen,
                                         size_t maxLen, int64_t min, int64_t max) const {
  Napi::Array arr = ArrayValue(v, name, maxLen);
  uint32_t n = arr.Length();
  if (n < minLen) {
    Bad(ErrKind::Argument, std::string("'") + name + "' needs at least " + std::to_string(minLen) + " entries");
  }
  std::vector<int64_t> out(n);
  for (uint32_t k = 0; k < n; k++) {
    Napi::Value e = arr.Get(k);
    if (!e.IsNumber()) {
      Bad(ErrKind::Argument, "'" + name + "[" + std::to_string(k) + "]' must be an integer, got " + TypeName(e));
    }
    double d = e.As<Napi::Number>().DoubleValue();
    if (!std::isfinite(d) || std::floor(d) != d || d < static_cast<double>(min) || d > static_cast<double>(max)) {
      Bad(ErrKind::Argument, "'" + name + "[" + std::to_string(k) + "]' must be an integer in [" +
                                 std::to_string(min) + ", " + std::to_string(max) + "], got " + Num(d));
    }
    out[k] = static_cast<int64_t>(d);
  }
  return out;
}

Shape Args::ShapeValue(const Napi::Value& v, const std::string& name) const {
  Shape s = IntArrayValue(v, name, 0, kMaxRank, 0, kMaxDim);
  NumElements(s, op_, name.c_str());  // rejects shapes over kMaxElements
  return s;
}

Shape Args::ShapeArg(size_t i, const char* name) const { return ShapeValue(At(i), name); }

Geometry Args::Geom(size_t i, const char* name, bool pooling) const {
  std::vector<int64_t> v = IntArray(i, name, 17, 17, 0, kMaxDim);
  Geometry g{v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8],
             v[9], v[10], v[11], v[12], v[13], v[14], v[15], v[16]};
  if (g.kH < 1 || g.kW < 1) Bad(ErrKind::Argument, "kernel size must be at least 1x1");
  if (g.strideH < 1 || g.strideW < 1) Bad(ErrKind::Argument, "strides must be at least 1");
  if (g.dilationH < 1 || g.dilationW < 1) Bad(ErrKind::Argument, "dilations must be at least 1");
  if (pooling && g.inC != g.outC) {
    Bad(ErrKind::Shape, "pooling needs inChannels == outChannels, got " + std::to_string(g.inC) +
                            " and " + std::to_string(g.outC));
  }
  // All sums below stay far from int64 overflow: every term is < 2^31 and products are < 2^62.
  int64_t spanH = g.inH + g.padTop + g.padBottom - g.dilationH * (g.kH - 1) - 1;
  int64_t spanW = g.inW + g.padLeft + g.padRight - g.dilationW * (g.kW - 1) - 1;
  if (spanH < 0 || spanW < 0) {
    Bad(ErrKind::Shape, "window " + std::to_string(g.kH) + "x" + std::to_string(g.kW) +
                            " (dilated) is larger than the padded input " + std::to_string(g.inH) + "x" +
                            std::to_string(g.inW));
  }
  int64_t outH = spanH / g.strideH + 1, outW = spanW / g.strideW + 1;
  if (outH != g.outH || outW != g.outW) {
    Bad(ErrKind::Shape, "output size " + std::to_string(g.outH) + "x" + std::to_string(g.outW) +
                            " does not match the geometry (expected " + std::to_string(outH) + "x" +
                            std::to_string(outW) + ")");
  }
  // Every tensor the geometry implies must have a representable size.
  MulChecked(MulChecked(g.batch, g.inC, op_, "input"), MulChecked(g.inH, g.inW, op_, "input"), op_, "input");
  MulChecked(MulChecked(g.batch, g.outC, op_, "output"), MulChecked(g.outH, g.outW, op_, "output"), op_, "output");
  int64_t k = MulChecked(g.inC, MulChecked(g.kH, g.kW, op_, "window"), op_, "window");
  MulChecked(MulChecked(g.batch, k, op_, "columns"), MulChecked(g.outH, g.outW, op_, "columns"), op_, "columns");
  MulChecked(g.outC, k, op_, "filter");
  return g;
}

void Export(Napi::Env env, Napi::Object exports, const char* name, Handler h) {
  auto fn = [h, name](const Napi::CallbackInfo& info) -> Napi::Value {
    Napi::Env e = info.Env();
    try {
      return h(info);
    } catch (const JsError& err) {
      throw MakeError(e, err.kind, err.message);
    } catch (const Napi::Error& err) {
      // A JS exception raised while we read an argument (a throwing getter, a Proxy trap...).
      throw MakeError(e, ErrKind::Argument, std::string(name) + ": reading an argument threw: " + err.Message());
    } catch (const std::bad_alloc&) {
      throw MakeError(e, ErrKind::Backend, std::string(name) + ": out of memory");
    } catch (const std::exception& err) {
      throw MakeError(e, ErrKind::Backend, std::string(name) + ": " + err.what());
    }
  };
  exports.Set(name, Napi::Function::New(env, fn, name));
}

}  // namespace tessera

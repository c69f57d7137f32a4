// Validation of everything that crosses from JS into the addon.
//
// Every exported function reads its arguments through `Args`, which checks types, integer-ness and
// ranges and throws `JsError` with a kind (argument / shape / dtype / backend). `Export` wraps each
// function so that any failure - ours, a JS exception raised while reading an argument (a getter,
// a Proxy), or an allocation failure - reaches JS as an Error with a `code` the TS wrapper turns
// into a TesseraError subclass. Nothing JS passes can make the addon read or write out of bounds.
#pragma once

#include <napi.h>

#include <cstdint>
#include <exception>
#include <string>
#include <vector>

namespace tessera {

enum class ErrKind { Argument, Shape, DType, Backend };

struct JsError : std::exception {
  JsError(ErrKind k, std::string m) : kind(k), message(std::move(m)) {}
  const char* what() const noexcept override { return message.c_str(); }
  ErrKind kind;
  std::string message;
};

[[noreturn]] void Fail(ErrKind kind, const std::string& message);

// A JS Error carrying `code` (ERR_TESSERA_ARGUMENT, _SHAPE, _DTYPE or _BACKEND).
Napi::Error MakeError(Napi::Env env, ErrKind kind, const std::string& message);

// Sizes from JS: a dimension fits in int32, a tensor has at most 2^40 elements, rank <= 32.
constexpr int64_t kMaxDim = 2147483647;
constexpr int64_t kMaxElements = int64_t(1) << 40;
constexpr size_t kMaxRank = 32;
// Buffer ids are positive integers below 2^53 (exact in a JS number).
constexpr int64_t kMaxId = (int64_t(1) << 53) - 1;

enum class DType : uint8_t { F32 = 0, I32 = 1 };
const char* DTypeName(DType d);

using Shape = std::vector<int64_t>;
std::string ShapeStr(const Shape& s);
// a * b, failing with a ShapeError naming `op` when the result passes kMaxElements.
int64_t MulChecked(int64_t a, int64_t b, const char* op, const char* what);
int64_t NumElements(const Shape& s, const char* op, const char* what);

// Geometry of a 2-D window over NCHW input, in the field order of core's ConvGeometry.
struct Geometry {
  int64_t batch, inC, inH, inW, outC, kH, kW, strideH, strideW;
  int64_t padTop, padBottom, padLeft, padRight, dilationH, dilationW, outH, outW;
};

class Args {
 public:
  Args(const Napi::CallbackInfo& info, const char* op) : info_(info), op_(op) {}
  const char* op() const { return op_; }
  Napi::Env Env() const { return info_.Env(); }
  Napi::Value At(size_t i) const;

  int64_t Int(size_t i, const char* name, int64_t min, int64_t max) const {
    return IntValue(At(i), name, min, max);
  }
  int64_t IntValue(const Napi::Value& v, const std::string& name, int64_t min, int64_t max) const;
  double Number(size_t i, const char* name) const;
  bool Bool(size_t i, const char* name) const;
  std::string Str(size_t i, const char* name) const;
  DType Dtype(size_t i, const char* name) const;
  int64_t Id(size_t i, const char* name) const { return Int(i, name, 1, kMaxId); }
  // A JS array of non-negative integer dimensions (rank <= kMaxRank).
  Shape ShapeArg(size_t i, const char* name) const;
  // A JS array of integers in [min, max] with length in [minLen, maxLen].
  std::vector<int64_t> IntArray(size_t i, const char* name, size_t minLen, size_t maxLen,
                                int64_t min, int64_t max) const {
    return IntArrayValue(At(i), name, minLen, maxLen, min, max);
  }
  std::vector<int64_t> IntArrayValue(const Napi::Value& v, const std::string& name, size_t minLen,
                                     size_t maxLen, int64_t min, int64_t max) const;
  Shape ShapeValue(const Napi::Value& v, const std::string& name) const;
  // A JS array of 17 integers (core's ConvGeometry fields), checked for consistency:
  // outH/outW follow from the other fields; `pooling` also requires inC == outC.
  Geometry Geom(size_t i, const char* name, bool pooling) const;
  // A JS array of at most kMaxRank shapes / ids.
  Napi::Array ArrayArg(size_t i, const char* name, size_t maxLen) const {
    return ArrayValue(At(i), name, maxLen);
  }
  Napi::Array ArrayValue(const Napi::Value& v, const std::string& name, size_t maxLen) const;

  [[noreturn]] void Bad(ErrKind kind, const std::string& detail) const;

 private:
  const Napi::CallbackInfo& info_;
  const char* op_;
};

std::string TypeName(const Napi::Value& v);

using Handler = Napi::Value (*)(const Napi::CallbackInfo&);
// exports[name] = a function running `h` and converting every C++ failure into a coded JS error.
void Export(Napi::Env env, Napi::Object exports, const char* name, Handler h);

}  // namespace tessera

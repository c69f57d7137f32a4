// Direct convolution, stride 1.
//
// The trick that keeps it short: pad the input planes into a scratch buffer of width Wp (input
// width plus padding) and compute a "wide" output of OH rows of Wp columns. Output q = oy*Wp + ox
// then reads input q + i*Wp + j for tap (i, j) in every channel: one flat index, no row edges, so
// the inner loop is a run of 8-float vectors over q. Columns ox >= OW are computed and thrown
// away (kW-1 of every Wp, 12-22% for LeNet's layers), which costs less than handling edges.
//
// Register blocking: a block of OB output channels x QV vectors of 8 outputs stays in registers
// across all taps; each tap loads QV input vectors once and uses each OB times.
//
// On x86-64 Linux the engine is compiled twice (baseline SSE2 and AVX2+FMA, picked at load time
// by the dynamic linker: x86-64-v3 is AVX2 + FMA), since the addon is built without -march=native
// to run on any x86-64.
#include "conv_direct.h"

#include <algorithm>
#include <cstring>

namespace tessera {
namespace {

constexpr int64_t kDirectMaxTaps = 256;
constexpr int64_t kQuantum = 32;  // the wide output is padded to whole blocks of 32 floats

typedef float v8 __attribute__((vector_size(32)));

// Clones need GCC 11+ (the x86-64-v3 name) and glibc (ifunc resolution; musl has none). Other
// toolchains build the baseline version only: the same results, slower.
#if defined(__x86_64__) && defined(__GLIBC__) && defined(__GNUC__) && !defined(__clang__) && __GNUC__ >= 11
#define TESSERA_CLONES __attribute__((target_clones("arch=x86-64-v3", "default")))
#else
#define TESSERA_CLONES
#endif
#define TESSERA_INLINE inline __attribute__((always_inline))

TESSERA_INLINE v8 Load(const float* p) {
  v8 v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

TESSERA_INLINE void Store(float* p, v8 v) { std::memcpy(p, &v, sizeof v); }

// The flat problem: out[o][q] = sum over c, i, j of w[o][c][i][j] * in[c*plane + q + i*Wp + j]
// for q in [0, n), n a multiple of kQuantum; `in` must be readable up to plane*C (see Layout).
struct Flat {
  const float* in;
  int64_t C, plane, Wp;
  const float* w;  // [O][C][kH][kW]
  int64_t O, kH, kW;
  float* out;  // [O][n]
  int64_t n;
};

template <int OB, int QV>
TESSERA_INLINE void Block(const Flat& f, int64_t o0, int64_t q0) {
  const int64_t taps = f.C * f.kH * f.kW;
  v8 acc[OB][QV] = {};
  for (int64_t c = 0; c < f.C; c++) {
    for (int64_t i = 0; i < f.kH; i++) {
      const float* row = f.in + c * f.plane + i * f.Wp + q0;
      const float* wr = f.w + o0 * taps + (c * f.kH + i) * f.kW;
      for (int64_t j = 0; j < f.kW; j++) {
        v8 x[QV];
        for (int v = 0; v < QV; v++) x[v] = Load(row + j + 8 * v);
        for (int b = 0; b < OB; b++) {
          const float s = wr[b * taps + j];
          for (int v = 0; v < QV; v++) acc[b][v] += s * x[v];
        }
      }
    }
  }
  for (int b = 0; b < OB; b++) {
    for (int v = 0; v < QV; v++) Store(f.out + (o0 + b) * f.n + q0 + 8 * v, acc[b][v]);
  }
}

TESSERA_CLONES void RunFlat(const Flat& f) {
  int64_t o = 0;
  for (; o + 4 <= f.O; o += 4) {
    for (int64_t q = 0; q < f.n; q += 16) Block<4, 2>(f, o, q);
  }
  for (; o < f.O; o++) {
    for (int64_t q = 0; q < f.n; q += 32) Block<1, 4>(f, o, q);
  }
}

// Filter gradient, the flat way: dw[o][c][i][j] += sum over q of dyWide[o][q] * in[c*plane + q +
// i*Wp + j], where dyWide holds dy in the wide layout with zeros in the thrown-away columns. A
// block of 2 output channels x TJ taps of one window row keeps 2*TJ vector sums in registers.
struct FlatGrad {
  const float* in;
  int64_t C, plane, Wp;
  const float* dyWide;  // [O][n]
  int64_t O, kH, kW, n;
  float* dw;  // [O][C][kH][kW], accumulated into
};

TESSERA_INLINE float Sum(v8 v) {
  return ((v[0] + v[1]) + (v[2] + v[3])) + ((v[4] + v[5]) + (v[6] + v[7]));
}

template <int OB, int TJ>
TESSERA_INLINE void GradBlock(const FlatGrad& f, int64_t o0, int64_t c, int64_t i, int64_t j0) {
  v8 acc[OB][TJ] = {};
  const float* row = f.in + c * f.plane + i * f.Wp + j0;
  for (int64_t q = 0; q < f.n; q += 8) {
    v8 d[OB];
    for (int b = 0; b < OB; b++) d[b] = Load(f.dyWide + (o0 + b) * f.n + q);
    for (int t = 0; t < TJ; t++) {
      const v8 x = Load(row + q + t);
      for (int b = 0; b < OB; b++) acc[b][t] += d[b] * x;
    }
  }
  for (int b = 0; b < OB; b++) {
    float* w = f.dw + (((o0 + b) * f.C + c) * f.kH + i) * f.kW + j0;
    for (int t = 0; t < TJ; t++) w[t] += Sum(acc[b][t]);
  }
}

template <int OB>
TESSERA_INLINE void GradRow(const FlatGrad& f, int64_t o0, int64_t c, int64_t i) {
  int64_t j = 0;
  for (; j + 4 <= f.kW; j += 4) GradBlock<OB, 4>(f, o0, c, i, j);
  for (; j < f.kW; j++) GradBlock<OB, 1>(f, o0, c, i, j);
}

TESSERA_CLONES void RunFlatGrad(const FlatGrad& f) {
  for (int64_t c = 0; c < f.C; c++) {
    for (int64_t i = 0; i < f.kH; i++) {
      int64_t o = 0;
      for (; o + 2 <= f.O; o += 2) GradRow<2>(f, o, c, i);
      for (; o < f.O; o++) GradRow<1>(f, o, c, i);
    }
  }
}

// Sizes of the padded input and the wide output for an output of OH x OW from a kH x kW window.
struct Layout {
  int64_t Hp, Wp, n, plane;
};

Layout MakeLayout(int64_t OH, int64_t OW, int64_t kH, int64_t kW) {
  Layout l;
  l.Hp = OH + kH - 1;
  l.Wp = OW + kW - 1;
  l.n = (OH * l.Wp + kQuantum - 1) / kQuantum * kQuantum;
  // The last block reads up to n - 1 + (kH-1)*Wp + kW-1 + 8 past the plane start; keep it zero.
  l.plane = std::max(l.Hp * l.Wp, l.n + (kH - 1) * l.Wp + kW + 8);
  return l;
}

// Zero-pads src planes [C][H][W] into dst [C][plane] laid out Hp x Wp, the image starting at
// (top, left); rows or columns of src outside the padded frame are dropped.
void PadPlanes(const float* src, int64_t C, int64_t H, int64_t W, const Layout& l, int64_t top, int64_t left, float* dst) {
  std::memset(dst, 0, static_cast<size_t>(C * l.plane) * 4);
  const int64_t x0 = std::max<int64_t>(0, -left), x1 = std::min(W, l.Wp - left);
  if (x1 <= x0) return;
  for (int64_t c = 0; c < C; c++) {
    for (int64_t y = std::max<int64_t>(0, -top); y < H && y + top < l.Hp; y++) {
      std::memcpy(dst + c * l.plane + (y + top) * l.Wp + left + x0, src + (c * H + y) * W + x0,
                  static_cast<size_t>(x1 - x0) * 4);
    }
  }
}

// Copies the OH x OW valid part of each wide output plane into out [O][OH][OW].
void Narrow(const float* wide, int64_t O, const Layout& l, int64_t OH, int64_t OW, float* out) {
  for (int64_t o = 0; o < O; o++) {
    for (int64_t y = 0; y < OH; y++) {
      std::memcpy(out + (o * OH + y) * OW, wide + o * l.n + y * l.Wp, static_cast<size_t>(OW) * 4);
    }
  }
}

// The inverse of Narrow: planes [O][OH][OW] into the wide layout, zeros in the thrown-away
// columns and after the last row (so they add nothing to a filter gradient).
void Widen(const float* src, int64_t O, const Layout& l, int64_t OH, int64_t OW, float* wide) {
  std::memset(wide, 0, static_cast<size_t>(O * l.n) * 4);
  for (int64_t o = 0; o < O; o++) {
    for (int64_t y = 0; y < OH; y++) {
      std::memcpy(wide + o * l.n + y * l.Wp, src + (o * OH + y) * OW, static_cast<size_t>(OW) * 4);
    }
  }
}

bool Common(const Geometry& g) {
  return g.strideH == 1 && g.strideW == 1 && g.dilationH == 1 && g.dilationW == 1 && g.kH * g.kW > 1 &&
         g.padTop < g.kH && g.padBottom < g.kH && g.padLeft < g.kW && g.padRight < g.kW && g.outH > 0 &&
         g.outW > 0 && g.inH > 0 && g.inW > 0;
}

}  // namespace

// Judged by the taps each output sums (forward inC*kH*kW, backprop input outC*kH*kW): past a few
// hundred, the im2col GEMM is efficient enough. Measured on conv case A's input gradient (800 taps
// into 1 channel): direct 1.34 ms, im2col + sgemm + col2im 0.80 ms.
bool DirectForwardFits(const Geometry& g) { return Common(g) && g.inC * g.kH * g.kW <= kDirectMaxTaps; }
bool DirectBackInputFits(const Geometry& g) { return Common(g) && g.outC * g.kH * g.kW <= kDirectMaxTaps; }

// The filter gradient's im2col GEMM is outC x (inC*kH*kW), outH*outW deep; BLAS does it well
// unless outC is small. Measured: LeNet's conv1 (6 channels) and conv2 (16) gradients take a
// training step from 4.7-5.0 to 4.3-4.5 ms; conv case A's (32 channels) is slower direct, 0.99
// against 0.85 ms.
bool DirectBackFilterFits(const Geometry& g) { return DirectForwardFits(g) && g.outC <= 16; }

// The forward pass and the filter gradient share a layout: x padded, plus one [outC][n] plane set
// (the wide output, or dy widened).
size_t DirectForwardScratch(const Geometry& g) {
  Layout l = MakeLayout(g.outH, g.outW, g.kH, g.kW);
  return static_cast<size_t>(g.inC * l.plane + g.outC * l.n);
}

size_t DirectBackInputScratch(const Geometry& g) {
  Layout l = MakeLayout(g.inH, g.inW, g.kH, g.kW);
  return static_cast<size_t>(g.outC * l.plane + g.inC * l.n);
}

void DirectForwardImage(const Geometry& g, const float* x, const float* w, float* y, float* scratch) {
  Layout l = MakeLayout(g.outH, g.outW, g.kH, g.kW);
  float* padded = scratch;
  float* wide = scratch + g.inC * l.plane;
  PadPlanes(x, g.inC, g.inH, g.inW, l, g.padTop, g.padLeft, padded);
  RunFlat(Flat{padded, g.inC, l.plane, l.Wp, w, g.outC, g.kH, g.kW, wide, l.n});
  Narrow(wide, g.outC, l, g.outH, g.outW, y);
}

void DirectBackFilterImage(const Geometry& g, const float* x, const float* dy, float* dw, float* scratch) {
  Layout l = MakeLayout(g.outH, g.outW, g.kH, g.kW);
  float* padded = scratch;
  float* dyWide = scratch + g.inC * l.plane;
  PadPlanes(x, g.inC, g.inH, g.inW, l, g.padTop, g.padLeft, padded);
  Widen(dy, g.outC, l, g.outH, g.outW, dyWide);
  RunFlatGrad(FlatGrad{padded, g.inC, l.plane, l.Wp, dyWide, g.outC, g.kH, g.kW, l.n, dw});
}

std::vector<float> FlipForBackInput(const Geometry& g, const float* w) {
  const int64_t k = g.kH * g.kW;
  std::vector<float> f(static_cast<size_t>(g.outC * g.inC * k));
  for (int64_t o = 0; o < g.outC; o++) {
    for (int64_t c = 0; c < g.inC; c++) {
      for (int64_t t = 0; t < k; t++) f[(c * g.outC + o) * k + (k - 1 - t)] = w[(o * g.inC + c) * k + t];
    }
  }
  return f;
}

// dx[c][iy][ix] = sum over o, i, j of w[o][c][i][j] * dy[o][iy + padTop - i][ix + padLeft - j]:
// a forward convolution of dy, padded by kernel-1-pad, with the flipped weights.
void DirectBackInputImage(const Geometry& g, const float* dy, const float* flipped, float* dx, float* scratch) {
  Layout l = MakeLayout(g.inH, g.inW, g.kH, g.kW);
  float* padded = scratch;
  float* wide = scratch + g.outC * l.plane;
  PadPlanes(dy, g.outC, g.outH, g.outW, l, g.kH - 1 - g.padTop, g.kW - 1 - g.padLeft, padded);
  RunFlat(Flat{padded, g.outC, l.plane, l.Wp, flipped, g.inC, g.kH, g.kW, wide, l.n});
  Narrow(wide, g.inC, l, g.inH, g.inW, dx);
}

}  // namespace tessera

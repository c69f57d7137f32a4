// Direct convolution for layers with few taps per output (inC*kH*kW small: the first layers of
// MNIST-sized nets), where im2col + sgemm spends more time copying the column matrix and packing
// a 6- or 32-row GEMM than multiplying. See conv_direct.cc.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "args.h"

namespace tessera {

// Stride 1, dilation 1, padding at most kernel-1 on every side, and at most 256 taps summed per
// output (forward: inC*kH*kW; backprop input: outC*kH*kW). Larger layers keep im2col + sgemm,
// which BLAS runs near peak on them.
bool DirectForwardFits(const Geometry& g);
bool DirectBackInputFits(const Geometry& g);

// Floats of per-thread scratch each image needs (DirectForwardScratch serves the filter gradient
// too: the same layout).
size_t DirectForwardScratch(const Geometry& g);
size_t DirectBackInputScratch(const Geometry& g);

// y = conv(x, w) for one image: x [inC, inH, inW], w [outC, inC, kH, kW], y [outC, outH, outW].
void DirectForwardImage(const Geometry& g, const float* x, const float* w, float* y, float* scratch);

// dw += conv2dBackpropFilter(x, dy) for one image (dw [outC, inC, kH, kW]); for inC*kH*kW <= 256
// and at most 16 output channels.
bool DirectBackFilterFits(const Geometry& g);
void DirectBackFilterImage(const Geometry& g, const float* x, const float* dy, float* dw, float* scratch);

// The weights DirectBackInputImage wants: w [outC, inC, kH, kW] as [inC, outC, kH, kW], each
// kernel rotated by 180 degrees (the input gradient is a full correlation with them).
std::vector<float> FlipForBackInput(const Geometry& g, const float* w);

// dx = conv2dBackpropInput(dy, w) for one image: dy [outC, outH, outW], dx [inC, inH, inW].
void DirectBackInputImage(const Geometry& g, const float* dy, const float* flipped, float* dx, float* scratch);

}  // namespace tessera

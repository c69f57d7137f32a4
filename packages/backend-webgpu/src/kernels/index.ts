/** The kernel table: every kernel family bound to one device context. */
import type { KernelTable } from '@tessera/core';
import type { GpuContext } from '../device/context.js';
import { biasAdd } from './bias.js';
import { conv2d, conv2dBackpropFilter, conv2dBackpropInput } from './conv.js';
import { binary, cast, fill, unary, where } from './elementwise.js';
import { col2im, im2col } from './im2col.js';
import { concat, pad, slice, transpose } from './layout.js';
import { matmul } from './matmul.js';
import { avgPool, avgPoolBackward, maxPool, maxPoolBackward } from './pool.js';
import { reduce } from './reduce.js';
import { logSoftmax, softmax, softmaxCrossEntropy, softmaxCrossEntropyGrad } from './softmax.js';

export function kernelTable(ctx: GpuContext): KernelTable {
  return {
    // required primitives
    Unary: (args) => unary(ctx, args),
    Binary: (args) => binary(ctx, args),
    Where: (args) => where(ctx, args),
    Reduce: (args) => reduce(ctx, args),
    MatMul: (args) => matmul(ctx, args),
    Transpose: (args) => transpose(ctx, args),
    Slice: (args) => slice(ctx, args),
    Pad: (args) => pad(ctx, args),
    Cast: (args) => cast(ctx, args),
    Fill: (args) => fill(ctx, args),
    Im2Col: (args) => im2col(ctx, args),
    Col2Im: (args) => col2im(ctx, args),
    // fused kernels
    Conv2D: (args) => conv2d(ctx, args),
    Conv2DBackpropInput: (args) => conv2dBackpropInput(ctx, args),
    Conv2DBackpropFilter: (args) => conv2dBackpropFilter(ctx, args),
    BiasAdd: (args) => biasAdd(ctx, args),
    Softmax: (args) => softmax(ctx, args),
    LogSoftmax: (args) => logSoftmax(ctx, args),
    SoftmaxCrossEntropy: (args) => softmaxCrossEntropy(ctx, args),
    SoftmaxCrossEntropyGrad: (args) => softmaxCrossEntropyGrad(ctx, args),
    MaxPool: (args) => maxPool(ctx, args),
    MaxPoolBackward: (args) => maxPoolBackward(ctx, args),
    AvgPool: (args) => avgPool(ctx, args),
    AvgPoolBackward: (args) => avgPoolBackward(ctx, args),
    Concat: (args) => concat(ctx, args),
  };
}

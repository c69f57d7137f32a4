/**
 * @tessera/core: tensors, ops, reverse-mode autodiff and the backend contract.
 * Import a backend package (e.g. '@tessera/backend-cpu') to run anything.
 */
export * from './dtype.js';
export * from './errors.js';
export * from './options.js';
export * from './shape.js';
export { Tensor, type NestedArray } from './tensor.js';
export type { Backend, BackendFactory, BackendMemory } from './backend/backend.js';
export * from './backend/kernels.js';
export * from './backend/registry.js';
export { memory, tidy, keep, dispose, type MemoryInfo } from './engine.js';
export { kernelUsage } from './ops/dispatch.js';
export { randomNormal, randomUniform, mulberry32, type RandomOptions, type Rng } from './random.js';

export * from './ops/creation.js';
export * from './ops/unary.js';
export * from './ops/binary.js';
export * from './ops/reduce.js';
export * from './ops/matmul.js';
export * from './ops/reshape.js';
export * from './ops/transform.js';
export * from './ops/cast.js';
export * from './ops/softmax.js';
export * from './ops/conv.js';
export * from './ops/pool.js';
export * from './ops/bias.js';
export { windowGeometry, type Pair, type Padding, type WindowOptions } from './ops/geometry.js';

export { grad, valueAndGrad, vjp, stopGradient, noGrad } from './autodiff/grad.js';
export { jacobian, type JacobianOptions } from './autodiff/jacobian.js';

/** dtype conversion and one-hot encoding. */
import { record } from '../autodiff/tape.js';
import { isDType, type DType } from '../dtype.js';
import { ArgumentError, DTypeError } from '../errors.js';
import type { Tensor } from '../tensor.js';
import { equal } from './binary.js';
import { composite } from './composite.js';
import { hostTensor } from './helpers.js';
import { checkTensor, runKernel } from './dispatch.js';
import { reshape } from './reshape.js';
import { add, mul } from './binary.js';

/** Convert to `dtype`; float32 -> int32 truncates toward zero. */
export function cast(x: Tensor, dtype: DType): Tensor {
  checkTensor('cast', 'x', x);
  if (!isDType(dtype)) throw new DTypeError(`cast: unknown dtype ${JSON.stringify(dtype)}`);
  const y = runKernel(x.backend, 'Cast', { x, dtype }, x.shape, dtype);
  if (x.dtype === 'float32' && dtype === 'float32') record('cast', [x], y, [], (dy) => [dy]);
  return y;
}

/**
 * indices int32 [...] -> float32 [..., depth] with `onValue` at each index and `offValue`
 * elsewhere. Indices outside [0, depth) give an all-off row.
 */
export function oneHot(indices: Tensor, depth: number, onValue = 1, offValue = 0): Tensor {
  checkTensor('oneHot', 'indices', indices);
  if (indices.dtype !== 'int32') {
    throw new DTypeError(`oneHot: 'indices' must be int32, got ${indices.dtype}`);
  }
  if (!Number.isInteger(depth) || depth < 0) {
    throw new ArgumentError(`oneHot: 'depth' must be a non-negative integer, got ${depth}`);
  }
  return composite(() => {
    const classes = hostTensor(
      indices.backend,
      Int32Array.from({ length: depth }, (_, i) => i),
      [depth],
      'int32',
    );
    const mask = equal(reshape(indices, [...indices.shape, 1]), classes);
    if (onValue === 1 && offValue === 0) return mask;
    return add(mul(mask, onValue - offValue), offValue);
  });
}

/** Small internal helpers shared by op families. */
import { makeTensor, noteHostRange } from '../engine.js';
import { allocArray, type DType, type TypedArray } from '../dtype.js';
import type { Backend } from '../backend/backend.js';
import type { Tensor } from '../tensor.js';
import { runKernel } from './dispatch.js';

/** A scalar of x's dtype on x's backend (used inside VJPs and composites). */
export function scalarLike(x: Tensor, value: number): Tensor {
  const data = allocArray(x.dtype, 1);
  data[0] = value;
  return hostTensor(x.backend, data, [], x.dtype);
}

/** Upload host values to a specific backend (composites build constants next to their inputs). */
export function hostTensor(
  backend: Backend,
  data: TypedArray,
  shape: readonly number[],
  dtype: DType,
): Tensor {
  const t = makeTensor(backend.write(data, shape, dtype), shape, dtype, backend);
  if (dtype === 'int32') noteHostRange(t, data);
  return t;
}

/** A filled tensor on a specific backend (composites and VJPs stay beside their inputs). */
export function fillOn(
  backend: Backend,
  shape: readonly number[],
  value: number,
  dtype: DType,
): Tensor {
  return runKernel(backend, 'Fill', { shape, value, dtype }, shape, dtype);
}

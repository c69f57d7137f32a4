/** Ops that make tensors from host values: tensor, zeros, ones, fill, range, and *Like forms. */
import { allocArray, dtypeOfArray, isDType, type DType, type TypedArray } from '../dtype.js';
import { ArgumentError, DTypeError, ShapeError, formatShape } from '../errors.js';
import { checkShape, sizeOf } from '../shape.js';
import type { NestedArray, Tensor } from '../tensor.js';
import { backendOf, checkTensor } from './dispatch.js';
import { fillOn, hostTensor } from './helpers.js';

export type TensorValues = number | NestedArray | TypedArray | readonly number[];

function checkDType(op: string, dtype: unknown): DType {
  if (!isDType(dtype)) {
    throw new DTypeError(
      `${op}: unknown dtype ${JSON.stringify(dtype)} (expected 'float32' or 'int32')`,
    );
  }
  return dtype;
}

function inferShape(op: string, values: unknown): number[] {
  const shape: number[] = [];
  let level: unknown = values;
  while (Array.isArray(level)) {
    shape.push(level.length);
    if (level.length === 0) break;
    level = level[0];
  }
  return shape;
}

function flatten(
  op: string,
  values: unknown,
  shape: readonly number[],
  out: number[],
  axis = 0,
): void {
  if (axis === shape.length) {
    if (typeof values !== 'number') {
      throw new ArgumentError(`${op}: expected a number at depth ${axis}, got ${typeof values}`);
    }
    out.push(values);
    return;
  }
  if (!Array.isArray(values) || values.length !== shape[axis]) {
    throw new ShapeError(
      `${op}: ragged nested array: expected length ${shape[axis]} at depth ${axis} ` +
        `(inferred shape ${formatShape(shape)})`,
    );
  }
  for (const v of values) flatten(op, v, shape, out, axis + 1);
}

/**
 * A tensor from a number, nested arrays or a typed array. `shape` defaults to the nesting of
 * `values`; `dtype` defaults to the typed array's, else float32.
 */
export function tensor(values: TensorValues, shape?: readonly number[], dtype?: DType): Tensor {
  const op = 'tensor';
  const arrayDType = dtypeOfArray(values);
  const dt = checkDType(op, dtype ?? arrayDType ?? 'float32');
  let flat: number[] | TypedArray;
  let inferred: number[];
  if (arrayDType !== undefined) {
    flat = values as TypedArray;
    inferred = [flat.length];
  } else if (typeof values === 'number') {
    flat = [values];
    inferred = [];
  } else if (Array.isArray(values)) {
    inferred = inferShape(op, values);
    flat = [];
    flatten(op, values, inferred, flat);
  } else {
    throw new ArgumentError(`${op}: 'values' must be a number, nested array or typed array`);
  }
  const finalShape = shape === undefined ? inferred : checkShape(op, 'shape', shape);
  if (sizeOf(finalShape) !== flat.length) {
    throw new ShapeError(
      `${op}: ${flat.length} values do not fill shape ${formatShape(finalShape)} ` +
        `(${sizeOf(finalShape)} elements)`,
    );
  }
  const data = allocArray(dt, flat.length);
  data.set(flat);
  const backend = backendOf(op);
  return hostTensor(backend, data, finalShape, dt);
}

export function scalar(value: number, dtype: DType = 'float32'): Tensor {
  return tensor(value, [], dtype);
}

export function fill(shape: readonly number[], value: number, dtype: DType = 'float32'): Tensor {
  const s = checkShape('fill', 'shape', shape);
  const dt = checkDType('fill', dtype);
  if (typeof value !== 'number') throw new ArgumentError(`fill: 'value' must be a number`);
  return fillOn(backendOf('fill'), s, value, dt);
}

export function zeros(shape: readonly number[], dtype: DType = 'float32'): Tensor {
  return fill(shape, 0, dtype);
}

export function ones(shape: readonly number[], dtype: DType = 'float32'): Tensor {
  return fill(shape, 1, dtype);
}

export function zerosLike(x: Tensor): Tensor {
  checkTensor('zerosLike', 'x', x);
  return fillOn(x.backend, x.shape, 0, x.dtype);
}

export function onesLike(x: Tensor): Tensor {
  checkTensor('onesLike', 'x', x);
  return fillOn(x.backend, x.shape, 1, x.dtype);
}

/** [start, start+step, ...) up to but excluding `stop`, like Python's range. */
export function range(start: number, stop?: number, step = 1, dtype: DType = 'float32'): Tensor {
  if (stop === undefined) {
    stop = start;
    start = 0;
  }
  for (const [name, v] of [
    ['start', start],
    ['stop', stop],
    ['step', step],
  ] as const) {
    if (!Number.isFinite(v)) throw new ArgumentError(`range: '${name}' must be finite, got ${v}`);
  }
  if (step === 0) throw new ArgumentError(`range: 'step' must not be 0`);
  const n = Math.max(0, Math.ceil((stop - start) / step));
  const data = allocArray(checkDType('range', dtype), n);
  for (let i = 0; i < n; i++) data[i] = start + i * step;
  return tensor(data, [n], dtype);
}

/**
 * Reductions over any set of axes. The kernel reduces the middle axis of an [outer, size, inner]
 * view; when the reduced axes are not adjacent, they are first transposed to the end.
 */
import { record } from '../autodiff/tape.js';
import type { ReduceOp } from '../backend/kernels.js';
import { ArgumentError, DTypeError, ShapeError, formatShape } from '../errors.js';
import { normalizeAxes, normalizeAxis, sizeOf } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { add, div, equal, mul } from './binary.js';
import { checkTensor, runKernel } from './dispatch.js';
import { fillOn, hostTensor } from './helpers.js';
import { allocArray } from '../dtype.js';
import { reshape } from './reshape.js';

export type Axis = number | readonly number[];

function keptShape(shape: readonly number[], axes: readonly number[]): number[] {
  return shape.map((d, i) => (axes.includes(i) ? 1 : d));
}

/** Reduce `axes` (sorted, unique) with a kernel; result has the keepDims shape. */
function reduceAxes(op: ReduceOp, name: string, x: Tensor, axes: readonly number[]): Tensor {
  const outShape = keptShape(x.shape, axes);
  const dtype = op === 'argmax' ? 'int32' : x.dtype;
  const size = sizeOf(axes.map((a) => x.shape[a]));
  if (size === 0 || x.size === 0) {
    if (op !== 'sum' && sizeOf(outShape) > 0) {
      throw new ShapeError(`${name}: cannot reduce an empty axis of x ${formatShape(x.shape)}`);
    }
    return hostTensor(x.backend, allocArray(dtype, sizeOf(outShape)), outShape, dtype);
  }
  if (axes.length === 0) {
    // Reducing no axes: each element is its own group (argmax gives 0 everywhere).
    return runKernel(
      x.backend,
      'Reduce',
      { op, x, outer: x.size, size: 1, inner: 1 },
      outShape,
      dtype,
    );
  }
  const contiguous = axes.every((a, i) => i === 0 || a === axes[i - 1] + 1);
  if (contiguous) {
    const first = axes[0];
    const last = axes[axes.length - 1];
    const outer = sizeOf(x.shape.slice(0, first));
    const inner = sizeOf(x.shape.slice(last + 1));
    return runKernel(x.backend, 'Reduce', { op, x, outer, size, inner }, outShape, dtype);
  }
  const keep = x.shape.map((_, i) => i).filter((i) => !axes.includes(i));
  const perm = [...keep, ...axes];
  const movedShape = perm.map((a) => x.shape[a]);
  const moved = runKernel(x.backend, 'Transpose', { x, perm }, movedShape, x.dtype);
  const outer = sizeOf(keep.map((a) => x.shape[a]));
  const out = runKernel(
    moved.backend,
    'Reduce',
    { op, x: moved, outer, size, inner: 1 },
    outShape,
    dtype,
  );
  moved.dispose();
  return out;
}

function finish(y: Tensor, x: Tensor, axes: readonly number[], keepDims: boolean): Tensor {
  if (keepDims) return y;
  const shape = x.shape.filter((_, i) => !axes.includes(i));
  const out = reshape(y, shape);
  y.dispose();
  return out;
}

/** dy (reduced shape) broadcast back over x's shape. */
function spread(dy: Tensor, x: Tensor, axes: readonly number[]): Tensor {
  return add(reshape(dy, keptShape(x.shape, axes)), fillOn(dy.backend, x.shape, 0, dy.dtype));
}

export function sum(x: Tensor, axis?: Axis, keepDims = false): Tensor {
  checkTensor('sum', 'x', x);
  const axes = normalizeAxes('sum', axis, x.rank);
  const y = finish(reduceAxes('sum', 'sum', x, axes), x, axes, keepDims);
  record('sum', [x], y, [], (dy) => [spread(dy, x, axes)]);
  return y;
}

export function mean(x: Tensor, axis?: Axis, keepDims = false): Tensor {
  checkTensor('mean', 'x', x);
  if (x.dtype !== 'float32') throw new DTypeError(`mean: 'x' must be float32, got ${x.dtype}`);
  const axes = normalizeAxes('mean', axis, x.rank);
  const count = sizeOf(axes.map((a) => x.shape[a]));
  const total = finish(reduceAxes('sum', 'mean', x, axes), x, axes, keepDims);
  const y = count === 0 ? mul(total, NaN) : div(total, count);
  total.dispose();
  record('mean', [x], y, [], (dy) => [div(spread(dy, x, axes), count)]);
  return y;
}

/** Gradient of max/min: dy shared evenly among the elements equal to the extreme. */
function extremeVjp(name: string, x: Tensor, y: Tensor, axes: readonly number[]): void {
  record(name, [x], y, [x, y], (dy, [xs, ys]) => {
    const mask = equal(xs, reshape(ys, keptShape(xs.shape, axes)));
    const ties = reshape(sum(mask, axes, true), keptShape(xs.shape, axes));
    return [mul(div(mask, ties), reshape(dy, keptShape(xs.shape, axes)))];
  });
}

export function max(x: Tensor, axis?: Axis, keepDims = false): Tensor {
  checkTensor('max', 'x', x);
  const axes = normalizeAxes('max', axis, x.rank);
  const y = finish(reduceAxes('max', 'max', x, axes), x, axes, keepDims);
  extremeVjp('max', x, y, axes);
  return y;
}

export function min(x: Tensor, axis?: Axis, keepDims = false): Tensor {
  checkTensor('min', 'x', x);
  const axes = normalizeAxes('min', axis, x.rank);
  const y = finish(reduceAxes('min', 'min', x, axes), x, axes, keepDims);
  extremeVjp('min', x, y, axes);
  return y;
}

/** int32 index of the first maximum along one axis (default: the last). */
export function argmax(x: Tensor, axis = -1, keepDims = false): Tensor {
  checkTensor('argmax', 'x', x);
  if (x.rank === 0) throw new ArgumentError(`argmax: x must have at least one axis, got a scalar`);
  const a = normalizeAxis('argmax', axis, x.rank);
  return finish(reduceAxes('argmax', 'argmax', x, [a]), x, [a], keepDims);
}

/**
 * Elementwise ops of two tensors with NumPy broadcasting, plus `where`.
 * A plain number operand becomes a scalar of the other operand's dtype.
 * Gradients of broadcast operands are summed back to the operand's shape.
 */
import type { BinaryOp } from '../backend/kernels.js';
import { record } from '../autodiff/tape.js';
import { DTypeError, ArgumentError } from '../errors.js';
import { broadcastShapes, broadcastedAxes, shapesEqual } from '../shape.js';
import { Tensor } from '../tensor.js';
import { backendOf, checkTensor, runKernel } from './dispatch.js';
import { hostTensor, scalarLike } from './helpers.js';
import { reshape } from './reshape.js';
import { sum } from './reduce.js';
import { neg } from './unary.js';
import { zerosLike } from './creation.js';

export type TensorOrNumber = Tensor | number;

function operands(op: string, a: TensorOrNumber, b: TensorOrNumber): [Tensor, Tensor] {
  if (typeof a === 'number' && typeof b === 'number') {
    throw new ArgumentError(`${op}: at least one operand must be a Tensor`);
  }
  const other = typeof a === 'number' ? b : a;
  for (const v of [a, b]) {
    if (
      typeof v === 'number' &&
      other instanceof Tensor &&
      other.dtype === 'int32' &&
      !Number.isInteger(v)
    ) {
      throw new DTypeError(
        `${op}: cannot combine an int32 tensor with the fractional number ${v}; cast the tensor to float32`,
      );
    }
  }
  const ta =
    typeof a === 'number' ? scalarLike(checkTensor(op, 'b', b), a) : checkTensor(op, 'a', a);
  const tb = typeof b === 'number' ? scalarLike(ta, b) : checkTensor(op, 'b', b);
  if (ta.dtype !== tb.dtype) {
    throw new DTypeError(
      `${op}: 'a' is ${ta.dtype} but 'b' is ${tb.dtype}; cast one of them so both match`,
    );
  }
  return [ta, tb];
}

type BinaryVjp = (dy: Tensor, a: Tensor, b: Tensor, y: Tensor) => [Tensor | null, Tensor | null];

/** Run a Binary kernel and record its VJP (given the saved a, b and output). */
function binary(op: BinaryOp, a: TensorOrNumber, b: TensorOrNumber, vjp?: BinaryVjp): Tensor {
  const [ta, tb] = operands(op, a, b);
  try {
    if (op === 'div' && ta.dtype === 'int32') {
      throw new DTypeError(`div: int32 division is not supported; cast both operands to float32`);
    }
    const backend = backendOf(op, ta, tb);
    const outShape = broadcastShapes(op, ta.shape, tb.shape);
    const dtype = op === 'greater' || op === 'equal' ? 'float32' : ta.dtype;
    const y = runKernel(backend, 'Binary', { op, a: ta, b: tb, outShape }, outShape, dtype);
    if (vjp) {
      record(op, [ta, tb], y, [ta, tb, y], (dy, [sa, sb, sy]) => {
        const [ga, gb] = vjp(dy, sa, sb, sy);
        return [ga && sumToShape(ga, sa.shape), gb && sumToShape(gb, sb.shape)];
      });
    }
    return y;
  } finally {
    // Scalars made from plain numbers are temporaries of this call (also when it throws).
    if (typeof a === 'number') ta.dispose();
    if (typeof b === 'number') tb.dispose();
  }
}

/** Sum a gradient over the axes that broadcasting expanded, back to `shape`. */
export function sumToShape(dy: Tensor, shape: readonly number[]): Tensor {
  if (shapesEqual(dy.shape, shape)) return dy;
  const axes = broadcastedAxes(shape, dy.shape);
  const summed = axes.length > 0 ? sum(dy, axes, true) : dy;
  const out = reshape(summed, shape);
  if (summed !== dy) summed.dispose(); // the reshape shares its buffer
  return out;
}

export function add(a: TensorOrNumber, b: TensorOrNumber): Tensor {
  return binary('add', a, b, (dy) => [dy, dy]);
}

export function sub(a: TensorOrNumber, b: TensorOrNumber): Tensor {
  return binary('sub', a, b, (dy) => [dy, neg(dy)]);
}

export function mul(a: TensorOrNumber, b: TensorOrNumber): Tensor {
  return binary('mul', a, b, (dy, sa, sb) => [mul(dy, sb), mul(dy, sa)]);
}

export function div(a: TensorOrNumber, b: TensorOrNumber): Tensor {
  // d(a/b)/da = 1/b; d(a/b)/db = -a/b^2 = -y/b
  return binary('div', a, b, (dy, _sa, sb, sy) => [div(dy, sb), neg(div(mul(dy, sy), sb))]);
}

/** Where a == b each side gets half the gradient (PyTorch's rule for ties). */
function tieSplit(wins: Tensor, sa: Tensor, sb: Tensor, dy: Tensor): [Tensor, Tensor] {
  const maskA = add(wins, mul(equal(sa, sb), 0.5));
  return [mul(dy, maskA), mul(dy, sub(1, maskA))];
}

export function maximum(a: TensorOrNumber, b: TensorOrNumber): Tensor {
  return binary('maximum', a, b, (dy, sa, sb) => tieSplit(greater(sa, sb), sa, sb, dy));
}

export function minimum(a: TensorOrNumber, b: TensorOrNumber): Tensor {
  return binary('minimum', a, b, (dy, sa, sb) => tieSplit(greater(sb, sa), sa, sb, dy));
}

/** float32 1 where a > b, else 0. Not differentiable. */
export function greater(a: TensorOrNumber, b: TensorOrNumber): Tensor {
  return binary('greater', a, b);
}

/** float32 1 where a == b, else 0. Not differentiable. */
export function equal(a: TensorOrNumber, b: TensorOrNumber): Tensor {
  return binary('equal', a, b);
}

/** Elementwise `cond != 0 ? a : b`, all three broadcast together. */
export function where(cond: Tensor, a: TensorOrNumber, b: TensorOrNumber): Tensor {
  const op = 'where';
  checkTensor(op, 'cond', cond);
  // Two plain numbers give a float32 result on cond's backend.
  const [ta, tb] =
    typeof a === 'number' && typeof b === 'number'
      ? [
          hostTensor(cond.backend, Float32Array.of(a), [], 'float32'),
          hostTensor(cond.backend, Float32Array.of(b), [], 'float32'),
        ]
      : operands(op, a, b);
  try {
    const backend = backendOf(op, cond, ta, tb);
    const abShape = broadcastShapes(op, ta.shape, tb.shape);
    const outShape = broadcastShapes(op, cond.shape, abShape, ['cond', 'a/b']);
    const y = runKernel(backend, 'Where', { cond, a: ta, b: tb, outShape }, outShape, ta.dtype);
    const aShape = ta.shape;
    const bShape = tb.shape;
    record(op, [cond, ta, tb], y, [cond], (dy, [sc]) => {
      const zero = zerosLike(dy);
      return [
        null,
        sumToShape(where(sc, dy, zero), aShape),
        sumToShape(where(sc, zero, dy), bShape),
      ];
    });
    return y;
  } finally {
    if (typeof a === 'number') ta.dispose();
    if (typeof b === 'number') tb.dispose();
  }
}

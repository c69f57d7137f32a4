/**
 * Elementwise functions of one tensor, each with its VJP beside it.
 * VJPs run inside a tidy scope during backward, so they create temporaries freely.
 */
import type { UnaryOp } from '../backend/kernels.js';
import { record } from '../autodiff/tape.js';
import { DTypeError } from '../errors.js';
import type { Tensor } from '../tensor.js';
import { checkTensor, runKernel } from './dispatch.js';
import { mul, div, sub } from './binary.js';
import { composite } from './composite.js';

/** Ops that only make sense on real numbers; int32 input is a DTypeError. */
const FLOAT_ONLY = new Set<UnaryOp>(['exp', 'log', 'sqrt', 'sigmoid', 'tanh']);

function unary(op: UnaryOp, x: Tensor): Tensor {
  checkTensor(op, 'x', x);
  if (FLOAT_ONLY.has(op) && x.dtype !== 'float32') {
    throw new DTypeError(`${op}: 'x' must be float32, got ${x.dtype} (cast it first)`);
  }
  return runKernel(x.backend, 'Unary', { op, x }, x.shape, x.dtype);
}

export function neg(x: Tensor): Tensor {
  const y = unary('neg', x);
  record('neg', [x], y, [], (dy) => [neg(dy)]);
  return y;
}

/** 1 where x > 0, else 0 (same dtype as x). Piecewise constant: no gradient flows through it. */
export function step(x: Tensor): Tensor {
  return unary('step', x);
}

/** -1, 0 or 1 by the sign of x. */
export function sign(x: Tensor): Tensor {
  checkTensor('sign', 'x', x);
  // composite: the three temporaries die here, and nothing is recorded (sign has zero gradient).
  return composite(() => sub(step(x), step(unary('neg', x))));
}

export function abs(x: Tensor): Tensor {
  const y = unary('abs', x);
  record('abs', [x], y, [x], (dy, [xs]) => [mul(dy, sign(xs))]);
  return y;
}

export function exp(x: Tensor): Tensor {
  const y = unary('exp', x);
  record('exp', [x], y, [y], (dy, [ys]) => [mul(dy, ys)]);
  return y;
}

export function log(x: Tensor): Tensor {
  const y = unary('log', x);
  record('log', [x], y, [x], (dy, [xs]) => [div(dy, xs)]);
  return y;
}

export function sqrt(x: Tensor): Tensor {
  const y = unary('sqrt', x);
  record('sqrt', [x], y, [y], (dy, [ys]) => [div(dy, mul(ys, 2))]);
  return y;
}

export function square(x: Tensor): Tensor {
  const y = unary('square', x);
  record('square', [x], y, [x], (dy, [xs]) => [mul(dy, mul(xs, 2))]);
  return y;
}

export function relu(x: Tensor): Tensor {
  const y = unary('relu', x);
  record('relu', [x], y, [x], (dy, [xs]) => [mul(dy, step(xs))]);
  return y;
}

export function sigmoid(x: Tensor): Tensor {
  const y = unary('sigmoid', x);
  record('sigmoid', [x], y, [y], (dy, [ys]) => [mul(dy, mul(ys, sub(1, ys)))]);
  return y;
}

export function tanh(x: Tensor): Tensor {
  const y = unary('tanh', x);
  record('tanh', [x], y, [y], (dy, [ys]) => [mul(dy, sub(1, unary('square', ys)))]);
  return y;
}

/** Unary ops, broadcasting binary ops of every rank pattern, and where. */
import {
  add,
  div,
  equal,
  greater,
  maximum,
  minimum,
  mul,
  sub,
  sumToShape,
  where,
  type TensorOrNumber,
} from '../../ops/binary.js';
import {
  abs,
  exp,
  log,
  neg,
  relu,
  sigmoid,
  sign,
  sqrt,
  square,
  step,
  tanh,
} from '../../ops/unary.js';
import type { Tensor } from '../../tensor.js';
import { forward, gradCase, gradOf, type ConformanceCase } from './types.js';

const floatBinary = [add, sub, mul, div, maximum, minimum, greater, equal];
const intBinary = [add, sub, mul, maximum, minimum, greater, equal];

/** Shape pairs that exercise every broadcasting pattern. */
const broadcastPatterns: [number[], number[]][] = [
  [
    [3, 4],
    [3, 4],
  ],
  [[], [3, 4]],
  [[3, 4], []],
  [
    [3, 4],
    [1, 4],
  ],
  [
    [3, 1],
    [3, 4],
  ],
  [[4], [3, 4]],
  [
    [3, 1],
    [1, 4],
  ],
  [
    [2, 1, 4],
    [3, 1],
  ],
  [
    [2, 3, 1, 5],
    [3, 4, 1],
  ],
  [
    [1, 3, 1, 1],
    [2, 1, 4, 1],
  ],
  [[1], [5]],
  [[1, 1, 1], [1]],
  [
    [0, 3],
    [1, 3],
  ],
  [
    [2, 0],
    [2, 1],
  ],
  [[0], []],
  [[17], [17]],
];

const fmt = (s: readonly number[]) => `[${s.join(',')}]`;

export const elementwiseCases: ConformanceCase[] = [
  forward('unary ops on float32 [3, 17]', (c) => {
    const x = c.rand([3, 17], -3, 3);
    const pos = c.rand([3, 17], 0.01, 5);
    return [
      neg(x),
      abs(x),
      exp(x),
      log(pos),
      sqrt(pos),
      square(x),
      relu(x),
      sigmoid(x),
      tanh(x),
      step(x),
      sign(x),
    ];
  }),
  forward('unary ops on int32 (neg, abs, square, relu, step, sign)', (c) => {
    const x = c.randInt([4, 5], -9, 10);
    return [neg(x), abs(x), square(x), relu(x), step(x), sign(x)];
  }),
  forward('unary ops on scalars, size-1 and size-0 tensors', (c) => [
    exp(c.rand([])),
    tanh(c.rand([1, 1])),
    relu(c.rand([0, 3])),
    sigmoid(c.tensor([-100, 100, 0])),
  ]),
  ...broadcastPatterns.map(([sa, sb]) =>
    forward(`binary ops broadcast ${fmt(sa)} with ${fmt(sb)}`, (c) => {
      const a = c.rand(sa, -2, 2);
      const b = c.rand(sb, 0.5, 2); // away from 0 so div stays finite
      return floatBinary.map((op) => op(a, b));
    }),
  ),
  forward('binary ops with ties (equal, maximum, minimum)', (c) => {
    const a = c.tensor([1, 2, 3, 4, 5, 6], [2, 3]);
    const b = c.tensor([1, 0, 3], [3]);
    return [equal(a, b), maximum(a, b), minimum(a, b), greater(a, b), greater(b, a)];
  }),
  forward('binary ops with a plain number operand', (c) => {
    const x = c.rand([2, 3]);
    const ops: ((a: TensorOrNumber, b: TensorOrNumber) => Tensor)[] = floatBinary;
    return ops.flatMap((op) => [op(x, 0.5), op(1.5, x)]);
  }),
  ...[
    [
      [3, 4],
      [3, 4],
    ],
    [
      [2, 1, 3],
      [4, 1],
    ],
    [[], [5]],
  ].map(([sa, sb]) =>
    forward(`int32 binary ops broadcast ${fmt(sa)} with ${fmt(sb)}`, (c) => {
      const a = c.randInt(sa, -6, 7);
      const b = c.randInt(sb, -6, 7);
      return intBinary.map((op) => op(a, b));
    }),
  ),
  forward('sumToShape sums broadcast gradients back', (c) => {
    const dy = c.rand([2, 3, 4]);
    return [
      sumToShape(dy, [3, 1]),
      sumToShape(dy, [4]),
      sumToShape(dy, []),
      sumToShape(dy, [1, 3, 1]),
    ];
  }),
  forward('where with broadcast cond, a and b', (c) => {
    const cond = c.track(greater(c.rand([3, 1]), 0));
    return [
      where(cond, c.rand([1, 4]), c.rand([])),
      where(c.tensor([1, 0, 1, 0]), c.rand([2, 4]), c.rand([2, 1])),
      where(c.tensor([0, 1, -1], [3, 1, 1]), c.randInt([2, 1], -5, 5), c.randInt([1, 4], 10, 20)),
      where(c.track(greater(c.rand([2, 3]), 0)), 2, -1),
      where(c.tensor([1, 0]), c.rand([0, 2]), 0),
    ];
  }),
];

export const elementwiseGradCases: ConformanceCase[] = [
  gradOf('grad neg', [[3, 4]], neg),
  gradOf('grad abs', [[3, 4]], abs),
  gradOf('grad exp', [[3, 4]], exp),
  gradCase('grad log', (c) => ({ xs: [c.rand([3, 4], 0.2, 3)], f: log })),
  gradCase('grad sqrt', (c) => ({ xs: [c.rand([3, 4], 0.2, 3)], f: sqrt })),
  gradOf('grad square', [[3, 4]], square),
  gradOf('grad relu', [[4, 5]], relu),
  gradOf('grad sigmoid', [[3, 4]], sigmoid),
  gradOf('grad tanh', [[3, 4]], tanh),
  gradOf('grad add broadcast [2,3,1] + [4]', [[2, 3, 1], [4]], add),
  gradOf(
    'grad sub broadcast [3,1] - [1,4]',
    [
      [3, 1],
      [1, 4],
    ],
    sub,
  ),
  gradOf(
    'grad mul broadcast [2,1,4] * [3,1]',
    [
      [2, 1, 4],
      [3, 1],
    ],
    mul,
  ),
  gradCase('grad div broadcast [3,4] / [4]', (c) => ({
    xs: [c.rand([3, 4]), c.rand([4], 0.5, 2)],
    f: div,
  })),
  gradOf(
    'grad maximum',
    [
      [3, 4],
      [3, 4],
    ],
    maximum,
  ),
  gradOf(
    'grad minimum broadcast',
    [
      [3, 4],
      [1, 4],
    ],
    minimum,
  ),
  gradOf('grad ops with a number operand', [[2, 3]], (x) => add(mul(sub(2, x), 3), div(x, 4))),
  gradCase('grad where broadcast', (c) => {
    const cond = c.track(greater(c.rand([3, 1]), 0));
    return { xs: [c.rand([3, 4]), c.rand([4])], f: (a, b) => where(cond, a, b) };
  }),
  gradOf('grad through greater/equal masks is zero for the mask', [[3, 4]], (x) =>
    mul(x, greater(x, 0)),
  ),
];
